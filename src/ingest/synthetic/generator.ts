/**
 * The synthetic sources' entry points: a day of trips (with mess) and a day of weather,
 * both pure functions of (settings, date). Same settings and date → byte-identical lines.
 */
import type { City } from "../cities";
import { openMeteoResponse } from "../connectors/openMeteoShape";
import { buildFleet, shiftSampler, type Driver } from "./drivers";
import { messyLines, resolveMessRates, zeroCounts, type MessCounts, type MessRates } from "./mess";
import { Random } from "./random";
import { cleanTrips, isWeekend } from "./trips";
import { syntheticWeather } from "./weather";

export interface SyntheticSettings {
  /** Any string; the default "lakehouse" makes every checkout generate the same data. */
  seed: string;
  /** Mean trips per day before weekday and weather factors (NYC yellow: ~100,000). */
  rowsPerDay: number;
  /** Size of the fleet: the driver dimension. */
  drivers: number;
  /** The city whose weather moves the trips (the trips' raw shape is Chicago's). */
  city: City;
  /** Mess rates; "none" for clean data. */
  mess: MessRates;
}

export interface SyntheticOptions {
  seed?: string;
  rowsPerDay?: number;
  drivers?: number;
  mess?: Partial<MessRates> | "none";
}

export function resolveSyntheticSettings(opts: SyntheticOptions, city: City): SyntheticSettings {
  const rowsPerDay = opts.rowsPerDay ?? 5000;
  if (!Number.isInteger(rowsPerDay) || rowsPerDay < 0) throw new Error(`rows per day must be a non-negative integer, got ${rowsPerDay}`);
  return { seed: opts.seed ?? "lakehouse", rowsPerDay, drivers: opts.drivers ?? 3000, city, mess: resolveMessRates(opts.mess) };
}

// Building the fleet costs a few ms; a multi-day run reuses it.
const fleets = new Map<string, Driver[]>();
function fleetFor(seed: string, size: number): Driver[] {
  const key = `${seed}\u0000${size}`;
  let fleet = fleets.get(key);
  if (!fleet) fleets.set(key, (fleet = buildFleet(seed, size)));
  return fleet;
}

/** The day's trip lines; `counts` receives how many of each kind of mess went in. */
export function* syntheticTripLines(s: SyntheticSettings, date: string, counts: MessCounts = zeroCounts()): Generator<string> {
  const fleet = fleetFor(s.seed, s.drivers);
  const weather = syntheticWeather(s.seed, s.city, date);
  const trips = cleanTrips({ date, seed: s.seed, rowsPerDay: s.rowsPerDay, weather, fleet, shifts: shiftSampler(s.seed, fleet, date, isWeekend(date)) });
  yield* messyLines(trips, s.mess, new Random(s.seed, "mess", date), counts);
}

/** The day's weather record for the city, in Open-Meteo's raw shape. */
export function syntheticWeatherLine(s: Pick<SyntheticSettings, "seed" | "city">, date: string): string {
  return JSON.stringify(openMeteoResponse(s.city, syntheticWeather(s.seed, s.city, date)));
}
