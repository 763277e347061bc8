/** Loads the real samples shipped by registry packages (see fixtures/README.md). */
import fs from "node:fs";
import path from "node:path";

/** Minimal CSV: the samples have no quoted commas (checked by the loader). */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(file, "utf8").trim().split(/\r?\n/);
  const cols = header.split(",");
  return rows.map((row) => {
    const cells = row.split(",");
    if (cells.length !== cols.length || row.includes('"')) throw new Error(`${path.basename(file)}: unexpected CSV row ${row}`);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

/** 5,000 real Chicago taxi trips (2013–2016) from PyPI tfx's test data. */
export function chicagoTaxiSample(): Record<string, string>[] {
  return readCsv(path.join(__dirname, "fixtures", "chicago-taxi-trips-tfx-sample.csv"));
}

/** NOAA daily weather of New York and Seattle, 2012–2015, from npm vega-datasets. */
export function vegaWeather(): { location: string; date: string; precipitation: number; temp_max: number; temp_min: number; wind: number; weather: string }[] {
  // The package exports only its JS entry, so the data file is found beside it on disk.
  const file = path.join(path.dirname(require.resolve("vega-datasets")), "..", "data", "weather.csv");
  return readCsv(file).map((r) => ({
    location: r.location, date: r.date, precipitation: Number(r.precipitation), temp_max: Number(r.temp_max), temp_min: Number(r.temp_min), wind: Number(r.wind), weather: r.weather,
  }));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Pearson correlation. */
export function correlation(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    num += (x - ma) * (b[i] - mb);
    da += (x - ma) ** 2;
    db += (b[i] - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}
