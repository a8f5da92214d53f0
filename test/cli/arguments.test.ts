// Argument parsing and usage errors of the az-style commands, run in-process without a server.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/az/program.js";
import { eventHandlerFrom } from "../../src/cli/az/eventHandlerArgs.js";
import { groupsOf } from "../../src/cli/az/commandKit.js";
import { skuTier } from "../../src/cli/az/appServicePlanCommands.js";
import { parseResourceId } from "../../src/cli/az/armPaths.js";
import { findManagementEndpoint } from "../../src/cli/az/managementEndpoint.js";

const empty = mkdtempSync(join(tmpdir(), "wpslink-cli-args-"));
after(() => rmSync(empty, { recursive: true, force: true }));
const env = { PATH: process.env.PATH };
const run = (...args: string[]) => runCli(args, { env, cwd: empty });

test("missing required arguments: az's message, exit code 2", async () => {
  const result = await run("webpubsub", "show", "-g", "rg");
  assert.equal(result.exitCode, 2);
  assert.equal(result.stderr, "ERROR: the following arguments are required: --name/-n\n");
  assert.equal(result.stdout, "");
  const create = await run("webpubsub", "create");
  assert.equal(
    create.stderr,
    "ERROR: the following arguments are required: --name/-n, --resource-group/-g, --sku\n",
  );
  const spe = await run("webpubsub", "shared-private-endpoint", "show", "-g", "rg", "-n", "wps");
  assert.equal(spe.exitCode, 2);
  assert.match(spe.stderr, /--shared-private-endpoint-name/);
  const pec = await run(
    "network",
    "private-endpoint-connection",
    "show",
    "-g",
    "rg",
    "--type",
    "Microsoft.Web/sites",
  );
  assert.equal(pec.exitCode, 2);
  assert.match(pec.stderr, /^ERROR: usage error: --id ID \| --resource-name --name\/-n/);
});

