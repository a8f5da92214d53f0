// The CLI as users run it: a child process through bin/wpslink.js, finding the management server
// through WPSLINK_LOCATION's runtime.json and trusting its CA without NODE_EXTRA_CA_CERTS.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startCliServer, type CliServer } from "./support/cliServer.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let server: CliServer;
before(async () => {
  server = await startCliServer();
});
after(async () => {
  await server?.close();
});

async function wpslink(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["bin/wpslink.js", ...args], {
    cwd: root,
    env: { ...server.env, WPSLINK_FROM_SOURCE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`wpslink ${args.join(" ")} timed out; stderr: ${stderr}`));
    }, 30_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, stdout, stderr };
}

test("create, query and fail as a real process, with az's exit codes", async () => {
  assert.equal(server.env.NODE_EXTRA_CA_CERTS, undefined);
  const created = await wpslink(
    "webpubsub",
    "create",
    "-g",
    "contoso",
    "-n",
    "contoso-webpubsub",
    "--sku",
    "Standard_S1",
    "-l",
    "eastus",
    "--query",
    "provisioningState",
    "-o",
    "tsv",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, "Succeeded\n");
  const table = await wpslink("webpubsub", "list", "-o", "table", "--query", "[].{Name:name, Sku:sku.name}");
  assert.equal(table.code, 0, table.stderr);
  assert.equal(
    table.stdout,
    "Name               Sku\n-----------------  -----------\ncontoso-webpubsub  Standard_S1\n",
  );
  const missing = await wpslink("webpubsub", "show", "-g", "contoso", "-n", "nope");
  assert.equal(missing.code, 3);
  assert.equal(missing.stdout, "");
  assert.match(
    missing.stderr,
    /^ERROR: \(ResourceNotFound\) The Resource 'Microsoft\.SignalRService\/WebPubSub\/nope'/,
  );
  const usage = await wpslink("webpubsub", "show", "-g", "contoso");
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr, "ERROR: the following arguments are required: --name/-n\n");
});
