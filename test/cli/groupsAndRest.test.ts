// group, token and rest against a real management server on loopback, in-process and as a
// child process through bin/wpslink.js.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startCliServer, type CliServer } from "./support/cliServer.js";

const sub = "00000000-0000-0000-0000-000000000000";
let server: CliServer;
before(async () => {
  server = await startCliServer();
});
after(async () => {
  await server?.close();
});

test("group create/show/list (paged)/delete with json, table, tsv and --query", async () => {
  const created = await server.cli("group", "create", "-n", "contoso", "-l", "eastus", "--tags", "env=dev");
  assert.equal(created.exitCode, 0, created.stderr);
  const body = JSON.parse(created.stdout) as Record<string, unknown>;
  assert.equal(body.name, "contoso");
  assert.equal(body.location, "eastus");
  assert.deepEqual(body.tags, { env: "dev" });
  assert.equal(body.resourceGroup, "contoso", "az adds resourceGroup from the id");
  assert.deepEqual(Object.keys(body), Object.keys(body).sort(), "keys sorted like az");
  for (const name of ["alpha", "beta"]) {
    assert.equal((await server.cli("group", "create", "-n", name, "-l", "westus", "-o", "none")).stdout, "");
  }
  const list = await server.cli("group", "list", "--query", "[].name", "-o", "tsv");
  assert.equal(list.exitCode, 0, list.stderr);
  assert.deepEqual(
    list.stdout.trim().split("\n").sort(),
    ["alpha", "beta", "contoso"],
    "three groups over two pages",
  );
  const table = await server.cli("group", "show", "-n", "contoso", "-o", "table");
  assert.equal(
    table.stdout,
    "Name     Location    Status\n-------  ----------  ---------\ncontoso  eastus      Succeeded\n",
  );
  const refused = await server.cli("group", "delete", "-n", "beta");
  assert.equal(refused.exitCode, 1);
  assert.equal(refused.stderr, "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n");
  const deleted = await server.cli("group", "delete", "-n", "beta", "--yes");
  assert.equal(deleted.exitCode, 0, deleted.stderr);
  assert.equal(deleted.stdout, "");
  const missing = await server.cli("group", "show", "-n", "beta");
  assert.equal(missing.exitCode, 3);
  assert.match(
    missing.stderr,
    /^ERROR: \(ResourceGroupNotFound\) Resource group 'beta' could not be found\.\nCode: ResourceGroupNotFound\nMessage: /,
  );
});

test("token prints an az-shaped access token that the management API accepts", async () => {
  const result = await server.cli("token");
  assert.equal(result.exitCode, 0, result.stderr);
  const token = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.equal(token.tokenType, "Bearer");
  assert.equal(token.subscription, sub);
  assert.ok(typeof token.expires_on === "number" && token.expires_on > Date.now() / 1000);
  const raw = await server.cli("token", "--query", "accessToken", "-o", "tsv");
  const jwt = raw.stdout.trim();
  assert.equal(jwt.split(".").length, 3);
  const unauthenticated = await server.cli(
    "rest",
    "--url",
    `/subscriptions/${sub}/resourcegroups?api-version=2022-09-01`,
    "--skip-authorization-header",
  );
  assert.equal(unauthenticated.exitCode, 1);
  assert.match(unauthenticated.stderr, /^ERROR: Unauthorized\(\{"error":\{"code":"AuthenticationFailed"/);
});

test("rest: relative paths, management.azure.com URLs, {subscriptionId}, @file bodies, az rest errors", async () => {
  writeFileSync(join(server.workspace, "group.json"), JSON.stringify({ location: "northeurope" }));
  const put = await server.cli(
    "rest",
    "--method",
    "put",
    "--url",
    "https://management.azure.com/subscriptions/{subscriptionId}/resourcegroups/from-rest?api-version=2022-09-01",
    "--body",
    "@group.json",
  );
  assert.equal(put.exitCode, 0, put.stderr);
  assert.equal((JSON.parse(put.stdout) as { location: string }).location, "northeurope");
  const get = await server.cli(
    "rest",
    "--url",
    "/subscriptions/{subscriptionId}/resourcegroups/from-rest",
    "--uri-parameters",
    "api-version=2022-09-01",
    "--query",
    "properties.provisioningState",
    "-o",
    "tsv",
  );
  assert.equal(get.stdout, "Succeeded\n");
  const missing = await server.cli(
    "rest",
    "--url",
    `/subscriptions/${sub}/resourcegroups/nope?api-version=2022-09-01`,
  );
  assert.equal(missing.exitCode, 3);
  assert.match(missing.stderr, /^ERROR: Not Found\(\{"error":\{"code":"ResourceGroupNotFound"/);
  const badVersion = await server.cli(
    "rest",
    "--url",
    `/subscriptions/${sub}/resourcegroups/nope?api-version=1999-01-01`,
  );
  assert.equal(badVersion.exitCode, 1);
  assert.match(badVersion.stderr, /InvalidApiVersionParameter/);
});

test("--debug shows requests and responses on stderr; unreachable servers give a clear error", async () => {
  const debug = await server.cli("group", "show", "-n", "contoso", "--debug", "-o", "none");
  assert.equal(debug.exitCode, 0);
  assert.match(
    debug.stderr,
    /DEBUG: Request URL: 'https:\/\/localhost:\d+\/subscriptions\/.*\/resourceGroups\/contoso\?api-version=2022-09-01'/,
  );
  assert.match(debug.stderr, /DEBUG: Response status: 200/);
  const down = await server.cli("group", "list", "--management-url", "https://127.0.0.1:1");
  assert.equal(down.exitCode, 1);
  assert.match(
    down.stderr,
    /^ERROR: Failed to connect to wpslink at 'https:\/\/127\.0\.0\.1:1' \(found through --management-url\)/,
  );
});

test("account show/list: the current subscription and the ones holding groups, az-shaped", async () => {
  const shown = await server.cli("account", "show");
  assert.equal(shown.exitCode, 0, shown.stderr);
  const account = JSON.parse(shown.stdout) as Record<string, unknown>;
  assert.equal(account.id, sub);
  assert.equal(account.isDefault, true);
  assert.equal(account.state, "Enabled");
  const token = JSON.parse((await server.cli("token")).stdout) as { tenant: string };
  assert.equal(account.tenantId, token.tenant, "the token's tenant is the subscription's");
  const other = "11111111-1111-1111-1111-111111111111";
  assert.equal(
    (await server.cli("group", "create", "-n", "elsewhere", "-l", "eastus", "--subscription", other))
      .exitCode,
    0,
  );
  const listed = await server.cli("account", "list", "--query", "[].[id, isDefault]", "-o", "tsv");
  assert.equal(listed.stdout, `${sub}\tTrue\n${other}\tFalse\n`);
});
