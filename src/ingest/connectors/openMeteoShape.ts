/**
 * The raw shape of Open-Meteo's historical archive API (https://archive-api.open-meteo.com/v1/archive)
 * for one city and one day: the whole response object is one bronze record.
 */
import type { City } from "../cities";
import { utcOffsetSeconds } from "../cities";

/** The daily variables requested, in the units the silver/gold weather columns use. */
export const DAILY_VARIABLES = ["weather_code", "temperature_2m_max", "temperature_2m_min", "precipitation_sum", "rain_sum", "snowfall_sum", "wind_speed_10m_max"] as const;

export const DAILY_UNITS: Record<string, string> = {
  time: "iso8601",
  weather_code: "wmo code",
  temperature_2m_max: "°C",
  temperature_2m_min: "°C",
  precipitation_sum: "mm",
  rain_sum: "mm",
  snowfall_sum: "cm",
  wind_speed_10m_max: "km/h",
};

export interface DailyWeather {
  date: string;
  weatherCode: number;
  tempMaxC: number;
  tempMinC: number;
  precipitationMm: number;
  rainMm: number;
  snowfallCm: number;
  windMaxKmh: number;
}

/** An archive response for one day, as the API renders it (values rounded as it rounds them). */
export function openMeteoResponse(city: City, w: DailyWeather, generationMs = 0.05): Record<string, unknown> {
  const offset = utcOffsetSeconds(city.timezone, w.date);
  const hours = offset / 3600;
  return {
    latitude: city.latitude,
    longitude: city.longitude,
    generationtime_ms: generationMs,
    utc_offset_seconds: offset,
    timezone: city.timezone,
    timezone_abbreviation: `GMT${hours < 0 ? "" : "+"}${hours}`,
    elevation: city.elevation,
    daily_units: DAILY_UNITS,
    daily: {
      time: [w.date],
      weather_code: [w.weatherCode],
      temperature_2m_max: [round1(w.tempMaxC)],
      temperature_2m_min: [round1(w.tempMinC)],
      precipitation_sum: [round1(w.precipitationMm)],
      rain_sum: [round1(w.rainMm)],
      snowfall_sum: [round2(w.snowfallCm)],
      wind_speed_10m_max: [round1(w.windMaxKmh)],
    },
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
