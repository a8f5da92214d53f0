// The dispatcher against a real upstream written with the unmodified @azure/web-pubsub-express.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";
import express from "express";
import {
  connectionContext,
  createHarness,
  emptyConnectRequest,
  listenCounted,
  testKeys,
  testOrigin,
  waitFor,
  type CountedServer,
  type Harness,
} from "./support/upstreamHarness.js";

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

function hmacHex(key: string, connectionId: string): string {
  return createHmac("sha256", Buffer.from(key, "utf8")).update(connectionId, "utf8").digest("hex");
}

/** What the test's upstream checks: one `sha256=` entry per key, each an HMAC of the connection id. */
function signatureValid(signature: string | undefined, connectionId: string): boolean {
  if (!signature) return false;
  const entries = signature.split(",").map((s) => s.trim().toLowerCase());
  return (
    entries.includes("sha256=" + hmacHex(testKeys.primary, connectionId)) &&
    entries.includes("sha256=" + hmacHex(testKeys.secondary, connectionId))
  );
}

describe("events with a @azure/web-pubsub-express upstream", () => {
  let upstream: CountedServer;
  let harness: Harness;
  const seen: Seen[] = [];
  const signatureChecks: boolean[] = [];
  const connectedIds: string[] = [];
  const disconnected: { connectionId: string; reason: string | undefined; states: unknown }[] = [];
  const connectBodies: unknown[] = [];

  before(async () => {
    const app = express();
    app.use((req, _res, next) => {
      seen.push({ method: req.method, path: req.path, headers: req.headers });
      next();
    });
    const chat = new WebPubSubEventHandler("chat", {
      allowedEndpoints: [`http://${testOrigin}`],
      handleConnect(req, res) {
        signatureChecks.push(signatureValid(req.context.signature, req.context.connectionId));
        connectBodies.push({
          claims: req.claims,
          query: req.query,
          headers: req.headers,
          subprotocols: req.subprotocols,
        });
        if (req.context.userId === "mallory") {
          res.fail(401, "mallory is not welcome here");
          return;
        }
        res.setState("visits", 1);
        res.success({
          userId: "user-from-upstream",
          groups: ["room-a", "room-b"],
          roles: ["webpubsub.joinLeaveGroup.room-a"],
          subprotocol: "json.webpubsub.azure.v1",
        });
      },
      onConnected(req) {
        signatureChecks.push(signatureValid(req.context.signature, req.context.connectionId));
        connectedIds.push(req.context.connectionId);
      },
      onDisconnected(req) {
        disconnected.push({
          connectionId: req.context.connectionId,
          reason: req.reason,
          states: req.context.states,
        });
      },
      handleUserEvent(req, res) {
        signatureChecks.push(signatureValid(req.context.signature, req.context.connectionId));
        switch (req.context.eventName) {
          case "echoText":
            res.success(`echo:${String(req.data)}`, "text");
            return;
          case "echoJson":
            res.success(JSON.stringify({ got: req.data }), "json");
            return;
          case "echoBinary": {
            const bytes = Buffer.from(req.data as ArrayBuffer);
            // express passes the value to `response.end`, which takes a Buffer (not an ArrayBuffer).
            res.success(Buffer.from([...bytes].reverse()) as unknown as ArrayBuffer, "binary");
            return;
          }
          case "remember":
            res.setState("remembered", String(req.data));
            res.success();
            return;
          case "reject":
            res.fail(400, "this event is not allowed");
            return;
          default:
            res.success();
        }
      },
    });
    // A hub whose upstream allows only some other service.
    const locked = new WebPubSubEventHandler("locked", {
      allowedEndpoints: ["https://someone-else.webpubsub.azure.com"],
      handleConnect: (_req, res) => res.success(),
    });
    app.use(chat.getMiddleware());
    app.use(locked.getMiddleware());
    upstream = await listenCounted(http.createServer(app));
    harness = createHarness();
    const template = `${upstream.url}/api/webpubsub/hubs/{hub}/{event}`;
    harness.setHandlers("chat", [
      {
        urlTemplate: template,
        userEventPattern: "*",
        systemEvents: ["connect", "connected", "disconnected"],
      },
    ]);
    harness.setHandlers("locked", [
      { urlTemplate: template, userEventPattern: "*", systemEvents: ["connect"] },
    ]);
  });

  after(async () => {
    await harness.events.close();
    await upstream.close();
  });

  it("says which hubs handle connect", () => {
    assert.equal(harness.events.handlesConnect("chat"), true);
    assert.equal(harness.events.handlesConnect("CHAT"), true);
    assert.equal(harness.events.handlesConnect("other"), false);
  });

  it("connect: the upstream sets user id, groups, roles, subprotocol and state", async () => {
    const context = connectionContext();
    const outcome = await harness.events.connect(context, {
      claims: { sub: ["alice"] },
      query: { access_token: ["secret-token"], room: ["lobby"] },
      headers: { Authorization: ["Bearer secret"], "user-agent": ["test"] },
      subprotocols: ["json.webpubsub.azure.v1", "json.reliable.webpubsub.azure.v1"],
      clientCertificates: [],
    });
    assert.equal(outcome.kind, "accepted");
    assert.ok(outcome.kind === "accepted");
    assert.equal(outcome.userId, "user-from-upstream");
    assert.deepEqual(outcome.groups, ["room-a", "room-b"]);
    assert.deepEqual(outcome.roles, ["webpubsub.joinLeaveGroup.room-a"]);
    assert.equal(outcome.subprotocol, "json.webpubsub.azure.v1");
    assert.ok(outcome.connectionState);
    assert.deepEqual(JSON.parse(Buffer.from(outcome.connectionState, "base64").toString()), { visits: 1 });

    const body = connectBodies.at(-1) as {
      query: Record<string, string[]>;
      headers: Record<string, string[]>;
    };
    assert.deepEqual(body.query, { room: ["lobby"] }, "access_token is not passed upstream");
    assert.equal(body.headers.Authorization, undefined, "Authorization is not passed upstream");
    assert.deepEqual(body.headers["user-agent"], ["test"]);

    const post = seen.findLast(
      (s) => s.method === "POST" && s.headers["ce-connectionid"] === context.connectionId,
    );
    assert.ok(post);
    assert.equal(post.path, "/api/webpubsub/hubs/chat/connect");
    assert.equal(post.headers["ce-type"], "azure.webpubsub.sys.connect");
    assert.equal(post.headers["ce-specversion"], "1.0");
    assert.equal(post.headers["ce-awpsversion"], "1.0");
    assert.equal(post.headers["ce-source"], `/hubs/chat/client/${context.connectionId}`);
    assert.equal(post.headers["ce-id"], "0");
    assert.equal(post.headers["ce-hub"], "chat");
    assert.equal(post.headers["ce-eventname"], "connect");
    assert.equal(post.headers["ce-userid"], "alice");
    assert.equal(post.headers["ce-subprotocol"], undefined);
    assert.equal(post.headers["ce-connectionstate"], undefined);
    assert.equal(post.headers["webhook-request-origin"], testOrigin);
    assert.equal(post.headers["content-type"], "application/json; charset=utf-8");
    assert.ok(!Number.isNaN(Date.parse(String(post.headers["ce-time"]))));
    assert.equal(
      post.headers["ce-signature"],
      `sha256=${hmacHex(testKeys.primary, context.connectionId)},sha256=${hmacHex(testKeys.secondary, context.connectionId)}`,
    );
    assert.equal(signatureChecks.at(-1), true, "the upstream verified the signature with both keys");
  });

  it("connect refused by the upstream with 401 keeps the status and the upstream's words", async () => {
    const outcome = await harness.events.connect(
      connectionContext({ userId: "mallory" }),
      emptyConnectRequest,
    );
    assert.deepEqual(outcome, { kind: "refused", status: 401, message: "mallory is not welcome here" });
    const refused = harness.records("event.failed").at(-1);
    assert.match(String(refused?.details?.reason), /401/);
  });

  it("connected and disconnected reach the upstream without delaying the caller, with state and ids", async () => {
    const context = connectionContext({
      connectionState: Buffer.from(JSON.stringify({ visits: 1 })).toString("base64"),
    });
    const connectOutcome = await harness.events.connect(context, {
      ...emptyConnectRequest,
      subprotocols: ["json.webpubsub.azure.v1"],
    });
    assert.equal(connectOutcome.kind, "accepted");
    const returned = harness.events.connected(context);
    assert.equal(returned, undefined);
    harness.events.disconnected(context, "client closed the connection");
    await waitFor(
      () => disconnected.some((d) => d.connectionId === context.connectionId),
      5000,
      "disconnected",
    );
    assert.ok(connectedIds.includes(context.connectionId));
    const gone = disconnected.find((d) => d.connectionId === context.connectionId);
    assert.equal(gone?.reason, "client closed the connection");
    assert.deepEqual(gone?.states, { visits: 1 }, "ce-connectionState is echoed");
    const posts = seen.filter(
      (s) => s.method === "POST" && s.headers["ce-connectionid"] === context.connectionId,
    );
    assert.deepEqual(
      posts.map((p) => [p.headers["ce-eventname"], p.headers["ce-id"], p.headers["ce-subprotocol"]]),
      [
        ["connect", "0", undefined],
        ["connected", "1", "json.webpubsub.azure.v1"],
        ["disconnected", "2", "json.webpubsub.azure.v1"],
      ],
    );
    assert.ok(signatureChecks.every((ok) => ok));
  });

  it("user events: text, JSON and binary answered; empty answer means no reply; 400 passed on", async () => {
    const context = connectionContext();
    const text = await harness.events.userEvent(context, "echoText", {
      dataType: "text",
      data: Buffer.from("hi"),
    });
    assert.equal(text.kind, "ok");
    assert.ok(text.kind === "ok" && text.reply);
    assert.equal(text.reply.dataType, "text");
    assert.equal(text.reply.data.toString(), "echo:hi");

    const json = await harness.events.userEvent(context, "echoJson", {
      dataType: "json",
      data: Buffer.from(JSON.stringify({ a: [1, 2] })),
    });
    assert.ok(json.kind === "ok" && json.reply);
    assert.equal(json.reply.dataType, "json");
    assert.deepEqual(JSON.parse(json.reply.data.toString()), { got: { a: [1, 2] } });

    const binary = await harness.events.userEvent(context, "echoBinary", {
      dataType: "binary",
      data: Buffer.from([1, 2, 3]),
    });
    assert.ok(binary.kind === "ok" && binary.reply);
    assert.equal(binary.reply.dataType, "binary");
    assert.deepEqual([...binary.reply.data], [3, 2, 1]);

    const silent = await harness.events.userEvent(context, "nothing", {
      dataType: "text",
      data: Buffer.from("x"),
    });
    assert.deepEqual(silent, { kind: "ok" });

    const remembered = await harness.events.userEvent(context, "remember", {
      dataType: "text",
      data: Buffer.from("blue"),
    });
    assert.ok(remembered.kind === "ok" && remembered.connectionState);
    assert.deepEqual(JSON.parse(Buffer.from(remembered.connectionState, "base64").toString()), {
      remembered: "blue",
    });

    const rejected = await harness.events.userEvent(context, "reject", {
      dataType: "text",
      data: Buffer.from("x"),
    });
    assert.equal(rejected.kind, "failed");
    assert.ok(rejected.kind === "failed");
    assert.equal(rejected.status, 400);
    assert.match(rejected.message, /this event is not allowed/);

    const types = seen
      .filter((s) => s.headers["ce-connectionid"] === context.connectionId)
      .map((s) => [s.headers["ce-type"], s.headers["content-type"]]);
    assert.deepEqual(types.slice(0, 3), [
      ["azure.webpubsub.user.echoText", "text/plain"],
      ["azure.webpubsub.user.echoJson", "application/json"],
      ["azure.webpubsub.user.echoBinary", "application/octet-stream"],
    ]);
  });

  it("validates each upstream once and reuses keep-alive connections", async () => {
    const options = seen.filter(
      (s) => s.method === "OPTIONS" && s.path.startsWith("/api/webpubsub/hubs/chat/"),
    );
    assert.equal(options.length, 1, "one validation for the chat handler so far");
    assert.equal(options[0]?.path, "/api/webpubsub/hubs/chat/validate");
    assert.equal(options[0]?.headers["webhook-request-origin"], testOrigin);
    assert.equal(options[0]?.headers["ce-awpsversion"], "1.0");
    const acceptedBefore = upstream.acceptedConnections();
    for (let i = 0; i < 20; i++) {
      const outcome = await harness.events.userEvent(connectionContext(), "echoText", {
        dataType: "text",
        data: Buffer.from(String(i)),
      });
      assert.equal(outcome.kind, "ok");
    }
    assert.ok(upstream.acceptedConnections() - acceptedBefore <= 1, "sequential calls share one connection");
  });

  it("an upstream that does not allow this service's origin gets no events, and says why", async () => {
    const context = connectionContext({ hub: "locked" });
    const outcome = await harness.events.connect(context, emptyConnectRequest);
    assert.equal(outcome.kind, "refused");
    assert.ok(outcome.kind === "refused");
    assert.equal(outcome.status, 500);
    assert.match(outcome.message, /AbuseProtectionResponseMissingAllowedOrigin/);
    assert.match(outcome.message, /someone-else\.webpubsub\.azure\.com/);
    assert.equal(
      seen.filter((s) => s.method === "POST" && s.path.startsWith("/api/webpubsub/hubs/locked")).length,
      0,
      "no event was posted",
    );
    const failed = harness.records("validation.failed").at(-1);
    assert.ok(failed);
    assert.match(String(failed.details?.reason), /not this service's origin/);
    // A second attempt inside the back-off fails at once without asking again.
    const optionsBefore = seen.filter((s) => s.method === "OPTIONS").length;
    const again = await harness.events.connect(connectionContext({ hub: "locked" }), emptyConnectRequest);
    assert.equal(again.kind, "refused");
    assert.equal(seen.filter((s) => s.method === "OPTIONS").length, optionsBefore);
  });

  it("traces every upstream call with its path and addresses", () => {
    const call = harness.records("upstream.call").find((r) => r.details?.event === "connect");
    assert.ok(call);
    assert.equal(call.category, "upstream");
    assert.equal(call.hub, "chat");
    assert.equal(call.details?.method, "POST");
    assert.equal(call.details?.status, 200);
    assert.equal(call.details?.attempt, 1);
    assert.equal(call.details?.path, "direct");
    assert.equal(call.details?.remoteAddress, `127.0.0.1:${upstream.port}`);
    assert.match(String(call.details?.localAddress), /^127\.0\.0\.1:\d+$/);
    assert.equal(typeof call.details?.latencyMs, "number");
    assert.match(String(call.details?.url), /\/api\/webpubsub\/hubs\/chat\/connect$/);
  });

  it("closes every upstream connection when the dispatcher closes", async () => {
    assert.ok(upstream.openConnections() > 0);
    await harness.events.close();
    await waitFor(() => upstream.openConnections() === 0, 5000, "upstream connections to close");
    assert.equal(harness.events.openUpstreamSockets(), 0);
  });
});
