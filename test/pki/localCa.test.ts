import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadOrCreateLocalCa, loadOrCreateLocalCaAsync, type LocalCa } from "../../src/pki/localCa.js";

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function checkLeaf(ca: LocalCa, names: readonly string[]): void {
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(caCert.ca, true);
  assert.equal(caCert.verify(caCert.publicKey), true, "the CA certificate is self-signed");
  const leaf = new X509Certificate(ca.issue(names).cert);
  assert.equal(leaf.checkIssued(caCert), true);
  assert.equal(leaf.verify(caCert.publicKey), true, "the leaf is signed by the CA");
  assert.equal(leaf.ca, false);
  for (const name of names)
    assert.ok(leaf.subjectAltName?.includes(name), `${name} in ${leaf.subjectAltName}`);
}

/** A real TLS handshake against a server using the issued certificate, trusting only the CA. */
async function handshake(ca: LocalCa): Promise<number> {
  const server = https.createServer(ca.issue(["localhost", "127.0.0.1"]), (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve, reject) => {
      https
        .get({ host: "127.0.0.1", port, ca: ca.certPem, servername: "localhost", agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on("error", reject);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("local CA", () => {
  it("signs a CA and leaves that verify and serve TLS (in memory, synchronous)", async () => {
    const ca = loadOrCreateLocalCa(null);
    assert.equal(ca.certPath, null);
    checkLeaf(ca, ["*.azurewebsites.net", "azurewebsites.net"]);
    checkLeaf(ca, ["localhost", "127.0.0.1"]);
    assert.equal(await handshake(ca), 200);
  });

  it("the asynchronous loader creates the CA on disk and the synchronous one reloads the same CA", async () => {
    const folder = mkdtempSync(join(tmpdir(), "wpslink-ca-"));
    folders.push(folder);
    const created = await loadOrCreateLocalCaAsync(join(folder, "ca"));
    assert.equal(created.certPath, join(folder, "ca", "ca.pem"));
    assert.equal(readFileSync(created.certPath ?? "", "utf8"), created.certPem);
    checkLeaf(created, ["*.azurewebsites.net", "localhost", "127.0.0.1"]);
    assert.equal(await handshake(created), 200);

    const reloaded = loadOrCreateLocalCa(join(folder, "ca"));
    assert.equal(reloaded.certPem, created.certPem);
    checkLeaf(reloaded, ["localhost"]);
    const reloadedAsync = await loadOrCreateLocalCaAsync(join(folder, "ca"));
    assert.equal(reloadedAsync.certPem, created.certPem);
    // A leaf from one instance verifies against the CA written by another.
    assert.equal(await handshake(reloadedAsync), 200);
  });

  it("issues a certificate once per set of names", async () => {
    const ca = await loadOrCreateLocalCaAsync(null);
    assert.equal(ca.issue(["a.example", "b.example"]), ca.issue(["b.example", "a.example"]));
    assert.notEqual(ca.issue(["a.example"]).cert, ca.issue(["b.example"]).cert);
  });
});
