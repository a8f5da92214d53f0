// The private-path walk-through with the CLI alone, against a real management server with the
// real webPubSub, Microsoft.Web and shared private link providers: create the shared private
// endpoint (Free refused), see it Pending on the Function App, approve or reject it there, and
// `wait` until the Web PubSub side shows the decision; delete with --no-wait + wait --deleted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startCliServer, type CliServer } from "./support/cliServer.js";

const sub = "00000000-0000-0000-0000-000000000000";
const g = ["-g", "contoso"];
const wps = [...g, "-n", "contoso-webpubsub"];
const siteId = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func`;
const site2Id = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func2`;
const spe = ["webpubsub", "shared-private-endpoint"];
let server: CliServer;

const ok = async (...args: string[]): Promise<string> => {
  const result = await server.cli(...args);
  assert.equal(result.exitCode, 0, `wpslink ${args.join(" ")}\n${result.stderr}`);
  return result.stdout;
};
const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> =>
  JSON.parse(await ok(...args)) as T;

before(async () => {
  server = await startCliServer({ transitionDelayMs: 300, propagationDelayMs: 300 });
  await ok("webpubsub", "create", ...wps, "--sku", "Standard_S1", "-l", "eastus", "-o", "none");
  await ok(
    "webpubsub",
    "create",
    ...g,
    "-n",
    "contoso-free",
    "--sku",
    "Free_F1",
    "-l",
    "eastus",
    "-o",
    "none",
  );
  await ok(
    "appservice",
    "plan",
    "create",
    ...g,
    "-n",
    "contoso-plan",
    "--sku",
    "EP1",
    "-l",
    "eastus",
    "-o",
    "none",
  );
  await ok(
    "functionapp",
    "create",
    ...g,
    "-n",
    "contoso-func",
    "--plan",
    "contoso-plan",
    "--backend-url",
    "http://127.0.0.1:7071",
    "-o",
    "none",
  );
  await ok("functionapp", "create", ...g, "-n", "contoso-func2", "--plan", "contoso-plan", "-o", "none");
});
after(async () => {
  await server?.close();
});

test("the Free tier is refused with the service's error and exit code 1", async () => {
  const refused = await server.cli(
    ...spe,
    "create",
    ...g,
    "-n",
    "contoso-free",
    "--shared-private-endpoint-name",
    "func-pe",
    "--private-link-resource-id",
    siteId,
    "--group-id",
    "sites",
  );
  assert.equal(refused.exitCode, 1);
  assert.equal(refused.stdout, "");
  assert.match(
    refused.stderr,
    /^ERROR: \(BadRequest\) Shared private link resources need the Standard or Premium tier; 'contoso-free' is on Free_F1\./,
  );
  assert.match(refused.stderr, /\nCode: BadRequest\nMessage: .*\nTarget: sku\n$/);
  const wrongGroup = await server.cli(
    ...spe,
    "create",
    ...wps,
    "--spe-name",
    "x-pe",
    "--private-link-resource-id",
    siteId,
    "--group-id",
    "vault",
  );
  assert.equal(wrongGroup.exitCode, 1);
  assert.match(wrongGroup.stderr, /^ERROR: \(InvalidGroupId\) /);
});

