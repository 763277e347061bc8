/**
 * Sizes as Kubernetes and the JVM write them, for the rules both environments share (Trino's
 * query memory from its heap: src/lib/trinoServer.ts) and the cluster's sums of pod resources.
 */
const UNITS: Record<string, number> = { "": 1, k: 1e3, m: 1e-3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** Parses a Kubernetes quantity ("512Mi", "1.5", "250m") or a JVM size ("768m", "4g") to a number. */
export function quantity(q: string, jvm = false): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(q).trim());
  if (!m) throw new Error(`not a quantity: "${q}"`);
  const unit = jvm ? ({ k: "Ki", m: "Mi", g: "Gi", t: "Ti", "": "" } as Record<string, string>)[m[2].toLowerCase()] : m[2];
  if (unit === undefined || !(unit in UNITS)) throw new Error(`unknown unit in "${q}"`);
  return Number(m[1]) * UNITS[unit];
}
