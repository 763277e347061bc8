import assert from "node:assert/strict";
import { test } from "node:test";
import { stackPaths } from "../../../src/local/paths";
import { Supervisor } from "../../../src/local/supervisor";
import { shellQuote } from "../../../src/local/services/envfile";

const paths = stackPaths({ LAKEHOUSE_HOME: "/tmp/lakehouse-unit" });

test("each program sources its env file, stops as a process group and logs to its own file", () => {
  const conf = new Supervisor(paths).render([
    { name: "trino", command: "'/opt/trino/bin/launcher' run", envFile: "/tmp/lakehouse-unit/conf/trino.env", cwd: "/tmp" },
    { name: "postgres", command: "postgres -D /data", envFile: "/e", cwd: "/", user: "postgres", stopSignal: "INT" },
  ]);
  assert.match(conf, /\[program:trino\]\ncommand=\/bin\/sh -c "set -a; \. '\/tmp\/lakehouse-unit\/conf\/trino\.env'; set \+a; exec '\/opt\/trino\/bin\/launcher' run"/);
  assert.match(conf, /stdout_logfile=\/tmp\/lakehouse-unit\/logs\/trino\.log/);
  assert.equal(conf.match(/stopasgroup=true/g)?.length, 2);
  assert.match(conf, /\[program:postgres\][^[]*stopsignal=INT[^[]*user=postgres/);
  assert.match(conf, /autostart=false/, "start order is ours, not supervisord's");
});

test("a program's stale files are deleted before every start, then the program is exec'd", () => {
  const conf = new Supervisor(paths).render([{ name: "trino", command: "launcher run", envFile: "/e", cwd: "/", staleFiles: ["/d/var/run/launcher.pid", "/d/b c"] }]);
  assert.match(conf, /set \+a; rm -f '\/d\/var\/run\/launcher\.pid' '\/d\/b c'; exec launcher run"/);
});

test("a percent sign in a command is escaped for supervisord's interpolation", () => {
  const conf = new Supervisor(paths).render([{ name: "x", command: "echo 100%", envFile: "/e", cwd: "/" }]);
  assert.match(conf, /echo 100%%/);
});

test("env file values are single-quoted for the shell, quotes included", () => {
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test("a deep state directory falls back to a short socket path", () => {
  const deep = stackPaths({ LAKEHOUSE_HOME: "/tmp/" + "x".repeat(120) });
  assert.ok(new Supervisor(deep).socket.length < 100);
});
