-- The lakehouse's schemas, created by Trino's admin user once Trino is up (locally by
-- `lakehouse local up`, in the cluster by the query engine's init Job). Idempotent.
-- Each layer's schema is its bucket: tables land at s3://<layer>/<table>/.
CREATE SCHEMA IF NOT EXISTS hive.bronze WITH (location = 's3://bronze/');
CREATE SCHEMA IF NOT EXISTS iceberg.silver WITH (location = 's3://silver/');
CREATE SCHEMA IF NOT EXISTS iceberg.gold WITH (location = 's3://gold/');
-- dbt's staging and intermediate views: the pipeline's, never the dashboards'.
CREATE SCHEMA IF NOT EXISTS iceberg.gold_internal WITH (location = 's3://gold/_internal/');
-- Raw bronze as text: one row per line exactly as the source sent it (malformed lines too),
-- so data engineers can SELECT raw records with json_extract_scalar(line, '$.field').
-- Files whose names start with "_" (the manifests) are hidden from Hive tables.
CREATE TABLE IF NOT EXISTS hive.bronze.trips (line varchar, year varchar, month varchar, day varchar)
WITH (format = 'TEXTFILE', external_location = 's3://bronze/trips/', partitioned_by = ARRAY['year', 'month', 'day']);
CREATE TABLE IF NOT EXISTS hive.bronze.weather (line varchar, year varchar, month varchar, day varchar)
WITH (format = 'TEXTFILE', external_location = 's3://bronze/weather/', partitioned_by = ARRAY['year', 'month', 'day']);
