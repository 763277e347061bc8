/**
 * Superset's dashboards as code: superset/assets holds the database connection, datasets,
 * charts and dashboards as YAML in Superset's import/export format, linked by fixed UUIDs.
 *
 * The repository's database YAML names the Trino user but no password; the password is put
 * into the copy of the bundle that is zipped in memory and posted, and is never written to disk.
 *
 * The same import serves the local stack (`importAssets(ctx)`, credentials from
 * .lakehouse/secrets.json) and the cluster's import Job (`lakehouse dashboards import
 * --from-env`, credentials from the environment: `targetFromEnv`).
 *
 * This module only gathers the parts under the one name the CLI, the components and the tests
 * import; each part has its own module and its own reason to change:
 * - superset-api.ts: the REST session (login, CSRF, JSON calls), listing dashboards, waiting for health
 * - import-targets.ts: which Superset and Trino, and as whom (the local stack's, or the environment's)
 * - asset-yaml.ts: the edits to asset YAML, as documents (password, host and port; metadata type)
 * - asset-bundle.ts: the assets on disk and the ZIP Superset imports and exports
 * - asset-import.ts, asset-export.ts: the two flows
 */
export { ASSETS_DIR, assetBundle, exportedFiles, listFiles, type BundleTarget } from "./asset-bundle";
export { exportAssets, normaliseExportName } from "./asset-export";
export { importAssets, importBundle, type ImportResult } from "./asset-import";
export { asAssetsMetadata, assetUuid, databaseUri, injectPassword, stripPassword, type TrinoEndpoint } from "./asset-yaml";
export { localTarget, SUPERSET_ENV, supersetApi, supersetFromEnv, supersetUrl, targetFromEnv, type ImportTarget } from "./import-targets";
export { listDashboards, supersetFailure, supersetLogin, waitForSuperset, type SupersetApi } from "./superset-api";
