// Routing refusals of the REST handler with raw fetch: unknown paths, wrong methods, HEAD answers,
// the structured 501, the legacy user-in-group check, failing hub operations, and the trace
// records refusals leave behind.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertError, rawCall, startRestHarness, type RestHarness } from "./support/restHarness.js";

const v = "api-version=2024-12-01";

describe("REST handler routing", () => {
  let harness: RestHarness;
  let url: (path: string) => string;

  before(async () => {
    harness = await startRestHarness();
    url = (path) => `${harness.httpUrl}${path}`;
    harness.hubs.addConnection("c1", "u1", ["g1"]);
  });
  after(async () => harness.close());

  describe("routing", () => {
    it("answers 404 for unknown paths and 405 with Allow for a wrong method", async () => {
      assertError(
        await rawCall("GET", url(`/api/hubs/hub1/whatever?${v}`)),
        404,
        "Error.NotFound",
        /No data-plane operation/,
      );
      assertError(await rawCall("GET", url("/")), 404, "Error.NotFound", /.*/);
      const wrong = await rawCall("GET", url(`/api/hubs/hub1/connections/c1?${v}`));
      assertError(wrong, 405, "Error.MethodNotAllowed", /allowed/);
      assert.deepEqual(wrong.headers.get("allow")?.split(", ").sort(), ["DELETE", "HEAD"]);
    });

    it("answers 404 without a body for HEAD checks of missing things", async () => {
      const result = await rawCall("HEAD", url(`/api/hubs/hub1/users/nobody?${v}`));
      assert.equal(result.status, 404);
      assert.equal(result.body, "");
    });

    it("answers a structured 501 naming the operation for MQTT and Socket.IO tokens", async () => {
      const result = await rawCall("POST", url(`/api/hubs/hub1/:generateToken?${v}&clientType=MQTT`));
      assertError(result, 501, "Error.NotImplemented", /MQTT/, "generateClientToken(clientType=mqtt)");
      const io = await rawCall("POST", url(`/api/hubs/hub1/:generateToken?${v}&clientType=socketio`));
      assertError(io, 501, "Error.NotImplemented", /Socket\.IO/);
    });

    it("serves the legacy user-in-group check and 404s a missing user addition", async () => {
      assert.equal((await rawCall("HEAD", url(`/api/hubs/hub1/users/u1/groups/g1?${v}`))).status, 200);
      assert.equal((await rawCall("HEAD", url(`/api/hubs/hub1/users/u1/groups/g9?${v}`))).status, 404);
      assertError(
        await rawCall("PUT", url(`/api/hubs/hub1/users/ghost/groups/g1?${v}`)),
        404,
        "Error.NotFound",
        /ghost/,
      );
    });

    it("turns a failing hub operation into a 500 in the error shape", async () => {
      const failing = await rawCall("POST", url(`/api/hubs/brokenHub/:closeConnections?${v}`));
      assertError(failing, 500, "Error.InternalServerError", /hub store unavailable/);
    });
  });
});
