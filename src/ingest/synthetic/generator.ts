/**
 * The synthetic sources' entry points: a day of trips (with mess) and a day of weather,
 * both pure functions of (settings, date). Same settings and date → byte-identical lines.
 */
import type { City } from "../cities";
import { openMeteoResponse } from "../connectors/openMeteoShape";
import { buildFleet, shiftSampler, type Driver } from "./drivers";
import { messyLines, resolveMessRates, zeroCounts, type LabelledLine, type MessCounts, type MessRates } from "./mess";
import { Random } from "./random";
import { WallClock } from "./clock";
import { cleanTrips, isWeekend, STAMP_PRECISIONS, type StampPrecision } from "./trips";
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
  /** The trips' stamps: "rounded" to 15 minutes as the real feed (default), or exact "seconds". */
  stamps: StampPrecision;
}

export interface SyntheticOptions {
  seed?: string;
  rowsPerDay?: number;
  drivers?: number;
  mess?: Partial<MessRates> | "none";
  stamps?: StampPrecision;
}

export function resolveSyntheticSettings(opts: SyntheticOptions, city: City): SyntheticSettings {
  const rowsPerDay = opts.rowsPerDay ?? 5000;
  if (!Number.isInteger(rowsPerDay) || rowsPerDay < 0) throw new Error(`rows per day must be a non-negative integer, got ${rowsPerDay}`);
  const stamps = opts.stamps ?? "rounded";
  if (!STAMP_PRECISIONS.includes(stamps)) throw new Error(`stamps must be one of ${STAMP_PRECISIONS.join(", ")}, got '${stamps}'`);
  return { seed: opts.seed ?? "lakehouse", rowsPerDay, drivers: opts.drivers ?? 3000, city, mess: resolveMessRates(opts.mess), stamps };
}

// Building the fleet costs a few ms; a multi-day run reuses it.
const fleets = new Map<string, Driver[]>();
function fleetFor(seed: string, size: number): Driver[] {
  const key = `${seed}\u0000${size}`;
  let fleet = fleets.get(key);
  if (!fleet) fleets.set(key, (fleet = buildFleet(seed, size)));
  return fleet;
}

const clocks = new Map<string, WallClock>();
function clockFor(timeZone: string): WallClock {
  let clock = clocks.get(timeZone);
  if (!clock) clocks.set(timeZone, (clock = new WallClock(timeZone)));
  return clock;
}

/** The day's trip lines; `counts` receives how many of each kind of mess went in. */
export function* syntheticTripLines(s: SyntheticSettings, date: string, counts: MessCounts = zeroCounts()): Generator<string> {
  for (const { line } of labelledTripLines(s, date, counts)) yield line;
}

/** The same lines, each with the mess that made it: what a test knows and silver must find out. */
export function* labelledTripLines(s: SyntheticSettings, date: string, counts: MessCounts = zeroCounts()): Generator<LabelledLine> {
  const fleet = fleetFor(s.seed, s.drivers);
  const weather = syntheticWeather(s.seed, s.city, date);
  const trips = cleanTrips({ date, seed: s.seed, rowsPerDay: s.rowsPerDay, weather, fleet, shifts: shiftSampler(s.seed, fleet, date, isWeekend(date)), clock: clockFor(s.city.timezone), stamps: s.stamps });
  yield* messyLines(trips, s.mess, new Random(s.seed, "mess", date), counts);
}

/** The day's weather record for the city, in Open-Meteo's raw shape. */
export function syntheticWeatherLine(s: Pick<SyntheticSettings, "seed" | "city">, date: string): string {
  return JSON.stringify(openMeteoResponse(s.city, syntheticWeather(s.seed, s.city, date)));
}
