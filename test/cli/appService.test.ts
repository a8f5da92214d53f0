// `wpslink appservice plan`, `functionapp`, `webapp` and `network private-endpoint-connection`
// in-process against a real management server with the real Microsoft.Web provider.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startCliServer, type CliServer } from "./support/cliServer.js";

const sub = "00000000-0000-0000-0000-000000000000";
const g = ["-g", "contoso"];
const siteId = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func`;
let server: CliServer;
before(async () => {
  server = await startCliServer({ transitionDelayMs: 150 });
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

async function addPendingConnection(prefix: string, message: string): Promise<string> {
  const created = server.web.newConnection({
    siteId,
    namePrefix: prefix,
    description: message,
    address: "10.1.1.4",
    privateEndpointId: `/subscriptions/${sub}/resourceGroups/managed/providers/Microsoft.Network/privateEndpoints/${prefix}`,
    owner: null,
  });
  await server.web.writeConnection(server.store, created);
  server.web.adopt(created);
  return created.name;
}

test("appservice plan create/show/list/delete", async () => {
  const plan = await json(
    "appservice",
    "plan",
    "create",
    ...g,
    "-n",
    "contoso-plan",
    "--sku",
    "EP1",
    "--is-linux",
    "-l",
    "eastus",
  );
  assert.deepEqual(
    {
      tier: (plan.sku as { tier: string }).tier,
      kind: plan.kind,
      reserved: plan.reserved,
      rg: plan.resourceGroup,
    },
    { tier: "ElasticPremium", kind: "elastic", reserved: true, rg: "contoso" },
  );
  await ok(
    "appservice",
    "plan",
    "create",
    ...g,
    "-n",
    "free-plan",
    "--sku",
    "F1",
    "-l",
    "eastus",
    "-o",
    "none",
  );
  await ok("appservice", "plan", "create", ...g, "-n", "spare-plan", "-l", "eastus", "-o", "none");
  assert.equal(
    await ok("appservice", "plan", "show", ...g, "-n", "spare-plan", "--query", "sku.name", "-o", "tsv"),
    "B1\n",
    "az's default SKU",
  );
  assert.deepEqual(await json("appservice", "plan", "list", ...g, "--query", "sort([].name)"), [
    "contoso-plan",
    "free-plan",
    "spare-plan",
  ]);
  const refused = await server.cli("appservice", "plan", "delete", ...g, "-n", "spare-plan");
  assert.equal(refused.stderr, "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n");
  assert.equal(await ok("appservice", "plan", "delete", ...g, "-n", "spare-plan", "--yes"), "");
  assert.equal((await server.cli("appservice", "plan", "show", ...g, "-n", "spare-plan")).exitCode, 3);
  const badSku = await server.cli("appservice", "plan", "create", ...g, "-n", "x-plan", "--sku", "Q7");
  assert.equal(badSku.exitCode, 2);
});

test("functionapp and webapp create/show/list/update/delete with --backend-url", async () => {
  const func = await json(
    "functionapp",
    "create",
    ...g,
    "-n",
    "contoso-func",
    "--plan",
    "contoso-plan",
    "--backend-url",
    "http://127.0.0.1:7071",
  );
  assert.equal(func.kind, "functionapp,linux");
  assert.equal(func.defaultHostName, "contoso-func.azurewebsites.net");
  assert.deepEqual((func.siteConfig as { appSettings: unknown }).appSettings, [
    { name: "WPSLINK_BACKEND_URL", value: "http://127.0.0.1:7071" },
  ]);
  const planId = `/subscriptions/${sub}/resourceGroups/contoso/providers/Microsoft.Web/serverfarms/free-plan`;
  await ok("webapp", "create", ...g, "-n", "contoso-web", "--plan", planId, "-o", "none");
  assert.deepEqual(await json("functionapp", "list", ...g, "--query", "[].name"), ["contoso-func"]);
  assert.deepEqual(await json("webapp", "list", "--query", "[].name"), ["contoso-web"]);
  const table = await ok("functionapp", "show", ...g, "-n", "contoso-func", "-o", "table");
  assert.equal(
    table,
    "Name          Location    State    ResourceGroup    DefaultHostName                 AppServicePlan\n" +
      "------------  ----------  -------  ---------------  ------------------------------  ----------------\n" +
      "contoso-func  eastus      Running  contoso          contoso-func.azurewebsites.net  contoso-plan\n",
  );
  const updated = await json(
    "functionapp",
    "update",
    ...g,
    "-n",
    "contoso-func",
    "--public-network-access",
    "Disabled",
    "--backend-url",
    "http://127.0.0.1:7072",
  );
  assert.equal(updated.publicNetworkAccess, "Disabled");
  assert.equal(
    server.web.findSite("contoso-func")?.backendUrl,
    "http://127.0.0.1:7072",
    "the site front end sees the new backend",
  );
  await ok(
    "functionapp",
    "update",
    ...g,
    "-n",
    "contoso-func",
    "--public-network-access",
    "Enabled",
    "-o",
    "none",
  );
  const badUrl = await server.cli("webapp", "update", ...g, "-n", "contoso-web", "--backend-url", "ftp://x");
  assert.equal(badUrl.exitCode, 2);
  const noPlan = await server.cli("webapp", "create", ...g, "-n", "lost-web", "--plan", "no-plan");
  assert.equal(noPlan.exitCode, 3);
  assert.match(noPlan.stderr, /^ERROR: \(\w*NotFound\) /);
  const web = await json(
    "webapp",
    "update",
    ...g,
    "-n",
    "contoso-web",
    "--backend-url",
    "http://127.0.0.1:8088",
    "--tags",
    "tier=free",
  );
  assert.deepEqual(web.tags, { tier: "free" });
  assert.equal(
    await ok(
      "webapp",
      "show",
      ...g,
      "-n",
      "contoso-web",
      "--query",
      "[kind, siteConfig.appSettings[0].value]",
      "-o",
      "tsv",
    ),
    "app\nhttp://127.0.0.1:8088\n",
  );
  assert.equal(await ok("webapp", "delete", ...g, "-n", "contoso-web"), "");
  assert.equal((await server.cli("webapp", "show", ...g, "-n", "contoso-web")).exitCode, 3);
});

test("private endpoint connections: list, show, approve with --id, reject with -g/--resource-name/--type, delete", async () => {
  const first = await addPendingConnection("spe-a", "please approve");
  const second = await addPendingConnection("spe-b", "me too");
  const pending = await json<
    {
      id: string;
      name: string;
      properties: { privateLinkServiceConnectionState: { status: string; description: string } };
    }[]
  >(
    "network",
    "private-endpoint-connection",
    "list",
    "--id",
    siteId,
    "--query",
    "[?properties.privateLinkServiceConnectionState.status=='Pending']",
  );
  assert.deepEqual(pending.map((c) => c.name).sort(), [first, second].sort());
  assert.equal(
    pending.find((c) => c.name === first)?.properties.privateLinkServiceConnectionState.description,
    "please approve",
  );
  const byName = await json<unknown[]>(
    "network",
    "private-endpoint-connection",
    "list",
    ...g,
    "-n",
    "contoso-func",
    "--type",
    "Microsoft.Web/sites",
  );
  assert.equal(byName.length, 2);

  const firstId = `${siteId}/privateEndpointConnections/${first}`;
  const approved = await server.cli(
    "network",
    "private-endpoint-connection",
    "approve",
    "--id",
    firstId,
    "--description",
    "Approved by CLI",
  );
  assert.equal(approved.exitCode, 0, approved.stderr);
  const state = (
    JSON.parse(approved.stdout) as {
      properties: {
        provisioningState: string;
        privateLinkServiceConnectionState: { status: string; description: string };
      };
    }
  ).properties;
  assert.equal(state.privateLinkServiceConnectionState.status, "Approved");
  assert.equal(state.privateLinkServiceConnectionState.description, "Approved by CLI");
  assert.equal(
    await ok(
      "network",
      "private-endpoint-connection",
      "show",
      "--id",
      firstId,
      "--query",
      "properties.privateLinkServiceConnectionState.status",
      "-o",
      "tsv",
    ),
    "Approved\n",
  );

  const rejected = await json<{ properties: { privateLinkServiceConnectionState: { status: string } } }>(
    "network",
    "private-endpoint-connection",
    "reject",
    ...g,
    "--resource-name",
    "contoso-func",
    "--type",
    "Microsoft.Web/sites",
    "-n",
    second,
    "--description",
    "no",
  );
  assert.equal(rejected.properties.privateLinkServiceConnectionState.status, "Rejected");

  const unconfirmed = await server.cli("network", "private-endpoint-connection", "delete", "--id", firstId);
  assert.equal(unconfirmed.exitCode, 1);
  assert.equal(
    unconfirmed.stderr,
    "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n",
  );
  const deleted = await server.cli(
    "network",
    "private-endpoint-connection",
    "delete",
    "--id",
    firstId,
    "--yes",
  );
  assert.equal(deleted.exitCode, 0, deleted.stderr);
  assert.match(deleted.stderr, /^WARNING: Deleting operation is asynchronous/);
  const deadline = Date.now() + 10_000;
  while (
    (await server.cli("network", "private-endpoint-connection", "show", "--id", firstId)).exitCode !== 3
  ) {
    assert.ok(Date.now() < deadline, "the connection disappears");
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing = await server.cli(
    "network",
    "private-endpoint-connection",
    "show",
    "--id",
    `${siteId}/privateEndpointConnections/nope`,
  );
  assert.equal(missing.exitCode, 3);
  assert.match(missing.stderr, /^ERROR: \(\w+\) /);
  const wrongId = await server.cli("network", "private-endpoint-connection", "show", "--id", siteId);
  assert.equal(wrongId.exitCode, 2);
  assert.match(wrongId.stderr, /is not the id of a private endpoint connection/);
});

test("functionapp delete, then the plan can go", async () => {
  await ok("functionapp", "create", ...g, "-n", "short-lived", "--plan", "free-plan", "-o", "none");
  assert.equal(await ok("functionapp", "delete", ...g, "-n", "short-lived"), "");
  const missing = await server.cli("functionapp", "show", ...g, "-n", "short-lived");
  assert.equal(missing.exitCode, 3);
  assert.match(missing.stderr, /^ERROR: \(ResourceNotFound\) /);
  assert.equal(await ok("appservice", "plan", "delete", ...g, "-n", "free-plan", "-y"), "");
});