test("create → Succeeded/Pending; the Function App shows a Pending connection carrying the request message; approve → wait → Approved", async () => {
  const created = await json(
    ...spe,
    "create",
    ...wps,
    "--shared-private-endpoint-name",
    "func-pe",
    "--private-link-resource-id",
    siteId,
    "--group-id",
    "sites",
    "--request-message",
    "please approve",
  );
  assert.deepEqual(
    [
      created.name,
      created.provisioningState,
      created.status,
      created.groupId,
      created.requestMessage,
      created.resourceGroup,
    ],
    ["func-pe", "Succeeded", "Pending", "sites", "please approve", "contoso"],
  );
  const table = (await ok(...spe, "list", ...wps, "-o", "table")).split("\n");
  assert.match(
    table[0]!,
    /^GroupId {4}Name {5}PrivateLinkResourceId +ProvisioningState {4}RequestMessage {4}ResourceGroup {4}Status$/,
  );
  assert.match(
    table[2]!,
    /^sites {6}func-pe {2}\/subscriptions\/.*\/sites\/contoso-func +Succeeded {12}please approve {4}contoso {10}Pending$/,
  );

  const pendingId = (
    await ok(
      "network",
      "private-endpoint-connection",
      "list",
      "--id",
      siteId,
      "--query",
      "[?properties.privateLinkServiceConnectionState.status=='Pending'].id",
      "-o",
      "tsv",
    )
  ).trim();
  assert.match(pendingId, /\/sites\/contoso-func\/privateEndpointConnections\/func-pe-[0-9a-f-]+$/);
  assert.equal(
    await ok(
      "network",
      "private-endpoint-connection",
      "show",
      "--id",
      pendingId,
      "--query",
      "properties.privateLinkServiceConnectionState.description",
      "-o",
      "tsv",
    ),
    "please approve\n",
  );
  const approved = await json<{ properties: { privateLinkServiceConnectionState: { status: string } } }>(
    "network",
    "private-endpoint-connection",
    "approve",
    "--id",
    pendingId,
    "--description",
    "Approved",
  );
  assert.equal(approved.properties.privateLinkServiceConnectionState.status, "Approved");

  const waited = await server.cli(
    ...spe,
    "wait",
    ...wps,
    "--shared-private-endpoint-name",
    "func-pe",
    "--custom",
    "status=='Approved'",
    "--interval",
    "1",
    "--timeout",
    "20",
  );
  assert.equal(waited.exitCode, 0, waited.stderr);
  assert.equal(waited.stdout, "");
  assert.equal(
    await ok(
      ...spe,
      "show",
      ...wps,
      "--shared-private-endpoint-name",
      "func-pe",
      "--query",
      "status",
      "-o",
      "tsv",
    ),
    "Approved\n",
  );
});

test("wait: progress on stderr, a timeout exits 1, a bad --custom query exits 2", async () => {
  const timedOut = await server.cli(
    ...spe,
    "wait",
    ...wps,
    "--spe-name",
    "func-pe",
    "--custom",
    "status=='Rejected'",
    "--interval",
    "1",
    "--timeout",
    "2",
  );
  assert.equal(timedOut.exitCode, 1);
  assert.match(timedOut.stderr, /^- Running \.\.\.?\n?ERROR: Wait operation timed-out after 2 seconds\n$/);
  const quiet = await server.cli(
    ...spe,
    "wait",
    ...wps,
    "--spe-name",
    "func-pe",
    "--custom",
    "status=='Rejected'",
    "--interval",
    "1",
    "--timeout",
    "1",
    "--only-show-errors",
  );
  assert.equal(quiet.stderr, "ERROR: Wait operation timed-out after 1 seconds\n");
  const bad = await server.cli(...spe, "wait", ...wps, "--spe-name", "func-pe", "--custom", "status==");
  assert.equal(bad.exitCode, 2);
  const none = await server.cli(...spe, "wait", ...wps, "--spe-name", "func-pe");
  assert.equal(none.exitCode, 2);
  assert.match(none.stderr, /--created, --updated, --deleted, --exists or --custom/);
});

