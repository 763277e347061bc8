/** The synthetic generator: determinism, the mess at its rates, rhythm, weather, fares, drivers. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { cityById } from "../../../src/ingest/cities";
import { labelledTripLines, resolveSyntheticSettings, syntheticTripLines, syntheticWeatherLine } from "../../../src/ingest/synthetic/generator";
import { MESS_KINDS, resolveMessRates, zeroCounts, type MessRates } from "../../../src/ingest/synthetic/mess";
import { DAY_OF_WEEK_FACTOR, fareFor, tripCount, TRIP_FIELDS } from "../../../src/ingest/synthetic/trips";
import { syntheticWeather } from "../../../src/ingest/synthetic/weather";
import type { DailyWeather } from "../../../src/ingest/connectors/openMeteoShape";

const chicago = cityById("chicago");
const settings = (opts: Parameters<typeof resolveSyntheticSettings>[0] = {}) => resolveSyntheticSettings(opts, chicago);
const lines = (opts: Parameters<typeof resolveSyntheticSettings>[0], date: string) => [...syntheticTripLines(settings(opts), date)];
const sha = (ls: string[]) => createHash("sha256").update(ls.join("\n")).digest("hex");
const parse = (l: string) => JSON.parse(l) as Record<string, unknown>;

describe("determinism", () => {
  test("same seed and date give byte-identical trips and weather", () => {
    const a = lines({ seed: "s1", rowsPerDay: 3000 }, "2024-03-05");
    const b = lines({ seed: "s1", rowsPerDay: 3000 }, "2024-03-05");
    assert.equal(sha(a), sha(b));
    assert.equal(syntheticWeatherLine(settings({ seed: "s1" }), "2024-03-05"), syntheticWeatherLine(settings({ seed: "s1" }), "2024-03-05"));
  });

  test("another seed or another day gives other data", () => {
    const base = sha(lines({ seed: "s1", rowsPerDay: 1000 }, "2024-03-05"));
    assert.notEqual(sha(lines({ seed: "s2", rowsPerDay: 1000 }, "2024-03-05")), base);
    assert.notEqual(sha(lines({ seed: "s1", rowsPerDay: 1000 }, "2024-03-06")), base);
  });

  test("a day does not depend on which days were generated before it", () => {
    const alone = sha(lines({ seed: "s3", rowsPerDay: 1000 }, "2024-05-02"));
    lines({ seed: "s3", rowsPerDay: 1000 }, "2024-05-01");
    assert.equal(sha(lines({ seed: "s3", rowsPerDay: 1000 }, "2024-05-02")), alone);
  });
});

describe("the mess, at controlled rates", () => {
  const rate = 0.01;
  const rates = Object.fromEntries(MESS_KINDS.map((k) => [k, rate])) as MessRates;
  const s = settings({ seed: "mess", rowsPerDay: 40_000, mess: rates });
  const date = "2024-03-06";
  const counts = zeroCounts();
  const out = [...syntheticTripLines(s, date, counts)];
  const clean = out.length - counts.exact_duplicate - counts.resent_same_key;

  test("each kind is injected at its rate (within 4 standard deviations)", () => {
    for (const kind of MESS_KINDS) {
      const sd = Math.sqrt(clean * rate * (1 - rate));
      assert.ok(Math.abs(counts[kind] - clean * rate) < 4 * sd, `${kind}: ${counts[kind]} injected in ${clean} records, expected ~${clean * rate}`);
    }
  });

  test("what was injected is what a reader of the lines finds", () => {
    const parsed = out.map((l) => {
      try {
        return parse(l);
      } catch {
        return undefined;
      }
    });
    const valid = parsed.filter((r): r is Record<string, unknown> => r !== undefined);
    assert.equal(parsed.length - valid.length, counts.malformed_json, "malformed lines");
    assert.equal(out.length - new Set(out).size, counts.exact_duplicate, "exact duplicate lines");
    const ids = valid.map((r) => r.trip_id);
    assert.equal(ids.length - new Set(ids).size, counts.exact_duplicate + counts.resent_same_key, "repeated trip ids");
    assert.equal(valid.filter((r) => r.fare === "").length, counts.empty_string, "empty strings");
    assert.equal(valid.filter((r) => Object.values(r).some((v) => typeof v === "number")).length, counts.wrong_type_number, "numbers not sent as strings");
    assert.equal(valid.filter((r) => Number(r.fare) < 0).length, counts.negative_fare, "negative fares");
    assert.equal(valid.filter((r) => String(r.trip_end_timestamp) < String(r.trip_start_timestamp)).length, counts.dropoff_before_pickup, "dropoff before pickup");
    assert.equal(valid.filter((r) => !String(r.trip_start_timestamp).startsWith(date)).length, counts.timestamp_outside_day, "pickups outside the day");
    const area = (r: Record<string, unknown>) => Number(r.pickup_community_area);
    assert.equal(valid.filter((r) => area(r) < 1 || area(r) > 77).length, counts.unknown_zone, "unknown community areas");
    assert.equal(valid.filter((r) => r.trip_seconds === "0" && r.trip_start_timestamp === r.trip_end_timestamp).length, counts.zero_duration, "meters started and stopped at once");
  });

  test("each line's label is the mess that made it, and the labels add up to the counts", () => {
    const labelled = [...labelledTripLines(s, date)];
    assert.deepEqual(labelled.map((l) => l.line), out, "the same lines as syntheticTripLines");
    for (const kind of MESS_KINDS) assert.equal(labelled.filter((l) => l.kind === kind).length, counts[kind], kind);
    assert.ok(labelled.filter((l) => l.kind === "zero_duration").every((l) => parse(l.line).trip_seconds === "0"));
  });

  test("a re-sent record comes after the original, with the same key and other values", () => {
    const seen = new Map<string, string>();
    let resent = 0;
    for (const l of out) {
      let r: Record<string, unknown>;
      try {
        r = parse(l);
      } catch {
        continue;
      }
      const first = seen.get(String(r.trip_id));
      if (first !== undefined && first !== l) resent++;
      if (first === undefined) seen.set(String(r.trip_id), l);
    }
    assert.equal(resent, counts.resent_same_key);
  });

  test("mess 'none' gives clean lines only", () => {
    const c = zeroCounts();
    const ls = [...syntheticTripLines(settings({ rowsPerDay: 5000, mess: "none" }), date, c)];
    assert.deepEqual(Object.values(c), MESS_KINDS.map(() => 0));
    assert.equal(new Set(ls.map((l) => parse(l).trip_id)).size, ls.length);
  });

  test("rates are checked", () => {
    assert.throws(() => resolveMessRates({ malformed_json: -0.1 }), /malformed_json/);
    assert.throws(() => resolveMessRates(Object.fromEntries(MESS_KINDS.map((k) => [k, 0.2])) as MessRates), /more than 1/);
  });
});

describe("realistic clean trips", () => {
  const trips = lines({ seed: "clean", rowsPerDay: 20_000, mess: "none" }, "2024-03-06").map(parse) as Record<string, string>[];

  test("the raw shape is Chicago's: its fields, all strings", () => {
    for (const t of trips.slice(0, 500)) {
      for (const [k, v] of Object.entries(t)) {
        assert.ok((TRIP_FIELDS as readonly string[]).includes(k), `unexpected field ${k}`);
        assert.equal(typeof v, "string");
      }
      assert.match(t.trip_start_timestamp, /^2024-03-06T\d{2}:\d{2}:\d{2}\.000$/);
      assert.match(t.trip_id, /^[0-9a-f]{40}$/);
      assert.match(t.taxi_id, /^[0-9a-f]{128}$/);
    }
  });

  test("fare + tips + tolls + extras = trip_total, and the fare follows the meter", () => {
    for (const t of trips) {
      const sum = Number(t.fare) + Number(t.tips) + Number(t.tolls) + Number(t.extras);
      assert.ok(Math.abs(sum - Number(t.trip_total)) < 0.005, `${t.trip_id}: ${sum} != ${t.trip_total}`);
      if (t.payment_type !== "No Charge") assert.equal(Number(t.fare), fareFor(Number(t.trip_miles), Number(t.trip_seconds)));
      assert.ok(t.trip_end_timestamp >= t.trip_start_timestamp);
      const mph = Number(t.trip_miles) / (Number(t.trip_seconds) / 3600);
      assert.ok(mph < 60, `${t.trip_id}: ${mph} mph`);
    }
  });

  test("cash trips carry no tip; card tips are a share of the fare", () => {
    assert.ok(trips.filter((t) => t.payment_type === "Cash").every((t) => t.tips === "0"));
    const card = trips.filter((t) => t.payment_type === "Credit Card" && Number(t.tips) > 0).map((t) => Number(t.tips) / Number(t.fare));
    const mean = card.reduce((a, b) => a + b, 0) / card.length;
    assert.ok(mean > 0.15 && mean < 0.27, `mean card tip ${mean}`);
  });

  test("a daily rhythm: quiet at 5 am, busy in the evening", () => {
    const byHour = new Array(24).fill(0);
    for (const t of trips) byHour[Number(t.trip_start_timestamp.slice(11, 13))]++;
    assert.ok(byHour[5] * 4 < byHour[19], `5am ${byHour[5]} vs 7pm ${byHour[19]}`);
  });

  test("a weekly rhythm: Fridays busier than Mondays, weekend nights busier than weekday nights", () => {
    const weather: DailyWeather = { date: "", weatherCode: 3, tempMaxC: 15, tempMinC: 5, precipitationMm: 0, rainMm: 0, snowfallCm: 0, windMaxKmh: 15 };
    const count = (date: string) => tripCount({ date, seed: "w", rowsPerDay: 10_000, weather: { ...weather, date } });
    assert.ok(count("2024-03-08") > count("2024-03-04") * 1.2, "Friday vs Monday");
    assert.equal(DAY_OF_WEEK_FACTOR.length, 7);
    const nightShare = (date: string) => {
      const ts = lines({ seed: "n", rowsPerDay: 10_000, mess: "none" }, date).map((l) => String(parse(l).trip_start_timestamp));
      return ts.filter((t) => Number(t.slice(11, 13)) <= 3).length / ts.length;
    };
    assert.ok(nightShare("2024-03-09") > nightShare("2024-03-06") * 1.3, "Saturday night vs Wednesday night");
  });

  test("weather moves the day's count: snow keeps riders home, rain brings them", () => {
    const base: DailyWeather = { date: "2024-01-10", weatherCode: 3, tempMaxC: 2, tempMinC: -4, precipitationMm: 0, rainMm: 0, snowfallCm: 0, windMaxKmh: 20 };
    const n = (w: DailyWeather) => tripCount({ date: w.date, seed: "x", rowsPerDay: 10_000, weather: w });
    assert.ok(n({ ...base, precipitationMm: 12, snowfallCm: 8.4 }) < n(base) * 0.85);
    assert.ok(n({ ...base, precipitationMm: 8, rainMm: 8 }) > n(base) * 1.05);
  });

  test("a few thousand drivers, some much busier than others", () => {
    const perDriver = new Map<string, number>();
    for (const t of trips) perDriver.set(t.taxi_id, (perDriver.get(t.taxi_id) ?? 0) + 1);
    assert.ok(perDriver.size > 1000 && perDriver.size <= 3000, `${perDriver.size} drivers`);
    const sorted = [...perDriver.values()].sort((a, b) => b - a);
    const top10 = sorted.slice(0, Math.ceil(sorted.length / 10)).reduce((a, b) => a + b, 0);
    assert.ok(top10 / trips.length > 0.22, `top 10% of drivers drive ${top10 / trips.length} of trips`);
  });
});

describe("synthetic weather", () => {
  test("one record per day per city in Open-Meteo's shape, for the day asked", () => {
    const w = JSON.parse(syntheticWeatherLine(settings(), "2024-07-04"));
    assert.deepEqual(w.daily.time, ["2024-07-04"]);
    assert.equal(w.timezone, "America/Chicago");
    assert.equal(w.utc_offset_seconds, -5 * 3600);
    assert.equal(w.daily_units.snowfall_sum, "cm");
    assert.ok(w.daily.temperature_2m_max[0] >= w.daily.temperature_2m_min[0]);
  });

  test("seasons: January is colder than July, and only cold days snow", () => {
    const days = (month: string) => Array.from({ length: 28 }, (_, i) => syntheticWeather("lakehouse", chicago, `2024-${month}-${String(i + 1).padStart(2, "0")}`));
    const mean = (ws: ReturnType<typeof days>) => ws.reduce((a, w) => a + w.tempMaxC, 0) / ws.length;
    assert.ok(mean(days("01")) + 15 < mean(days("07")));
    for (const w of [...days("01"), ...days("07")]) if (w.snowfallCm > 0) assert.ok(w.tempMaxC < 3);
  });
});

describe("the real feed's stamps: local wall clock, rounded to 15 minutes", () => {
  const day = (date: string, opts: Parameters<typeof resolveSyntheticSettings>[0] = {}) =>
    lines({ seed: "stamps", rowsPerDay: 5000, mess: "none", ...opts }, date).map(parse) as Record<string, string>[];
  /** Seconds between two floating local stamps, read as if no clock changed between them. */
  const wallSeconds = (from: string, to: string) => (Date.parse(`${to}Z`) - Date.parse(`${from}Z`)) / 1000;
  const trips = day("2024-06-12");

  test("both stamps on the 15-minute grid, the start on the day, the pair within one step of trip_seconds", () => {
    for (const t of trips) {
      assert.match(t.trip_start_timestamp, /^2024-06-12T\d{2}:(00|15|30|45):00\.000$/);
      assert.match(t.trip_end_timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45):00\.000$/);
      assert.ok(Math.abs(wallSeconds(t.trip_start_timestamp, t.trip_end_timestamp) - Number(t.trip_seconds)) <= 900, JSON.stringify(t));
    }
  });

  test("what the real feed has: equal stamps on short trips, trips over midnight, drop-offs outside the city", () => {
    const share = (f: (t: Record<string, string>) => boolean) => trips.filter(f).length / trips.length;
    assert.ok(share((t) => t.trip_start_timestamp === t.trip_end_timestamp) > 0.25, "a short trip's stamps are often equal");
    assert.ok(trips.some((t) => t.trip_end_timestamp.startsWith("2024-06-13")), "some trips end after midnight");
    assert.ok(share((t) => t.dropoff_community_area === undefined) > 0.01, "some drop-off areas are absent");
  });

  test("stamps 'seconds' keeps exact stamps: end - start = trip_seconds", () => {
    for (const t of day("2024-06-12", { stamps: "seconds" })) assert.equal(wallSeconds(t.trip_start_timestamp, t.trip_end_timestamp), Number(t.trip_seconds));
    assert.throws(() => settings({ stamps: "minutes" as never }), /stamps must be one of rounded, seconds/);
  });

  test("spring forward (2024-03-10 in Chicago): no stamp in the skipped hour 02:00-02:59", () => {
    const stamps = day("2024-03-10").flatMap((t) => [t.trip_start_timestamp, t.trip_end_timestamp]);
    assert.ok(stamps.length > 5000);
    assert.deepEqual(stamps.filter((s) => s.startsWith("2024-03-10T02:")), []);
  });

  test("fall back (2024-11-03): a trip into the repeated hour ends at a stamp before its start, an hour less than real time", () => {
    const backwards = day("2024-11-03").filter((t) => t.trip_end_timestamp < t.trip_start_timestamp);
    assert.ok(backwards.length > 0, "some trips cross 02:00 CDT = 01:00 CST");
    for (const t of backwards) {
      assert.match(t.trip_start_timestamp, /T01:/);
      assert.match(t.trip_end_timestamp, /T01:/);
      assert.ok(Math.abs(wallSeconds(t.trip_start_timestamp, t.trip_end_timestamp) + 3600 - Number(t.trip_seconds)) <= 900, JSON.stringify(t));
    }
  });
});
