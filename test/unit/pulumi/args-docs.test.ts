/**
 * Every field of every component's `…Args` interface says what it is (defaults, units, what
 * excludes what) in a doc comment: the interface is the component's documentation.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import ts from "typescript";
import { ROOT } from "./harness";

test("every field of every components/*Args interface has a doc comment", () => {
  const dir = path.join(ROOT, "components");
  const undocumented: string[] = [];
  let interfaces = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), "utf8"), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
      interfaces++;
      for (const member of node.members) {
        const docs = ts.getJSDocCommentsAndTags(member).filter((d) => ts.isJSDoc(d) && (d.comment ?? "").toString().trim() !== "");
        if (docs.length === 0) undocumented.push(`components/${file}: ${node.name.text}.${member.name?.getText(source)}`);
      }
    });
  }
  assert.ok(interfaces >= 10, `found only ${interfaces} Args interfaces: is the parse right?`);
  assert.deepEqual(undocumented, []);
});
