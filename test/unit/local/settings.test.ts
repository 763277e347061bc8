import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_PORTS, stackSettings } from "../../../src/local/settings";

test("defaults keep PostgreSQL off the common 5432", () => {
  assert.equal(stackSettings({}).ports.postgres, 5433);
  assert.deepEqual(stackSettings({}).ports, DEFAULT_PORTS);
});

test("each port moves with LAKEHOUSE_PORT_<NAME>", () => {
  const s = stackSettings({ LAKEHOUSE_PORT_TRINO: "18080", LAKEHOUSE_PORT_OBJECT_STORE_CONSOLE: "19001" });
  assert.equal(s.ports.trino, 18080);
  assert.equal(s.ports.objectStoreConsole, 19001);
  assert.equal(s.ports.superset, DEFAULT_PORTS.superset);
});

test("a port that is not a port number is refused with the variable's name", () => {
  assert.throws(() => stackSettings({ LAKEHOUSE_PORT_SUPERSET: "http" }), /LAKEHOUSE_PORT_SUPERSET=http is not a port number/);
  assert.throws(() => stackSettings({ LAKEHOUSE_PORT_TRINO: "70000" }), /LAKEHOUSE_PORT_TRINO/);
});
