/**
 * The second process of bench/lib/dashboard-load.ts: plays LAKEHOUSE_BENCH_LOAD's users
 * against Superset or Trino and prints the samples (LoadSamples) as JSON on stdout.
 */
import { query } from "../../src/lib/trino";
import { supersetLogin } from "../../src/serving/superset-api";
import type { LoadPlan, LoadSamples } from "./dashboard-load";

/** One chart's request as a user of this plan sends it; throws on any failure. */
type Send = (name: string) => Promise<void>;

async function sender(plan: LoadPlan): Promise<Send> {
  if (plan.via === "trino") return async (name) => void (await query(plan.target, plan.queries[name]));
  const { baseUrl, user, password } = plan.superset;
  const api = await supersetLogin(baseUrl, user, password);
  return async (name) => {
    const body = await api.json<{ result: { status: string; error?: string }[] }>("POST", "/api/v1/chart/data", plan.requests[name]);
    const bad = body.result.find((r) => r.status !== "success");
    if (bad) throw new Error(`${bad.status}: ${bad.error ?? ""}`);
  };
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.env.LAKEHOUSE_BENCH_LOAD ?? "") as LoadPlan;
  const charts = Object.keys(plan.via === "trino" ? plan.queries : plan.requests);
  const samples: LoadSamples = { byChart: Object.fromEntries(charts.map((n) => [n, []])), loads: [], errors: [], seconds: 0 };
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  // Every user is logged in before the clock starts.
  const senders = await Promise.all(Array.from({ length: plan.users }, () => sender(plan)));
  const pause = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));
  const user = async (send: Send) => {
    await pause(Math.random() * plan.thinkSeconds);
    for (let l = 0; l < plan.loads; l++) {
      if (l > 0) await pause(plan.thinkSeconds);
      const started = now();
      await Promise.all(
        charts.map(async (name) => {
          const t0 = now();
          try {
            await send(name);
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
  await Promise.all(senders.map(user));
  samples.seconds = now() - t0;
  process.stdout.write(JSON.stringify(samples));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
