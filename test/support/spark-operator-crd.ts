/**
 * The spark-operator's CRD schemas, for the unit tests that validate the program's
 * ScheduledSparkApplication and the SparkApplications `lakehouse deploy run` makes. Not copied
 * into the repository: read from the kubeflow/spark-operator Go module at the chart version the
 * program pins (DEFAULTS.sparkOperatorChartVersion), which holds the chart and its CRDs
 * (charts/spark-operator-chart/crds/). `go mod download` fetches it from the Go module proxy
 * once and then finds it in Go's module cache; the unit tier's runner (test/run.ts) downloads it
 * before any test, so no test's timing includes the download.
 *
 * A CRD's `openAPIV3Schema` is OpenAPI v3 with Kubernetes extensions. The API server prunes
 * fields its schema does not declare, silently: a misspelt field would be dropped, not rejected.
 * The validators here close every object the API server would prune (closeAsPruned), so such a
 * field fails the test instead, and know the extensions: x-kubernetes-list-type is checked as the
 * API server checks it (no duplicate items of a set, no two items of a map with the same keys),
 * the other x-kubernetes-* keywords are annotations here, and the formats are checked. Ajv stays
 * strict otherwise: a keyword or format a later chart version brings fails the compile, loudly.
 */
import fs from "node:fs";
import path from "node:path";
import Ajv, { type AnySchemaObject, type SchemaValidateFunction, type ValidateFunction } from "ajv";
import yaml from "js-yaml";
import { DEFAULTS } from "../../components/config";
import { sparkOperatorChart } from "../../src/cluster/toolchain";

export type SparkOperatorKind = "ScheduledSparkApplication" | "SparkApplication";

/** The CRDs' API version the program writes. */
export const SPARK_OPERATOR_API_VERSION = "v1beta2";

/** The CRD file of `kind` in the chart's crds/ directory. */
export const crdFile = (kind: SparkOperatorKind) => `sparkoperator.k8s.io_${kind.toLowerCase()}s.yaml`;

interface CrdDocument {
  kind: string;
  spec: { names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: AnySchemaObject } }[] };
}

/** The `version` schema of a CRD document (apiextensions.k8s.io/v1), checked to be `kind`'s. */
export function versionSchema(crd: CrdDocument, kind: string, version: string): AnySchemaObject {
  if (crd.kind !== "CustomResourceDefinition" || crd.spec.names.kind !== kind) throw new Error(`not the CRD of ${kind}: ${crd.kind} of ${crd.spec?.names?.kind}`);
  const schema = crd.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`the CRD of ${kind} has no ${version} schema (versions: ${crd.spec.versions.map((v) => v.name).join(", ")})`);
  return schema;
}

const isSchema = (v: unknown): v is AnySchemaObject => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * `schema` with `additionalProperties: false` on every object the API server would prune: one
 * with `properties` and neither `additionalProperties` (a map) nor
 * `x-kubernetes-preserve-unknown-fields: true`. Follows the structural part only (properties,
 * items, additionalProperties), as pruning does; anyOf and the like only constrain values there.
 * A new schema; `schema` is left as it is.
 */
export function closeAsPruned(schema: AnySchemaObject): AnySchemaObject {
  const out: AnySchemaObject = { ...schema };
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, isSchema(s) ? closeAsPruned(s) : s]));
    if (schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  }
  if (isSchema(schema.additionalProperties)) out.additionalProperties = closeAsPruned(schema.additionalProperties);
  if (Array.isArray(schema.items)) out.items = schema.items.map((s: unknown) => (isSchema(s) ? closeAsPruned(s) : s));
  else if (isSchema(schema.items)) out.items = closeAsPruned(schema.items);
  return out;
}

/**
 * x-kubernetes-list-type as the API server checks it: a `set`'s items unique, a `map`'s items
 * unique by their x-kubernetes-list-map-keys (a key's schema default standing in when absent, as
 * the API server defaults it first). `atomic` is a rule for merges, nothing to check in one object.
 */
