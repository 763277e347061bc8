/**
 * fetchBytes's retries, against a local server whose answers are scripted per request: which
 * failures are retried, how many attempts, how long the waits between them are, and the
 * SourceError naming the URL when it gives up.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { fetchBytes } from "../../../src/ingest/http";
import { SourceError } from "../../../src/ingest/types";

/** One status per request, in order; the last repeats. */
let statuses: number[] = [];
const arrivals: number[] = [];
let server: http.Server;
let url: string;
const ctx = { source: "test-source", date: "2024-03-05" };

before(async () => {
  server = http.createServer((_req, res) => {
    const status = statuses[Math.min(arrivals.length, statuses.length - 1)];
    arrivals.push(performance.now());
    res.writeHead(status, { "content-type": "application/json" });
    res.end(status === 200 ? '{"ok":true}' : `{"error":"status ${status}"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const script = (...s: number[]) => {
  statuses = s;
  arrivals.length = 0;
};

test("transient failures (503, 429) are retried until the answer comes", async () => {
  script(503, 429, 200);
  const { body } = await fetchBytes(url, ctx, { attempts: 4, backoffMs: 5 });
  assert.equal(body.toString(), '{"ok":true}');
  assert.equal(arrivals.length, 3);
});

test("a client error (404) is not retried", async () => {
  script(404);
  const err = await fetchBytes(url, ctx, { attempts: 4, backoffMs: 5 }).catch((e: unknown) => e);
  assert.ok(err instanceof SourceError);
  assert.match(err.message, /HTTP 404/);
  assert.doesNotMatch(err.message, /after \d+ attempts/);
  assert.equal(arrivals.length, 1);
});

test("it gives up after the attempts, naming the URL and how many attempts it made", async () => {
  script(502);
  const err = await fetchBytes(url, ctx, { attempts: 3, backoffMs: 5 }).catch((e: unknown) => e);
  assert.ok(err instanceof SourceError);
  assert.match(err.message, /HTTP 502.*\(after 3 attempts\)/);
  assert.ok(err.message.includes(url), err.message);
  assert.equal(arrivals.length, 3);
});

test("the waits stay within their doubling bound (full jitter: up to 40, then 80 ms)", async () => {
  script(500);
  const started = performance.now();
  await assert.rejects(fetchBytes(url, ctx, { attempts: 3, backoffMs: 40 }), SourceError);
  const total = performance.now() - started;
  assert.equal(arrivals.length, 3);
  assert.ok(arrivals[0] - started < 100, "the first attempt is not delayed");
  // Waits of at most 40 + 80 ms, plus three local requests.
  assert.ok(total < 120 + 400, `took ${total} ms`);
});

test("an abort stops the retries", async () => {
  script(503);
  const controller = new AbortController();
  const pending = fetchBytes(url, ctx, { attempts: 10, backoffMs: 30 }, controller.signal);
  setTimeout(() => controller.abort(), 10);
  const err = await pending.catch((e: unknown) => e);
  assert.ok(!(err instanceof SourceError), `an abort is not a source failure: ${String(err)}`);
  assert.ok(arrivals.length < 10, `made ${arrivals.length} attempts`);
});
