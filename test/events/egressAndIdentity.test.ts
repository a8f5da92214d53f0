// The one door out (egress dialer: TLS trust, routes in the trace, route changes) and the local
// managed identity whose tokens an upstream validates with the published JWKS.
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { createLocalManagedIdentity } from "../../src/events/localManagedIdentity.js";
import { createDirectDialer, type DialRoute, type EgressDialer } from "../../src/network/egressDialer.js";
import { loadOrCreateLocalCa, type LocalCa } from "../../src/pki/localCa.js";
import {
  connectionContext,
  createHarness,
  emptyConnectRequest,
  listenCounted,
  waitFor,
  type CountedServer,
} from "./support/upstreamHarness.js";

const answerEverything = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  req.resume();
  req.on("end", () =>
    req.method === "OPTIONS"
      ? res.writeHead(200, { "WebHook-Allowed-Origin": "*" }).end()
      : res.writeHead(204).end(),
  );
};

describe("egress dialer", () => {
  let ca: LocalCa;
  let secure: CountedServer;

  before(async () => {
    ca = loadOrCreateLocalCa(null);
    const cert = ca.issue(["localhost", "127.0.0.1"]);
    secure = await listenCounted(https.createServer({ key: cert.key, cert: cert.cert }, answerEverything));
  });

  after(async () => {
    await secure.close();
  });

  it("reaches an HTTPS upstream whose certificate comes from the given local CA", async () => {
    const harness = createHarness({ dialer: createDirectDialer({ ca: ca.certPem }) });
    harness.setHandlers("chat", [
      { urlTemplate: `https://localhost:${secure.port}/{event}`, systemEvents: ["connect"] },
    ]);
    try {
      const outcome = await harness.events.connect(connectionContext(), emptyConnectRequest);
      assert.equal(outcome.kind, "accepted");
      const call = harness.records("upstream.call").find((r) => r.details?.event === "connect");
      assert.equal(call?.details?.path, "direct");
      assert.equal(call?.details?.remoteAddress, `127.0.0.1:${secure.port}`);
    } finally {
      await harness.events.close();
    }
  });

  it("refuses an HTTPS upstream it does not trust, and says why", async () => {
    const harness = createHarness({ dialer: createDirectDialer() });
    harness.setHandlers("chat", [
      { urlTemplate: `https://localhost:${secure.port}/{event}`, systemEvents: ["connect"] },
    ]);
    try {
      const outcome = await harness.events.connect(connectionContext(), emptyConnectRequest);
      assert.ok(outcome.kind === "refused");
      assert.equal(outcome.status, 500);
      assert.match(outcome.message, /certificate/i);
    } finally {
      await harness.events.close();
    }
  });

  it("times out a connection that never completes", async () => {
    // A TLS dial to a TCP listener that never answers: the handshake cannot finish.
    const held = new Set<net.Socket>();
    const silentServer = net.createServer((socket) => {
      held.add(socket);
      socket.resume(); // read (and ignore) the ClientHello, so the peer's close is seen
      socket.on("close", () => held.delete(socket));
    });
    await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", resolve));
    const silent = {
      port: (silentServer.address() as net.AddressInfo).port,
      openConnections: () => held.size,
      close: () => new Promise<void>((resolve) => silentServer.close(() => resolve())),
    };
    const dialer = createDirectDialer({ connectTimeoutMs: 150 });
    try {
      const error = await new Promise<Error | null>((resolve) =>
        dialer.connect({ protocol: "https:", host: "127.0.0.1", port: silent.port }, (err, dialed) => {
          dialed?.socket.destroy();
          resolve(err);
        }),
      );
      assert.match(String(error?.message), /timed out after 150 ms/);
      await waitFor(() => silent.openConnections() === 0, 2000, "the half-open socket to close");
    } finally {
      await silent.close();
    }
  });

  it("reports the route a custom dialer chose, and re-dials when routes change", async () => {
    const plain = await listenCounted(http.createServer(answerEverything));
    const direct = createDirectDialer();
    const listeners = new Set<() => void>();
    let path: DialRoute["path"] = "public";
    const routed: EgressDialer = {
      connect(target, callback) {
        direct.connect(target, (error, dialed) => {
          if (error || !dialed) return callback(error, null);
          callback(null, {
            socket: dialed.socket,
            route: { ...dialed.route, path, note: `via ${path} path` },
          });
        });
      },
      onRoutesChanged(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const harness = createHarness({ dialer: routed });
    harness.setHandlers("chat", [{ urlTemplate: `${plain.url}/{event}`, userEventPattern: "*" }]);
    const send = () =>
      harness.events.userEvent(connectionContext(), "ping", { dataType: "text", data: Buffer.from("x") });
    try {
      assert.equal((await send()).kind, "ok");
      path = "private";
      for (const listener of listeners) listener();
      assert.equal((await send()).kind, "ok");
      const paths = harness
        .records("upstream.call")
        .map((r) => [r.details?.event, r.details?.path, r.details?.routeNote]);
      assert.deepEqual(paths, [
        ["validate", "public", "via public path"],
        ["ping", "public", "via public path"],
        ["ping", "private", "via private path"],
      ]);
      await waitFor(
        () => plain.openConnections() === 1,
        3000,
        "the old connection to close after the route change",
      );
    } finally {
      await harness.events.close();
      await plain.close();
    }
    assert.equal(listeners.size, 0, "the dispatcher unsubscribed on close");
  });
});

describe("managed identity", () => {
  it("sends a bearer token an upstream validates with the published JWKS", async () => {
    const identity = createLocalManagedIdentity({ lifetimeSeconds: 3600 });
    const jwks = createLocalJWKSet(await identity.jwks());
    const verified: { method: string; aud: unknown; sub: unknown }[] = [];
    const failures: string[] = [];
    const upstream = await listenCounted(
      http.createServer((req, res) => {
        req.resume();
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
        jwtVerify(token, jwks, { issuer: identity.issuer, audience: "api://contoso-func" }).then(
          ({ payload }) => {
            verified.push({ method: req.method ?? "", aud: payload.aud, sub: payload.sub });
            if (req.method === "OPTIONS") res.writeHead(200, { "WebHook-Allowed-Origin": "*" }).end();
            else res.writeHead(204).end();
          },
          (error: unknown) => {
            failures.push(String(error));
            res.writeHead(401).end("bad token");
          },
        );
      }),
    );
    const harness = createHarness({ tokenIssuer: identity });
    harness.setHandlers("chat", [
      {
        urlTemplate: `${upstream.url}/{event}`,
        systemEvents: ["connect"],
        auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://contoso-func" } },
      },
    ]);
    harness.setHandlers("wrong", [
      {
        urlTemplate: `${upstream.url}/wrong/{event}`,
        systemEvents: ["connect"],
        auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://someone-else" } },
      },
    ]);
    try {
      const outcome = await harness.events.connect(connectionContext(), emptyConnectRequest);
      assert.deepEqual(outcome, { kind: "accepted" }, JSON.stringify(failures));
      assert.deepEqual(
        verified.map((v) => [v.method, v.aud, v.sub]),
        [
          ["OPTIONS", "api://contoso-func", identity.principalId],
          ["POST", "api://contoso-func", identity.principalId],
        ],
      );
      const wrong = await harness.events.connect(connectionContext({ hub: "wrong" }), emptyConnectRequest);
      assert.equal(wrong.kind, "refused");
      assert.match(failures.join(), /aud/);
      // The same token is reused while it is fresh.
      assert.equal(await identity.issue("api://contoso-func"), await identity.issue("api://contoso-func"));
    } finally {
      await harness.events.close();
      await upstream.close();
    }
  });
});
