/** Ports and sizes of the local stack: defaults that fit a 2-core, 16–24 GB machine. */
export interface StackSettings {
  host: string;
  ports: {
    objectStore: number;
    objectStoreConsole: number;
    postgres: number;
    metastore: number;
    trino: number;
    trinoHttps: number;
    superset: number;
  };
  trinoHeap: string;
  metastoreHeap: string;
}

export const DEFAULT_PORTS: StackSettings["ports"] = {
  objectStore: 9000,
  objectStoreConsole: 9001,
  // 5433, not 5432: a machine often runs its own PostgreSQL on the default port.
  postgres: 5433,
  metastore: 9083,
  trino: 8080,
  trinoHttps: 8443,
  superset: 8088,
};

/** Each port can be moved with LAKEHOUSE_PORT_<NAME> (e.g. LAKEHOUSE_PORT_TRINO=18080). */
export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) {
    const name = `LAKEHOUSE_PORT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const value = env[name];
    if (value === undefined) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${value} is not a port number (1-65535)`);
    ports[key] = port;
  }
  return {
    host: "127.0.0.1",
    ports,
    trinoHeap: env.LAKEHOUSE_TRINO_HEAP ?? "2G",
    metastoreHeap: env.LAKEHOUSE_METASTORE_HEAP ?? "512m",
  };
}
