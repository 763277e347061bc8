/**
 * The mess real feeds have, injected at controlled rates into clean synthetic trips. Each
 * kind matches one rule of the silver job (see spark/lakehouse/silver/trips.py), so silver's
 * reject reasons and duplicate counts can be checked against what was injected.
 */
import { STAMP_STEP_SECONDS } from "./clock";
import { Random } from "./random";
import type { RawTrip } from "./trips";

export const MESS_KINDS = [
  /** The same line sent again, later in the day's data. */
  "exact_duplicate",
  /** The same trip_id sent again later with corrected values (tips, total): the later version wins. */
  "resent_same_key",
  /** A line cut off mid-record: not JSON. */
  "malformed_json",
  /** A numeric field sent as a JSON number instead of the feed's string ("12.5" → 12.5): still a valid value. */
  "wrong_type_number",
  /** A required amount sent as an empty string: silver sees it as missing. */
  "empty_string",
  "negative_fare",
  "dropoff_before_pickup",
  /** Pickup timestamp on the day before or after the partition's day. */
  "timestamp_outside_day",
  /** A community area outside Chicago's 1–77. */
  "unknown_zone",
  /**
   * A meter started and stopped at once: trip_seconds "0", no miles, equal stamps. Silver rejects
   * it (`zero_duration`: nothing shows that the trip took any time).
   */
  "zero_duration",
] as const;

export type MessKind = (typeof MESS_KINDS)[number];
/** The kinds silver rejects (each under a reason of its own); the duplicate kinds it removes; wrong_type_number it reads as valid. */
export const REJECTED_MESS_KINDS: readonly MessKind[] = ["malformed_json", "empty_string", "negative_fare", "dropoff_before_pickup", "timestamp_outside_day", "unknown_zone", "zero_duration"];
export const DUPLICATE_MESS_KINDS: readonly MessKind[] = ["exact_duplicate", "resent_same_key"];
/** Share of clean records that get each kind of mess (each record gets at most one). */
export type MessRates = Record<MessKind, number>;
export type MessCounts = Record<MessKind, number>;

export const DEFAULT_MESS_RATES: MessRates = {
  exact_duplicate: 0.004,
  resent_same_key: 0.004,
  malformed_json: 0.001,
  wrong_type_number: 0.003,
  empty_string: 0.002,
  negative_fare: 0.001,
  dropoff_before_pickup: 0.001,
  timestamp_outside_day: 0.001,
  unknown_zone: 0.001,
  // The real sample's share: 183 of its 5,000 trips have trip_seconds 0, 169 of them no miles
  // either (test/unit/ingest/fixtures/chicago-taxi-trips-tfx-sample.csv).
  zero_duration: 0.036,
};

export const NO_MESS: MessRates = Object.fromEntries(MESS_KINDS.map((k) => [k, 0])) as MessRates;

export function zeroCounts(): MessCounts {
  return Object.fromEntries(MESS_KINDS.map((k) => [k, 0])) as MessCounts;
}

export function resolveMessRates(rates: Partial<MessRates> | "none" | undefined): MessRates {
  if (rates === "none") return { ...NO_MESS };
  const merged = { ...DEFAULT_MESS_RATES, ...rates };
  for (const k of MESS_KINDS) {
    if (!(merged[k] >= 0 && merged[k] <= 1)) throw new Error(`mess rate ${k} must be between 0 and 1, got ${merged[k]}`);
  }
  const total = MESS_KINDS.reduce((s, k) => s + merged[k], 0);
  if (total > 1) throw new Error(`mess rates add up to ${total}, more than 1`);
  return merged;
}

const SECONDS_PER_DAY = 86_400;

function shiftTimestamp(ts: string, seconds: number): string {
  return new Date(Date.parse(`${ts}Z`) + seconds * 1000).toISOString().slice(0, 23);
}

/**
 * One line as sent, with the mess that made it (none for a clean line): the ground truth a test
 * computes what silver and gold must hold from. Of a duplicated record, the first line is clean
 * and the later copy carries the duplicate kind.
 */
