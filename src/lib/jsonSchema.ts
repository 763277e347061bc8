/**
 * JSON Schema checks (draft 2020-12, by ajv) of the documents the project reads by hand-made
 * rules no more: the bronze manifest (spark/contracts/bronze-manifest.schema.json, which the
 * silver job checks too, with Python's jsonschema) and the S3 policies (policies/policy.schema.json).
 * A schema is read and compiled on the first check, so a module that imports a checker but never
 * calls it (an image without the schema's folder) does not need the file.
 */
import fs from "node:fs";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";

/** One way a document breaks its schema: where (the path's segments, array indexes as numbers) and what. */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

/** `/objects/0/sha256` for ["objects", 0, "sha256"] (a JSON Pointer, as ajv's instancePath); "" for the root. */
export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function segments(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath.slice(1).split("/").map((s) => {
    const text = s.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^(0|[1-9]\d*)$/.test(text) ? Number(text) : text;
  });
}

/**
 * ajv's message, made to name what it is about: the property a `required` or
 * `additionalProperties` error concerns, the allowed values of an `enum`, and for a `pattern`,
 * what the pattern means when its schema says so in `description` (the schemas' convention),
 * with the value that broke it.
 */
function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") return `must NOT have additional property '${String(params.additionalProperty)}'`;
  if (e.keyword === "required") return `must have required property '${String(params.missingProperty)}'`;
  const description = (e.parentSchema as { description?: unknown } | undefined)?.description;
  if (e.keyword === "pattern" && typeof description === "string") {
    const got = JSON.stringify(e.data);
    return `must be ${description}, not ${got.length > 80 ? `${got.slice(0, 77)}...` : got}`;
  }
  if (e.keyword === "enum") return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (e.keyword === "type") return `must be ${String(params.type).split(",").join(" or ")}`;
  if (e.keyword === "const") return `must be ${JSON.stringify(params.allowedValue)}`;
  return e.message ?? e.keyword;
}

/** A checker of documents against the schema in `file` (absolute path): every problem, or none. */
export function schemaChecker(file: string): (value: unknown) => SchemaProblem[] {
  let validate: ValidateFunction | undefined;
  return (value) => {
    if (!validate) {
      const schema = JSON.parse(fs.readFileSync(file, "utf8")) as object;
      // strict: a misspelt keyword in the schema is an error, not a rule silently not applied;
      // verbose: errors carry the failing schema (its description).
      validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(schema);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => ({ path: segments(e.instancePath), message: describe(e) }));
  };
}
