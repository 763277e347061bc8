/** Which connectors a run uses, from the CLI's words: --dataset trips|weather|all, --source synthetic|nyc|chicago. */
import { cityById, type City } from "./cities";
import { ChicagoTripsConnector } from "./connectors/chicago";
import { NycYellowConnector } from "./connectors/nyc";
import { OpenMeteoConnector } from "./connectors/openMeteo";
import { SyntheticTripsConnector, SyntheticWeatherConnector } from "./connectors/synthetic";
import type { HttpOptions } from "./http";
import type { MessRates } from "./synthetic/mess";
import type { Connector } from "./types";
import { isHttpUrl, SOURCE_URL_ENV, SOURCES, type SourceName } from "./endpoints";

export { SOURCES, type SourceName } from "./endpoints";
export const DATASET_CHOICES = ["trips", "weather", "all"] as const;
export type DatasetChoice = (typeof DATASET_CHOICES)[number];

export interface SourceOptions {
  source?: SourceName;
  dataset?: DatasetChoice;
  /** Synthetic only: mean trips per day (default 5,000; NYC's real volume is ~100,000). */
  rowsPerDay?: number;
  /** Synthetic only (default "lakehouse"). */
  seed?: string;
  /** Synthetic only: fleet size (default 3,000). */
  drivers?: number;
  /** Synthetic only: mess rates, or "none". */
  mess?: Partial<MessRates> | "none";
  /** Weather cities, each into its own dataset (default: the trips' city: chicago, or new_york for --source nyc). */
  cities?: string[];
  /** Endpoints of the real sources (defaults: the public APIs); tests point them at a local server. */
  urls?: { chicago?: string; nyc?: string; openMeteo?: string };
  /** Where NYC monthly files are cached. */
  cacheDir?: string;
  http?: HttpOptions;
}

/**
 * The endpoints a run uses: `--source-url` (the trips source's) and `--weather-url` (Open-Meteo's)
 * first, then the environment, then each connector's public default. A URL for a source that
 * takes none (the synthetic one) is an error, not ignored.
 */
export function sourceUrls(source: SourceName, flags: { sourceUrl?: string; weatherUrl?: string }, env: NodeJS.ProcessEnv): NonNullable<SourceOptions["urls"]> {
  if (source === "synthetic" && (flags.sourceUrl || flags.weatherUrl)) throw new Error("--source-url and --weather-url apply to the real sources (--source chicago | nyc), not the synthetic one");
  for (const [flag, value] of [["--source-url", flags.sourceUrl], ["--weather-url", flags.weatherUrl]] as const) {
    if (value !== undefined && !isHttpUrl(value)) throw new Error(`${flag} must be an http(s) URL, got '${value}'`);
  }
  const fromEnv = (name: string) => env[name] || undefined;
  return {
    chicago: (source === "chicago" ? flags.sourceUrl : undefined) ?? fromEnv(SOURCE_URL_ENV.chicago),
    nyc: (source === "nyc" ? flags.sourceUrl : undefined) ?? fromEnv(SOURCE_URL_ENV.nyc),
    openMeteo: flags.weatherUrl ?? fromEnv(SOURCE_URL_ENV.openMeteo),
  };
}

export function connectorsFor(opts: SourceOptions = {}): Connector[] {
  const source = opts.source ?? "synthetic";
  const dataset = opts.dataset ?? "all";
  if (!SOURCES.includes(source)) throw new Error(`unknown source '${source}' (synthetic | nyc | chicago)`);
  if (!DATASET_CHOICES.includes(dataset)) throw new Error(`unknown dataset '${dataset}' (trips | weather | all)`);
  if (opts.rowsPerDay !== undefined && source !== "synthetic") throw new Error(`--rows-per-day applies to the synthetic source only, not '${source}'`);
  const cities: City[] = (opts.cities ?? [source === "nyc" ? "new_york" : "chicago"]).map(cityById);
  const connectors: Connector[] = [];
  // Weather first: a day's trips depend on its weather (the synthetic ones literally).
  if (dataset === "weather" || dataset === "all") {
    for (const city of cities) {
      connectors.push(source === "synthetic" ? new SyntheticWeatherConnector(opts.seed ?? "lakehouse", city) : new OpenMeteoConnector({ city, url: opts.urls?.openMeteo, http: opts.http }));
    }
  }
  if (dataset === "trips" || dataset === "all") {
    if (source === "synthetic") connectors.push(new SyntheticTripsConnector({ seed: opts.seed, rowsPerDay: opts.rowsPerDay, drivers: opts.drivers, mess: opts.mess }, cities[0]));
    if (source === "chicago") connectors.push(new ChicagoTripsConnector({ url: opts.urls?.chicago, http: opts.http }));
    if (source === "nyc") connectors.push(new NycYellowConnector({ url: opts.urls?.nyc, cacheDir: opts.cacheDir, http: opts.http }));
  }
  return connectors;
}
