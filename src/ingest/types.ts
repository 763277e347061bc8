/**
 * The connector contract: a source yields the raw lines of one logical day, exactly as it
 * sent them (one JSON record per line, no cleaning); the bronze writer stores them.
 */

/** A calendar day, `YYYY-MM-DD`. Days are the source's local days (see each connector). */
export type LogicalDate = string;

/** Bronze datasets. A dataset is one raw shape, so it has one schema contract downstream. */
export type Dataset = "trips" | "weather" | "nyc_weather" | "nyc_yellow_trips";

export interface Connector {
  /** Short name stored in the manifest, e.g. "synthetic", "chicago-socrata". */
  readonly source: string;
  /** The bronze dataset this connector fills. */
  readonly dataset: Dataset;
  /** Where the day comes from (URL or generator settings): for the manifest and for error messages. */
  describe(date: LogicalDate): Record<string, unknown>;
  /**
   * The day's raw records, one per string, without the newline. A line need not be valid
   * JSON: bronze keeps what the source sent (the synthetic source sends broken lines on purpose).
   * Throws SourceError when the source answers with something that is not the day's data.
   */
  fetchDay(date: LogicalDate, signal?: AbortSignal): AsyncIterable<string>;
}

/** A source answered with something other than the day's data. Nothing may be committed. */
export class SourceError extends Error {
  constructor(
    readonly source: string,
    readonly date: LogicalDate,
    readonly url: string,
    readonly problem: string,
  ) {
    super(`source ${source}, date ${date}: ${problem} (${url})`);
    this.name = "SourceError";
  }
}
