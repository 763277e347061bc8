#!/usr/bin/env node
// Entry point of the `lakehouse` CLI (TypeScript in src/cli, loaded through tsx).
import { runTypeScript } from "../scripts/bootstrap.mjs";

await runTypeScript("src/cli/main.ts");
