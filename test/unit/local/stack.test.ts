import assert from "node:assert/strict";
import { test } from "node:test";
import { withDependencies } from "../../../src/local/stack";
import type { Service } from "../../../src/local/services/types";

const svc = (name: string, dependsOn: string[] = []) => ({ name, dependsOn }) as unknown as Service;
const all = [svc("objectstore"), svc("postgres"), svc("metastore", ["postgres", "objectstore"]), svc("trino", ["metastore", "objectstore"]), svc("superset", ["postgres", "trino"])];

test("--only keeps a service's transitive dependencies, in start order", () => {
  assert.deepEqual(withDependencies(all, ["trino"]).map((s) => s.name), ["objectstore", "postgres", "metastore", "trino"]);
  assert.deepEqual(withDependencies(all, ["postgres"]).map((s) => s.name), ["postgres"]);
});

test("an unknown service is named in the error with the known ones", () => {
  assert.throws(() => withDependencies(all, ["kafka"]), /unknown service 'kafka' \(services: objectstore, postgres, metastore, trino, superset\)/);
});
