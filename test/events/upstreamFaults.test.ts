// Faults of upstreams: down, failing then recovering, slow, huge answers, floods of events. The
// client-facing outcome is the documented one, nothing crashes, and no socket is left open.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  connectionContext,
  createHarness,
  emptyConnectRequest,
  listenCounted,
  waitFor,
  type CountedServer,
  type Harness,
} from "./support/upstreamHarness.js";

type Behaviour = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

/** An upstream that accepts validation from anyone and answers POSTs with `behaviour`. */
async function scriptedUpstream(): Promise<CountedServer & { behave(b: Behaviour): void; posts: number }> {
  let behaviour: Behaviour = (_req, _body, res) => res.writeHead(204).end();
  const state = { posts: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "OPTIONS") {
        res.writeHead(200, { "WebHook-Allowed-Origin": "*" }).end();
        return;
      }
      state.posts++;
      behaviour(req, Buffer.concat(chunks), res);
    });
  });
  const counted = await listenCounted(server);
  return Object.assign(counted, {
    behave: (b: Behaviour) => {
      behaviour = b;
    },
    get posts() {
      return state.posts;
    },
  });
}

const allEvents = { userEventPattern: "*", systemEvents: ["connect", "connected", "disconnected"] as const };

describe("upstream faults", () => {
  let upstream: Awaited<ReturnType<typeof scriptedUpstream>>;
  let harness: Harness;
  const pending: (() => void)[] = [];

  before(async () => {
    upstream = await scriptedUpstream();
    harness = createHarness({
      settings: {
        attemptTimeoutMs: 300,
        keepAliveTimeoutMs: 200,
        maxResponseBytes: 1024 * 1024,
        maxPendingEventsPerHost: 5,
        fireAndForgetConcurrency: 2,
      },
    });
    harness.setHandlers("chat", [
      {
        urlTemplate: `${upstream.url}/api/{hub}/{event}`,
        ...allEvents,
        systemEvents: [...allEvents.systemEvents],
      },
    ]);
  });

  beforeEach(() => upstream.behave((_req, _body, res) => res.writeHead(204).end()));

  after(async () => {
    for (const release of pending.splice(0)) release();
    await harness.events.close();
    await upstream.close();
  });

  const callsFor = (connectionId: string) =>
    harness.records("upstream.call").filter((r) => r.connectionId === connectionId);

  it("answering 500 then 200: the event is retried and succeeds", async () => {
    let count = 0;
    upstream.behave((_req, _body, res) => {
      count++;
      if (count === 1) res.writeHead(500).end("busy");
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ userId: "bob" }));
    });
    const context = connectionContext();
    const outcome = await harness.events.connect(context, emptyConnectRequest);
    assert.deepEqual(outcome, { kind: "accepted", userId: "bob" });
    assert.deepEqual(
      callsFor(context.connectionId).map((r) => [r.details?.attempt, r.details?.status]),
      [
        [1, 500],
        [2, 200],
      ],
    );
  });

  it("answering 503 every time: four attempts, then the client is refused with 500 and the reason", async () => {
    upstream.behave((_req, _body, res) => res.writeHead(503).end("maintenance"));
    const context = connectionContext();
    const outcome = await harness.events.connect(context, emptyConnectRequest);
    assert.equal(outcome.kind, "refused");
    assert.ok(outcome.kind === "refused");
    assert.equal(outcome.status, 500);
    assert.match(outcome.message, /answered 503: maintenance/);
    assert.equal(callsFor(context.connectionId).length, 4);
  });

  it("a 4xx is passed on and never retried", async () => {
    upstream.behave((_req, _body, res) => res.writeHead(429).end("slow down"));
    const context = connectionContext();
    const outcome = await harness.events.connect(context, emptyConnectRequest);
    assert.deepEqual(outcome, { kind: "refused", status: 429, message: "slow down" });
    assert.equal(callsFor(context.connectionId).length, 1);
  });

  it("slower than the timeout: refused with 500 after one attempt, the socket is closed", async () => {
    upstream.behave((_req, _body, res) => {
      const timer = setTimeout(() => res.writeHead(204).end(), 3000);
      res.on("close", () => clearTimeout(timer));
    });
    const context = connectionContext();
    const started = Date.now();
    const outcome = await harness.events.userEvent(context, "slow", {
      dataType: "text",
      data: Buffer.from("x"),
    });
    assert.ok(Date.now() - started < 2000, "the attempt deadline cut the call short");
    assert.equal(outcome.kind, "failed");
    assert.ok(outcome.kind === "failed");
    assert.equal(outcome.status, 500);
    assert.match(outcome.message, /no complete response within 300 ms/);
    assert.equal(callsFor(context.connectionId).length, 1, "a timed-out attempt is not retried");
    await waitFor(() => upstream.openConnections() === 0, 3000, "upstream connections back to zero");
  });

  for (const declared of [true, false]) {
    it(`a huge answer (${declared ? "with" : "without"} Content-Length) fails the call, no socket leaks`, async () => {
      const size = 5 * 1024 * 1024;
      upstream.behave((_req, _body, res) => {
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          ...(declared ? { "content-length": String(size) } : {}),
        });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let sent = 0;
        const pump = (): void => {
          while (sent < size) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
          res.end();
        };
        res.on("error", () => undefined);
        pump();
      });
      const outcome = await harness.events.userEvent(connectionContext(), "big", {
        dataType: "text",
        data: Buffer.from("x"),
      });
      assert.equal(outcome.kind, "failed");
      assert.ok(outcome.kind === "failed");
      assert.equal(outcome.status, 500);
      assert.match(outcome.message, /exceeds the 1048576-byte limit/);
      await waitFor(() => upstream.openConnections() === 0, 3000, "upstream connections back to zero");
    });
  }

  it("an upstream that is down: the client is refused with 500 and the reason", async () => {
    const down = await scriptedUpstream();
    await down.close();
    const local = createHarness();
    local.setHandlers("chat", [{ urlTemplate: `${down.url}/{event}`, systemEvents: ["connect"] }]);
    try {
      const outcome = await local.events.connect(connectionContext(), emptyConnectRequest);
      assert.equal(outcome.kind, "refused");
      assert.ok(outcome.kind === "refused");
      assert.equal(outcome.status, 500);
      assert.match(outcome.message, /abuse-protection request OPTIONS .* failed: ECONNREFUSED/);
      assert.equal(local.records("validation.failed").length, 1);
    } finally {
      await local.events.close();
    }
  });

  it("the upstream dies after validation: the event is retried on network errors, then refused", async () => {
    const dying = await scriptedUpstream();
    const local = createHarness();
    local.setHandlers("chat", [
      { urlTemplate: `${dying.url}/{event}`, userEventPattern: "*", systemEvents: ["connect"] },
    ]);
    try {
      assert.equal((await local.events.connect(connectionContext(), emptyConnectRequest)).kind, "accepted");
      await dying.close();
      const context = connectionContext();
      const outcome = await local.events.userEvent(context, "hello", {
        dataType: "text",
        data: Buffer.from("x"),
      });
      assert.equal(outcome.kind, "failed");
      assert.ok(outcome.kind === "failed");
      assert.equal(outcome.status, 500);
      assert.match(outcome.message, /could not be reached \(4 attempts\).*ECONNREFUSED/);
      const calls = local.records("upstream.call").filter((r) => r.connectionId === context.connectionId);
      assert.equal(calls.length, 4);
      assert.ok(calls.every((r) => typeof r.details?.error === "string"));
    } finally {
      await local.events.close();
      await dying.close();
    }
  });

  it("a flood of fire-and-forget events to a stuck upstream is bounded, and other upstreams stay fast", async () => {
    upstream.behave((_req, _body, res) => {
      pending.push(() => res.writeHead(200).end());
    });
    const other = await scriptedUpstream();
    harness.setHandlers("other", [{ urlTemplate: `${other.url}/{event}`, systemEvents: ["connect"] }]);
    try {
      const before = harness.records("upstream.dropped").length;
      for (let i = 0; i < 10; i++) harness.events.connected(connectionContext());
      assert.equal(harness.records("upstream.dropped").length - before, 5, "five taken, five dropped");
      assert.equal(harness.events.pendingEvents(upstream.url), 5);
      const dropped = harness.records("upstream.dropped").at(-1);
      assert.match(String(dropped?.details?.reason), /5 events already wait/);

      // The stuck upstream does not delay a blocking event to another upstream.
      const started = Date.now();
      const outcome = await harness.events.connect(connectionContext({ hub: "other" }), emptyConnectRequest);
      assert.equal(outcome.kind, "accepted");
      assert.ok(Date.now() - started < 1000);

      await waitFor(() => pending.length === 2, 3000, "two events in flight");
      // Releasing the upstream lets the queue drain (the stuck ones time out at 300 ms first).
      for (let round = 0; round < 20 && harness.events.pendingEvents(upstream.url) > 0; round++) {
        for (const release of pending.splice(0)) release();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(harness.events.pendingEvents(upstream.url), 0);
    } finally {
      await other.close();
    }
  });

  it("a hub whose handler URL uses {category} fails loudly", async () => {
    harness.setHandlers("signalr", [
      { urlTemplate: `${upstream.url}/{category}/{event}`, systemEvents: ["connect"] },
    ]);
    const outcome = await harness.events.connect(connectionContext({ hub: "signalr" }), emptyConnectRequest);
    assert.equal(outcome.kind, "refused");
    assert.ok(outcome.kind === "refused");
    assert.equal(outcome.status, 500);
    assert.match(outcome.message, /\{category\} is an Azure SignalR upstream placeholder/);
  });

  it("leaves no socket open once idle connections expire", async () => {
    for (const release of pending.splice(0)) release();
    await waitFor(() => upstream.openConnections() === 0, 5000, "idle keep-alive sockets to close");
    await waitFor(() => harness.events.openUpstreamSockets() === 0, 2000, "dispatcher's sockets to close");
  });
});
