/**
 * NYC TLC yellow taxi trip records: the city publishes one Parquet file per month; a day is
 * the month's rows whose tpep_pickup_datetime falls on it (local New York wall-clock time,
 * as the file stores it, with no time zone).
 *
 * The raw shape is TLC's columns, unrenamed; values become JSON (timestamps as
 * "YYYY-MM-DDTHH:MM:SS", integers as numbers, nulls as null). NYC records have no driver or
 * taxi id (VendorID is the meter vendor), so they are their own bronze dataset, not `trips`.
 *
 * Parquet is read with hyparquet (pure JavaScript, maintained; codecs from hyparquet-compressors).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fetchBytes, type HttpOptions } from "../http";
import { addDays } from "../layout";
import { SourceError, type Connector, type LogicalDate } from "../types";

export const NYC_TLC_URL = "https://d37ci6vzurychx.cloudfront.net/trip-data";
const PICKUP = "tpep_pickup_datetime";
const MAGIC = Buffer.from("PAR1");

export interface NycYellowOptions {
  /** Folder of the monthly files (default NYC_TLC_URL). */
  url?: string;
  /** Where monthly files are kept between days (default ~/.cache/lakehouse/tlc). */
  cacheDir?: string;
  http?: HttpOptions;
}

export function monthFileUrl(baseUrl: string, date: LogicalDate): string {
  return `${baseUrl.replace(/\/$/, "")}/yellow_tripdata_${date.slice(0, 7)}.parquet`;
}

/** Why a body is not a whole Parquet file, or undefined when it looks like one. */
export function parquetProblem(body: Buffer, contentType: string): string | undefined {
  if (body.length === 0) return "empty body where a Parquet file was expected";
  const head = body.subarray(0, 64).toString("utf8");
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(head)) return `HTML instead of a Parquet file: ${head.replace(/\s+/g, " ").slice(0, 120)}`;
  if (/^\s*<\?xml|^\s*<Error>/i.test(head)) return `an XML error instead of a Parquet file: ${body.subarray(0, 300).toString("utf8").replace(/\s+/g, " ")}`;
  if (!body.subarray(0, 4).equals(MAGIC)) return "not a Parquet file (no PAR1 header)";
  if (body.length < 12 || !body.subarray(body.length - 4).equals(MAGIC)) return `truncated Parquet file (${body.length} bytes, no PAR1 footer)`;
  return undefined;
}

/** A Parquet value as JSON: timestamps as naive wall-clock, BigInts as numbers. */
export function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().slice(0, 19);
  if (typeof v === "bigint") return Number(v);
  return v === undefined ? null : v;
}

export class NycYellowConnector implements Connector {
  readonly source = "nyc-tlc";
  readonly dataset = "nyc_yellow_trips" as const;
  private readonly url: string;
  private readonly cacheDir: string;

  constructor(private readonly opts: NycYellowOptions = {}) {
    this.url = opts.url ?? NYC_TLC_URL;
    this.cacheDir = opts.cacheDir ?? path.join(os.homedir(), ".cache", "lakehouse", "tlc");
  }

  describe(date: LogicalDate): Record<string, unknown> {
    return { url: monthFileUrl(this.url, date), filter: `${PICKUP} on ${date}` };
  }

  /** The month's file, downloaded once and checked whole before it is kept. */
  private async monthFile(date: LogicalDate, signal?: AbortSignal): Promise<{ file: string; url: string }> {
    const url = monthFileUrl(this.url, date);
    const file = path.join(this.cacheDir, path.basename(new URL(url).pathname));
    if (fs.existsSync(file)) return { file, url };
    const { body, contentType } = await fetchBytes(url, { source: this.source, date }, this.opts.http, signal);
    const problem = parquetProblem(body, contentType);
    if (problem) throw new SourceError(this.source, date, url, problem);
    fs.mkdirSync(this.cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, body);
    fs.renameSync(partial, file);
    return { file, url };
  }

  async *fetchDay(date: LogicalDate, signal?: AbortSignal): AsyncIterable<string> {
    const { file, url } = await this.monthFile(date, signal);
    const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
    const { compressors } = await import("hyparquet-compressors");
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    const from = Date.parse(`${date}T00:00:00Z`);
    const to = Date.parse(`${addDays(date, 1)}T00:00:00Z`);
    let found = 0;
    let groupStart = 0;
    // One row group at a time: a month is ~3 million rows, too many to hold as objects at once.
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const rows = await parquetReadObjects({ file: buffer, metadata, compressors, rowStart: groupStart, rowEnd: groupEnd });
      groupStart = groupEnd;
      for (const row of rows) {
        const pickup = row[PICKUP];
        if (!(pickup instanceof Date)) throw new SourceError(this.source, date, url, `column ${PICKUP} is missing or not a timestamp`);
        const t = pickup.getTime();
        if (t < from || t >= to) continue;
        found++;
        const record: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) record[k] = jsonValue(v);
        yield JSON.stringify(record);
      }
    }
    if (found === 0) throw new SourceError(this.source, date, url, `no trips with ${PICKUP} on ${date} in the month's file: an empty day where data was expected`);
  }
}
