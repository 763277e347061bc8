/**
 * Export of the local Superset's dashboards back into superset/assets, so that what was built
 * in the UI can be reviewed and committed: stable file names, no password, the committed Trino
 * host and port kept.
 */
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../local/paths";
import type { StackContext } from "../local/services/types";
import { ASSET_FOLDERS, ASSETS_DIR, exportedFiles, listFiles, METADATA_FILE } from "./asset-bundle";
import { asAssetsMetadata, stripPassword } from "./asset-yaml";
import { supersetApi } from "./import-targets";
import { listDashboards, supersetFailure } from "./superset-api";

/** charts/Top_drivers_by_revenue_12.yaml → charts/Top_drivers_by_revenue.yaml: Superset appends its ids, which differ per instance. */
export function normaliseExportName(relPath: string): string {
  if (!/^(charts|dashboards|datasets)\//.test(relPath)) return relPath;
  return relPath.replace(/_\d+\.yaml$/, ".yaml");
}

/**
 * Exports every dashboard of the local Superset (with its charts, datasets and database)
 * into `outDir`, replacing the YAML there so that deletions in the UI show up in git too.
 * File names lose Superset's per-instance id suffix; the database URI loses its password.
 * Returns the files written, relative to `outDir`.
 */
export async function exportAssets(ctx: StackContext, outDir: string = ASSETS_DIR): Promise<string[]> {
  const api = await supersetApi(ctx);
  const ids = (await listDashboards(api)).map((d) => d.id);
  if (ids.length === 0) throw new Error("Superset has no dashboards to export (run 'lakehouse dashboards import' first?)");
  const res = await api.fetch(`/api/v1/dashboard/export/?q=${encodeURIComponent(`!(${ids.join(",")})`)}`);
  if (!res.ok) throw await supersetFailure(res, "dashboard export");
  const exported = exportedFiles(new Uint8Array(await res.arrayBuffer()));
  const secrets = Object.values(ctx.secrets.trino.users as Record<string, string>).filter(Boolean);

  const out = new Map<string, string>();
  for (const [rel, exportedText] of exported) {
    let text = exportedText;
    let name = normaliseExportName(rel);
    if (out.has(name)) name = rel; // two charts with one title keep their id suffix
    if (rel === METADATA_FILE) text = asAssetsMetadata(text, name);
    if (rel.startsWith("databases/")) {
      const committed = path.join(outDir, name);
      text = stripPassword(text, fs.existsSync(committed) ? fs.readFileSync(committed, "utf8") : undefined, name);
    }
    const leaked = secrets.find((s) => text.includes(s));
    if (leaked) throw new Error(`${name}: the export contains a Trino password; nothing was written`);
    out.set(name, text);
  }

  for (const folder of ASSET_FOLDERS) {
    for (const rel of listFiles(outDir, folder)) fs.rmSync(path.join(outDir, rel));
  }
  for (const [rel, text] of out) {
    fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outDir, rel), text);
  }
  ctx.log.step(`exported ${ids.length} dashboard(s) as ${out.size} files into ${path.relative(repoRoot, outDir) || outDir}`);
  return [...out.keys()];
}
