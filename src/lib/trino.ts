/** Running SQL on Trino (trino-client) and collecting whole results, errors made loud. */
import fs from "node:fs";
import { BasicAuth, Trino } from "trino-client";

export interface TrinoTarget {
  server: string;
  user: string;
  password?: string;
  catalog?: string;
  schema?: string;
  /** PEM file of the CA that signed Trino's certificate (the local stack's self-signed one). */
  caFile?: string;
}

export interface QueryOutput {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  queryId?: string;
  /** Trino's statistics of the finished query (rows and bytes read, splits, time). */
  stats?: { processedRows: number; processedBytes: number; physicalInputBytes: number; elapsedTimeMillis: number };
}

export class TrinoQueryError extends Error {
  constructor(
    message: string,
    readonly errorName?: string,
    readonly queryId?: string,
  ) {
    super(message);
  }
}

/** Runs one statement and returns all its rows; throws TrinoQueryError with Trino's message. */
export async function query(target: TrinoTarget, sql: string): Promise<QueryOutput> {
  const client = Trino.create({
    server: target.server,
    catalog: target.catalog,
    schema: target.schema,
    source: "lakehouse-cli",
    auth: new BasicAuth(target.user, target.password),
    ssl: target.caFile ? { ca: fs.readFileSync(target.caFile) } : undefined,
  });
  const out: QueryOutput = { columns: [], rows: [] };
  let iter;
  try {
    iter = await client.query(sql);
  } catch (e) {
    throw new TrinoQueryError(`cannot reach Trino at ${target.server}: ${(e as Error).message} (is the stack up? 'lakehouse local status')`);
  }
  for await (const result of iter) {
    out.queryId = result.id;
    if (result.stats) out.stats = result.stats;
    if (result.error) {
      throw new TrinoQueryError(`Trino: ${result.error.message} [${result.error.errorName}, query ${result.id}]`, result.error.errorName, result.id);
    }
    if (result.columns && out.columns.length === 0) out.columns = result.columns.map((c) => ({ name: c.name, type: c.type }));
    if (result.data) out.rows.push(...result.data);
  }
  return out;
}
