/**
 * Synthetic daily weather, deterministic by (seed, city, date) alone, so trips of a day can
 * be generated without reading anything: the trips generator asks for the same day's weather.
 */
import type { City } from "../cities";
import type { DailyWeather } from "../connectors/openMeteoShape";
import { addDays } from "../layout";
import { Random } from "./random";

function dayOfYear(date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Math.floor((t - Date.UTC(Number(date.slice(0, 4)), 0, 1)) / 86_400_000) + 1;
}

/** A day's standard-normal shock; smoothed over three days so warm and cold spells last. */
function shock(seed: string, city: City, date: string): number {
  return new Random(seed, "weather-shock", city.id, date).normal();
}

export function syntheticWeather(seed: string, city: City, date: string): DailyWeather {
  const { climate } = city;
  // Coldest around Jan 28, warmest around Jul 29: the lag real autumns show (NOAA New York
  // is ~2 °C warmer in October–December than a curve centred on the solstices gives).
  const season = -Math.cos((2 * Math.PI * (dayOfYear(date) - 28)) / 365.25);
  // Winter days swing more than summer days (NOAA New York 2012–2015: sd 5.6 °C in January, 3.0 in July).
  const anomaly = (6.5 - 2 * season) * (0.6 * shock(seed, city, date) + 0.3 * shock(seed, city, addDays(date, -1)) + 0.1 * shock(seed, city, addDays(date, -2)));
  const rng = new Random(seed, "weather", city.id, date);
  const tempMaxC = climate.tmaxMean + climate.tmaxAmplitude * season + anomaly;
  // Clear spring days swing most between night and day, cloudy late-autumn days least.
  const dailyRange = 7.9 + 0.8 * Math.sin((2 * Math.PI * (dayOfYear(date) - 28)) / 365.25);
  const tempMinC = tempMaxC - Math.max(2, rng.normal(dailyRange, 2.5));
  // Winters bring more days of light precipitation than summers (NOAA New York: 40% vs 31%).
  const wet = rng.chance(climate.wetDayChance - 0.05 * season);
  const precipitationMm = wet ? Math.max(0.1, rng.exponential(climate.wetDayMeanMm)) : 0;
  // Below freezing the precipitation falls as snow (Open-Meteo: ~0.7 cm of snow per mm of water).
  const snowShare = tempMaxC <= 0 ? 1 : tempMaxC < 3 ? 0.5 : 0;
  const snowfallCm = precipitationMm * snowShare * 0.7;
  const rainMm = precipitationMm * (1 - snowShare);
  const windMaxKmh = rng.logNormal(climate.windMedianKmh * (1 - 0.15 * season), 0.3) + (wet ? 5 : 0);
  return { date, weatherCode: weatherCode(precipitationMm, snowfallCm), tempMaxC, tempMinC, precipitationMm, rainMm, snowfallCm, windMaxKmh };
}

/** WMO weather interpretation code of the day's dominant weather. */
function weatherCode(precipitationMm: number, snowfallCm: number): number {
  if (snowfallCm > 0) return snowfallCm >= 5 ? 75 : snowfallCm >= 1 ? 73 : 71;
  if (precipitationMm >= 10) return 65;
  if (precipitationMm >= 2.5) return 63;
  if (precipitationMm > 0) return 61;
  return 3;
}

/** How much the day's weather moves taxi demand: rain brings riders, snow and deep cold keep them home. */
export function weatherDemandFactor(w: DailyWeather): number {
  let factor = 1;
  if (w.rainMm >= 2) factor *= 1.08;
  if (w.snowfallCm >= 5) factor *= 0.8;
  else if (w.snowfallCm >= 1) factor *= 0.92;
  if (w.tempMaxC < -10) factor *= 0.9;
  return factor;
}

/** How much the weather slows traffic (a multiplier on speed). */
export function weatherSpeedFactor(w: DailyWeather): number {
  if (w.snowfallCm >= 5) return 0.75;
  if (w.snowfallCm > 0 || w.rainMm >= 5) return 0.88;
  return 1;
}
