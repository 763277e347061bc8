/**
 * The synthetic fleet: a few thousand taxis (the driver dimension), each with a company,
 * how busy it is, and how often it works. Depends on the seed only, so a driver keeps the
 * same taxi_id and habits on every day.
 */
import { Random, WeightedSampler } from "./random";

export interface Driver {
  /** 128 hex chars, like the Chicago feed's hashed taxi ids. */
  taxiId: string;
  company: string;
  /** Relative trips per working hour; heavy-tailed, so a few drivers do much of the work. */
  activity: number;
  /** Chance of working on a weekday / on a weekend day. */
  weekdayShare: number;
  weekendShare: number;
}

/** Company names as the Chicago feed spells them, weighted by their share of trips. */
const COMPANIES: [string, number][] = [
  ["Flash Cab", 18], ["Taxi Affiliation Services", 14], ["Sun Taxi", 10], ["City Service", 9],
  ["Chicago Independents", 6], ["Taxicab Insurance Agency Llc", 6], ["Globe Taxi", 5],
  ["Medallion Leasin", 4], ["Blue Ribbon Taxi Association", 4], ["Star North Taxi Management Llc", 4],
  ["Choice Taxi Association", 4], ["5 Star Taxi", 3], ["Setare Inc", 3], ["Koam Taxi Association", 2],
  ["Chicago Cab Company", 2], ["Top Cab", 2], ["Petani Cab Corp", 2], ["Tac - Yellow Non Color", 2],
];

export function buildFleet(seed: string, size: number): Driver[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`drivers must be a positive integer, got ${size}`);
  const rng = new Random(seed, "fleet");
  const companies = new WeightedSampler(COMPANIES.map(([, w]) => w));
  const fleet: Driver[] = [];
  for (let i = 0; i < size; i++) {
    const weekendDriver = rng.chance(0.2);
    fleet.push({
      taxiId: rng.hex(128),
      company: COMPANIES[companies.sample(rng)][0],
      activity: rng.logNormal(1, 0.8),
      weekdayShare: weekendDriver ? 0.35 : 0.55 + 0.4 * rng.next(),
      weekendShare: weekendDriver ? 0.95 : 0.25 + 0.5 * rng.next(),
    });
  }
  return fleet;
}

/** Who works on a day, weighted by activity: deterministic by (seed, date). */
export function shiftSampler(seed: string, fleet: Driver[], date: string, weekend: boolean): WeightedSampler {
  const rng = new Random(seed, "shifts", date);
  const weights = fleet.map((d) => (rng.chance(weekend ? d.weekendShare : d.weekdayShare) ? d.activity : 0));
  return new WeightedSampler(weights);
}
