/** Health probes of the local services, each over the service's own protocol or port. */
import net from "node:net";
import { backOff } from "exponential-backoff";

export interface Probe {
  /** Resolves true when healthy; never throws. */
  (): Promise<boolean>;
}

export function tcpProbe(host: string, port: number, timeoutMs = 1000): Probe {
  return () =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once("connect", () => done(true));
      socket.once("error", () => done(false));
    });
}

/** Healthy when the URL answers 2xx and, if given, the body passes `accept`. */
export function httpProbe(url: string, accept?: (body: string) => boolean, timeoutMs = 2000): Probe {
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return false;
      const body = await res.text();
      return accept ? accept(body) : true;
    } catch {
      return false;
    }
  };
}

/** True when something already listens on host:port (a port another program holds). */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(true));
    server.once("listening", () => server.close(() => resolve(false)));
    server.listen(port, host);
  });
}

/** A probe that failed while there is still time: poll again. */
class NotYetHealthy extends Error {}

/**
 * Polls `probe` every `intervalMs` (default 500) until it passes; throws when `abort` gives a
 * reason (the process died) or after `timeoutMs`, saying how long and how many probes it took.
 */
export async function waitFor(probe: Probe, opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined }): Promise<void> {
  const started = Date.now();
  let probes = 0;
  await backOff(
    async () => {
      probes++;
      if (await probe()) return;
      const why = opts.abort?.();
      if (why) throw new Error(why);
      if (Date.now() - started > opts.timeoutMs) {
        throw new Error(`not healthy after ${Math.round(opts.timeoutMs / 1000)}s (${probes} probes, every ${opts.intervalMs ?? 500} ms)`);
      }
      throw new NotYetHealthy();
    },
    { numOfAttempts: Infinity, startingDelay: opts.intervalMs ?? 500, timeMultiple: 1, retry: (e) => e instanceof NotYetHealthy },
  );
}
