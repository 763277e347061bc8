#!/usr/bin/env node
// The ingestion job's entry point in its image (the cluster's CronJob): see src/ingest/main.ts.
import { runTypeScript } from "../scripts/bootstrap.mjs";

await runTypeScript("src/ingest/main.ts");