test("bad values: invalid choice, invalid int, unknown option, unknown command, missing value", async () => {
  const choice = await run("webpubsub", "key", "regenerate", "-g", "r", "-n", "n", "--key-type", "tertiary");
  assert.equal(choice.exitCode, 2);
  assert.equal(
    choice.stderr,
    "ERROR: argument --key-type: invalid choice: 'tertiary' (choose from 'primary', 'secondary', 'salt')\n",
  );
  const output = await run("webpubsub", "list", "-o", "xml");
  assert.match(output.stderr, /^ERROR: argument --output\/-o: invalid choice: 'xml' \(choose from 'json', /);
  const int = await run(
    "webpubsub",
    "create",
    "-g",
    "r",
    "-n",
    "n",
    "--sku",
    "Standard_S1",
    "--unit-count",
    "two",
  );
  assert.equal(int.stderr, "ERROR: argument --unit-count: invalid int value: 'two'\n");
  const bool = await run(
    "webpubsub",
    "hub",
    "create",
    "-g",
    "r",
    "-n",
    "n",
    "--hub-name",
    "h",
    "--allow-anonymous",
    "maybe",
  );
  assert.equal(
    bool.stderr,
    "ERROR: argument --allow-anonymous: invalid choice: 'maybe' (choose from 'false', 'true')\n",
  );
  const unknown = await run("webpubsub", "list", "--colour", "red");
  assert.equal(unknown.exitCode, 2);
  assert.equal(unknown.stderr, "ERROR: unrecognized arguments: --colour\n");
  const command = await run("webpubsup", "list");
  assert.equal(command.stderr, "ERROR: 'webpubsup' is misspelled or not recognized by the system.\n");
  const value = await run("webpubsub", "show", "-g", "r", "-n");
  assert.equal(value.stderr, "ERROR: argument --name/-n: expected one argument\n");
  const query = await run("webpubsub", "list", "--query", "[?name=='x'");
  assert.equal(query.exitCode, 2);
  assert.match(query.stderr, /^ERROR: argument --query: invalid jmespath_type value: /);
  const pecType = await run(
    "network",
    "private-endpoint-connection",
    "list",
    "-g",
    "r",
    "-n",
    "x",
    "--type",
    "Microsoft.Storage/storageAccounts",
  );
  assert.equal(pecType.exitCode, 2);
  assert.match(pecType.stderr, /argument --type: invalid choice: 'Microsoft.Storage\/storageAccounts'/);
});

test("no running wpslink: a clear error naming the runtime file, exit code 1", async () => {
  const result = await run("webpubsub", "list");
  assert.equal(result.exitCode, 1);
  assert.match(
    result.stderr,
    /^ERROR: No running wpslink found: '.*\/\.wpslink\/runtime\.json' does not exist\.\n/,
  );
  assert.match(result.stderr, /wpslink start/);
});

test("help goes to stdout with exit code 0 and lists the global arguments", async () => {
  const result = await run("webpubsub", "shared-private-endpoint", "create", "--help");
  assert.equal(result.exitCode, 0);
  for (const flag of [
    "--private-link-resource-id",
    "--group-id",
    "--request-message",
    "--no-wait",
    "--query",
    "--output",
  ]) {
    assert.ok(result.stdout.includes(flag), flag);
  }
});

test("a group without a command prints its help on stdout (exit 0); unknown commands in it exit 2", async () => {
  const group = await run("webpubsub");
  assert.equal(group.exitCode, 0);
  assert.match(group.stdout, /^Usage: wpslink webpubsub \[options\] \[command\]/);
  assert.match(group.stdout, /shared-private-endpoint/);
  const nested = await run("network", "private-endpoint-connection", "help", "approve");
  assert.equal(nested.exitCode, 0);
  assert.match(nested.stdout, /^Usage: wpslink network private-endpoint-connection approve/);
  const unknown = await run("webpubsub", "hub", "remove");
  assert.equal(unknown.exitCode, 2);
  assert.equal(unknown.stderr, "ERROR: 'remove' is misspelled or not recognized by the system.\n");
});

test("--event-handler groups: one per occurrence, keys as az takes them", () => {
  const argv = [
    "hub",
    "create",
    "--event-handler",
    "url-template=http://a/{event}",
    "user-event-pattern=*",
    "--hub-name",
    "h",
    "--event-handler",
    "url-template=http://b",
    "system-event=connected",
    "system-event=disconnected,connect",
    "auth-type=ManagedIdentity",
    "auth-resource=api://x",
  ];
  const groups = groupsOf(argv, "--event-handler");
  assert.equal(groups.length, 2);
  assert.deepEqual(eventHandlerFrom(groups[0]!), { urlTemplate: "http://a/{event}", userEventPattern: "*" });
  assert.deepEqual(eventHandlerFrom(groups[1]!), {
    urlTemplate: "http://b",
    systemEvents: ["connected", "disconnected", "connect"],
    auth: { type: "ManagedIdentity", managedIdentity: { resource: "api://x" } },
  });
  assert.throws(() => eventHandlerFrom(["user-event-pattern=*"]), /url-template is required/);
  assert.throws(() => eventHandlerFrom(["url-template=x", "colour=red"]), /unknown key 'colour'/);
  assert.throws(() => eventHandlerFrom(["url-template"]), /is not KEY=VALUE/);
});

test("App Service SKU names map to tiers; unknown ones are refused", () => {
  assert.equal(skuTier("b1"), "Basic");
  assert.equal(skuTier("P1V3"), "PremiumV3");
  assert.equal(skuTier("P1mv3"), "PremiumV3");
  assert.equal(skuTier("EP1"), "ElasticPremium");
  assert.equal(skuTier("Y1"), "Dynamic");
  assert.equal(skuTier("F1"), "Free");
  assert.throws(() => skuTier("Z9"), /invalid value: 'Z9'/);
});

test("resource ids parse with their child segments", () => {
  const parsed = parseResourceId(
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func/privateEndpointConnections/pe-1",
  );
  assert.equal(parsed?.resourceGroup, "contoso");
  assert.equal(`${parsed?.namespace}/${parsed?.type}`, "Microsoft.Web/sites");
  assert.equal(parsed?.name, "contoso-func");
  assert.deepEqual(parsed?.children, [{ type: "privateEndpointConnections", name: "pe-1" }]);
  assert.equal(parseResourceId("/not/an/id"), undefined);
});

test("finding wpslink: flag, then env, then the runtime file with its CA", () => {
  const workspace = mkdtempSync(join(tmpdir(), "wpslink-cli-ws-"));
  try {
    writeFileSync(join(workspace, "ca.pem"), "PEM");
    writeFileSync(
      join(workspace, "runtime.json"),
      JSON.stringify({
        pid: 1,
        managementUrl: "https://localhost:9999/",
        caCertPath: join(workspace, "ca.pem"),
        startedAt: "",
      }),
    );
    const fromFile = findManagementEndpoint({}, { WPSLINK_LOCATION: workspace }, "/");
    assert.deepEqual(fromFile, {
      url: "https://localhost:9999",
      caPem: "PEM",
      source: `${workspace}/runtime.json`,
    });
    const fromEnv = findManagementEndpoint(
      {},
      { WPSLINK_LOCATION: workspace, WPSLINK_MANAGEMENT_URL: "https://localhost:9999" },
      "/",
    );
    assert.equal(fromEnv.source, "WPSLINK_MANAGEMENT_URL");
    assert.equal(fromEnv.caPem, "PEM");
    const fromFlag = findManagementEndpoint({ managementUrl: "https://127.0.0.1:1234", workspace }, {}, "/");
    assert.equal(fromFlag.url, "https://127.0.0.1:1234");
    assert.equal(fromFlag.caPem, undefined);
    assert.throws(
      () => findManagementEndpoint({ managementUrl: "not a url" }, {}, "/"),
      /is not a valid URL/,
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
