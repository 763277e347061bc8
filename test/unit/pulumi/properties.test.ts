/**
 * parseProperties reads .properties text as the JVMs do (java.util.Properties, Spark's trim): the
 * SparkApplication's sparkConf comes from spark/conf/spark-defaults.conf, which Spark also reads in
 * its own `key value` form, and Trino's workers get the coordinator's config.properties re-rendered.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { parseProperties } from "../../../components/trinoConfig";

const ROOT = path.join(__dirname, "../../..");

test("key=value and key:value", () => {
  assert.deepEqual(parseProperties("spark.a=1\nspark.b:2\n"), new Map([["spark.a", "1"], ["spark.b", "2"]]));
});

test("Spark's whitespace-separated form: key value", () => {
  assert.deepEqual(parseProperties("spark.executor.memory   4g\nspark.sql.shuffle.partitions\t64\n"), new Map([["spark.executor.memory", "4g"], ["spark.sql.shuffle.partitions", "64"]]));
});

test("a value keeps its own = and spaces: the key ends at the first separator", () => {
  const props = parseProperties("spark.driver.extraJavaOptions -Dfoo=bar -Dx=y\nspark.executor.extraJavaOptions=-Dfoo=bar -Dx=y\n");
  assert.deepEqual([...props.keys()], ["spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"]);
  assert.equal(props.get("spark.driver.extraJavaOptions"), "-Dfoo=bar -Dx=y");
  assert.equal(props.get("spark.executor.extraJavaOptions"), "-Dfoo=bar -Dx=y");
});

test("comments (# and !) and blank lines are skipped; values are trimmed as Spark trims them", () => {
  const text = "# a comment = with a separator\n\n   \n! another comment\n  spark.a = 1  \n\t# indented comment\nspark.b=2\n";
  assert.deepEqual(parseProperties(text), new Map([["spark.a", "1"], ["spark.b", "2"]]));
});

/** The repository's files hold only plain `key=value` lines, so splitting each at its first `=` is their unambiguous meaning. */
function plainKeyValueLines(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([^\s=:#!\\]+)=([^\\]*)$/.exec(line);
    assert.ok(m, `not a plain key=value line: "${line}" (the expected map would be ambiguous)`);
    props.set(m[1], m[2].trim());
  }
  return props;
}

test("spark/conf/spark-defaults.conf parses to its key=value lines (the SparkApplication's sparkConf)", () => {
  const text = fs.readFileSync(path.join(ROOT, "spark/conf/spark-defaults.conf"), "utf8");
  const props = parseProperties(text);
  assert.deepEqual(props, plainKeyValueLines(text));
  assert.equal(props.get("spark.driver.defaultJavaOptions"), "-XX:-DontCompileHugeMethods");
  assert.equal(props.get("spark.executor.defaultJavaOptions"), "-XX:-DontCompileHugeMethods");
});

test("Trino's properties files parse to their key=value lines", () => {
  const dirs = ["trino/etc", "trino/catalog"];
  const files = dirs.flatMap((d) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith(".properties")).map((f) => path.join(ROOT, d, f)));
  assert.ok(files.length >= 5, `found only ${files.join(", ")}`);
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    assert.deepEqual(parseProperties(text), plainKeyValueLines(text), file);
  }
  const config = parseProperties(fs.readFileSync(path.join(ROOT, "trino/etc/config.properties"), "utf8"));
  assert.equal(config.get("discovery.uri"), "${ENV:TRINO_DISCOVERY_URI}");
});