const listType: SchemaValidateFunction = (type: string, data: unknown[], parent?: AnySchemaObject) => {
  if (type !== "set" && type !== "map") return true;
  const keys: string[] = parent?.["x-kubernetes-list-map-keys"] ?? [];
  const defaults = (parent?.items as AnySchemaObject | undefined)?.properties ?? {};
  const identity = (item: unknown) => JSON.stringify(type === "set" ? item : keys.map((k) => (item as Record<string, unknown>)?.[k] ?? defaults[k]?.default ?? null));
  const seen = new Set<string>();
  for (const item of data) {
    const id = identity(item);
    if (seen.has(id)) {
      listType.errors = [{ keyword: "x-kubernetes-list-type", message: type === "set" ? `duplicate item ${id} in a list-type set` : `two items with the same ${keys.join(", ")} (${id}) in a list-type map` }];
      return false;
    }
    seen.add(id);
  }
  return true;
};

const INT32 = 2 ** 31;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An Ajv that knows the Kubernetes extensions and formats the spark-operator's CRDs use. */
export function crdAjv(): Ajv {
  // strictTypes off: controller-gen writes `pattern` beside an int-or-string's anyOf (it applies
  // to the string branch only), which strict types would report as a pattern without a type.
  // optimize off: the CRD (~450 kB of schema, the pod spec's types inlined for driver and executor)
  // compiles about a third faster (~0.7 s, not ~1 s, here), and a test validates a handful of objects.
  const ajv = new Ajv({ allErrors: true, strictTypes: false, code: { optimize: false } });
  ajv.addKeyword({ keyword: "x-kubernetes-list-type", type: "array", schemaType: "string", errors: true, validate: listType });
  // Annotations here: preserve-unknown-fields and map keys act through closeAsPruned and listType;
  // int-or-string is also written as the anyOf beside it; map-type `atomic` is a merge rule.
  for (const keyword of ["x-kubernetes-list-map-keys", "x-kubernetes-int-or-string", "x-kubernetes-map-type", "x-kubernetes-preserve-unknown-fields"]) ajv.addKeyword({ keyword });
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat("date-time", { type: "string", validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  return ajv;
}

/** The CRDs' directory of the pinned chart version, downloaded by Go if it is not in its module cache. */
export async function sparkOperatorCrds(version = DEFAULTS.sparkOperatorChartVersion): Promise<string> {
  return path.join(await sparkOperatorChart(version), "crds");
}

/** `kind`'s v1beta2 schema from the pinned chart's CRD, closed as the API server prunes (closeAsPruned). */
export async function sparkOperatorSchema(kind: SparkOperatorKind): Promise<AnySchemaObject> {
  const crd = yaml.load(fs.readFileSync(path.join(await sparkOperatorCrds(), crdFile(kind)), "utf8")) as CrdDocument;
  return closeAsPruned(versionSchema(crd, kind, SPARK_OPERATOR_API_VERSION));
}

const validators = new Map<SparkOperatorKind, Promise<{ ajv: Ajv; validate: ValidateFunction }>>();

/** A validator of a whole `kind` object (apiVersion, kind, metadata, spec), compiled once per process. */
export function sparkOperatorValidator(kind: SparkOperatorKind): Promise<{ ajv: Ajv; validate: ValidateFunction }> {
  let v = validators.get(kind);
  if (!v) {
    v = sparkOperatorSchema(kind).then((schema) => {
      const ajv = crdAjv();
      return { ajv, validate: ajv.compile(schema) };
    });
    validators.set(kind, v);
  }
  return v;
}

/** Null when `obj` is a valid `kind` object, else the validator's errors as text. */
export async function crdErrors(kind: SparkOperatorKind, obj: unknown): Promise<string | null> {
  const { ajv, validate } = await sparkOperatorValidator(kind);
  return validate(obj) ? null : ajv.errorsText(validate.errors, { separator: "\n  " });
}
