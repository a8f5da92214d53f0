// The CLI against the real `wpslink start` process: it finds the management plane through the
// workspace's runtime.json and trusts the CA that process generated (no NODE_EXTRA_CA_CERTS),
// then runs the README's private-path walk-through; after shutdown it says nothing is running.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/az/program.js";
import { repositoryRoot, startWpslinkProcess, type WpslinkProcess } from "../support/wpslinkProcess.js";

const workspace = mkdtempSync(join(tmpdir(), "wpslink-cli-process-"));
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, WPSLINK_LOCATION: workspace };
const g = ["-g", "contoso"];
const wps = [...g, "-n", "contoso-webpubsub"];
const siteId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contoso/providers/Microsoft.Web/sites/contoso-func";
let wpslink: WpslinkProcess;

before(async () => {
  wpslink = await startWpslinkProcess(["--location", workspace, "--propagation-delay", "200"], {
    env: { WPSLINK_FROM_SOURCE: "1" },
  });
  assert.ok(wpslink.summary.managementUrl, "wpslink start serves the management plane");
});
after(async () => {
  await wpslink?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { env, cwd: workspace });
const ok = async (...args: string[]): Promise<string> => {
  const result = await cli(...args);
  assert.equal(result.exitCode, 0, `wpslink ${args.join(" ")}\n${result.stderr}`);
  return result.stdout;
};

test("a child process finds the default resource through runtime.json with the process's own CA", async () => {
  const child = spawn(
    process.execPath,
    [
      "bin/wpslink.js",
      "webpubsub",
      "show",
      "-g",
      "wpslink",
      "-n",
      "wpslink",
      "--query",
      "[provisioningState, sku.name]",
      "-o",
      "tsv",
    ],
    { cwd: repositoryRoot, env: { ...env, WPSLINK_FROM_SOURCE: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out; stderr: ${stderr}`));
    }, 30_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "Succeeded\nStandard_S1\n");
});

test("the README walk-through: shared private endpoint Pending, approved on the Function App, Approved", async () => {
  await ok("webpubsub", "create", ...wps, "--sku", "Standard_S1", "-l", "eastus", "-o", "none");
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
    "http://127.0.0.1:3999",
    "-o",
    "none",
  );
  await ok(
    "webpubsub",
    "hub",
    "create",
    ...wps,
    "--hub-name",
    "chat",
    "--event-handler",
    "url-template=https://contoso-func.azurewebsites.net/api/{event}",
    "user-event-pattern=*",
    "-o",
    "none",
  );
  const created = await ok(
    "webpubsub",
    "shared-private-endpoint",
    "create",
    ...wps,
    "--shared-private-endpoint-name",
    "func-pe",
    "--group-id",
    "sites",
    "--request-message",
    "please approve",
    "--private-link-resource-id",
    siteId,
    "--query",
    "[provisioningState, status]",
    "-o",
    "tsv",
  );
  assert.equal(created, "Succeeded\nPending\n");
  const pec = (
    await ok(
      "network",
      "private-endpoint-connection",
      "list",
      ...g,
      "-n",
      "contoso-func",
      "--type",
      "Microsoft.Web/sites",
      "--query",
      "[0].id",
      "-o",
      "tsv",
    )
  ).trim();
  assert.match(pec, /privateEndpointConnections\/func-pe-/);
  await ok(
    "network",
    "private-endpoint-connection",
    "approve",
    "--id",
    pec,
    "--description",
    "approved",
    "-o",
    "none",
  );
  await ok(
    "webpubsub",
    "shared-private-endpoint",
    "wait",
    ...wps,
    "--shared-private-endpoint-name",
    "func-pe",
    "--custom",
    "status=='Approved'",
    "--interval",
    "1",
    "--timeout",
    "30",
  );
  const shown = await ok(
    "webpubsub",
    "shared-private-endpoint",
    "show",
    ...wps,
    "--shared-private-endpoint-name",
    "func-pe",
    "--query",
    "{state:provisioningState, status:status}",
    "-o",
    "table",
  );
  assert.equal(shown, "State      Status\n---------  --------\nSucceeded  Approved\n");
});

test("after shutdown the runtime file is gone and the CLI says so", async () => {
  assert.equal(await wpslink.stop(), 0);
  const result = await cli("webpubsub", "list");
  assert.equal(result.exitCode, 1);
  assert.match(result.stderr, /^ERROR: No running wpslink found: '.*runtime\.json' does not exist\./);
});
