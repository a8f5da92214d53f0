// The emulated network: address plan, loopback aliases, VNets, private endpoints and the private
// DNS zone, resolution from inside a resource.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  aliasForPublicOutbound,
  aliasForVnetAddress,
  identifyPeer,
  ipv4InCidr,
  privateEndpointAddress,
  vnetAddresses,
} from "../../src/network/addressPlan.js";
import { verifyLoopbackAliases } from "../../src/network/loopbackAliases.js";
import { ManagedNetwork } from "../../src/network/managedNetwork.js";
import { explainRoute } from "../../src/network/routeIntrospection.js";

const wps =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/webPubSub/contoso-webpubsub";
const other =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/webPubSub/other";
const site =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func";

describe("address plan", () => {
  it("gives each VNet a /16 with the service and endpoint subnets inside", () => {
    const plan = vnetAddresses(7);
    assert.equal(plan.addressSpace, "10.7.0.0/16");
    assert.equal(plan.serviceAddress, "10.7.0.4");
    assert.ok(ipv4InCidr(plan.serviceAddress, plan.serviceSubnet));
    assert.equal(privateEndpointAddress(7, 0), "10.7.1.4");
    assert.ok(ipv4InCidr(privateEndpointAddress(7, 249), plan.privateEndpointSubnet));
    assert.throws(() => privateEndpointAddress(7, 250), RangeError);
    assert.throws(() => vnetAddresses(0), RangeError);
    assert.throws(() => vnetAddresses(151), RangeError);
  });

  it("maps VNet and public outbound addresses to loopback aliases and back", () => {
    assert.equal(aliasForVnetAddress("10.7.0.4"), "127.107.0.4");
    assert.deepEqual(identifyPeer("127.107.0.4"), { kind: "vnet", vnetIndex: 7, address: "10.7.0.4" });
    assert.deepEqual(identifyPeer("::ffff:127.107.1.9"), { kind: "vnet", vnetIndex: 7, address: "10.7.1.9" });
    assert.equal(aliasForPublicOutbound(7), "127.99.0.7");
    assert.deepEqual(identifyPeer("127.99.0.7"), {
      kind: "publicOutbound",
      vnetIndex: 7,
      address: vnetAddresses(7).publicOutboundAddress,
    });
    assert.deepEqual(identifyPeer("127.0.0.1"), { kind: "internet", address: "127.0.0.1" });
    assert.deepEqual(identifyPeer("::1"), { kind: "internet", address: "::1" });
    assert.throws(() => aliasForVnetAddress("192.168.0.1"), RangeError);
  });

  it("can open connections from the aliases on this host", async () => {
    await verifyLoopbackAliases();
  });

  it("fails loudly, with the fix, when an alias cannot be used", async () => {
    // 192.0.2.1 (TEST-NET-1) is never an address of this host, so binding to it fails.
    await assert.rejects(verifyLoopbackAliases(500, ["192.0.2.1"]), (error: Error) => {
      assert.equal(error.name, "LoopbackAliasError");
      assert.match(error.message, /cannot open connections from the loopback alias 192\.0\.2\.1/);
      assert.match(error.message, /Fix: /);
      return true;
    });
  });
});

