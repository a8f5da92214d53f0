// The App Service access gate as a pure decision: public network access, access restrictions
// with priorities and default action, private-endpoint bypass.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideAccess } from "../../src/sitefront/accessGate.js";
import type { SiteEntry } from "../../src/sitefront/siteDirectory.js";

const base: SiteEntry = {
  name: "contoso-func",
  resourceId: "/subscriptions/x/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func",
  backendUrl: "http://127.0.0.1:1",
  state: "Running",
  publicNetworkAccess: null,
  ipSecurityRestrictions: null,
  ipSecurityRestrictionsDefaultAction: null,
  approvedPrivateEndpointAddresses: [],
};
const vnet5Service = "127.105.0.4";
const vnet5PublicOutbound = "127.99.0.5";

describe("access gate", () => {
  it("lets everyone in when nothing is set and no private endpoint is approved", () => {
    const d = decideAccess(base, "127.0.0.1");
    assert.deepEqual([d.allowed, d.path, d.sourceAddress], [true, "public", "127.0.0.1"]);
    const s = decideAccess(base, vnet5PublicOutbound);
    assert.deepEqual([s.allowed, s.sourceAddress], [true, "20.62.134.5"]);
  });

  it("refuses the public network once an approved endpoint exists and access is unset", () => {
    const site = { ...base, approvedPrivateEndpointAddresses: ["10.5.1.4"] };
    for (const access of [null, ""]) {
      const d = decideAccess({ ...site, publicNetworkAccess: access }, "127.0.0.1");
      assert.equal(d.allowed, false);
      assert.match(d.reason, /approved private endpoint/);
    }
    assert.equal(decideAccess({ ...site, publicNetworkAccess: "Enabled" }, "127.0.0.1").allowed, true);
    const privateCall = decideAccess(site, vnet5Service);
    assert.deepEqual(
      [privateCall.allowed, privateCall.path, privateCall.sourceAddress],
      [true, "private", "10.5.0.4"],
    );
  });

  it("refuses everything public when Disabled, but private-endpoint traffic passes", () => {
    const site = { ...base, publicNetworkAccess: "Disabled", approvedPrivateEndpointAddresses: ["10.5.1.4"] };
    assert.equal(decideAccess(site, vnet5PublicOutbound).allowed, false);
    assert.equal(decideAccess(site, vnet5Service).allowed, true);
    // Another VNet (no approved endpoint of its own) is not let in through VNet 5's endpoint.
    const foreign = decideAccess(site, "127.106.0.4");
    assert.deepEqual([foreign.allowed, foreign.path], [false, "private"]);
  });

  it("evaluates access restrictions by priority with the default action", () => {
    const site: SiteEntry = {
      ...base,
      publicNetworkAccess: "Enabled",
      ipSecurityRestrictions: [
        { ipAddress: "127.0.0.0/8", action: "Deny", priority: 200, name: "deny-loopback" },
        { ipAddress: "127.0.0.1/32", action: "Allow", priority: 100, name: "allow-me" },
        { ipAddress: "20.62.134.5", action: "Allow", priority: 300 },
        { ipAddress: "AzureCloud", tag: "ServiceTag", action: "Allow", priority: 1 },
      ],
    };
    assert.equal(decideAccess(site, "127.0.0.1").allowed, true);
    assert.match(decideAccess(site, "127.0.0.1").reason, /allow-me/);
    assert.equal(decideAccess(site, "127.0.0.2").allowed, false);
    assert.equal(decideAccess(site, vnet5PublicOutbound).allowed, true);
    // Unmatched: denied once rules exist, unless the default action says otherwise.
    assert.equal(decideAccess(site, "::1").allowed, false);
    assert.equal(
      decideAccess({ ...site, ipSecurityRestrictionsDefaultAction: "Allow" }, "::1").allowed,
      true,
    );
    assert.equal(
      decideAccess({ ...base, ipSecurityRestrictionsDefaultAction: "Deny" }, "127.0.0.1").allowed,
      false,
    );
    const masked = {
      ...base,
      ipSecurityRestrictions: [{ ipAddress: "127.0.0.0", subnetMask: "255.0.0.0", action: "Allow" }],
    };
    assert.equal(decideAccess(masked, "127.9.9.9").allowed, true);
    assert.equal(
      decideAccess({ ...site, ipSecurityRestrictions: [{ ipAddress: "Any", action: "Deny" }] }, "127.0.0.1")
        .allowed,
      false,
    );
  });

  it("does not apply access restrictions to private-endpoint traffic", () => {
    const site: SiteEntry = {
      ...base,
      publicNetworkAccess: "Enabled",
      ipSecurityRestrictions: [{ ipAddress: "Any", action: "Deny", priority: 1 }],
      approvedPrivateEndpointAddresses: ["10.5.1.4"],
    };
    assert.equal(decideAccess(site, vnet5Service).allowed, true);
    assert.equal(decideAccess(site, vnet5PublicOutbound).allowed, false);
  });
});
