/**
 * The second process of bench/lib/dashboard-load.ts: plays LAKEHOUSE_BENCH_LOAD's users
 * against Trino and prints the samples (LoadSamples) as JSON on stdout.
 */
import { query } from "../../src/lib/trino";
import type { LoadPlan, LoadSamples } from "./dashboard-load";

async function main(): Promise<void> {
  const plan = JSON.parse(process.env.LAKEHOUSE_BENCH_LOAD ?? "") as LoadPlan;
  const samples: LoadSamples = { byChart: Object.fromEntries(Object.keys(plan.queries).map((n) => [n, []])), loads: [], errors: [], seconds: 0 };
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const user = async () => {
    for (let l = 0; l < plan.loads; l++) {
      const started = now();
      await Promise.all(
        Object.entries(plan.queries).map(async ([name, sql]) => {
          const t0 = now();
          try {
            await query(plan.target, sql);
            samples.byChart[name].push(now() - t0);
          } catch (e) {
            samples.errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
          }
        }),
      );
      samples.loads.push(now() - started);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: plan.users }, user));
  samples.seconds = now() - t0;
  process.stdout.write(JSON.stringify(samples));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
