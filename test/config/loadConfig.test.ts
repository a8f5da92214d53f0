import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, envName, loadConfig } from "../../src/config/loadConfig.js";
import { wellKnownPrimaryKey } from "../../src/config/defaults.js";

test("defaults give the embedded resource on port 8080", () => {
  const config = loadConfig({});
  assert.equal(config.dataPlaneHttpPort, 8080);
  assert.equal(config.defaultResource.primaryKey, wellKnownPrimaryKey);
  assert.equal(config.inMemory, false);
});

test("env names are upper snake case of the keys", () => {
  assert.equal(envName("dataPlaneHttpPort"), "WPSLINK_DATA_PLANE_HTTP_PORT");
  assert.equal(envName("inMemory"), "WPSLINK_IN_MEMORY");
});

test("flags override env, env overrides the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "wpslink-config-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ dataPlaneHttpPort: 1000, managementPort: 1001, siteHttpPort: 1002 }));
  const config = loadConfig({
    file,
    env: { WPSLINK_MANAGEMENT_PORT: "2001", WPSLINK_SITE_HTTP_PORT: "2002", PATH: "/bin" },
    flags: { siteHttpPort: 3002 },
  });
  assert.equal(config.dataPlaneHttpPort, 1000);
  assert.equal(config.managementPort, 2001);
  assert.equal(config.siteHttpPort, 3002);
});

test("an unknown env variable in the namespace is an error that lists the known ones", () => {
  assert.throws(
    () => loadConfig({ env: { WPSLINK_DATA_PLANE_PORT: "1" } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /WPSLINK_DATA_PLANE_PORT/.test(e.message) &&
      /WPSLINK_DATA_PLANE_HTTP_PORT/.test(e.message),
  );
});

test("an unknown key in the file is an error naming it", () => {
  const dir = mkdtempSync(join(tmpdir(), "wpslink-config-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ dataPlanePort: 1 }));
  assert.throws(() => loadConfig({ file }), /unknown setting\(s\) dataPlanePort/);
});

test("out-of-range and wrongly typed values are refused", () => {
  assert.throws(() => loadConfig({ flags: { dataPlaneHttpPort: 70000 } }), /dataPlaneHttpPort/);
  assert.throws(() => loadConfig({ env: { WPSLINK_IN_MEMORY: "maybe" } }), /true or false/);
  assert.throws(
    () => loadConfig({ flags: { defaultResource: { primaryKey: "short" } } }),
    /at least 32 characters/,
  );
});

test("hub settings from the file are validated", () => {
  const dir = mkdtempSync(join(tmpdir(), "wpslink-config-"));
  const file = join(dir, "config.json");
  writeFileSync(
    file,
    JSON.stringify({
      defaultResource: {
        hubs: {
          chat: {
            eventHandlers: [{ urlTemplate: "http://localhost:3000/api/{event}", systemEvents: ["connect"] }],
          },
        },
      },
    }),
  );
  const config = loadConfig({ file });
  assert.equal(config.defaultResource.hubs.chat?.anonymousConnectPolicy, "deny");
  writeFileSync(
    file,
    JSON.stringify({
      defaultResource: { hubs: { chat: { eventHandlers: [{ urlTemplate: "x", systemEvents: ["boom"] }] } } },
    }),
  );
  assert.throws(() => loadConfig({ file }), /urlTemplate|systemEvents/);
});
