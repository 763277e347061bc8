/**
 * The Superset asset-import Job without a cluster: the dev stack's Job, its command and
 * environment as Kubernetes would give them (the ConfigMap volume laid out as the kubelet does,
 * Secret references resolved), run against a fake Superset that checks the REST import.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import * as imp from "../../../components/supersetImport";
import { silentLogger } from "../../../src/lib/log";
import { waitForSuperset } from "../../../src/serving/superset-api";
import { pythonUnzip, unzipText } from "../../support/zip";
import { ROOT, runStack, type Captured } from "./harness";
import { unwrap } from "./stack-checks";

const SECRETS: Record<string, string> = { "superset/ADMIN_PASSWORD": "admin-pw", "trino-users/dashboard-password": "dash-pw" };

interface Seen {
  health: number;
  requests: string[];
  login?: Record<string, unknown>;
  importHeaders?: http.IncomingHttpHeaders;
  overwrite?: string;
  bundle?: Buffer;
}

async function fakeSuperset(healthAnswers: string[] = []): Promise<{ url: string; seen: Seen; close: () => Promise<void> }> {
  const seen: Seen = { health: 0, requests: [] };
  const dashboardUuid = /^uuid:\s*(\S+)/m.exec(imp.assetFiles()["dashboards/Revenue_Trends.yaml"])![1];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.requests.push(`${req.method} ${req.url!.split("?")[0]}`);
    const json = (status: number, v: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(v));
    };
    if (req.url === "/health") {
      const answer = healthAnswers[seen.health++] ?? "OK";
      res.writeHead(answer === "OK" ? 200 : 503).end(answer);
    } else if (req.method === "POST" && req.url === "/api/v1/security/login") {
      seen.login = JSON.parse(body.toString());
      json(seen.login!.password === SECRETS["superset/ADMIN_PASSWORD"] ? 200 : 401, { access_token: "tok" });
    } else if (req.url === "/api/v1/security/csrf_token/") {
      json(req.headers.authorization === "Bearer tok" ? 200 : 401, { result: "csrf-tok" }, { "set-cookie": "session=s1; HttpOnly; Path=/" });
    } else if (req.method === "POST" && req.url === "/api/v1/assets/import/") {
      seen.importHeaders = req.headers;
      const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": req.headers["content-type"]! }, body }).formData();
      seen.overwrite = String(form.get("overwrite"));
      seen.bundle = Buffer.from(await (form.get("bundle") as Blob).arrayBuffer());
      json(200, { message: "OK" });
    } else if (req.url!.startsWith("/api/v1/dashboard/?q=")) {
      json(200, { result: [{ id: 7, dashboard_title: "Revenue Trends", uuid: dashboardUuid }, { id: 8, dashboard_title: "Someone else's", uuid: "other" }] });
    } else {
      json(404, { message: "not found" });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** A ConfigMap volume as the kubelet writes it: files in a hidden timestamped dir, `..data` and top-level symlinks. */
