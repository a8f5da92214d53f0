// The webPubSub provider on the wire, with raw requests: bad input of every kind gets ARM's
// status and code, racing writes are serialised, and nothing is corrupted by refused requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { FakeDataPlaneHost } from "./support/fakeDataPlaneHost.js";
import {
  registerWebPubSubProvider,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";

const sub = "0b7e3c1a-9f2d-4c6e-8a1b-2d3e4f5a6b7c";
const base = `/subscriptions/${sub}/resourceGroups/raw-rg/providers/Microsoft.SignalRService/webPubSub`;
const v = "api-version=2024-03-01";

let harness: ArmHarness;
let host: FakeDataPlaneHost;
let provider: WebPubSubProvider;

before(async () => {
  host = new FakeDataPlaneHost();
  harness = await startArmHarness({
    pageSize: 1,
    register: (runtime) => {
      provider = registerWebPubSubProvider(runtime, { host, publicHostname: "localhost" });
    },
  });
});
after(async () => {
  await provider.stopAll();
  await harness.close();
});

async function json(
  response: Response,
): Promise<Record<string, unknown> & { error?: { code: string; message: string } }> {
  return (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } };
}

async function waitFor(url: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const body = (await json(await harness.arm(url))) as { status: string };
    if (body.status !== "Running") return body.status;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`operation ${url} did not finish`);
}

