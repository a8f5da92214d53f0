// Output formats, --query and error text, checked against what the Azure CLI (knack) prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatJson, formatOutput, formatTable, formatTsv } from "../../src/cli/az/output.js";
import {
  addResourceGroup,
  applyQuery,
  flattenProperties,
  validateQuery,
} from "../../src/cli/az/resultShape.js";
import { ArmResponseError, AzCliError, UsageError, reportError } from "../../src/cli/az/errors.js";
import { capturedIo } from "../../src/cli/az/cliIo.js";
import { siteTable } from "../../src/cli/az/siteCommands.js";

const resource = {
  name: "contoso-webpubsub",
  id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.SignalRService/WebPubSub/contoso-webpubsub",
  type: "Microsoft.SignalRService/WebPubSub",
  location: "eastus",
  sku: { name: "Standard_S1", capacity: 1 },
  properties: {
    provisioningState: "Succeeded",
    hostName: "contoso-webpubsub.webpubsub.azure.com",
    publicPort: 443,
    disableLocalAuth: false,
  },
};

test("json: keys sorted at every level, two-space indent, trailing newline", () => {
  assert.equal(
    formatJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }),
    `{
  "a": {
    "c": null,
    "d": [
      1,
      {
        "y": 2,
        "z": 1
      }
    ]
  },
  "b": 1
}
`,
  );
  assert.equal(formatJson([]), "[]\n");
  assert.equal(formatJson("text"), '"text"\n');
});

test("null result prints nothing in every format", () => {
  for (const format of ["json", "table", "tsv", "none"] as const) {
    assert.equal(formatOutput(null, format, { queryActive: false }), "");
  }
  assert.equal(formatOutput({ a: 1 }, "none", { queryActive: false }), "");
});

test("table: scalar columns only, id/type/etag skipped, headers capitalised, width = max(header+2, cell)", () => {
  const shaped = addResourceGroup([flattenProperties(structuredClone(resource))]);
  const table = formatTable(shaped, { queryActive: false });
  const lines = table.split("\n");
  assert.equal(
    lines[0],
    "DisableLocalAuth    HostName                               Location    Name               ProvisioningState    PublicPort    ResourceGroup",
  );
  assert.equal(
    lines[1],
    "------------------  -------------------------------------  ----------  -----------------  -------------------  ------------  ---------------",
  );
  assert.equal(
    lines[2],
    "False               contoso-webpubsub.webpubsub.azure.com  eastus      contoso-webpubsub  Succeeded            443           contoso",
  );
  assert.equal(lines[3], "");
  assert.equal(lines.length, 4);
});

test("table: with --query the key order is the query's; scalars become a Result column", () => {
  const queried = applyQuery([resource], "[].{Name:name, State:properties.provisioningState}");
  assert.equal(
    formatTable(queried, { queryActive: true }),
    "Name               State\n-----------------  ---------\ncontoso-webpubsub  Succeeded\n",
  );
  assert.equal(formatTable(["a", "bb"], { queryActive: true }), "Result\n--------\na\nbb\n");
  assert.equal(formatTable([], { queryActive: false }), "\n");
  assert.throws(() => formatTable([{ a: { b: 1 } }], { queryActive: false }), /Table output unavailable/);
});

test("table: a command's transformer applies unless --query is given", () => {
  const site = {
    id: "/subscriptions/s/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func",
    name: "contoso-func",
    location: "eastus",
    state: "Running",
    defaultHostName: "contoso-func.azurewebsites.net",
    serverFarmId: "/subscriptions/s/resourceGroups/contoso/providers/Microsoft.Web/serverfarms/plan1",
  };
  const table = formatTable([site], { queryActive: false, transformer: siteTable });
  assert.match(table, /^Name {10}Location {4}State {4}ResourceGroup {4}DefaultHostName {17}AppServicePlan\n/);
  assert.match(
    table,
    /contoso-func {2}eastus {6}Running {2}contoso {10}contoso-func\.azurewebsites\.net {2}plan1\n$/,
  );
});

