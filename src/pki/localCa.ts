// wpslink's local certificate authority. It signs the certificates of every HTTPS listener
// (data planes, management, site front end) so clients trust them through one file given to
// NODE_EXTRA_CA_CERTS. Keys come from Node's native crypto (fast); node-forge builds and signs
// the X.509 structures, which Node's crypto cannot do.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

function newRsaKeyPair(): { privatePem: string; publicPem: string } {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
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

function createCa(): { certPem: string; keyPem: string } {
  const keys = newRsaKeyPair();
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
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

const ipPattern = /^(\d{1,3}\.){3}\d{1,3}$|:/;

class ForgeLocalCa implements LocalCa {
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;
  private readonly leafKeys = newRsaKeyPair();
  private readonly cache = new Map<string, ServerCertificate>();

  constructor(
    readonly certPem: string,
    keyPem: string,
    readonly certPath: string | null,
  ) {
    this.caCert = forge.pki.certificateFromPem(certPem);
    this.caKey = forge.pki.privateKeyFromPem(keyPem);
  }

  issue(names: readonly string[]): ServerCertificate {
    const cacheKey = [...names].sort().join(",");
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(this.leafKeys.publicPem);
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
    cert.sign(this.caKey, forge.md.sha256.create());
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
