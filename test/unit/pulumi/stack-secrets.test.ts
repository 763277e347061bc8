/** The generated stack secrets: what init makes, that it never remakes one, and what the program checks before use. */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import test from "node:test";
import bcrypt from "bcryptjs";
import { IDENTITIES } from "../../../components/policies";
import {
  configName, generateStackSecrets, initCommand, password, readStackSecrets, selfSignedCertificate, STACK_SECRETS,
  TLS_VALIDITY_DAYS, trinoCertificateNames, trinoSecretProblems,
} from "../../../components/stackSecrets";
import { TRINO_USERS } from "../../../components/trinoConfig";

const all = generateStackSecrets({ namespace: "lakehouse" }, new Set());
const keys = STACK_SECRETS.map((s) => s.key);

test("STACK_SECRETS: unique keys under lakehouse:, each described; the ones the program reads", () => {
  assert.equal(new Set(keys).size, keys.length);
  for (const s of STACK_SECRETS) {
    assert.match(s.key, /^lakehouse:[a-zA-Z0-9_]+$/);
    assert.equal(`lakehouse:${configName(s.key)}`, s.key);
    assert.ok(s.what.length > 10, s.key);
  }
  for (const name of ["minioRootPassword", ...IDENTITIES.map((i) => `s3SecretKey_${i}`), "postgresPassword_superuser", "postgresPassword_metastore", "postgresPassword_superset",
    ...TRINO_USERS.flatMap((u) => [`trinoPassword_${u}`, `trinoPasswordHash_${u}`]), "trinoInternalSecret", "trinoTlsKey", "trinoTlsCert", "supersetSecretKey", "supersetAdminPassword"]) {
    assert.ok(keys.includes(`lakehouse:${name}`), name);
  }
  assert.throws(() => configName("other:x"), /not in the lakehouse: namespace/);
});

test("generateStackSecrets makes every key; passwords alphanumeric at their lengths, each different", () => {
  assert.deepEqual(Object.keys(all).sort(), [...keys].sort());
  for (const s of STACK_SECRETS) if (s.how.kind === "password") assert.match(all[s.key], new RegExp(`^[A-Za-z0-9]{${s.how.length}}$`), s.key);
  const passwords = STACK_SECRETS.filter((s) => s.how.kind === "password").map((s) => all[s.key]);
  assert.equal(new Set(passwords).size, passwords.length);
  assert.notEqual(password(24), password(24));
  assert.throws(() => password(8), /length must be an integer >= 16/);
});

test("existing keys are never generated again; a derived secret never without its source", () => {
  const existing = new Set(keys.filter((k) => !/s3SecretKey_spark|trinoPassword(Hash)?_dashboard|trinoTls/.test(k)));
  const again = generateStackSecrets({ namespace: "lakehouse" }, existing);
  assert.deepEqual(Object.keys(again).sort(), ["lakehouse:s3SecretKey_spark", "lakehouse:trinoPasswordHash_dashboard", "lakehouse:trinoPassword_dashboard", "lakehouse:trinoTlsCert", "lakehouse:trinoTlsKey"]);
  assert.deepEqual(generateStackSecrets({ namespace: "lakehouse" }, new Set(keys)), {});
  assert.ok(bcrypt.compareSync(again["lakehouse:trinoPassword_dashboard"], again["lakehouse:trinoPasswordHash_dashboard"]), "the new hash is of the new password");
  assert.ok(new crypto.X509Certificate(again["lakehouse:trinoTlsCert"]).checkPrivateKey(crypto.createPrivateKey(again["lakehouse:trinoTlsKey"])), "the new certificate is of the new key");
  const half = (...present: string[]) => () => generateStackSecrets({ namespace: "lakehouse" }, new Set(present));
  assert.throws(half("lakehouse:trinoPassword_admin"), /lakehouse:trinoPassword_admin without lakehouse:trinoPasswordHash_admin.*Remove both/);
  assert.throws(half("lakehouse:trinoPasswordHash_admin"), /lakehouse:trinoPasswordHash_admin without lakehouse:trinoPassword_admin/);
  assert.throws(half("lakehouse:trinoTlsCert"), /lakehouse:trinoTlsCert without lakehouse:trinoTlsKey/);
  assert.throws(half("lakehouse:trinoTlsKey"), /lakehouse:trinoTlsKey without lakehouse:trinoTlsCert/);
});