describe("managed network", () => {
  it("keeps one VNet per resource, stable and distinct", () => {
    const network = new ManagedNetwork();
    const a = network.attachResource(wps);
    const b = network.attachResource(other);
    assert.notEqual(a.addresses.index, b.addresses.index);
    assert.equal(network.attachResource(wps.toUpperCase()), a);
    // A fresh network derives the same numbers from the ids.
    assert.equal(new ManagedNetwork().attachResource(wps).addresses.index, a.addresses.index);
    assert.throws(() => network.attachResource("/x", a.addresses.index), /already belongs/);
    assert.equal(network.resourceOfAddress(a.addresses.serviceAddress), wps);
  });

  it("hands out endpoint addresses, restores given ones and refuses foreign ones", () => {
    const network = new ManagedNetwork();
    const vnet = network.attachResource(wps, 3);
    const first = network.addPrivateEndpoint(wps, {
      name: "a",
      targetResourceId: site,
      siteName: "x",
      groupId: "sites",
    });
    const second = network.addPrivateEndpoint(wps, {
      name: "b",
      targetResourceId: site,
      siteName: "y",
      groupId: "sites",
    });
    assert.equal(first.address, "10.3.1.4");
    assert.equal(second.address, "10.3.1.5");
    assert.equal(first.status, "Pending");
    network.removePrivateEndpoint(wps, "a");
    const third = network.addPrivateEndpoint(wps, {
      name: "c",
      targetResourceId: site,
      siteName: "z",
      groupId: "sites",
    });
    assert.equal(third.address, "10.3.1.4");
    assert.throws(
      () =>
        network.addPrivateEndpoint(wps, {
          name: "d",
          targetResourceId: site,
          siteName: "z",
          groupId: "sites",
          address: "10.4.1.4",
        }),
      /not a private endpoint address/,
    );
    assert.equal(vnet.endpoints().length, 2);
  });

  it("resolves a site publicly until its endpoint is approved, privately after, publicly again on reject", () => {
    const network = new ManagedNetwork({ siteExists: (name) => name === "contoso-func" });
    const vnet = network.attachResource(wps, 1);
    const host = "contoso-func.azurewebsites.net";
    let changes = 0;
    const stop = network.onRoutesChanged(wps, () => changes++);
    network.addPrivateEndpoint(wps, {
      name: "spe",
      targetResourceId: site,
      siteName: "contoso-func",
      groupId: "sites",
    });
    const before = network.resolve(wps, host);
    assert.ok(before.found);
    assert.equal(before.path, "public");
    assert.match(before.reason, /Pending/);
    assert.deepEqual(vnet.dnsZone.records(), []);

    network.setPrivateEndpointStatus(wps, "spe", "Approved");
    const approved = network.resolve(wps, host);
    assert.ok(approved.found);
    assert.equal(approved.path, "private");
    assert.equal(approved.address, "10.1.1.4");
    assert.deepEqual(
      vnet.dnsZone.records().map((r) => `${r.name} ${r.type} ${r.value}`),
      [
        "contoso-func.azurewebsites.net CNAME contoso-func.privatelink.azurewebsites.net",
        "contoso-func.privatelink.azurewebsites.net A 10.1.1.4",
        "contoso-func.scm.privatelink.azurewebsites.net A 10.1.1.4",
      ],
    );
    // Other resources and the outside world still see the public address.
    const outside = network.resolve(undefined, host);
    assert.ok(outside.found);
    assert.equal(outside.path, "public");
    assert.equal(explainRoute(network, wps, host).sourceAddress, "10.1.0.4");

    network.setPrivateEndpointStatus(wps, "spe", "Rejected");
    const rejected = network.resolve(wps, host);
    assert.ok(rejected.found);
    assert.equal(rejected.path, "public");
    assert.deepEqual(vnet.dnsZone.records(), []);
    network.setPrivateEndpointStatus(wps, "spe", "Approved");
    network.removePrivateEndpoint(wps, "spe");
    assert.deepEqual(vnet.dnsZone.records(), []);
    assert.equal(changes, 4);
    stop();

    const missing = network.resolve(wps, "nobody.azurewebsites.net");
    assert.equal(missing.found, false);
    const plain = network.resolve(wps, "example.org");
    assert.ok(plain.found);
    assert.equal(plain.path, "direct");
  });
});

describe("route introspection endpoint", () => {
  it("answers how a host resolves from a resource and which path a call takes", async () => {
    const { createServer } = await import("node:http");
    const { handleRouteIntrospection } = await import("../../src/network/routeIntrospection.js");
    const network = new ManagedNetwork({ siteExists: (name) => name === "contoso-func" });
    network.attachResource(wps, 2);
    network.addPrivateEndpoint(wps, {
      name: "spe",
      targetResourceId: site,
      siteName: "contoso-func",
      groupId: "sites",
    });
    network.setPrivateEndpointStatus(wps, "spe", "Approved");
    const server = createServer((req, res) => {
      if (!handleRouteIntrospection(network, req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const get = async (query: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/_wpslink/network/route${query}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      const found = await get(`?resource=${encodeURIComponent(wps)}&host=contoso-func.azurewebsites.net`);
      assert.equal(found.status, 200);
      assert.equal(found.body.path, "private");
      assert.equal(found.body.sourceAddress, "10.2.0.4");
      assert.equal(found.body.socketLocalAddress, "127.102.0.4");
      assert.deepEqual(found.body.privateEndpoint, { name: "spe", address: "10.2.1.4", status: "Approved" });
      const nowhere = await get(`?resource=${encodeURIComponent(wps)}&host=nobody.azurewebsites.net`);
      assert.deepEqual([nowhere.status, nowhere.body.resolves], [200, false]);
      assert.equal((await get(`?host=x`)).status, 400);
      assert.equal((await get(`?resource=/nope&host=x`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 418);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
