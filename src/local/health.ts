/** Health probes of the local services, each over the service's own protocol or port. */
import net from "node:net";

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

export async function waitFor(probe: Probe, opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe()) return;
    const why = opts.abort?.();
    if (why) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`not healthy after ${Math.round(opts.timeoutMs / 1000)}s`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
