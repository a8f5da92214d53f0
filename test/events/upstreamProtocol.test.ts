// Wire details of event-handler calls that express does not exercise: cookies, the forms of
// WebHook-Allowed-Origin, re-validation, reply content types, connect response edge cases.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import {
  connectionContext,
  createHarness,
  emptyConnectRequest,
  listenCounted,
  testOrigin,
  waitFor,
  type CountedServer,
  type Harness,
} from "./support/upstreamHarness.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe("event-handler wire protocol", () => {
  let upstream: CountedServer;
  let harness: Harness;
  const seen: Seen[] = [];
  /** Per path prefix: how OPTIONS and POST are answered. */
  const answers = new Map<string, { options: Answer; post: Answer }>();

  const allowAll: Answer = (_req, res) => res.writeHead(200, { "WebHook-Allowed-Origin": "*" }).end();

  before(async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
        const prefix = (req.url ?? "").split("/")[1] ?? "";
        const answer = answers.get(prefix);
        if (!answer) {
          res.writeHead(404).end();
          return;
        }
        (req.method === "OPTIONS" ? answer.options : answer.post)(req, res);
      });
    });
    upstream = await listenCounted(server);
    harness = createHarness({ settings: { validationTtlMs: 200, validationRetryInitialMs: 100 } });
  });

  after(async () => {
    await harness.events.close();
    await upstream.close();
  });

  function route(prefix: string, options: Answer, post: Answer, hub = prefix): void {
    answers.set(prefix, { options, post });
    harness.setHandlers(hub, [
      {
        urlTemplate: `${upstream.url}/${prefix}/{hub}/{event}`,
        userEventPattern: "*",
        systemEvents: ["connect", "connected", "disconnected"],
      },
    ]);
  }

  it("keeps cookies an upstream sets and sends them on the connection's later events", async () => {
    route("cookies", allowAll, (req, res) => {
      if (req.headers["ce-eventname"] === "connect") {
        res.writeHead(204, { "Set-Cookie": ["session=abc123; Path=/; HttpOnly", "tracker=1"] }).end();
      } else if (req.headers["ce-eventname"] === "forget") {
        res.writeHead(200, { "Set-Cookie": "tracker=; Max-Age=0" }).end();
      } else res.writeHead(204).end();
    });
    const context = connectionContext({ hub: "cookies" });
    assert.equal((await harness.events.connect(context, emptyConnectRequest)).kind, "accepted");
    await harness.events.userEvent(context, "next", { dataType: "text", data: Buffer.from("1") });
    await harness.events.userEvent(context, "forget", { dataType: "text", data: Buffer.from("2") });
    await harness.events.userEvent(context, "last", { dataType: "text", data: Buffer.from("3") });
    const cookies = seen
      .filter((s) => s.headers["ce-connectionid"] === context.connectionId)
      .map((s) => s.headers.cookie);
    assert.deepEqual(cookies, [
      undefined,
      "session=abc123; tracker=1",
      "session=abc123; tracker=1",
      "session=abc123",
    ]);
    // Another connection has its own (empty) jar.
    const other = connectionContext({ hub: "cookies" });
    await harness.events.userEvent(other, "next", { dataType: "text", data: Buffer.from("1") });
    assert.equal(seen.at(-1)?.headers.cookie, undefined);
  });

  const originForms: [string, string | string[]][] = [
    ["repeated", ["other.example.com", testOrigin]],
    ["commalist", `other.example.com, ${testOrigin.toUpperCase()}`],
    ["barehost", testOrigin.split(":")[0] ?? ""],
    ["fullurl", `https://${testOrigin}`],
  ];
  for (const [name, header] of originForms) {
    it(`accepts WebHook-Allowed-Origin as ${name}`, async () => {
      route(
        name,
        (_req, res) => res.writeHead(200, { "WebHook-Allowed-Origin": header }).end(),
        (_r, res) => res.writeHead(204).end(),
      );
      const outcome = await harness.events.connect(connectionContext({ hub: name }), emptyConnectRequest);
      assert.equal(outcome.kind, "accepted");
    });
  }

  it("refuses a validation answered with another port, a non-2xx status or no header", async () => {
    const cases: [string, Answer, RegExp][] = [
      [
        "otherport",
        (_r, res) =>
          res.writeHead(200, { "WebHook-Allowed-Origin": "contoso-webpubsub.localhost:9999" }).end(),
        /not this service's origin/,
      ],
      [
        "status404",
        (_r, res) => res.writeHead(404).end(),
        /AbuseProtectionResponseInvalidStatusCode: .* answered 404/,
      ],
      ["noheader", (_r, res) => res.writeHead(200).end(), /without a WebHook-Allowed-Origin header/],
    ];
    for (const [name, options, reason] of cases) {
      route(name, options, (_r, res) => res.writeHead(204).end());
      const outcome = await harness.events.connect(connectionContext({ hub: name }), emptyConnectRequest);
      assert.equal(outcome.kind, "refused", name);
      assert.ok(outcome.kind === "refused");
      assert.match(outcome.message, reason);
      assert.equal(seen.filter((s) => s.method === "POST" && s.url.startsWith(`/${name}/`)).length, 0);
    }
  });

  it("re-validates after the TTL in the background and stops events once the upstream withdraws", async () => {
    let allowed = true;
    route(
      "revalidate",
      (_r, res) => res.writeHead(200, allowed ? { "WebHook-Allowed-Origin": "*" } : {}).end(),
      (_r, res) => res.writeHead(204).end(),
    );
    const optionsCount = () =>
      seen.filter((s) => s.method === "OPTIONS" && s.url.startsWith("/revalidate/")).length;
    assert.equal(
      (await harness.events.connect(connectionContext({ hub: "revalidate" }), emptyConnectRequest)).kind,
      "accepted",
    );
    assert.equal(optionsCount(), 1);
    allowed = false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Past the TTL: this event still goes (stale-while-revalidate) and triggers a re-check.
    assert.equal(
      (await harness.events.connect(connectionContext({ hub: "revalidate" }), emptyConnectRequest)).kind,
      "accepted",
    );
    await waitFor(() =>
      harness.records("validation.failed").some((r) => String(r.details?.url).includes("/revalidate/")),
    );
    assert.equal(optionsCount(), 2);
    const refused = await harness.events.connect(
      connectionContext({ hub: "revalidate" }),
      emptyConnectRequest,
    );
    assert.equal(refused.kind, "refused");
    // After the back-off the next event asks again and, allowed once more, goes through.
    allowed = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(
      (await harness.events.connect(connectionContext({ hub: "revalidate" }), emptyConnectRequest)).kind,
      "accepted",
    );
    assert.equal(optionsCount(), 3);
  });

  it("maps reply content types: parameters ignored, none = binary, unknown = failure, bad JSON = failure", async () => {
    const replies: Record<string, [Record<string, string>, string]> = {
      textParams: [{ "content-type": "Text/Plain; charset=utf-8" }, "hello"],
      noType: [{}, "raw"],
      jsonOk: [{ "content-type": "application/json; charset=utf-8" }, '"quoted"'],
      jsonBad: [{ "content-type": "application/json" }, "{not json"],
      html: [{ "content-type": "text/html" }, "<p>hi</p>"],
      protobuf: [{ "content-type": "application/x-protobuf" }, "\u0008\u0001"],
    };
    route("replies", allowAll, (req, res) => {
      const [headers, body] = replies[String(req.headers["ce-eventname"])] ?? [{}, ""];
      res.writeHead(200, headers).end(body);
    });
    const context = connectionContext({ hub: "replies" });
    const send = (event: string) =>
      harness.events.userEvent(context, event, { dataType: "text", data: Buffer.from("x") });
    const text = await send("textParams");
    assert.ok(text.kind === "ok" && text.reply);
    assert.deepEqual([text.reply.dataType, text.reply.data.toString()], ["text", "hello"]);
    const raw = await send("noType");
    assert.ok(raw.kind === "ok" && raw.reply);
    assert.deepEqual([raw.reply.dataType, raw.reply.data.toString()], ["binary", "raw"]);
    const json = await send("jsonOk");
    assert.ok(json.kind === "ok" && json.reply);
    assert.deepEqual([json.reply.dataType, json.reply.data.toString()], ["json", '"quoted"']);
    const protobuf = await send("protobuf");
    assert.ok(protobuf.kind === "ok" && protobuf.reply);
    assert.equal(protobuf.reply.dataType, "protobuf");
    const bad = await send("jsonBad");
    assert.ok(bad.kind === "failed");
    assert.match(bad.message, /not JSON/);
    const html = await send("html");
    assert.ok(html.kind === "failed");
    assert.equal(html.status, 500);
    assert.match(html.message, /text\/html/);
    const empty = await send("unknown");
    assert.deepEqual(empty, { kind: "ok" });
  });

  it("connect answers: empty 200, null, bad JSON, wrong field types, unoffered subprotocol", async () => {
    const answersByUser: Record<string, [number, Record<string, string>, string]> = {
      empty: [200, {}, ""],
      nullBody: [200, { "content-type": "application/json" }, "null"],
      badJson: [200, { "content-type": "application/json" }, "{"],
      badGroups: [200, { "content-type": "application/json" }, JSON.stringify({ groups: "a" })],
      unoffered: [200, { "content-type": "application/json" }, JSON.stringify({ subprotocol: "mqtt" })],
      emptyUser: [200, { "ce-connectionState": "c3RhdGU=" }, JSON.stringify({ userId: "", roles: [] })],
      forbidden: [403, {}, ""],
    };
    route("connects", allowAll, (req, res) => {
      const [status, headers, body] = answersByUser[String(req.headers["ce-userid"])] ?? [500, {}, ""];
      res.writeHead(status, headers).end(body);
    });
    const connect = (userId: string) =>
      harness.events.connect(connectionContext({ hub: "connects", userId }), {
        ...emptyConnectRequest,
        subprotocols: ["json.webpubsub.azure.v1"],
      });
    assert.deepEqual(await connect("empty"), { kind: "accepted" });
    assert.deepEqual(await connect("nullBody"), { kind: "accepted" });
    assert.deepEqual(await connect("emptyUser"), {
      kind: "accepted",
      userId: "",
      roles: [],
      connectionState: "c3RhdGU=",
    });
    const badJson = await connect("badJson");
    assert.ok(badJson.kind === "refused");
    assert.equal(badJson.status, 500);
    assert.match(badJson.message, /not valid JSON/);
    const badGroups = await connect("badGroups");
    assert.ok(badGroups.kind === "refused");
    assert.match(badGroups.message, /invalid "groups"/);
    const unoffered = await connect("unoffered");
    assert.ok(unoffered.kind === "refused");
    assert.match(unoffered.message, /did not offer/);
    assert.deepEqual(await connect("forbidden"), {
      kind: "refused",
      status: 403,
      message: "the upstream answered 403",
    });
  });

  it("sends no ce-userId for anonymous connections and percent-encodes {hub} and {event}", async () => {
    route("names", allowAll, (_r, res) => res.writeHead(204).end(), "names");
    const context = connectionContext({ hub: "names", userId: null, subprotocol: null });
    await harness.events.userEvent(context, "a b/c", { dataType: "binary", data: Buffer.from([0]) });
    const post = seen.at(-1);
    assert.equal(post?.url, "/names/names/a%20b%2Fc");
    assert.equal(post?.headers["ce-userid"], undefined);
    assert.equal(post?.headers["ce-subprotocol"], undefined);
    assert.equal(post?.headers["ce-eventname"], "a b/c");
  });
});
