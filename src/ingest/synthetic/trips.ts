/**
 * Clean synthetic taxi trips in the raw shape of the Chicago Taxi Trips API (Socrata): every
 * value a JSON string, numbers printed as Socrata prints them, absent fields left out,
 * timestamps as local (America/Chicago) wall-clock time without offset, rounded to 15 minutes as
 * the city publishes them (so a short trip's two stamps are often equal), timed in real time
 * (a trip across a daylight-saving change gets the stamps the clock shows).
 *
 * Realism that downstream tests rely on: pickups follow a daily and weekly rhythm taken from
 * a real Chicago sample; weather moves the day's count and the speed of traffic; fares follow
 * the city's meter (flag pull + per mile + per 36 s), so fare + tips + tolls + extras = trip_total.
 */
import type { DailyWeather } from "../connectors/openMeteoShape";
import type { Driver } from "./drivers";
import { roundToStep, STAMP_STEP_SECONDS, type WallClock } from "./clock";
import { Random, WeightedSampler } from "./random";
import { weatherDemandFactor, weatherSpeedFactor } from "./weather";

/** Raw trip as the source sends it: field → string, absent fields omitted. */
export type RawTrip = Record<string, string>;

/** Field order of the API's answer (the $select the real connector sends). */
export const TRIP_FIELDS = [
  "trip_id", "taxi_id", "trip_start_timestamp", "trip_end_timestamp", "trip_seconds", "trip_miles",
  "pickup_community_area", "dropoff_community_area", "fare", "tips", "tolls", "extras", "trip_total",
  "payment_type", "company",
] as const;

// Pickups per hour of day in the real sample (tfx's Chicago taxi data), used as the base rhythm.
const REAL_HOURLY = [210, 192, 155, 102, 62, 39, 63, 96, 195, 245, 221, 204, 285, 225, 253, 241, 236, 268, 302, 351, 295, 276, 259, 225];
// Weekdays have a morning rush; weekends have busier nights and quiet mornings.
const WEEKDAY_HOURLY = REAL_HOURLY.map((n, h) => n * (h >= 7 && h <= 9 ? 1.35 : h <= 4 ? 0.7 : 1));
const WEEKEND_HOURLY = REAL_HOURLY.map((n, h) => n * (h <= 3 ? 1.6 : h >= 6 && h <= 9 ? 0.6 : 1));
/** Relative trips per day of week, Sunday first, from the same real sample. */
export const DAY_OF_WEEK_FACTOR = [0.87, 0.86, 0.94, 0.92, 1.03, 1.22, 1.15];

// Pickup areas by share in the real sample (Near North, Loop, Near West, Lake View, ...);
// every other of the 77 community areas gets a small share.
const AREA_WEIGHTS = Array.from({ length: 77 }, (_, i) => ({ 8: 1450, 32: 950, 28: 853, 6: 674, 7: 336, 77: 129, 22: 106, 24: 54, 5: 53 })[i + 1] ?? 12);
const OHARE = 76;
const MIDWAY = 56;

const PAYMENT_TYPES: [string, number][] = [["Credit Card", 42], ["Cash", 33], ["Mobile", 12], ["Prcard", 8], ["Unknown", 4], ["No Charge", 1]];
/** Chicago's meter (2024): flag pull, per mile, per 36 seconds. */
export const METER = { flag: 3.25, perMile: 2.25, per36s: 0.2 };
const AIRPORT_DEPARTURE_TAX = 4;

export interface TripDay {
  date: string;
  seed: string;
  /** Mean trips on a day (before the weekday and weather factors). */
  rowsPerDay: number;
  weather: DailyWeather;
  fleet: Driver[];
  shifts: WeightedSampler;
  /** The city's clock, which prints the stamps. */
  clock: WallClock;
  /** "rounded": both stamps to 15 minutes, as the real feed (the default); "seconds": exact. */
  stamps: StampPrecision;
}

export const STAMP_PRECISIONS = ["rounded", "seconds"] as const;
export type StampPrecision = (typeof STAMP_PRECISIONS)[number];

const SECONDS_PER_DAY = 86_400;

export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/** How many trips the day has: deterministic by seed, date and weather. */
export function tripCount(day: Pick<TripDay, "date" | "seed" | "rowsPerDay" | "weather">): number {
  const noise = new Random(day.seed, "count", day.date).normal(1, 0.03);
  return Math.max(0, Math.round(day.rowsPerDay * DAY_OF_WEEK_FACTOR[dayOfWeek(day.date)] * weatherDemandFactor(day.weather) * noise));
}

