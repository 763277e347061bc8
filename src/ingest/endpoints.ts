/** The trips sources a run can read (each with its weather: synthetic, or Open-Meteo for the real ones). */
export const SOURCES = ["synthetic", "nyc", "chicago"] as const;
export type SourceName = (typeof SOURCES)[number];
/**
 * The bronze (and silver) datasets each source fills, weather first: silver and gold run these.
 * Each city's weather is a dataset of its own (cities.ts weatherDataset): NYC's is nyc_weather.
 */
export const DATASETS_OF_SOURCE: Record<SourceName, readonly string[]> = {
  synthetic: ["weather", "trips"],
  chicago: ["weather", "trips"],
  nyc: ["nyc_weather", "nyc_yellow_trips"],
};
/** The daily-weather datasets, one per city: `--dataset weather` means the source's one. */
export const WEATHER_DATASETS: readonly string[] = ["weather", "nyc_weather"];

/**
 * The environment variables that set the real sources' endpoints (a mirror, a proxy, a newer
 * dataset id) and the Socrata app token: read by the connectors locally and set by the cluster's
 * ingestion CronJob from stack config (components/pipeline.ts).
 */
export const SOURCE_URL_ENV = { chicago: "LAKEHOUSE_CHICAGO_URL", nyc: "LAKEHOUSE_NYC_URL", openMeteo: "LAKEHOUSE_OPEN_METEO_URL" } as const;
/** An endpoint a user sets (flag or stack config): http(s), no spaces. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/.test(value);
}

/** Raises Socrata's rate limit; a secret (never logged: the connector sends it as a header only). */
export const SOCRATA_APP_TOKEN_ENV = "SOCRATA_APP_TOKEN";