test("tsv: sorted values per row, nested objects empty, lists as their length, top-level booleans lowercase", () => {
  assert.equal(
    formatTsv([{ b: "x", a: 1, c: { d: 1 }, e: [1, 2], f: true, g: null }]),
    "1\tx\t\t2\tTrue\tNone\n",
  );
  assert.equal(formatTsv("primary-key"), "primary-key\n");
  assert.equal(formatTsv(false), "false\n");
  assert.equal(
    formatTsv([
      ["a", "b"],
      ["c", "d"],
    ]),
    "a\tb\nc\td\n",
  );
  assert.equal(formatTsv({ z: 1, a: 2 }, true), "1\t2\n");
});

test("resourceGroup is added from the id of every object, nested too; an existing one is kept", () => {
  const value = addResourceGroup({
    id: "/subscriptions/s/resourceGroups/RG1/providers/x/y/z",
    nested: [{ id: "/subscriptions/s/resourceGroups/rg2/providers/a/b/c" }, { id: "/providers/no-group" }],
    other: { id: "/subscriptions/s/resourceGroups/rg3/p", ResourceGroup: "keep" },
  }) as Record<string, unknown>;
  assert.equal(value.resourceGroup, "RG1");
  const nested = value.nested as Record<string, unknown>[];
  assert.equal(nested[0]!.resourceGroup, "rg2");
  assert.equal(nested[1]!.resourceGroup, undefined);
  assert.equal((value.other as Record<string, unknown>).resourceGroup, undefined);
});

test("flattenProperties lifts properties; top-level names win", () => {
  assert.deepEqual(flattenProperties({ name: "a", properties: { name: "b", status: "Pending" } }), {
    name: "a",
    status: "Pending",
  });
  assert.deepEqual(flattenProperties({ name: "a" }), { name: "a" });
});

test("--query: syntax errors are usage errors (exit 2), evaluation errors exit 1", () => {
  assert.throws(
    () => validateQuery("[?"),
    (e: unknown) => e instanceof UsageError && e.exitCode === 2,
  );
  assert.equal(validateQuery("properties.status"), "properties.status");
  assert.throws(
    () => applyQuery({ a: "x" }, "abs(a)"),
    (e: unknown) =>
      e instanceof AzCliError && e.exitCode === 1 && /Invalid jmespath query supplied/.test(e.message),
  );
  assert.deepEqual(applyQuery([{ s: "Pending" }, { s: "Approved" }], "[?s=='Pending']"), [{ s: "Pending" }]);
});

test("ARM errors print as az does, with exit code 3 for not found", () => {
  const io = capturedIo({}, "/", () => "");
  const notFound = new ArmResponseError(
    404,
    "Not Found",
    {
      error: {
        code: "ResourceNotFound",
        message:
          "The Resource 'Microsoft.SignalRService/webPubSub/x' under resource group 'rg' was not found.",
      },
    },
    "",
  );
  assert.equal(reportError(io, notFound), 3);
  assert.equal(
    io.stderrText(),
    "ERROR: (ResourceNotFound) The Resource 'Microsoft.SignalRService/webPubSub/x' under resource group 'rg' was not found.\n" +
      "Code: ResourceNotFound\n" +
      "Message: The Resource 'Microsoft.SignalRService/webPubSub/x' under resource group 'rg' was not found.\n",
  );
  const io2 = capturedIo({}, "/", () => "");
  assert.equal(
    reportError(
      io2,
      new ArmResponseError(
        400,
        "Bad Request",
        { error: { code: "BadRequest", message: "No.", target: "sku" } },
        "",
      ),
    ),
    1,
  );
  assert.equal(io2.stderrText(), "ERROR: (BadRequest) No.\nCode: BadRequest\nMessage: No.\nTarget: sku\n");
  const io3 = capturedIo({}, "/", () => "");
  assert.equal(reportError(io3, new ArmResponseError(502, "Bad Gateway", "oops", "oops")), 1);
  assert.equal(
    io3.stderrText(),
    "ERROR: Operation returned an invalid status 'Bad Gateway'\nContent: oops\n",
  );
});
