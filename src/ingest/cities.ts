/** Cities the weather dataset knows: where to ask, and (for the generator) their climate. */
export interface City {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  timezone: string;
  elevation: number;
  /**
   * The bronze (and silver) dataset of the city's daily weather. One dataset per city, so that
   * each city's day is its own bronze partition and silver table: ingesting New York's day never
   * replaces Chicago's, and silver's one-row-per-day key holds (Open-Meteo answers one city a query).
   */
  weatherDataset: "weather" | "nyc_weather";
  /** Daily maximum temperature, °C: yearly mean and half the summer–winter swing. */
  climate: { tmaxMean: number; tmaxAmplitude: number; wetDayChance: number; wetDayMeanMm: number; windMedianKmh: number };
}

export const CITIES: Record<string, City> = {
  // Chicago Midway/Loop; the Chicago Taxi Trips city, so the default for trips' weather.
  chicago: {
    id: "chicago", name: "Chicago", latitude: 41.85, longitude: -87.65, timezone: "America/Chicago", elevation: 181, weatherDataset: "weather",
    climate: { tmaxMean: 15, tmaxAmplitude: 14.5, wetDayChance: 0.33, wetDayMeanMm: 6.5, windMedianKmh: 22 },
  },
  // Central Park; the NYC TLC city.
  new_york: {
    id: "new_york", name: "New York", latitude: 40.78, longitude: -73.97, timezone: "America/New_York", elevation: 39, weatherDataset: "nyc_weather",
    climate: { tmaxMean: 17, tmaxAmplitude: 12.5, wetDayChance: 0.31, wetDayMeanMm: 7.5, windMedianKmh: 20 },
  },
};

export function cityById(id: string): City {
  const city = CITIES[id];
  if (!city) throw new Error(`unknown city '${id}' (known: ${Object.keys(CITIES).join(", ")})`);
  return city;
}

/** Offset from UTC, in seconds, of the city's wall clock at local noon of a date (DST-aware). */
export function utcOffsetSeconds(timezone: string, date: string): number {
  const noonUtc = new Date(`${date}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(noonUtc)
    .reduce<Record<string, string>>((acc, p) => ((acc[p.type] = p.value), acc), {});
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - noonUtc.getTime()) / 1000);
}
