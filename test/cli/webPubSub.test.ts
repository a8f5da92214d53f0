// `wpslink webpubsub` (resources, keys, hubs with event handlers) in-process against a real
// management server with the real Microsoft.SignalRService provider.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startCliServer, type CliServer } from "./support/cliServer.js";

const g = ["-g", "contoso"];
const wps = [...g, "-n", "contoso-webpubsub"];
let server: CliServer;
before(async () => {
  server = await startCliServer();
});
after(async () => {
  await server?.close();
});

const ok = async (...args: string[]): Promise<string> => {
  const result = await server.cli(...args);
  assert.equal(result.exitCode, 0, `wpslink ${args.join(" ")}\n${result.stderr}`);
  return result.stdout;
};
const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> =>
  JSON.parse(await ok(...args)) as T;

test("create prints the flattened resource like az; location defaults to the group's", async () => {
  await ok("group", "create", "-n", "contoso", "-l", "westeurope");
  const created = await json(
    "webpubsub",
    "create",
    ...wps,
    "--sku",
    "Standard_S1",
    "--unit-count",
    "1",
    "--tags",
    "team=chat",
  );
  assert.equal(created.name, "contoso-webpubsub");
  assert.equal(created.location, "westeurope");
  assert.equal(created.provisioningState, "Succeeded");
  assert.equal(created.resourceGroup, "contoso");
  assert.equal(created.properties, undefined, "properties are flattened as in az's Python models");
  assert.equal(typeof created.hostName, "string");
  assert.deepEqual(created.tags, { team: "chat" });
  assert.deepEqual(created.sku, { capacity: 1, name: "Standard_S1", size: "S1", tier: "Standard" });
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
    "--no-wait",
  );
});

test("show, list (-g and subscription-wide, paged), --query, table and tsv", async () => {
  assert.equal(await ok("webpubsub", "show", ...wps, "--query", "sku.name", "-o", "tsv"), "Standard_S1\n");
  const names = await json<string[]>("webpubsub", "list", ...g, "--query", "sort([].name)");
  assert.deepEqual(names, ["contoso-free", "contoso-webpubsub"]);
  await ok("webpubsub", "create", "-g", "other", "-n", "other-wps", "--sku", "Premium_P1", "-l", "eastus");
  assert.equal((await json<unknown[]>("webpubsub", "list")).length, 3, "three resources over two pages");
  const table = (await ok("webpubsub", "list", ...g, "-o", "table")).split("\n");
  assert.match(table[0]!, /^DisableAadAuth {4}DisableLocalAuth {4}.*Location {4}Name {15}ProvisioningState/);
  assert.match(table[1]!, /^-{16} {2}-{18} {2}/);
  assert.equal(table.length, 5);
  const tsv = await ok(
    "webpubsub",
    "list",
    ...g,
    "--query",
    "[?name=='contoso-webpubsub'].[name, sku.tier, provisioningState]",
    "-o",
    "tsv",
  );
  assert.equal(tsv, "contoso-webpubsub\tStandard\tSucceeded\n");
});

test("missing resources: az's ResourceNotFound text and exit code 3", async () => {
  const missing = await server.cli("webpubsub", "show", ...g, "-n", "nope");
  assert.equal(missing.exitCode, 3);
  assert.equal(missing.stdout, "");
  assert.equal(
    missing.stderr,
    "ERROR: (ResourceNotFound) The Resource 'Microsoft.SignalRService/WebPubSub/nope' under resource group 'contoso' was not found.\n" +
      "Code: ResourceNotFound\n" +
      "Message: The Resource 'Microsoft.SignalRService/WebPubSub/nope' under resource group 'contoso' was not found.\n",
  );
  const badName = await server.cli("webpubsub", "create", ...g, "-n", "x", "--sku", "Standard_S1");
  assert.equal(badName.exitCode, 1);
  assert.match(badName.stderr, /^ERROR: \(InvalidResourceName\) /);
  const badSku = await server.cli(
    "webpubsub",
    "create",
    ...g,
    "-n",
    "bad-sku",
    "--sku",
    "Gold_G1",
    "-l",
    "eastus",
  );
  assert.equal(badSku.exitCode, 1);
  assert.match(badSku.stderr, /^ERROR: \(\w+\) .*Gold_G1/);
});

test("key show and regenerate", async () => {
  const keys = await json("webpubsub", "key", "show", ...wps);
  assert.match(String(keys.primaryConnectionString), /^Endpoint=.*;AccessKey=.*;Version=1\.0;$/);
  const table = (await ok("webpubsub", "key", "show", ...wps, "-o", "table")).split("\n");
  assert.match(table[0]!, /^PrimaryConnectionString +PrimaryKey +SecondaryConnectionString +SecondaryKey$/);
  const primary = (
    await ok(
      "webpubsub",
      "key",
      "regenerate",
      ...wps,
      "--key-type",
      "primary",
      "--query",
      "primaryKey",
      "-o",
      "tsv",
    )
  ).trim();
  assert.notEqual(primary, keys.primaryKey);
  assert.equal(
    (await ok("webpubsub", "key", "show", ...wps, "--query", "secondaryKey", "-o", "tsv")).trim(),
    keys.secondaryKey,
  );
  assert.equal(
    (await ok("webpubsub", "key", "show", ...wps, "--query", "primaryKey", "-o", "tsv")).trim(),
    primary,
  );
});

