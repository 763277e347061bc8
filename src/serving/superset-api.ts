/**
 * Superset's REST API as a logged-in session: a bearer token, a CSRF token and the session
 * cookie it is bound to, sent with every request. Knows nothing of the assets or of where the
 * credentials come from, so the local stack, the cluster's import Job and the tests share it.
 */
import type { Logger } from "../lib/log";

export interface SupersetApi {
  url: string;
  /** JSON request; throws with Superset's message on a non-2xx answer. */
  json<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
  /** Raw request with the session's headers (auth, CSRF, cookie). */
  fetch(apiPath: string, init?: RequestInit): Promise<Response>;
}

/** An error for Superset's non-2xx answer to `what`, with its message (a 500's traceback is only in Superset's log). */
export async function supersetFailure(res: Response, what: string): Promise<Error> {
  const text = await res.text().catch(() => "");
  // A 500 comes as an HTML page; the traceback is in Superset's log.
  const detail = text.trimStart().startsWith("<")
    ? "(see the traceback in Superset's log: 'lakehouse local logs superset', or 'kubectl logs deploy/superset' in the cluster)"
    : text.slice(0, 2000);
  return new Error(`Superset ${what}: HTTP ${res.status} ${detail}`);
}

/** Logs in through /api/v1/security/login and fetches a CSRF token bound to a session cookie. */
export async function supersetLogin(base: string, user: string, password: string, hint = "is Superset running?"): Promise<SupersetApi> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/security/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, password, provider: "db", refresh: false }),
    });
  } catch (e) {
    throw new Error(`cannot reach Superset at ${base}: ${(e as Error).message} (${hint})`);
  }
  if (!res.ok) throw await supersetFailure(res, "login");
  const { access_token: token } = (await res.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };
  const csrfRes = await fetch(`${base}/api/v1/security/csrf_token/`, { headers: auth });
  if (!csrfRes.ok) throw await supersetFailure(csrfRes, "CSRF token");
  const csrf = ((await csrfRes.json()) as { result: string }).result;
  // The CSRF token is checked against the session it was issued in.
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const headers = { ...auth, "x-csrftoken": csrf, cookie, referer: base };
  const doFetch = (apiPath: string, init: RequestInit = {}) =>
    fetch(`${base}${apiPath}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
  return {
    url: base,
    fetch: doFetch,
    async json<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
      const r = await doFetch(apiPath, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw await supersetFailure(r, `${method} ${apiPath}`);
      return (await r.json()) as T;
    },
  };
}

/** Every dashboard in Superset (id, title, UUID). */
export async function listDashboards(api: SupersetApi): Promise<{ id: number; title: string; uuid: string }[]> {
  const q = "(columns:!(id,dashboard_title,uuid),page_size:100)";
  const body = await api.json<{ result: { id: number; dashboard_title: string; uuid: string }[] }>("GET", `/api/v1/dashboard/?q=${encodeURIComponent(q)}`);
  return body.result.map((d) => ({ id: d.id, title: d.dashboard_title, uuid: d.uuid }));
}

/**
 * Waits until `${url}/health` answers OK (Superset up and migrated); throws after `timeoutMs`.
 * The cluster's import Job starts beside Superset, so it must wait rather than fail.
 */
export async function waitForSuperset(url: string, timeoutMs: number, log: Logger, intervalMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, timeoutMs))) });
      const body = await res.text();
      if (res.ok && body.trim() === "OK") return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() + intervalMs > deadline) throw new Error(`Superset at ${url} not healthy after ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    log.step(`waiting for Superset at ${url} (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
