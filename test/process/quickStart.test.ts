// Starts the real wpslink process the way the README's quick start does (`npm start`) and
// connects to it with the official SDKs over HTTPS and HTTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { startWpslinkProcess, trustedWorkspace } from "../support/wpslinkProcess.js";

test("npm start runs wpslink; the SDKs talk to its default resource over HTTPS and HTTP", async () => {
  const wpslink = await startWpslinkProcess(["--location", trustedWorkspace()], {
    command: "npm",
    commandArgs: ["start", "--silent", "--"],
    timeoutMs: 120_000,
  });
  try {
    const { defaultResource, caCertPath } = wpslink.summary;
    assert.ok(caCertPath.endsWith("ca.pem"));
    assert.ok(defaultResource.connectionString?.startsWith("Endpoint=https://localhost:"));

    const health = await fetch(defaultResource.healthUrl, { method: "HEAD" });
    assert.equal(health.status, 200);

    const service = new WebPubSubServiceClient(defaultResource.connectionString!, "chat");
    const insecure = new WebPubSubServiceClient(defaultResource.httpConnectionString, "chat", {
      allowInsecureConnection: true,
    });
    const { url } = await service.getClientAccessToken({
      userId: "alice",
      roles: ["webpubsub.joinLeaveGroup"],
    });
    assert.ok(url.startsWith("wss://localhost:"));

    // No keep-alive timers, so the test process can exit as soon as the client stops.
    const client = new WebPubSubClient(url, { keepAliveIntervalInMs: 0, keepAliveTimeoutInMs: 0 });
    const received: unknown[] = [];
    const gotMessage = new Promise<void>((resolve) => {
      // A REST send to a group reaches its members as a server message, as in Azure.
      client.on("server-message", (e) => {
        received.push(e.message.data);
        resolve();
      });
    });
    await client.start();
    try {
      await client.joinGroup("room");
      assert.equal(await service.groupExists("room"), true);
      await insecure.group("room").sendToAll({ hello: "over http" });
      await Promise.race([
        gotMessage,
        new Promise((_, reject) => setTimeout(() => reject(new Error("no message within 10 s")), 10_000)),
      ]);
      assert.deepEqual(received, [{ hello: "over http" }]);
      assert.equal(await service.userExists("alice"), true);
    } finally {
      client.stop();
    }
  } finally {
    await wpslink.stop();
  }
});

test("SIGTERM closes client connections and the process exits 0", async () => {
  const wpslink = await startWpslinkProcess(["--in-memory"]);
  const service = new WebPubSubServiceClient(wpslink.summary.defaultResource.httpConnectionString, "chat", {
    allowInsecureConnection: true,
  });
  const { url } = await service.getClientAccessToken();
  const client = new WebPubSubClient(url, {
    autoReconnect: false,
    keepAliveIntervalInMs: 0,
    keepAliveTimeoutInMs: 0,
  });
  const stopped = new Promise<unknown>((resolve) => client.on("stopped", resolve));
  await client.start();
  assert.equal(await wpslink.stop("SIGTERM"), 0);
  await stopped;
});

test("a bad option fails start-up with a message naming it", async () => {
  await assert.rejects(
    startWpslinkProcess(["--in-memory"], { env: { WPSLINK_NO_SUCH_SETTING: "1" } }),
    /unknown environment variable WPSLINK_NO_SUCH_SETTING/,
  );
});
