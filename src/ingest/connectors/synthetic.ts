/** The offline sources: synthetic trips (Chicago's raw shape, with mess) and synthetic weather (Open-Meteo's). */
import type { City } from "../cities";
import { resolveSyntheticSettings, syntheticTripLines, syntheticWeatherLine, type SyntheticOptions, type SyntheticSettings } from "../synthetic/generator";
import { zeroCounts, type MessCounts } from "../synthetic/mess";
import type { Connector, LogicalDate } from "../types";

export class SyntheticTripsConnector implements Connector {
  readonly source = "synthetic";
  readonly dataset = "trips" as const;
  readonly settings: SyntheticSettings;
  /** Mess injected per day, filled as a day is generated: the manifest records it. */
  private readonly injected = new Map<LogicalDate, MessCounts>();

  constructor(opts: SyntheticOptions, city: City) {
    this.settings = resolveSyntheticSettings(opts, city);
  }

  describe(date: LogicalDate): Record<string, unknown> {
    const { seed, rowsPerDay, drivers, city, mess, stamps } = this.settings;
    return { generator: "synthetic-chicago-trips", seed, rows_per_day: rowsPerDay, drivers, weather_city: city.id, stamps, mess_rates: mess, ...(this.injected.has(date) ? { injected_mess: this.injected.get(date) } : {}) };
  }

  async *fetchDay(date: LogicalDate): AsyncIterable<string> {
    const counts = zeroCounts();
    this.injected.set(date, counts);
    yield* syntheticTripLines(this.settings, date, counts);
  }
}

export class SyntheticWeatherConnector implements Connector {
  readonly source = "synthetic";
  readonly dataset: City["weatherDataset"];

  constructor(
    private readonly seed: string,
    /** Whose weather: also names the bronze dataset it fills (City.weatherDataset). */
    private readonly city: City,
  ) {
    this.dataset = city.weatherDataset;
  }

  describe(): Record<string, unknown> {
    return { generator: "synthetic-open-meteo-daily", seed: this.seed, city: this.city.id };
  }

  async *fetchDay(date: LogicalDate): AsyncIterable<string> {
    yield syntheticWeatherLine({ seed: this.seed, city: this.city }, date);
  }
}
