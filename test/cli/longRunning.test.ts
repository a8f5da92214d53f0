// The CLI's long-running-operation follower against a scripted ARM endpoint on loopback: each
// header style azure-core's ARM poller knows, failures in az's words, Retry-After, progress.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ArmClient } from "../../src/cli/az/armClient.js";
import { capturedIo } from "../../src/cli/az/cliIo.js";
import { OperationFailedError, reportError } from "../../src/cli/az/errors.js";
import { completeOperation } from "../../src/cli/az/longRunning.js";
import { Progress } from "../../src/cli/az/progress.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let origin = "";
const routes = new Map<string, Handler>();
const hits: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    hits.push(`${req.method} ${path}`);
    if (path === "/_wpslink/token") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          token_type: "Bearer",
          access_token: "t",
          expires_in: 3600,
          expires_on: Date.now() / 1000 + 3600,
        }),
      );
      return;
    }
    const handler = routes.get(`${req.method} ${path}`);
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "NotFound", message: `no ${req.method} ${path}` } }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = (
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
};

function sequence(...steps: Handler[]): Handler {
  let i = 0;
  return (req, res) => steps[Math.min(i++, steps.length - 1)]!(req, res);
}

async function withClient<T>(
  run: (client: ArmClient, io: ReturnType<typeof capturedIo>) => Promise<T>,
): Promise<T> {
  const io = capturedIo({}, "/", () => "");
  const client = new ArmClient({ url: origin, source: "test" }, io, false);
  try {
    return await run(client, io);
  } finally {
    await client.close();
  }
}

test("Azure-AsyncOperation: polls until Succeeded, then GETs the resource; progress dots on stderr", async () => {
  hits.length = 0;
  routes.set("PUT /r", (_q, res) =>
    send(
      res,
      201,
      { properties: { provisioningState: "Creating" } },
      { "azure-asyncoperation": `${origin}/op1` },
    ),
  );
  routes.set(
    "GET /op1",
    sequence(
      (_q, res) => send(res, 200, { status: "InProgress" }),
      (_q, res) => send(res, 200, { status: "Running" }),
      (_q, res) => send(res, 200, { status: "Succeeded" }),
    ),
  );
  routes.set("GET /r", (_q, res) =>
    send(res, 200, { name: "r", properties: { provisioningState: "Succeeded" } }),
  );
  const result = await withClient(async (client, io) => {
    const url = client.url("/r", "2024-03-01");
    const initial = await client.send("PUT", url, { body: {} });
    const started = Date.now();
    const body = await completeOperation(client, initial, {
      method: "PUT",
      resourceUrl: url,
      progress: new Progress(io, true),
      defaultIntervalMs: 10,
    });
    assert.ok(Date.now() - started < 2000);
    assert.equal(io.stderrText(), "- Running ...\n");
    return body;
  });
  assert.deepEqual(result, { name: "r", properties: { provisioningState: "Succeeded" } });
  assert.deepEqual(
    hits.filter((h) => h !== "POST /_wpslink/token"),
    ["PUT /r", "GET /op1", "GET /op1", "GET /op1", "GET /r"],
  );
});

test("a Failed operation reports its error as az does (exit code 1)", async () => {
  routes.set("PUT /f", (_q, res) => send(res, 201, {}, { "azure-asyncoperation": `${origin}/opf` }));
  routes.set("GET /opf", (_q, res) =>
    send(res, 200, { status: "Failed", error: { code: "Conflict", message: "Busy." } }),
  );
  await withClient(async (client, io) => {
    const url = client.url("/f", "1");
    const initial = await client.send("PUT", url, { body: {} });
    const error = await completeOperation(client, initial, {
      method: "PUT",
      resourceUrl: url,
      progress: new Progress(io, false),
    }).catch((e: unknown) => e);
    assert.ok(error instanceof OperationFailedError);
    assert.equal(reportError(io, error), 1);
    assert.equal(io.stderrText(), "ERROR: (Conflict) Busy.\nCode: Conflict\nMessage: Busy.\n");
  });
});

test("Location: 202 while running (Retry-After honoured), the final body is the result; DELETE ends with nothing", async () => {
  routes.set("POST /r/regenerateKey", (_q, res) =>
    send(res, 202, undefined, { location: `${origin}/loc1`, "retry-after": "1" }),
  );
  routes.set(
    "GET /loc1",
    sequence(
      (_q, res) => send(res, 202, undefined, { "retry-after": "1" }),
      (_q, res) => send(res, 200, { primaryKey: "new" }),
    ),
  );
  await withClient(async (client, io) => {
    const url = client.url("/r/regenerateKey", "1");
    const initial = await client.send("POST", url, { body: { keyType: "Primary" } });
    const started = Date.now();
    const body = await completeOperation(client, initial, {
      method: "POST",
      resourceUrl: url,
      progress: new Progress(io, false),
      defaultIntervalMs: 1,
    });
    assert.deepEqual(body, { primaryKey: "new" });
    assert.ok(
      Date.now() - started >= 900,
      "one Retry-After: 1 wait between the immediate first poll and the second",
    );
  });
  routes.set("DELETE /d", (_q, res) => send(res, 202, undefined, { location: `${origin}/loc2` }));
  routes.set("GET /loc2", (_q, res) => send(res, 204));
  await withClient(async (client, io) => {
    const url = client.url("/d", "1");
    const initial = await client.send("DELETE", url);
    assert.equal(
      await completeOperation(client, initial, {
        method: "DELETE",
        resourceUrl: url,
        progress: new Progress(io, false),
        defaultIntervalMs: 1,
      }),
      undefined,
    );
  });
});

test("no headers: the resource's provisioningState is followed; a synchronous answer is returned as is", async () => {
  routes.set("PUT /b", (_q, res) => send(res, 200, { properties: { provisioningState: "Updating" } }));
  routes.set(
    "GET /b",
    sequence(
      (_q, res) => send(res, 200, { properties: { provisioningState: "Updating" } }),
      (_q, res) => send(res, 200, { properties: { provisioningState: "Succeeded" }, v: 2 }),
    ),
  );
  await withClient(async (client, io) => {
    const url = client.url("/b", "1");
    const initial = await client.send("PUT", url, { body: {} });
    const body = await completeOperation(client, initial, {
      method: "PUT",
      resourceUrl: url,
      progress: new Progress(io, false),
      defaultIntervalMs: 1,
    });
    assert.deepEqual(body, { properties: { provisioningState: "Succeeded" }, v: 2 });
  });
  routes.set("PUT /s", (_q, res) => send(res, 200, { done: true }));
  await withClient(async (client, io) => {
    const url = client.url("/s", "1");
    const initial = await client.send("PUT", url, { body: {} });
    assert.deepEqual(
      await completeOperation(client, initial, {
        method: "PUT",
        resourceUrl: url,
        progress: new Progress(io, true),
      }),
      { done: true },
    );
    assert.equal(io.stderrText(), "", "no progress for an operation that is already done");
  });
});
