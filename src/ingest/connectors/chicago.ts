/**
 * Chicago Taxi Trips from the city's open-data API (Socrata SODA 2.x): one day is a query on
 * trip_start_timestamp, read in pages. Unlike NYC's files, every trip carries taxi_id, the
 * driver dimension gold's "revenue by driver" needs.
 *
 * Timestamps are floating (local America/Chicago wall-clock, no offset), so a day's query is
 * on local time and the partition is the local day. The query selects exactly the fields of
 * the bronze trips contract (spark/contracts/trips.json): the API also serves census tracts
 * and centroid geometry, which the pipeline does not use; selecting is asking the source
 * for less, not changing what it sends.
 */
import { addDays } from "../layout";
import { fetchJson, type HttpOptions } from "../http";
import { TRIP_FIELDS } from "../synthetic/trips";
import { SourceError, type Connector, type LogicalDate } from "../types";
import { SOCRATA_APP_TOKEN_ENV } from "../endpoints";

/** "Taxi Trips (2024-)"; the 2013–2023 trips are dataset wrvz-psew. */
export const CHICAGO_TRIPS_URL = "https://data.cityofchicago.org/resource/ajtu-isnz.json";

export interface ChicagoTripsOptions {
  /** The dataset's resource URL (default CHICAGO_TRIPS_URL; tests point it at a local server). */
  url?: string;
  /** Rows per request (Socrata allows up to 50,000). */
  pageSize?: number;
  /** A Socrata app token raises the rate limit (sent as X-App-Token). */
  appToken?: string;
  http?: HttpOptions;
}

export function chicagoDayQuery(baseUrl: string, date: LogicalDate, limit: number, offset: number): string {
  const url = new URL(baseUrl);
  url.searchParams.set("$select", TRIP_FIELDS.join(","));
  url.searchParams.set("$where", `trip_start_timestamp >= '${date}T00:00:00' AND trip_start_timestamp < '${addDays(date, 1)}T00:00:00'`);
  // A stable order makes paging by offset see every row exactly once.
  url.searchParams.set("$order", "trip_id");
  url.searchParams.set("$limit", String(limit));
  url.searchParams.set("$offset", String(offset));
  return url.toString();
}

export class ChicagoTripsConnector implements Connector {
  readonly source = "chicago-socrata";
  readonly dataset = "trips" as const;
  private readonly url: string;
  private readonly pageSize: number;
  private readonly http: HttpOptions;

  constructor(opts: ChicagoTripsOptions = {}) {
    this.url = opts.url ?? CHICAGO_TRIPS_URL;
    this.pageSize = opts.pageSize ?? 50_000;
    const token = opts.appToken ?? process.env[SOCRATA_APP_TOKEN_ENV];
    this.http = { ...opts.http, headers: { accept: "application/json", ...(token ? { "X-App-Token": token } : {}), ...opts.http?.headers } };
  }

  describe(date: LogicalDate): Record<string, unknown> {
    return { url: chicagoDayQuery(this.url, date, this.pageSize, 0), page_size: this.pageSize };
  }

  async *fetchDay(date: LogicalDate, signal?: AbortSignal): AsyncIterable<string> {
    const ctx = { source: this.source, date };
    for (let offset = 0; ; offset += this.pageSize) {
      const url = chicagoDayQuery(this.url, date, this.pageSize, offset);
      const page = await fetchJson(url, ctx, this.http, signal);
      if (!Array.isArray(page)) {
        // Socrata reports query errors as {"error": true, "message": ...} or {"code": ..., "message": ...}.
        const message = (page as { message?: string })?.message;
        throw new SourceError(this.source, date, url, `expected a JSON array of trips, got ${message ? `an error object: ${message}` : JSON.stringify(page).slice(0, 160)}`);
      }
      if (page.length === 0 && offset === 0) {
        throw new SourceError(this.source, date, url, "no trips for the day: an empty answer where data was expected (dataset not yet updated, or a wrong dataset?)");
      }
      for (const record of page) {
        if (record === null || typeof record !== "object" || Array.isArray(record)) {
          throw new SourceError(this.source, date, url, `expected trip objects, got ${JSON.stringify(record).slice(0, 80)}`);
        }
        yield JSON.stringify(record);
      }
      if (page.length < this.pageSize) return;
    }
  }
}
