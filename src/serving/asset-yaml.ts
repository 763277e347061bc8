/**
 * The edits the import and the export make to asset YAML, done on parsed documents (the `yaml`
 * package's parseDocument / set / toString) rather than on lines: comments, key order and the
 * scalars' quoting stay as they were, and a key that moves or is quoted is still found.
 */
import { parseDocument, type Document, type ToStringOptions } from "yaml";

/** The database connection's key; Superset keeps the Trino user, host and port in it. */
const URI_KEY = "sqlalchemy_uri";

/**
 * How an edited document is written back: no folding of long lines (Superset's and the
 * repository's files keep each value on one line), and block sequences at their key's indent,
 * as PyYAML (Superset's writer) puts them. The committed files come back byte for byte.
 */
const OUTPUT: ToStringOptions = { lineWidth: 0, indentSeq: false };

export interface TrinoEndpoint {
  host: string;
  port: number;
}

function parse(yaml: string, file: string): Document {
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message}`);
  return doc;
}

function uriOf(doc: Document, file: string): URL {
  const value = doc.get(URI_KEY);
  if (typeof value !== "string") throw new Error(`${file}: no top-level '${URI_KEY}:' string`);
  return new URL(value);
}

/** `doc` with its URI replaced, as text; the scalar node is kept, so its quoting and comments stay. */
function withUri(doc: Document, uri: URL): string {
  doc.set(URI_KEY, uri.toString());
  return doc.toString(OUTPUT);
}

/** The `sqlalchemy_uri` of a database YAML; throws when there is none. */
export function databaseUri(yaml: string, file = "database YAML"): URL {
  return uriOf(parse(yaml, file), file);
}

/**
 * The database YAML pointed at `endpoint` with `password` for the URI's user: for the
 * temporary import copy only. Throws when the repository's copy already carries a password.
 */
export function injectPassword(yaml: string, endpoint: TrinoEndpoint, password: string, file = "database YAML"): string {
  const doc = parse(yaml, file);
  const uri = uriOf(doc, file);
  if (uri.password) throw new Error(`${file}: sqlalchemy_uri must not contain a password (it is supplied at import)`);
  if (!uri.username) throw new Error(`${file}: sqlalchemy_uri names no user (expected trino://dashboard@host:port/catalog)`);
  uri.hostname = endpoint.host;
  uri.port = String(endpoint.port);
  uri.password = password;
  return withUri(doc, uri);
}

/**
 * An exported database YAML made fit for the repository: no password (Superset exports a
 * mask), and the host and port of `keepFrom` (the committed file) when given, so that a
 * moved local port does not rewrite the repository.
 */
export function stripPassword(yaml: string, keepFrom?: string, file = "database YAML"): string {
  const doc = parse(yaml, file);
  const uri = uriOf(doc, file);
  uri.password = "";
  if (keepFrom !== undefined) {
    const kept = databaseUri(keepFrom, file);
    uri.hostname = kept.hostname;
    uri.port = kept.port;
  }
  return withUri(doc, uri);
}

/**
 * An export's metadata.yaml retyped as an asset bundle: Superset writes `type: Dashboard` for a
 * dashboard export, and POST /api/v1/assets/import/ accepts only `type: assets`.
 */
export function asAssetsMetadata(yaml: string, file = "metadata.yaml"): string {
  const doc = parse(yaml, file);
  doc.set("type", "assets");
  return doc.toString(OUTPUT);
}

/** The top-level `uuid` of an asset YAML (how Superset matches objects on import), if it has one. */
export function assetUuid(yaml: string, file = "asset YAML"): string | undefined {
  const uuid = parse(yaml, file).get("uuid");
  return typeof uuid === "string" ? uuid : undefined;
}
