// wpslink's local certificate authority. It signs the certificates of every HTTPS listener
// (data planes, management, site front end) so clients trust them through one file given to
// NODE_EXTRA_CA_CERTS. Keys come from Node's native crypto (fast); node-forge builds and signs
// the X.509 structures, which Node's crypto cannot do, and Node's crypto signs them (node-forge's
// JavaScript RSA is far slower). Start-up can use `loadOrCreateLocalCaAsync`, which makes the CA
// key and the shared leaf key on the thread pool at the same time.
import {
  createPrivateKey,
  generateKeyPair,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import forge from "node-forge";

export interface ServerCertificate {
  readonly key: string;
  readonly cert: string;
}

export interface LocalCa {
  readonly certPem: string;
  /** Where the CA certificate is on disk (for NODE_EXTRA_CA_CERTS); null in memory-only mode. */
  readonly certPath: string | null;
  /** A leaf certificate for the given DNS names and IP addresses (wildcards allowed). */
  issue(names: readonly string[]): ServerCertificate;
}

const caSubject = [
  { name: "commonName", value: "wpslink local CA" },
  { name: "organizationName", value: "wpslink" },
];

interface RsaKeyPair {
  readonly privatePem: string;
  readonly publicPem: string;
}

const rsaOptions = {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
} as const;

function newRsaKeyPair(): RsaKeyPair {
  const pair = generateKeyPairSync("rsa", rsaOptions);
  return { privatePem: pair.privateKey, publicPem: pair.publicKey };
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** The same key pair, generated on the libuv thread pool (several can run at once). */
async function newRsaKeyPairAsync(): Promise<RsaKeyPair> {
  const pair = await generateKeyPairAsync("rsa", rsaOptions);
  return { privatePem: pair.privateKey, publicPem: pair.publicKey };
}

// node-forge exports `pki.getTBSCertificate` (what `cert.sign` uses); @types/node-forge omits it.
const getTbsCertificate = (
  forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }
).getTBSCertificate;

/**
 * Signs `cert` with SHA-256 and RSA PKCS#1 v1.5, as `cert.sign(key, sha256)` does in node-forge,
 * but with Node's native RSA: the TBSCertificate is built and encoded by forge, the signature made
 * by `crypto.sign`.
 */
function signCertificate(cert: forge.pki.Certificate, key: KeyObject): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.signatureOid = oid;
  cert.siginfo.algorithmOid = oid;
  cert.tbsCertificate = getTbsCertificate(cert);
  const tbs = forge.asn1.toDer(cert.tbsCertificate).getBytes();
  const md = forge.md.sha256.create();
  md.update(tbs);
  cert.md = md;
  cert.signature = sign("sha256", Buffer.from(tbs, "binary"), key).toString("binary");
}

function serial(): string {
  // Positive 16-byte serial number in hex.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 3600 * 1000);
}

function createCa(keys: RsaKeyPair = newRsaKeyPair()): { certPem: string; keyPem: string } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  validity(cert, 10);
  cert.setSubject(caSubject);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signCertificate(cert, createPrivateKey(keys.privatePem));
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

const ipPattern = /^(\d{1,3}\.){3}\d{1,3}$|:/;

class ForgeLocalCa implements LocalCa {
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: KeyObject;
  private readonly leafPublicKey: forge.pki.PublicKey;
  private readonly cache = new Map<string, ServerCertificate>();

  constructor(
    readonly certPem: string,
    keyPem: string,
    readonly certPath: string | null,
    /** One key shared by every leaf certificate. */
    private readonly leafKeys: RsaKeyPair = newRsaKeyPair(),
  ) {
    this.caCert = forge.pki.certificateFromPem(certPem);
    this.caKey = createPrivateKey(keyPem);
    this.leafPublicKey = forge.pki.publicKeyFromPem(leafKeys.publicPem);
  }

  issue(names: readonly string[]): ServerCertificate {
    const cacheKey = [...names].sort().join(",");
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.leafPublicKey;
    cert.serialNumber = serial();
    validity(cert, 2);
    cert.setSubject([{ name: "commonName", value: names[0] ?? "localhost" }]);
    cert.setIssuer(this.caCert.subject.attributes);
    cert.setExtensions([
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: names.map((n) => (ipPattern.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ]);
    signCertificate(cert, this.caKey);
    const issued = { key: this.leafKeys.privatePem, cert: forge.pki.certificateToPem(cert) };
    this.cache.set(cacheKey, issued);
    return issued;
  }
}

/**
 * Loads the CA from `directory` (creating it on first use), or makes a throw-away one when
 * `directory` is null (in-memory mode).
 */
export function loadOrCreateLocalCa(directory: string | null): LocalCa {
  if (directory === null) {
    const created = createCa();
    return new ForgeLocalCa(created.certPem, created.keyPem, null);
  }
  mkdirSync(directory, { recursive: true });
  const certPath = join(directory, "ca.pem");
  const keyPath = join(directory, "ca.key");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const created = createCa();
    writeFileSync(keyPath, created.keyPem, { mode: 0o600 });
    writeFileSync(certPath, created.certPem);
  }
  return new ForgeLocalCa(readFileSync(certPath, "utf8"), readFileSync(keyPath, "utf8"), certPath);
}

/**
 * `loadOrCreateLocalCa` for start-up: the same CA on disk and the same behaviour, but the RSA keys
 * (the CA's, when it is new, and the shared leaf key) are generated on the thread pool at the
 * same time instead of one after the other on the main thread.
 */
export async function loadOrCreateLocalCaAsync(directory: string | null): Promise<LocalCa> {
  const leafKeys = newRsaKeyPairAsync();
  // Awaited below; this only keeps a failure before then from being reported as unhandled.
  leafKeys.catch(() => undefined);
  if (directory === null) {
    const [caKeys, leaf] = await Promise.all([newRsaKeyPairAsync(), leafKeys]);
    const created = createCa(caKeys);
    return new ForgeLocalCa(created.certPem, created.keyPem, null, leaf);
  }
  await mkdir(directory, { recursive: true });
  const certPath = join(directory, "ca.pem");
  const keyPath = join(directory, "ca.key");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const [caKeys] = await Promise.all([newRsaKeyPairAsync(), leafKeys]);
    const created = createCa(caKeys);
    await writeFile(keyPath, created.keyPem, { mode: 0o600 });
    await writeFile(certPath, created.certPem);
  }
  const [certPem, keyPem, leaf] = await Promise.all([
    readFile(certPath, "utf8"),
    readFile(keyPath, "utf8"),
    leafKeys,
  ]);
  return new ForgeLocalCa(certPem, keyPem, certPath, leaf);
}
