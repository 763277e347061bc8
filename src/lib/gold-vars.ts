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
