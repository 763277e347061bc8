/**
 * Fetching from a source over HTTP: retries with backoff on what may pass (network errors,
 * 429, 5xx), and a clear SourceError naming source, date and URL for everything else:
 * an error status, an HTML page instead of data, an empty or truncated body.
 */
import { backOff } from "exponential-backoff";
import { SourceError } from "./types";

export interface HttpOptions {
  /** Attempts in all (default 4). */
  attempts?: number;
  /** Longest first wait between attempts; doubled on each retry, full jitter (a random wait up to it; default 500 ms). */
  backoffMs?: number;
  /** Per attempt, headers to body end (default 120 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface SourceContext {
  source: string;
  date: string;
}

/** Why an attempt failed, and whether trying again could help. */
class AttemptFailure extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

function snippet(body: Buffer | string, max = 160): string {
  const text = (typeof body === "string" ? body : body.subarray(0, max * 2).toString("utf8")).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

async function attempt(url: string, opts: HttpOptions, signal?: AbortSignal): Promise<{ body: Buffer; contentType: string }> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 120_000);
  let res: Response;
  try {
    res = await fetch(url, { headers: opts.headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new AttemptFailure(`request failed: ${(e as Error).cause ?? (e as Error).message}`, true);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (signal?.aborted) throw e;
    // The connection closed before the announced length arrived.
    throw new AttemptFailure(`truncated body: the connection closed mid-transfer (${(e as Error).cause ?? (e as Error).message})`, true);
  }
  const contentType = res.headers.get("content-type") ?? "";
  if (!res.ok) {
    const retryable = res.status === 429 || res.status >= 500;
    throw new AttemptFailure(`HTTP ${res.status} ${res.statusText}${body.length ? `: ${snippet(body)}` : ""}`, retryable);
  }
  const announced = Number(res.headers.get("content-length") ?? NaN);
  if (!Number.isNaN(announced) && res.headers.get("content-encoding") === null && body.length !== announced) {
    throw new AttemptFailure(`truncated body: received ${body.length} of ${announced} bytes`, true);
  }
  return { body, contentType };
}

/**
 * GETs a URL's whole body, retrying transient failures; throws SourceError when it gives up.
 * Time is bounded: `attempts` × `timeoutMs` plus the waits (backoffMs × (2^(attempts-1) − 1) at most).
 * An abort stops the retries; one that comes during a wait takes effect when the wait ends.
 */
export async function fetchBytes(url: string, ctx: SourceContext, opts: HttpOptions = {}, signal?: AbortSignal): Promise<{ body: Buffer; contentType: string }> {
  const attempts = opts.attempts ?? 4;
  try {
    return await backOff(
      () => {
        signal?.throwIfAborted();
        return attempt(url, opts, signal);
      },
      {
        numOfAttempts: attempts,
        startingDelay: opts.backoffMs ?? 500,
        timeMultiple: 2,
        jitter: "full",
        retry: (e) => e instanceof AttemptFailure && e.retryable && !signal?.aborted,
      },
    );
  } catch (e) {
    if (!(e instanceof AttemptFailure)) throw e;
    const tries = attempts > 1 && e.retryable ? ` (after ${attempts} attempts)` : "";
    throw new SourceError(ctx.source, ctx.date, url, `${e.message}${tries}`);
  }
}

/** A body that should be JSON: HTML, empty and cut-off bodies each get their own message. */
export function parseJsonBody(body: Buffer, contentType: string, url: string, ctx: SourceContext): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new SourceError(ctx.source, ctx.date, url, "empty body where JSON data was expected");
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    throw new SourceError(ctx.source, ctx.date, url, `HTML instead of JSON (content-type '${contentType}'): ${snippet(text)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SourceError(ctx.source, ctx.date, url, `truncated or invalid JSON body (${body.length} bytes, ends with '${snippet(text.slice(-40))}'): ${(e as Error).message}`);
  }
}

export async function fetchJson(url: string, ctx: SourceContext, opts: HttpOptions = {}, signal?: AbortSignal): Promise<unknown> {
  const { body, contentType } = await fetchBytes(url, ctx, opts, signal);
  return parseJsonBody(body, contentType, url, ctx);
}
