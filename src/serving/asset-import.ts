/**
 * Import of superset/assets through POST /api/v1/assets/import/, which overwrites every object
 * by UUID (so it can run on every `local up`). `superset import-dashboards` is not used: it
 * imports databases, datasets and charts with overwrite=False, so a changed chart would never
 * reach an existing Superset (superset/commands/dashboard/importers/v1/__init__.py).
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../lib/log";
import { repoRoot } from "../local/paths";
import type { StackContext } from "../local/services/types";
import { ASSETS_DIR, assetBundle, listFiles, METADATA_FILE } from "./asset-bundle";
import { assetUuid } from "./asset-yaml";
import { localTarget, type ImportTarget } from "./import-targets";
import { listDashboards, supersetFailure, supersetLogin } from "./superset-api";

export interface ImportResult {
  /** Files of the bundle, relative to the assets directory. */
  files: string[];
  /** Dashboards in Superset afterwards whose UUID is in the bundle: title → id. */
  dashboards: { title: string; id: number; uuid: string }[];
}

/**
 * Imports superset/assets (or `assetsDir`) into the local stack's Superset, overwriting
 * objects with the same UUIDs; safe to run again. The Trino password of the database
 * URI's user comes from the stack's secrets.
 */
export async function importAssets(ctx: StackContext, assetsDir: string = ASSETS_DIR): Promise<ImportResult> {
  return importBundle(localTarget(ctx), ctx.log, assetsDir);
}

/**
 * Imports the asset directory into `target`'s Superset through POST /api/v1/assets/import/
 * (overwrite by UUID; safe to run again): each database YAML gets the target's Trino endpoint
 * and its user's password in the in-memory copy only.
 */
export async function importBundle(target: ImportTarget, log: Logger, assetsDir: string = ASSETS_DIR): Promise<ImportResult> {
  const files = listFiles(assetsDir);
  if (!files.includes(METADATA_FILE)) throw new Error(`${assetsDir}: no ${METADATA_FILE}; not a Superset asset bundle`);
  const shown = path.relative(repoRoot, assetsDir);
  log.step(`importing ${files.length} Superset asset files from ${shown && !shown.startsWith("..") ? shown : assetsDir}`);
  const api = await supersetLogin(target.url, target.adminUser, target.adminPassword, target.hint);

  const zip = assetBundle(assetsDir, files, target);
  const form = new FormData();
  form.append("bundle", new Blob([zip], { type: "application/zip" }), "bundle.zip");
  form.append("overwrite", "true");
  const res = await api.fetch("/api/v1/assets/import/", { method: "POST", body: form });
  if (!res.ok) throw await supersetFailure(res, "asset import");

  const uuids = files
    .filter((f) => f.startsWith("dashboards/"))
    .map((f) => assetUuid(fs.readFileSync(path.join(assetsDir, f), "utf8"), f))
    .filter((u): u is string => !!u);
  const dashboards = (await listDashboards(api)).filter((d) => uuids.includes(d.uuid));
  for (const d of dashboards) log.step(`Superset dashboard '${d.title}': ${target.url}/superset/dashboard/${d.id}/`);
  return { files, dashboards };
}
