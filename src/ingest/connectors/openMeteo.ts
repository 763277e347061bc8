/**
 * Daily weather from Open-Meteo's historical archive API: one request per day for the city, and
 * the response object, untouched, is the day's bronze record in the city's weather dataset.
 */
import type { City } from "../cities";
import { fetchJson, type HttpOptions } from "../http";
import { SourceError, type Connector, type LogicalDate } from "../types";
import { DAILY_VARIABLES } from "./openMeteoShape";

export const OPEN_METEO_ARCHIVE_URL = "https://archive-api.open-meteo.com/v1/archive";

export interface OpenMeteoOptions {
  /** Whose weather: also names the bronze dataset it fills (City.weatherDataset). */
  city: City;
  url?: string;
  http?: HttpOptions;
}

export function openMeteoDayQuery(baseUrl: string, city: City, date: LogicalDate): string {
  const url = new URL(baseUrl);
  url.searchParams.set("latitude", String(city.latitude));
  url.searchParams.set("longitude", String(city.longitude));
  url.searchParams.set("start_date", date);
  url.searchParams.set("end_date", date);
  url.searchParams.set("daily", DAILY_VARIABLES.join(","));
  // Days are the city's local days, like the trips' partitions.
  url.searchParams.set("timezone", city.timezone);
  return url.toString();
}

export class OpenMeteoConnector implements Connector {
  readonly source = "open-meteo-archive";
  readonly dataset: City["weatherDataset"];
  private readonly url: string;

  constructor(private readonly opts: OpenMeteoOptions) {
    this.dataset = opts.city.weatherDataset;
    this.url = opts.url ?? OPEN_METEO_ARCHIVE_URL;
  }

  describe(date: LogicalDate): Record<string, unknown> {
    return { url: openMeteoDayQuery(this.url, this.opts.city, date), city: this.opts.city.id };
  }

  async *fetchDay(date: LogicalDate, signal?: AbortSignal): AsyncIterable<string> {
    const { city } = this.opts;
    const url = openMeteoDayQuery(this.url, city, date);
    const body = await fetchJson(url, { source: this.source, date }, { ...this.opts.http, headers: { accept: "application/json", ...this.opts.http?.headers } }, signal);
    const problem = dayProblem(body, date);
    if (problem) throw new SourceError(this.source, date, url, `${city.name}: ${problem}`);
    yield JSON.stringify(body);
  }
}

/** Why a response is not the day's weather, or undefined when it is. */
export function dayProblem(body: unknown, date: LogicalDate): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "expected a JSON object";
  const b = body as { error?: boolean; reason?: string; daily?: Record<string, unknown[]> };
  if (b.error) return `the API answered with an error: ${b.reason ?? "no reason given"}`;
  const daily = b.daily;
  if (!daily || !Array.isArray(daily.time)) return "no 'daily' block in the answer";
  if (daily.time.length !== 1 || daily.time[0] !== date) return `answer covers ${JSON.stringify(daily.time)}, not ${date}`;
  const values = DAILY_VARIABLES.map((v) => daily[v]?.[0]);
  // The archive answers days it has no data for (yet) with nulls: an empty day.
  if (values.every((v) => v === null || v === undefined)) return "every daily value is null: no data for the day yet (an empty answer where data was expected)";
  return undefined;
}