test("--no-wait create + wait --created; reject on the site (by name and type) → Rejected", async () => {
  const started = await server.cli(
    ...spe,
    "create",
    ...wps,
    "--shared-private-endpoint-name",
    "second-pe",
    "--private-link-resource-id",
    site2Id,
    "--group-id",
    "sites",
    "--request-message",
    "second",
    "--no-wait",
  );
  assert.equal(started.exitCode, 0, started.stderr);
  assert.equal(started.stdout, "");
  await ok(
    ...spe,
    "wait",
    ...wps,
    "--shared-private-endpoint-name",
    "second-pe",
    "--created",
    "--interval",
    "1",
    "--timeout",
    "20",
  );
  const connection = (
    await ok(
      "network",
      "private-endpoint-connection",
      "list",
      ...g,
      "-n",
      "contoso-func2",
      "--type",
      "Microsoft.Web/sites",
      "--query",
      "[?properties.privateLinkServiceConnectionState.description=='second'].name | [0]",
      "-o",
      "tsv",
    )
  ).trim();
  assert.match(connection, /^second-pe-/);
  const rejected = await json<{
    properties: { privateLinkServiceConnectionState: { status: string; description: string } };
  }>(
    "network",
    "private-endpoint-connection",
    "reject",
    ...g,
    "--resource-name",
    "contoso-func2",
    "--type",
    "Microsoft.Web/sites",
    "-n",
    connection,
    "--description",
    "not this one",
  );
  assert.deepEqual(rejected.properties.privateLinkServiceConnectionState.status, "Rejected");
  await ok(
    ...spe,
    "wait",
    ...wps,
    "--shared-private-endpoint-name",
    "second-pe",
    "--custom",
    "status=='Rejected'",
    "--interval",
    "1",
    "--timeout",
    "20",
  );
  const both = await json(
    ...spe,
    "list",
    ...wps,
    "--query",
    "sort_by([], &name)[].{name: name, status: status}",
  );
  assert.deepEqual(both, [
    { name: "func-pe", status: "Approved" },
    { name: "second-pe", status: "Rejected" },
  ]);
});

test("the docs' az rest flow works unchanged: management.azure.com URL, an old preview api-version, a body file", async () => {
  const url = `https://management.azure.com/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.SignalRService/webPubSub/contoso-webpubsub/sharedPrivateLinkResources/func-pe?api-version=2021-06-01-preview`;
  writeFileSync(
    join(server.workspace, "create-pe.json"),
    JSON.stringify({
      name: "func-pe",
      properties: { privateLinkResourceId: siteId, groupId: "sites", requestMessage: "please approve" },
    }),
  );
  const put = await json<{ properties: { provisioningState: string } }>(
    "rest",
    "--method",
    "put",
    "--url",
    url,
    "--body",
    "@create-pe.json",
  );
  assert.ok(put.properties.provisioningState, "the PUT answers the resource body");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const shown = await json<{ properties: { provisioningState: string; status: string } }>(
      "rest",
      "--method",
      "get",
      "--url",
      url,
    );
    if (shown.properties.provisioningState === "Succeeded") {
      assert.equal(shown.properties.status, "Approved", "an unchanged PUT keeps the approved connection");
      break;
    }
    assert.ok(Date.now() < deadline, "the PUT completes");
    await new Promise((r) => setTimeout(r, 100));
  }
});

test("delete --no-wait + wait --deleted; a missing one is ResourceNotFound (exit 3)", async () => {
  const deleting = await server.cli(
    ...spe,
    "delete",
    ...wps,
    "--shared-private-endpoint-name",
    "second-pe",
    "--no-wait",
  );
  assert.equal(deleting.exitCode, 0, deleting.stderr);
  await ok(
    ...spe,
    "wait",
    ...wps,
    "--shared-private-endpoint-name",
    "second-pe",
    "--deleted",
    "--interval",
    "1",
    "--timeout",
    "20",
  );
  const missing = await server.cli(...spe, "show", ...wps, "--shared-private-endpoint-name", "second-pe");
  assert.equal(missing.exitCode, 3);
  assert.match(missing.stderr, /^ERROR: \(\w*NotFound\) /);
  assert.equal(await ok(...spe, "delete", ...wps, "--shared-private-endpoint-name", "func-pe"), "");
  assert.deepEqual(await json(...spe, "list", ...wps), []);
  const gone = await json<unknown[]>(
    "network",
    "private-endpoint-connection",
    "list",
    "--id",
    siteId,
    "--query",
    "[?starts_with(name, 'func-pe')]",
  );
  const deadline = Date.now() + 10_000;
  let remaining = gone;
  while (remaining.length > 0) {
    assert.ok(Date.now() < deadline, "the site-side connection goes away with the shared private endpoint");
    await new Promise((r) => setTimeout(r, 200));
    remaining = await json<unknown[]>(
      "network",
      "private-endpoint-connection",
      "list",
      "--id",
      siteId,
      "--query",
      "[?starts_with(name, 'func-pe')]",
    );
  }
});