test("update: sku units, local auth, public network access, tags", async () => {
  const updated = await json(
    "webpubsub",
    "update",
    ...wps,
    "--unit-count",
    "2",
    "--disable-local-auth",
    "true",
    "--public-network-access",
    "Disabled",
    "--tags",
    "team=rt",
    "env=dev",
  );
  assert.equal((updated.sku as { capacity: number }).capacity, 2);
  assert.equal(updated.disableLocalAuth, true);
  assert.equal(updated.publicNetworkAccess, "Disabled");
  assert.deepEqual(updated.tags, { env: "dev", team: "rt" });
  const shown = await json(
    "webpubsub",
    "show",
    ...wps,
    "--query",
    "{units: sku.capacity, local: disableLocalAuth}",
  );
  assert.deepEqual(shown, { units: 2, local: true });
  const back = await json(
    "webpubsub",
    "update",
    ...wps,
    "--disable-local-auth",
    "false",
    "--public-network-access",
    "Enabled",
  );
  assert.equal(back.disableLocalAuth, false);
  assert.equal((back.sku as { capacity: number }).capacity, 2, "unchanged settings are kept");
});

test("hub create/show/list/update/delete with az's --event-handler syntax", async () => {
  const created = await json<{ properties: { eventHandlers: unknown[]; anonymousConnectPolicy: string } }>(
    "webpubsub",
    "hub",
    "create",
    ...wps,
    "--hub-name",
    "chat",
    "--event-handler",
    "url-template=https://contoso-func.azurewebsites.net/api/{event}",
    "user-event-pattern=*",
    "system-event=connect",
    "system-event=connected",
    "--event-handler",
    "url-template=https://audit.azurewebsites.net/api/{event}",
    "system-event=disconnected",
    "auth-type=ManagedIdentity",
    "auth-resource=api://audit",
    "--allow-anonymous",
    "true",
  );
  assert.deepEqual(created.properties.eventHandlers, [
    {
      urlTemplate: "https://contoso-func.azurewebsites.net/api/{event}",
      userEventPattern: "*",
      systemEvents: ["connect", "connected"],
    },
    {
      urlTemplate: "https://audit.azurewebsites.net/api/{event}",
      systemEvents: ["disconnected"],
      auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://audit" } },
    },
  ]);
  assert.equal(created.properties.anonymousConnectPolicy, "allow");
  await ok("webpubsub", "hub", "create", ...wps, "--hub-name", "notify", "-o", "none");
  assert.equal(
    await ok(
      "webpubsub",
      "hub",
      "show",
      ...wps,
      "--hub-name",
      "chat",
      "--query",
      "properties.eventHandlers[0].userEventPattern",
      "-o",
      "tsv",
    ),
    "*\n",
  );
  assert.equal(
    await ok("webpubsub", "hub", "list", ...wps, "-o", "table"),
    "Name    ResourceGroup\n------  ---------------\nchat    contoso\nnotify  contoso\n",
  );
  const updated = await json<{
    properties: { eventHandlers: { urlTemplate: string }[]; anonymousConnectPolicy: string };
  }>("webpubsub", "hub", "update", ...wps, "--hub-name", "chat", "--allow-anonymous", "false");
  assert.equal(updated.properties.anonymousConnectPolicy, "deny");
  assert.equal(updated.properties.eventHandlers.length, 2, "handlers kept when not given");
  const replaced = await json<{ properties: { eventHandlers: { urlTemplate: string }[] } }>(
    "webpubsub",
    "hub",
    "update",
    ...wps,
    "--hub-name",
    "chat",
    "--event-handler",
    "url-template=http://127.0.0.1:7071/api/{event}",
  );
  assert.deepEqual(replaced.properties.eventHandlers, [{ urlTemplate: "http://127.0.0.1:7071/api/{event}" }]);
  const bad = await server.cli(
    "webpubsub",
    "hub",
    "create",
    ...wps,
    "--hub-name",
    "bad",
    "--event-handler",
    "user-event-pattern=*",
  );
  assert.equal(bad.exitCode, 2);
  assert.match(
    bad.stderr,
    /^ERROR: usage error: --event-handler KEY=VALUE \[KEY=VALUE \.\.\.\]: url-template is required/,
  );
  const invalid = await server.cli(
    "webpubsub",
    "hub",
    "create",
    ...wps,
    "--hub-name",
    "bad",
    "--event-handler",
    "url-template=http://{hub}.example.com/x",
  );
  assert.equal(invalid.exitCode, 1);
  assert.match(invalid.stderr, /^ERROR: \(\w+\) /);
  assert.equal(await ok("webpubsub", "hub", "delete", ...wps, "--hub-name", "notify"), "");
  const gone = await server.cli("webpubsub", "hub", "show", ...wps, "--hub-name", "notify");
  assert.equal(gone.exitCode, 3);
});

test("delete waits for the operation; --no-wait returns at once; deleting again is quiet", async () => {
  assert.equal(await ok("webpubsub", "delete", ...g, "-n", "contoso-free"), "");
  assert.equal((await server.cli("webpubsub", "show", ...g, "-n", "contoso-free")).exitCode, 3);
  const noWait = await server.cli("webpubsub", "delete", "-g", "other", "-n", "other-wps", "--no-wait");
  assert.equal(noWait.exitCode, 0);
  assert.equal(noWait.stdout + noWait.stderr, "");
  const deadline = Date.now() + 10_000;
  while ((await server.cli("webpubsub", "show", "-g", "other", "-n", "other-wps")).exitCode !== 3) {
    assert.ok(Date.now() < deadline, "the resource disappears after a --no-wait delete");
    await new Promise((r) => setTimeout(r, 100));
  }
});
