// Unit tests of the client token issuer: the claims it writes, its defaults and refusals, and
// that the data plane's own client-token validation accepts what it issues.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { verifyClientToken } from "../../../src/dataplane/auth/clientToken.js";
import { AccessKeyRing } from "../../../src/dataplane/domain/accessKeys.js";
import { clientAudience, issueClientToken } from "../../../src/dataplane/tokens/clientTokenIssuer.js";

const keys = new AccessKeyRing({
  primary: "ISSUERPRIMARYKEYISSUERPRIMARYKEYISSUERPRIM",
  secondary: "ISSUERSECONDARYKEYISSUERSECONDARYKEYISSUERS",
});

describe("client token issuer", () => {
  it("builds the client audience from an endpoint with or without a trailing slash", () => {
    assert.equal(clientAudience("https://localhost:8443", "chat"), "https://localhost:8443/client/hubs/chat");
    assert.equal(clientAudience("http://h:8080/", "Hub_1"), "http://h:8080/client/hubs/Hub_1");
  });

  it("writes sub, role and webpubsub.group as the service does, and nothing else", async () => {
    const token = await issueClientToken({
      keys,
      audience: "http://localhost:8080/client/hubs/chat",
      userId: "bob",
      roles: ["webpubsub.joinLeaveGroup.g1"],
      groups: ["g1", "g2"],
      expiresInMinutes: 2,
    });
    assert.deepEqual(decodeProtectedHeader(token), { alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    assert.deepEqual(Object.keys(claims).sort(), ["aud", "exp", "iat", "role", "sub", "webpubsub.group"]);
    assert.equal(claims.sub, "bob");
    assert.deepEqual(claims.role, ["webpubsub.joinLeaveGroup.g1"]);
    assert.deepEqual(claims["webpubsub.group"], ["g1", "g2"]);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 120);

    const bare = decodeJwt(
      await issueClientToken({ keys, audience: "http://x/client/hubs/h", roles: [], groups: [] }),
    );
    assert.deepEqual(Object.keys(bare).sort(), ["aud", "exp", "iat"]);
    assert.equal((bare.exp ?? 0) - (bare.iat ?? 0), 3600);
  });

  it("refuses lifetimes that are not whole minutes of at least one", async () => {
    await assert.rejects(issueClientToken({ keys, audience: "http://x", expiresInMinutes: 0 }), RangeError);
    await assert.rejects(issueClientToken({ keys, audience: "http://x", expiresInMinutes: 1.5 }), RangeError);
  });

  it("issues tokens the data plane's client validation accepts, and only for their hub", async () => {
    const token = await issueClientToken({
      keys,
      audience: clientAudience("http://localhost:8080", "chat"),
      userId: "carol",
      roles: ["webpubsub.sendToGroup"],
    });
    const accepted = await verifyClientToken(token, keys, { hub: "Chat", hosts: ["localhost:8080"] });
    assert.ok(accepted.ok, JSON.stringify(accepted));
    if (accepted.ok) {
      assert.equal(accepted.identity.userId, "carol");
      assert.deepEqual(accepted.identity.roles, ["webpubsub.sendToGroup"]);
    }
    const otherHub = await verifyClientToken(token, keys, { hub: "other", hosts: ["localhost:8080"] });
    assert.equal(otherHub.ok, false);
    const rotated = new AccessKeyRing({ primary: "A".repeat(44), secondary: "B".repeat(44) });
    assert.equal(
      (await verifyClientToken(token, rotated, { hub: "chat", hosts: ["localhost:8080"] })).ok,
      false,
    );
  });
});