/** Socrata prints numbers without trailing zeros: "7.25", "0", "12.5". */
export function money(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/**
 * The meter: time is charged only while the cab is slower than ~12 mph (waiting in traffic),
 * on top of the distance. Charging every second, as a first version did, priced trips at
 * 1.5× the real sample's fare per mile.
 */
export function fareFor(miles: number, seconds: number): number {
  const waitingSeconds = Math.max(0, seconds - (miles / 12) * 3600);
  const raw = METER.flag + METER.perMile * miles + METER.per36s * Math.floor(waitingSeconds / 36);
  return Math.round(raw * 4) / 4; // the meter advances in quarters
}

const hourly = { weekday: new WeightedSampler(WEEKDAY_HOURLY), weekend: new WeightedSampler(WEEKEND_HOURLY) };
const areas = new WeightedSampler(AREA_WEIGHTS);
const payments = new WeightedSampler(PAYMENT_TYPES.map(([, w]) => w));

/** The day's clean trips, in the order the source would send them. */
export function* cleanTrips(day: TripDay): Generator<RawTrip> {
  const rng = new Random(day.seed, "trips", day.date);
  const hours = isWeekend(day.date) ? hourly.weekend : hourly.weekday;
  const speedFactor = weatherSpeedFactor(day.weather);
  const count = tripCount(day);
  for (let i = 0; i < count; i++) {
    const driver = day.fleet[day.shifts.sample(rng)];
    const hour = hours.sample(rng);
    let pickupSecond = hour * 3600 + rng.int(0, 3599);
    // The real feed's day holds the trips whose rounded start falls on it: a pickup in the
    // day's last 7.5 minutes would round to the next day's 00:00, so it is moved back by half a
    // step (rounding to 23:45, still within the feed's 7.5-minute error).
    if (day.stamps === "rounded" && pickupSecond >= SECONDS_PER_DAY - STAMP_STEP_SECONDS / 2) pickupSecond -= STAMP_STEP_SECONDS / 2;
    let pickupArea = areas.sample(rng) + 1;
    let dropoffArea: number | undefined = areas.sample(rng) + 1;
    let miles: number;
    let mph: number;
    const airport = rng.next();
    if (airport < 0.06) {
      // O'Hare runs: long and fast; half from the airport, half to it.
      miles = Math.max(8, rng.normal(17, 3));
      if (rng.chance(0.5)) pickupArea = OHARE;
      else dropoffArea = OHARE;
      mph = rng.logNormal(22, 0.25);
    } else if (airport < 0.09) {
      miles = Math.max(5, rng.normal(11, 2));
      if (rng.chance(0.5)) pickupArea = MIDWAY;
      else dropoffArea = MIDWAY;
      mph = rng.logNormal(20, 0.25);
    } else if (airport < 0.13) {
      miles = 0; // the real feed has many zero-mile trips (meter not run on distance)
      mph = 1;
    } else {
      miles = Math.min(40, rng.logNormal(1.2, 0.85));
      mph = rng.logNormal(14, 0.3);
    }
    const rush = (hour >= 7 && hour <= 9) || (hour >= 16 && hour <= 18);
    mph = Math.min(55, Math.max(3, mph * (rush ? 0.8 : hour <= 5 ? 1.3 : 1) * speedFactor));
    miles = Math.round(miles * 10) / 10;
    const seconds = miles === 0 ? rng.int(60, 600) : Math.round((miles / mph) * 3600 + rng.int(30, 150));
    if (rng.chance(0.02)) dropoffArea = undefined; // dropped off outside the city: no area

    const payment = PAYMENT_TYPES[payments.sample(rng)][0];
    const fare = payment === "No Charge" ? 0 : fareFor(miles, seconds);
    const tipped = (payment === "Credit Card" || payment === "Mobile") && rng.chance(0.85);
    const tips = tipped ? Math.round(fare * Math.min(0.5, Math.max(0.05, rng.normal(0.21, 0.06))) * 100) / 100 : 0;
    const tolls = 0;
    const extras = (pickupArea === OHARE || pickupArea === MIDWAY ? AIRPORT_DEPARTURE_TAX : 0) + (rng.chance(0.08) ? rng.int(1, 3) : 0);

    const pickupAt = day.clock.instant(day.date, pickupSecond);
    const stamp = (instant: number) => day.clock.stamp(day.stamps === "rounded" ? roundToStep(instant) : instant);
    const trip: RawTrip = {
      trip_id: rng.hex(40),
      taxi_id: driver.taxiId,
      trip_start_timestamp: stamp(pickupAt),
      trip_end_timestamp: stamp(pickupAt + seconds * 1000),
      trip_seconds: String(seconds),
      trip_miles: String(miles),
      pickup_community_area: String(pickupArea),
    };
    if (dropoffArea !== undefined) trip.dropoff_community_area = String(dropoffArea);
    trip.fare = money(fare);
    trip.tips = money(tips);
    trip.tolls = money(tolls);
    trip.extras = money(extras);
    trip.trip_total = money(fare + tips + tolls + extras);
    trip.payment_type = payment;
    trip.company = driver.company;
    yield trip;
  }
}