describe("webPubSub over raw HTTPS", () => {
  it("creates with 201 + LRO headers, then GET shows Succeeded", async () => {
    const put = await harness.arm(`${base}/raw-one?${v}`, {
      method: "PUT",
      body: { location: "eastus", sku: { name: "standard_s1" }, properties: {} },
    });
    assert.equal(put.status, 201);
    const body = await json(put);
    assert.equal((body.properties as { provisioningState: string }).provisioningState, "Creating");
    assert.deepEqual(body.sku, { name: "Standard_S1", tier: "Standard", size: "S1", capacity: 1 });
    assert.equal(put.headers.get("retry-after"), "1");
    assert.equal(await waitFor(put.headers.get("azure-asyncoperation")!), "Succeeded");
    const got = await json(
      await harness.arm(`${base.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")}/RAW-ONE?${v}`),
    );
    assert.equal((got.properties as { provisioningState: string }).provisioningState, "Succeeded");
    const final = await harness.arm(put.headers.get("location")!);
    assert.equal(final.status, 200);
    assert.equal(
      ((await json(final)).properties as { provisioningState: string }).provisioningState,
      "Succeeded",
    );
  });

  it("refuses bad input with the right status and code", async () => {
    const token = await harness.token();
    const cases: [
      string,
      { method?: string; body?: unknown; headers?: Record<string, string> },
      number,
      string,
    ][] = [
      [`${base}/raw-one?${v}`, { headers: { authorization: "" } }, 401, "AuthenticationFailed"],
      [
        `${base}/raw-one?${v}`,
        { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } },
        401,
        "InvalidAuthenticationToken",
      ],
      [`${base}/raw-one?api-version=2099-01-01`, {}, 400, "InvalidApiVersionParameter"],
      [`${base}/raw-one`, {}, 400, "MissingApiVersionParameter"],
      [
        `/subscriptions/12345/resourceGroups/raw-rg/providers/Microsoft.SignalRService/webPubSub/raw-one?${v}`,
        {},
        400,
        "InvalidSubscriptionId",
      ],
      [`${base}/raw-one?${v}`, { method: "PUT", body: '{"location": ' }, 400, "InvalidRequestContent"],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { sku: { name: "Standard_S1" } } },
        400,
        "LocationRequired",
      ],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { location: "eastus", sku: { name: "Ultra_U9" } } },
        400,
        "InvalidSku",
      ],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { location: "eastus", sku: { name: "Standard_S1", tier: "Free" } } },
        400,
        "InvalidSku",
      ],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { location: "eastus", sku: { name: "Premium_P2", capacity: 150 } } },
        400,
        "InvalidCapacity",
      ],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { location: "eastus", properties: { publicNetworkAccess: "Maybe" } } },
        400,
        "InvalidRequestContent",
      ],
      [
        `${base}/raw-two?${v}`,
        { method: "PUT", body: { location: "eastus", kind: "SocketIO" } },
        501,
        "NotImplemented",
      ],
      [`${base}/-bad?${v}`, { method: "PUT", body: { location: "eastus" } }, 400, "InvalidResourceName"],
      [
        `${base}/${"a".repeat(64)}?${v}`,
        { method: "PUT", body: { location: "eastus" } },
        400,
        "InvalidResourceName",
      ],
      [
        `${base}/ends-with-dash-?${v}`,
        { method: "PUT", body: { location: "eastus" } },
        400,
        "InvalidResourceName",
      ],
      [
        `${base}/raw-one/regenerateKey?${v}`,
        { method: "POST", body: { keyType: "Tertiary" } },
        400,
        "InvalidRequestContent",
      ],
      [`${base}/raw-one/hubs/chat?${v}`, { method: "PUT", body: {} }, 400, "InvalidRequestContent"],
      [
        `${base}/raw-one/hubs/chat?${v}`,
        { method: "PUT", body: { properties: { eventHandlers: [{ urlTemplate: "not a url" }] } } },
        400,
        "InvalidRequestContent",
      ],
      [
        `${base}/raw-one/hubs/chat?${v}`,
        { method: "PUT", body: { properties: { webSocketKeepAliveIntervalInSeconds: 500 } } },
        400,
        "InvalidRequestContent",
      ],
      [
        `${base}/raw-one/hubs/chat?${v}`,
        {
          method: "PUT",
          body: {
            properties: {
              eventHandlers: [
                { urlTemplate: "https://x.example/{@Microsoft.KeyVault(SecretUri=https://v/s)}" },
              ],
            },
          },
        },
        501,
        "NotImplemented",
      ],
      [`${base}/missing?${v}`, {}, 404, "ResourceNotFound"],
      [`${base}/missing/listKeys?${v}`, { method: "POST" }, 404, "ResourceNotFound"],
      [`${base}/missing/hubs?${v}`, {}, 404, "ResourceNotFound"],
      [
        `/subscriptions/${sub}/resourceGroups/nowhere/providers/Microsoft.SignalRService/webPubSub?${v}`,
        {},
        404,
        "ResourceGroupNotFound",
      ],
      [`${base}/raw-one/hubs/none?${v}`, {}, 404, "ResourceNotFound"],
      [`${base}/raw-one/customDomains/d1?${v}`, { method: "PUT", body: {} }, 501, "NotImplemented"],
      [
        `${base}/raw-one/privateEndpointConnections/p1?${v}`,
        { method: "PUT", body: {} },
        501,
        "NotImplemented",
      ],
      [`${base}/raw-one/unknownThing?${v}`, {}, 404, "InvalidResourceType"],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await harness.arm(path, init);
      const body = await json(response);
      assert.deepEqual(
        [response.status, body.error?.code],
        [status, code],
        `${init.method ?? "GET"} ${path}: ${body.error?.message}`,
      );
      assert.equal(typeof body.error?.message, "string");
    }
    // Nothing was created by the refused requests.
    const list = await json(await harness.arm(`${base}?${v}`));
    assert.deepEqual(
      (list.value as { name: string }[]).map((r) => r.name),
      ["raw-one"],
    );
    assert.equal(list.nextLink, undefined);
  });

  it("deleting what does not exist answers 204", async () => {
    assert.equal((await harness.arm(`${base}/never-was?${v}`, { method: "DELETE" })).status, 204);
    assert.equal(
      (await harness.arm(`${base}/raw-one/hubs/never-was?${v}`, { method: "DELETE" })).status,
      204,
    );
  });

  it("serialises two racing PUTs: one creates, the other is refused while it runs", async () => {
    const body = { location: "eastus", sku: { name: "Standard_S1" } };
    const [a, b] = await Promise.all([
      harness.arm(`${base}/raced?${v}`, { method: "PUT", body }),
      harness.arm(`${base}/raced?${v}`, { method: "PUT", body: { ...body, tags: { second: "yes" } } }),
    ]);
    const statuses = [a.status, b.status].sort();
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 409 ? b : a;
    // Either the second PUT found the first still Creating (409) or, if the first finished
    // already, it became an update (200); never two creates.
    assert.ok(
      (statuses[0] === 201 && statuses[1] === 409) || (statuses[0] === 200 && statuses[1] === 201),
      `statuses ${statuses.join(",")}`,
    );
    if (loser.status === 409) assert.equal((await json(loser)).error?.code, "AnotherOperationInProgress");
    await waitFor(winner.headers.get("azure-asyncoperation")!);
    const starts = host.calls.filter((c) => c.kind === "start" && c.spec.name === "raced");
    assert.equal(starts.length, 1);
    const got = await json(await harness.arm(`${base}/raced?${v}`));
    assert.equal((got.properties as { provisioningState: string }).provisioningState, "Succeeded");
  });

  it("pages lists one item at a time with nextLinks carrying the api-version", async () => {
    const names: string[] = [];
    let next: string | undefined = `${base}?${v}`;
    for (let i = 0; next && i < 10; i++) {
      const page = (await json(await harness.arm(next))) as { value: { name: string }[]; nextLink?: string };
      assert.ok(page.value.length <= 1);
      names.push(...page.value.map((r) => r.name));
      if (page.nextLink) assert.match(page.nextLink, /^https:\/\/localhost:\d+\/.*api-version=2024-03-01/);
      next = page.nextLink;
    }
    assert.deepEqual(names, ["raced", "raw-one"]);
  });

  it("reports a data plane that cannot start as a Failed operation and resource", async () => {
    host.failStarts = "listen EADDRINUSE";
    try {
      const put = await harness.arm(`${base}/doomed?${v}`, {
        method: "PUT",
        body: { location: "eastus", sku: { name: "Standard_S1" } },
      });
      assert.equal(put.status, 201);
      assert.equal(await waitFor(put.headers.get("azure-asyncoperation")!), "Failed");
      const status = await json(await harness.arm(put.headers.get("azure-asyncoperation")!));
      assert.equal((status.error as { code: string }).code, "DataPlaneStartFailed");
      const got = await json(await harness.arm(`${base}/doomed?${v}`));
      assert.equal((got.properties as { provisioningState: string }).provisioningState, "Failed");
    } finally {
      host.failStarts = undefined;
    }
    // A failed resource can be deleted.
    const del = await harness.arm(`${base}/doomed?${v}`, { method: "DELETE" });
    assert.equal(del.status, 202);
    assert.equal(await waitFor(del.headers.get("azure-asyncoperation")!), "Succeeded");
    assert.equal((await harness.arm(del.headers.get("location")!)).status, 204);
  });
});
