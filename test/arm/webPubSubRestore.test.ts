// Persistence of the webPubSub provider: after the management plane is closed and opened again on
// the same SQLite file, resources, hubs and keys are there, every data plane is started again on
// its ports, the default resource stays an ordinary resource, and old tokens still work.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { FakeDataPlaneHost } from "./support/fakeDataPlaneHost.js";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import type { Store } from "../../src/store/store.js";
import {
  registerWebPubSubProvider,
  type DefaultResourceSpec,
  type WebPubSubProvider,
} from "../../src/arm/webpubsub/webPubSubProvider.js";

const folder = mkdtempSync(join(tmpdir(), "wpslink-restore-"));
after(() => rmSync(folder, { recursive: true, force: true }));

const sub = "00000000-0000-0000-0000-000000000000";
const v = "api-version=2024-03-01";
const rp = (rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.SignalRService/webPubSub/${name}`;
const defaultSpec: DefaultResourceSpec = {
  subscriptionId: sub,
  resourceGroup: "wpslink",
  name: "wpslink",
  location: "eastus",
  keys: { primary: "p".repeat(44), secondary: "s".repeat(44) },
  hubs: new Map([
    [
      "chat",
      {
        eventHandlers: [{ urlTemplate: "http://localhost:3000/{event}" }],
        anonymousConnectPolicy: "deny",
        webSocketKeepAliveIntervalInSeconds: 20,
      },
    ],
  ]),
  httpPort: 48080,
  httpsPort: 48443,
};

interface Running {
  harness: ArmHarness;
  host: FakeDataPlaneHost;
  provider: WebPubSubProvider;
  store: Store;
}

async function boot(host = new FakeDataPlaneHost()): Promise<Running> {
  const store = openSqliteStore({ path: join(folder, "wpslink.db") });
  let provider: WebPubSubProvider | undefined;
  const harness = await startArmHarness({
    store,
    register: (runtime) => {
      provider = registerWebPubSubProvider(runtime, { host, publicHostname: "localhost" });
    },
  });
  return { harness, host, provider: provider!, store };
}

async function shutdown(running: Running): Promise<void> {
  await running.provider.stopAll();
  await running.harness.close();
  await running.store.close();
}

async function settle(running: Running, response: Response): Promise<void> {
  const url = response.headers.get("azure-asyncoperation");
  for (let i = 0; url && i < 100; i++) {
    const body = (await (await running.harness.arm(url)).json()) as { status: string };
    if (body.status !== "Running") return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("webPubSub persistence across restarts", () => {
  it("brings back resources, hubs, keys and data planes", async () => {
    const first = await boot();
    const made = await first.provider.ensureDefaultResource(defaultSpec);
    assert.deepEqual([made.created, made.httpPort, made.httpsPort], [true, 48080, 48443]);
    assert.deepEqual(first.host.last("start")!.spec.keys, defaultSpec.keys);
    assert.equal(first.host.last("start")!.spec.hubs.get("chat")?.eventHandlers.length, 1);
    await first.provider.restore();

    const defaultGet = (await (await first.harness.arm(`${rp("wpslink", "wpslink")}?${v}`)).json()) as {
      properties: { publicPort: number; provisioningState: string };
      sku: { name: string };
    };
    assert.deepEqual([defaultGet.properties.publicPort, defaultGet.sku.name], [48443, "Standard_S1"]);

    await settle(
      first,
      await first.harness.arm(`${rp("apps", "durable-one")}?${v}`, {
        method: "PUT",
        body: { location: "westus", sku: { name: "Premium_P1", capacity: 3 } },
      }),
    );
    await settle(
      first,
      await first.harness.arm(`${rp("apps", "durable-one")}/hubs/orders?${v}`, {
        method: "PUT",
        body: { properties: { anonymousConnectPolicy: "allow" } },
      }),
    );
    const keys = (await (
      await first.harness.arm(`${rp("apps", "durable-one")}/regenerateKey?${v}`, {
        method: "POST",
        body: { keyType: "Secondary" },
      })
    ).json()) as { primaryKey: string; secondaryKey: string };
    const rotatedDefault = (await (
      await first.harness.arm(`${rp("wpslink", "wpslink")}/regenerateKey?${v}`, {
        method: "POST",
        body: { keyType: "Primary" },
      })
    ).json()) as { primaryKey: string };
    const durableStart = first.host.calls.find((c) => c.kind === "start" && c.spec.name === "durable-one");
    assert.ok(durableStart && durableStart.kind === "start");
    // Hub changes through ARM: "chat" is named by the config file, "extra" is not.
    await settle(
      first,
      await first.harness.arm(`${rp("wpslink", "wpslink")}/hubs/chat?${v}`, {
        method: "PUT",
        body: { properties: { anonymousConnectPolicy: "allow" } },
      }),
    );
    await settle(
      first,
      await first.harness.arm(`${rp("wpslink", "wpslink")}/hubs/extra?${v}`, {
        method: "PUT",
        body: { properties: {} },
      }),
    );
    const oldToken = await first.harness.token();
    await shutdown(first);
    assert.equal(first.host.running.size, 0);

    const second = await boot();
    try {
      const again = await second.provider.ensureDefaultResource(defaultSpec);
      assert.equal(again.created, false);
      // The regenerated key survives; the configured one only seeds a new resource.
      assert.equal(again.keys.primary, rotatedDefault.primaryKey);
      const defaultStart = second.host.last("start")!;
      assert.equal(defaultStart.spec.name, "wpslink");
      assert.deepEqual([...defaultStart.spec.hubs.keys()].sort(), ["chat", "extra"]);
      assert.equal(defaultStart.spec.hubs.get("chat")?.anonymousConnectPolicy, "deny");
      assert.equal(
        defaultStart.spec.hubs.get("chat")?.eventHandlers[0]?.urlTemplate,
        "http://localhost:3000/{event}",
      );
      const report = await second.provider.restore();
      assert.deepEqual(report.failed, []);
      assert.deepEqual(
        report.started.map((s) => s.id.split("/").at(-1)),
        ["durable-one", "wpslink"],
      );
      const restarted = second.host.calls.find((c) => c.kind === "start" && c.spec.name === "durable-one");
      assert.ok(restarted && restarted.kind === "start");
      assert.equal(restarted.spec.httpPort, durableStart.result.httpPort);
      assert.equal(restarted.spec.httpsPort, durableStart.result.httpsPort);
      assert.deepEqual(restarted.spec.keys, { primary: keys.primaryKey, secondary: keys.secondaryKey });
      assert.equal(restarted.spec.hubs.get("orders")?.anonymousConnectPolicy, "allow");

      // A token issued before the restart is still accepted (the issuer key is persisted).
      const answer = await fetch(new URL(`${rp("apps", "durable-one")}?${v}`, second.harness.url), {
        headers: { authorization: `Bearer ${oldToken}` },
      });
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as {
        sku: { capacity: number };
        properties: { provisioningState: string };
      };
      assert.deepEqual([body.sku.capacity, body.properties.provisioningState], [3, "Succeeded"]);
    } finally {
      await shutdown(second);
    }
  });

  it("finishes what a crash interrupted and moves off ports that are taken", async () => {
    const setup = await boot();
    await setup.provider.ensureDefaultResource(defaultSpec);
    await setup.provider.restore();
    const durable = (await (await setup.harness.arm(`${rp("apps", "durable-one")}?${v}`)).json()) as {
      id: string;
      properties: { publicPort: number };
    };
    // Simulate a crash in the middle of operations: one resource left Creating, one Deleting,
    // and an operation record left Running.
    const key = durable.id.toLowerCase();
    const record = (await setup.store.get<Record<string, unknown>>(key))!.value;
    await setup.store.put(key, "microsoft.signalrservice/webpubsub", {
      ...record,
      provisioningState: "Creating",
    });
    await setup.harness
      .arm(`${rp("apps", "doomed-one")}?${v}`, {
        method: "PUT",
        body: { location: "westus", sku: { name: "Standard_S1" } },
      })
      .then((r) => settle(setup, r));
    const doomedKey = `${rp("apps", "doomed-one")}`.replace("webPubSub", "WebPubSub").toLowerCase();
    const doomed = (await setup.store.get<Record<string, unknown>>(doomedKey))!.value;
    await setup.store.put(doomedKey, "microsoft.signalrservice/webpubsub", {
      ...doomed,
      provisioningState: "Deleting",
    });
    const opId = "7d1e0c4b-1111-4222-8333-944455556666";
    await setup.store.put(
      `/subscriptions/${sub}/providers/microsoft.signalrservice/locations/westus/operationstatuses/${opId}`,
      "wpslink/operation",
      {
        id: opId,
        name: opId,
        subscriptionId: sub,
        namespace: "Microsoft.SignalRService",
        location: "westus",
        status: "Running",
        startTime: new Date().toISOString(),
      },
    );
    await shutdown(setup);

    const host = new FakeDataPlaneHost();
    host.busyPorts.add(durable.properties.publicPort);
    const next = await boot(host);
    try {
      await next.provider.ensureDefaultResource(defaultSpec);
      const report = await next.provider.restore();
      assert.deepEqual(report.failed, []);
      const got = (await (await next.harness.arm(`${rp("apps", "durable-one")}?${v}`)).json()) as {
        properties: { publicPort: number; provisioningState: string };
      };
      assert.equal(got.properties.provisioningState, "Succeeded");
      assert.notEqual(got.properties.publicPort, durable.properties.publicPort);
      assert.equal((await next.harness.arm(`${rp("apps", "doomed-one")}?${v}`)).status, 404);
      const status = (await (
        await next.harness.arm(
          `/subscriptions/${sub}/providers/Microsoft.SignalRService/locations/westus/operationStatuses/${opId}?${v}`,
        )
      ).json()) as { status: string; error: { code: string } };
      assert.deepEqual([status.status, status.error.code], ["Failed", "OperationInterrupted"]);
    } finally {
      await shutdown(next);
    }
  });

  it("fails loudly when the default resource's configured port is taken", async () => {
    const host = new FakeDataPlaneHost();
    host.busyPorts.add(defaultSpec.httpPort);
    const running = await boot(host);
    try {
      await assert.rejects(running.provider.ensureDefaultResource(defaultSpec), /EADDRINUSE/);
    } finally {
      await shutdown(running);
    }
  });
});
