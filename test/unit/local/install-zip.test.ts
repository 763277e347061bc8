/**
 * The install's ZIP unpacking (Trino's plugins) with fflate: folders and files as in the
 * archive, and no entry written outside the target directory.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { zipSync } from "fflate";
import { extractZip } from "../../../src/local/install";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-install-zip-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);

/** Writes `zip` to a fresh archive file and returns it with an empty directory to unpack it into. */
function archiveAndTarget(name: string, zip: Uint8Array): { archive: string; into: string } {
  const archive = path.join(tmp, `${name}.zip`);
  fs.writeFileSync(archive, zip);
  const into = path.join(tmp, name);
  fs.mkdirSync(into);
  return { archive, into };
}

/** Every path under `dir` ("/"-separated, directories with a trailing "/") → file text. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .map((e) => {
        const rel = path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/");
        return e.isDirectory() ? [`${rel}/`, ""] : [rel, fs.readFileSync(path.join(dir, rel), "utf8")];
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

test("a plugin ZIP (a folder of deflated jars, with directory entries) unpacks to the same folders and files", () => {
  // Nested objects make fflate write directory entries, as Trino's plugin ZIPs have.
  const { archive, into } = archiveAndTarget("plugin", zipSync({ "trino-iceberg-476": { "a.jar": bytes("jar a"), lib: { "b.jar": bytes("jar b") }, empty: {} } }));
  extractZip(archive, into);
  assert.deepEqual(tree(into), {
    "trino-iceberg-476/": "",
    "trino-iceberg-476/a.jar": "jar a",
    "trino-iceberg-476/empty/": "",
    "trino-iceberg-476/lib/": "",
    "trino-iceberg-476/lib/b.jar": "jar b",
  });
});

test("an entry name that is absolute or has a '..' part is refused, and nothing of the archive is written", () => {
  const escaping = ["../evil.jar", "plugin/../../evil.jar", "/tmp/evil.jar", "plugin\\..\\..\\evil.jar", "C:\\evil.jar"];
  for (const [i, name] of escaping.entries()) {
    const { archive, into } = archiveAndTarget(`escaping-${i}`, zipSync({ "plugin/ok.jar": bytes("ok"), [name]: bytes("evil") }));
    assert.throws(() => extractZip(archive, into), /would be written outside/, name);
    assert.deepEqual(fs.readdirSync(into), [], name);
  }
  assert.ok(!fs.existsSync(path.join(tmp, "evil.jar")));
});
