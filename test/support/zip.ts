/**
 * ZIPs as text for the tests: read with fflate (the project's library) and with Python's
 * zipfile, the outside judge, since Superset reads an import bundle with it and writes its
 * exports with it.
 *
 * Python's zipfile runs on the project's Python (.venv, the one Superset runs on). There is no
 * skip when that is missing: the unit tier's runner (test/run.ts) installs it before any test,
 * so a missing one means the setup is broken, and a check that quietly passes would hide that.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { stackPaths } from "../../src/local/paths";

/** Every entry of `zip` as UTF-8 text, read by fflate. */
export function unzipText(zip: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]));
}

/** The project's Python; throws, saying how to install it, when it is missing. */
function projectPython(): string {
  const python = path.join(stackPaths().venv, "bin", "python");
  if (!fs.existsSync(python)) {
    throw new Error(`${python} is missing: this check runs Python's zipfile, as Superset does; 'npm run test:unit' installs the Python environment first (or run 'lakehouse local install')`);
  }
  return python;
}

/** Every entry of `zip` as Superset reads it (ZipFile.read(name).decode()), after zipfile's CRC check of every entry. */
export function pythonUnzip(zip: Uint8Array): Record<string, string> {
  const script = [
    "import io, json, sys, zipfile",
    "z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))",
    "bad = z.testzip()",
    "assert bad is None, f'bad CRC: {bad}'",
    "json.dump({n: z.read(n).decode() for n in z.namelist()}, sys.stdout)",
  ].join("\n");
  return JSON.parse(execFileSync(projectPython(), ["-c", script], { input: zip }).toString()) as Record<string, string>;
}

/** A ZIP of `files` (name → text) as Superset's export writes it: ZipFile(buf, "w") and ZipFile.open(name, "w"). */
export function pythonZip(files: Record<string, string>): Buffer {
  const script = [
    "import io, json, sys, zipfile",
    "buf = io.BytesIO()",
    "with zipfile.ZipFile(buf, 'w') as z:",
    "    for name, text in json.load(sys.stdin).items():",
    "        with z.open(name, 'w') as fp:",
    "            fp.write(text.encode())",
    "sys.stdout.buffer.write(buf.getvalue())",
  ].join("\n");
  return execFileSync(projectPython(), ["-c", script], { input: JSON.stringify(files) });
}
