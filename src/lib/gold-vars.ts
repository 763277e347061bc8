/**
 * The dbt vars that choose which sources' models a gold build takes, from the silver datasets
 * the build's days were cleaned into (DATASETS_OF_SOURCE): the Chicago-shaped marts with
 * `trips`, the NYC marts with `nyc_yellow_trips`. A stack holds only the silver tables of the
 * sources it ran, and a model reading a missing table fails the build (dbt/dbt_project.yml).
 * One rule for the local run and the cluster's gold CronJob.
 */
export function goldSourceVars(datasets: readonly string[]): string {
  return `chicago: ${datasets.includes("trips")}, nyc_tlc: ${datasets.includes("nyc_yellow_trips")}`;
}

/**
 * What every scheduled gold build leaves out (the daily runs, the full refresh's windows): dbt's
 * unit tests. They test the models' SQL on fixed rows, never a day's data, so they run where the
 * SQL changes: in CI (the integration tests run `dbt test --select test_type:unit`), as dbt
 * advises, not in every production build (a day's build: 27.3 s with them, 25.5 s without,
 * medians of three alternated runs on 2026-12-06). One rule for the local run and the cluster's
 * gold CronJob.
 */
export const SCHEDULED_BUILD_EXCLUDES = ["--exclude-resource-type", "unit_test"] as const;