export interface LabelledLine {
  line: string;
  kind?: MessKind;
}

/** Applies mess to a stream of clean trips and serialises every record as one line. */
export function* messyLines(trips: Iterable<RawTrip>, rates: MessRates, rng: Random, counts: MessCounts): Generator<LabelledLine> {
  // Copies sent again later wait here until their turn (a resend arrives a while after the original).
  const later: { at: number; line: string; kind: MessKind }[] = [];
  let index = 0;
  let sum = 0;
  const cumulative = MESS_KINDS.map((k) => (sum += rates[k]));
  for (const trip of trips) {
    index++;
    const u = rng.next();
    const kind = MESS_KINDS.find((_, i) => u < cumulative[i]);
    let line: string;
    switch (kind) {
      case undefined:
        line = JSON.stringify(trip);
        break;
      case "exact_duplicate":
        line = JSON.stringify(trip);
        later.push({ at: index + rng.int(1, 500), line, kind });
        break;
      case "resent_same_key": {
        line = JSON.stringify(trip);
        const tips = Number(trip.tips) + 1;
        const corrected = { ...trip, tips: String(Math.round(tips * 100) / 100), trip_total: String(Math.round((Number(trip.trip_total) + 1) * 100) / 100) };
        later.push({ at: index + rng.int(1, 500), line: JSON.stringify(corrected), kind });
        break;
      }
      case "malformed_json": {
        const full = JSON.stringify(trip);
        // Cut after the trip id, so two broken lines are never the same line.
        line = full.slice(0, rng.int(60, full.length - 10));
        break;
      }
      case "wrong_type_number": {
        const field = rng.pick(["fare", "trip_miles", "trip_seconds", "tips"] as const);
        line = JSON.stringify({ ...trip, [field]: Number(trip[field]) });
        break;
      }
      case "empty_string":
        line = JSON.stringify({ ...trip, fare: "" });
        break;
      case "negative_fare": {
        const fare = -Math.max(3.25, Number(trip.fare));
        const total = fare + Number(trip.tips) + Number(trip.tolls) + Number(trip.extras);
        line = JSON.stringify({ ...trip, fare: String(fare), trip_total: String(Math.round(total * 100) / 100) });
        break;
      }
      case "dropoff_before_pickup":
        // Whole 15-minute steps: a rounded feed's end stamp is before its start stamp only so.
        line = JSON.stringify({ ...trip, trip_end_timestamp: shiftTimestamp(trip.trip_start_timestamp, -STAMP_STEP_SECONDS * rng.int(1, 2)) });
        break;
      case "timestamp_outside_day": {
        // Moved whole days, so the clock time stays plausible and only the day is wrong.
        const shift = (rng.chance(0.5) ? -1 : 1) * SECONDS_PER_DAY;
        line = JSON.stringify({ ...trip, trip_start_timestamp: shiftTimestamp(trip.trip_start_timestamp, shift), trip_end_timestamp: shiftTimestamp(trip.trip_end_timestamp, shift) });
        break;
      }
      case "unknown_zone":
        line = JSON.stringify({ ...trip, pickup_community_area: String(rng.chance(0.3) ? 0 : rng.int(78, 99)) });
        break;
      case "zero_duration":
        line = JSON.stringify({ ...trip, trip_seconds: "0", trip_miles: "0", trip_end_timestamp: trip.trip_start_timestamp });
        break;
    }
    if (kind) counts[kind]++;
    // The original of a record sent again is itself a clean line.
    yield kind && DUPLICATE_MESS_KINDS.includes(kind) ? { line } : { line, kind };
    for (let i = 0; i < later.length; ) {
      if (later[i].at <= index) {
        yield { line: later[i].line, kind: later[i].kind };
        later.splice(i, 1);
      } else i++;
    }
  }
  // Whatever is still waiting goes out at the end of the day's data.
  for (const { line, kind } of later) yield { line, kind };
}