function configMapVolume(dir: string, data: Record<string, string>, items: { key: string; path: string }[]): void {
  const ts = "..2026_01_02_03_04_05.000000001";
  for (const { key, path: p } of items) {
    fs.mkdirSync(path.dirname(path.join(dir, ts, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, ts, p), data[key]);
  }
  fs.symlinkSync(ts, path.join(dir, "..data"));
  for (const top of new Set(items.map((i) => i.path.split("/")[0]))) fs.symlinkSync(`..data/${top}`, path.join(dir, top));
}

let job: any;
let cm: any;
let tmp: string;

before(async () => {
  const { resources } = await runStack("dev", { buildImages: "false" });
  const find = (type: string, name: string) => unwrap((resources.find((r: Captured) => r.type === type && r.name === name) as Captured).inputs);
  job = find("kubernetes:batch/v1:Job", "superset-import-assets");
  cm = find("kubernetes:core/v1:ConfigMap", "superset-assets");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-import-job-"));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the Job's container command here: the image's /app is this checkout, the volume under tmp. */
function runJob(supersetUrl: string, drop: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const ctr = job.spec.template.spec.containers[0];
  const mount = path.join(tmp, "assets");
  if (!fs.existsSync(mount)) {
    fs.mkdirSync(mount);
    configMapVolume(mount, cm.data, job.spec.template.spec.volumes.find((v: any) => v.name === "assets").configMap.items);
  }
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: tmp, LAKEHOUSE_SKIP_NPM_CI: "1" };
  for (const e of ctr.env) env[e.name] = e.value ?? SECRETS[`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`];
  env.LAKEHOUSE_SUPERSET_URL = supersetUrl; // the in-cluster name does not resolve here
  for (const d of drop) delete env[d];
  const [node, entry, ...args] = ctr.command as string[];
  assert.equal(node, "node");
  assert.equal(entry, imp.CLI_ENTRY);
  const argv = [path.join(ROOT, "bin", "lakehouse.mjs"), ...args.map((a) => (a === imp.ASSETS_MOUNT ? mount : a))];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

test("the Job imports superset/assets through the REST API with the Trino password from its Secret, and can run again", async () => {
  const fake = await fakeSuperset();
  try {
    const first = await runJob(fake.url);
    assert.equal(first.code, 0, first.stderr);
    // Every YAML file of superset/assets, counted here from disk.
    const assetFiles = fs.readdirSync(path.join(ROOT, "superset", "assets"), { recursive: true }).filter((f) => String(f).endsWith(".yaml")).length;
    assert.match(first.stdout, new RegExp(`imported ${assetFiles} files; dashboards: Revenue Trends \\(#7\\)`));
    assert.equal(fake.seen.health, 1, "checked /health before logging in");
    assert.deepEqual(fake.seen.login, { username: "admin", password: "admin-pw", provider: "db", refresh: false });
    assert.equal(fake.seen.importHeaders!.authorization, "Bearer tok");
    assert.equal(fake.seen.importHeaders!["x-csrftoken"], "csrf-tok");
    assert.equal(fake.seen.importHeaders!.cookie, "session=s1");
    assert.equal(fake.seen.overwrite, "true");

    const files = imp.assetFiles();
    const entries = unzipText(fake.seen.bundle!);
    assert.deepEqual(Object.keys(entries).sort(), Object.keys(files).map((f) => `bundle/${f}`).sort(), "every file under one root folder, nothing from ..data");
    for (const [rel, text] of Object.entries(files)) {
      if (!rel.startsWith("databases/")) assert.equal(entries[`bundle/${rel}`], text, rel);
    }
    const db = entries["bundle/databases/Lakehouse_Trino.yaml"];
    assert.match(db, /^sqlalchemy_uri: trino:\/\/dashboard:dash-pw@trino\.lakehouse\.svc:8443\/iceberg$/m);
    assert.equal(db.replace(/^sqlalchemy_uri:.*$/m, ""), files["databases/Lakehouse_Trino.yaml"].replace(/^sqlalchemy_uri:.*$/m, ""));
    assert.deepEqual(pythonUnzip(fake.seen.bundle!), entries, "Python's zipfile, Superset's reader, reads the same bundle");

    // Again: the same request (the endpoint overwrites by UUID), byte for byte.
    const firstBundle = fake.seen.bundle!;
    const second = await runJob(fake.url);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(fake.seen.bundle!.equals(firstBundle));
  } finally {
    await fake.close();
  }
});

test("without its Secrets' values the Job fails before contacting Superset, naming what is missing", async () => {
  const fake = await fakeSuperset();
  try {
    const r = await runJob(fake.url, ["LAKEHOUSE_TRINO_PASSWORD", "LAKEHOUSE_SUPERSET_ADMIN_PASSWORD"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /missing environment variables: LAKEHOUSE_SUPERSET_ADMIN_PASSWORD, LAKEHOUSE_TRINO_PASSWORD/);
    assert.deepEqual(fake.seen.requests, []);
  } finally {
    await fake.close();
  }
});

test("waitForSuperset polls /health until OK, and gives up after its timeout", async () => {
  const fake = await fakeSuperset(["starting", "starting"]);
  try {
    await waitForSuperset(fake.url, 5000, silentLogger, 10);
    assert.equal(fake.seen.health, 3);
  } finally {
    await fake.close();
  }
  const down = await fakeSuperset(Array(100).fill("starting"));
  try {
    await assert.rejects(waitForSuperset(down.url, 100, silentLogger, 20), /not healthy after 0 s \(last: HTTP 503\)/);
  } finally {
    await down.close();
  }
});