test("Trino's certificate: ECDSA P-256, self-signed, the Service's names, a year, a server certificate", () => {
  const cert = new crypto.X509Certificate(all["lakehouse:trinoTlsCert"]);
  const key = crypto.createPrivateKey(all["lakehouse:trinoTlsKey"]);
  // PKCS#8 PEM, which Trino's PEM keystore reads: the key re-exported as PKCS#8 PEM is the same text.
  assert.equal(all["lakehouse:trinoTlsKey"], key.export({ type: "pkcs8", format: "pem" }).toString());
  assert.equal(key.asymmetricKeyType, "ec");
  assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(cert.publicKey.asymmetricKeyType, "ec");
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.ok(cert.checkPrivateKey(key));
  assert.ok(cert.verify(cert.publicKey), "self-signed: its own key signs it");
  assert.equal(cert.subject, "O=lakehouse\nCN=trino.lakehouse.svc");
  assert.equal(cert.issuer, cert.subject);
  assert.equal(cert.subjectAltName, "DNS:trino, DNS:trino.lakehouse, DNS:trino.lakehouse.svc, DNS:trino.lakehouse.svc.cluster.local, DNS:localhost");
  for (const host of ["trino.lakehouse.svc", "trino.lakehouse.svc.cluster.local", "localhost"]) assert.equal(cert.checkHost(host), host);
  assert.equal(cert.checkHost("trino.other.svc"), undefined);
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"], "extended key usage serverAuth");
  const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
  assert.equal(days, TLS_VALIDITY_DAYS);
  assert.ok(Math.abs(new Date(cert.validFrom).getTime() - Date.now()) < 120_000, "valid from now");
  assert.deepEqual(trinoCertificateNames("lh").dnsNames, ["trino", "trino.lh", "trino.lh.svc", "trino.lh.svc.cluster.local", "localhost"]);
  assert.equal(new crypto.X509Certificate(generateStackSecrets({ namespace: "lh" }, new Set(keys.filter((k) => !k.includes("trinoTls"))))["lakehouse:trinoTlsCert"]).checkHost("trino.lh.svc"), "trino.lh.svc", "derived from the namespace");
  const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  assert.throws(() => selfSignedCertificate(rsa, trinoCertificateNames("lh"), 1), /expected an EC key \(got rsa\)/);
});

test("every certificate parses, whatever its random serial: 200 of them, each serial positive with a non-zero first byte (a leading zero failed 1 in 256)", () => {
  const key = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const serials = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const cert = new crypto.X509Certificate(selfSignedCertificate(key, trinoCertificateNames("lh"), 1));
    assert.match(cert.serialNumber, /^[4-7][0-9A-F]{31}$/, "16 bytes, positive, no leading zero byte");
    serials.add(cert.serialNumber);
  }
  assert.equal(serials.size, 200);
});

test("the bcrypt hashes verify against their passwords (cost 10, as Trino's password file wants)", async () => {
  for (const u of TRINO_USERS) {
    const hash = all[`lakehouse:trinoPasswordHash_${u}`];
    assert.match(hash, /^\$2[aby]\$10\$/);
    assert.equal(await bcrypt.compare(all[`lakehouse:trinoPassword_${u}`], hash), true, u);
    assert.equal(await bcrypt.compare(`${all[`lakehouse:trinoPassword_${u}`]}x`, hash), false);
  }
});

test("readStackSecrets: one error naming every missing key and the init command", () => {
  const v = readStackSecrets((k) => all[k], "dev");
  assert.equal(v.s3SecretKeys.spark, all["lakehouse:s3SecretKey_spark"]);
  assert.equal(v.trino.passwordHashes.admin, all["lakehouse:trinoPasswordHash_admin"]);
  assert.equal(v.postgresPasswords.superuser, all["lakehouse:postgresPassword_superuser"]);
  assert.equal(v.superset.adminPassword, all["lakehouse:supersetAdminPassword"]);
  assert.throws(() => readStackSecrets((k) => (k.endsWith("_maintenance") || k.endsWith("TlsCert") ? undefined : all[k]), "prod"), (e: Error) => {
    assert.match(e.message, /stack "prod" lacks 2 of its 21 generated secrets: lakehouse:s3SecretKey_maintenance, lakehouse:trinoTlsCert\./);
    assert.ok(e.message.includes(initCommand("prod")));
    assert.equal(initCommand("prod"), "npx lakehouse deploy init --stack prod");
    return true;
  });
});

test("before use: the certificate must cover the host, fit the key and be in date; each hash must be its password's", () => {
  const trino = readStackSecrets((k) => all[k], "dev").trino;
  assert.deepEqual(trinoSecretProblems(trino, "trino.lakehouse.svc"), { errors: [], warnings: [] });
  assert.match(trinoSecretProblems(trino, "trino.elsewhere.svc").errors.join("\n"), /does not cover trino.elsewhere.svc .*the namespace changed since init\? remove lakehouse:trinoTlsKey and lakehouse:trinoTlsCert/);
  const other = generateStackSecrets({ namespace: "lakehouse" }, new Set());
  assert.match(trinoSecretProblems({ ...trino, tlsKey: other["lakehouse:trinoTlsKey"] }, "trino.lakehouse.svc").errors.join("\n"), /is not the certificate of lakehouse:trinoTlsKey/);
  assert.match(trinoSecretProblems({ ...trino, passwordHashes: { ...trino.passwordHashes, pipeline: other["lakehouse:trinoPasswordHash_pipeline"] } }, "trino.lakehouse.svc").errors.join("\n"), /lakehouse:trinoPasswordHash_pipeline is not the bcrypt hash of lakehouse:trinoPassword_pipeline/);
  const validTo = new Date(new crypto.X509Certificate(trino.tlsCert).validTo);
  const soon = trinoSecretProblems(trino, "trino.lakehouse.svc", new Date(validTo.getTime() - 10 * 86_400_000));
  assert.deepEqual(soon.errors, []);
  assert.match(soon.warnings.join("\n"), /lakehouse:trinoTlsCert expires on .*run init again, then pulumi up/);
  assert.match(trinoSecretProblems(trino, "trino.lakehouse.svc", new Date(validTo.getTime() + 1000)).errors.join("\n"), /lakehouse:trinoTlsCert expired on/);
  assert.match(trinoSecretProblems({ ...trino, tlsCert: "not a certificate" }, "trino.lakehouse.svc").errors.join("\n"), /lakehouse:trinoTlsCert is not a PEM certificate/);
});
