// Every refusal of the REST handler, driven with raw fetch: authentication, api-version policy,
// validation of path, query and body, content types, the size limit, and the trace of refusals.
// Each error must carry the service's error shape: JSON {code, message, target?} and
// the `x-ms-error-code` header.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  assertError,
  rawCall,
  restToken,
  secondaryKey,
  startRestHarness,
  type RestHarness,
} from "./support/restHarness.js";

const v = "api-version=2024-12-01";

describe("REST handler refusals", () => {
  let harness: RestHarness;
  let skipping: RestHarness;
  let url: (path: string) => string;

  before(async () => {
    harness = await startRestHarness();
    skipping = await startRestHarness({ skipApiVersionCheck: true });
    url = (path) => `${harness.httpUrl}${path}`;
    harness.hubs.addConnection("c1", "u1", ["g1"]);
  });
  after(async () => {
    await harness.close();
    await skipping.close();
  });

  describe("authentication", () => {
    it("refuses a missing, malformed, forged, expired or misdirected token with 401", async () => {
      const target = url(`/api/hubs/hub1/:send?${v}`);
      const send = (token: string | null) =>
        rawCall("POST", target, { token, body: "{}", contentType: "application/json" });
      const missing = await send(null);
      assertError(missing, 401, "Error.Unauthorized", /no Authorization header/);
      assert.equal(missing.headers.get("www-authenticate"), "Bearer");
      assertError(await send("not-a-jwt"), 401, "Error.Unauthorized", /not a JWT/);
      assertError(
        await send(await restToken(target, { key: "WRONG".repeat(9) })),
        401,
        "Error.Unauthorized",
        /signature/,
      );
      assertError(
        await send(await restToken(target, { expiresInSeconds: -3600 })),
        401,
        "Error.Unauthorized",
        /expired/,
      );
      assertError(
        await send(await restToken(target, { audience: url(`/api/hubs/other/:send?${v}`) })),
        401,
        "Error.Unauthorized",
        /audience/,
      );
      assertError(
        await send(await restToken(target, { algorithm: "HS384" })),
        401,
        "Error.Unauthorized",
        /HS256/,
      );
      const basic = await rawCall("POST", target, { token: null, headers: { authorization: "Basic abc" } });
      assertError(basic, 401, "Error.Unauthorized", /Bearer <token>/);
      assert.equal(harness.hubs.calls.length, 0);
    });

    it("accepts key2, the URL without query, a decoded URL, and any letter case", async () => {
      const target = url(`/api/hubs/hub1/users/a%20b/:send?${v}&filter=userId%20eq%20%27u1%27`);
      const ok = (token: string) => rawCall("POST", target, { token, body: "x", contentType: "text/plain" });
      assert.equal((await ok(await restToken(target, { key: secondaryKey }))).status, 202);
      assert.equal((await ok(await restToken(target, { audience: target.split("?")[0] }))).status, 202);
      assert.equal((await ok(await restToken(target, { audience: decodeURIComponent(target) }))).status, 202);
      assert.equal((await ok(await restToken(target, { audience: target.toUpperCase() }))).status, 202);
    });

    it("serves the health probe without a token, for HEAD and GET", async () => {
      for (const method of ["HEAD", "GET"]) {
        const result = await rawCall(method, url("/api/health"), { token: null });
        assert.equal(result.status, 200);
        assert.equal(result.body, "");
      }
      assert.equal((await rawCall("HEAD", url(`/api/health?${v}`), { token: null })).status, 200);
    });
  });

  describe("api-version policy", () => {
    it("serves every known version and a request without one", async () => {
      for (const version of ["2021-10-01", "2022-11-01", "2023-07-01", "2024-01-01", "2024-12-01"]) {
        const result = await rawCall("HEAD", url(`/api/hubs/hub1/connections/c1?api-version=${version}`));
        assert.equal(result.status, 200, version);
      }
      assert.equal((await rawCall("HEAD", url("/api/hubs/hub1/connections/c1"))).status, 200);
      // Parameter names bind case-insensitively, as in the service.
      const upper = await rawCall(
        "POST",
        url("/api/hubs/hub1/:send?API-VERSION=2099-01-01&MessageTTLSeconds=1"),
        {
          body: "x",
          contentType: "text/plain",
        },
      );
      assertError(upper, 400, "Error.BadRequest", /'2099-01-01'/, "api-version");
      const mixed = await rawCall(
        "POST",
        url("/api/hubs/hub1/:send?Api-Version=2024-12-01&MESSAGETTLSECONDS=7&Filter=true"),
        {
          body: "x",
          contentType: "text/plain",
        },
      );
      assert.equal(mixed.status, 202);
      assert.deepEqual(harness.hubs.last().args, [{ filter: "compiled", filterText: "true", ttlSeconds: 7 }]);
    });

    it("refuses an unknown version naming the supported ones and the skip option", async () => {
      const result = await rawCall("POST", url("/api/hubs/hub1/:closeConnections?api-version=2099-01-01"));
      assertError(result, 400, "Error.BadRequest", /'2099-01-01'/, "api-version");
      assert.match(result.body, /2021-10-01.*2024-12-01/);
      assert.match(result.body, /--skip-api-version-check/);
      assert.match(result.body, /WPSLINK_SKIP_API_VERSION_CHECK/);
      const twice = await rawCall("POST", url(`/api/hubs/hub1/:closeConnections?${v}&${v}`));
      assertError(twice, 400, "Error.BadRequest", /given 2 times/);
    });

    it("serves any version when the check is skipped", async () => {
      const target = `${skipping.httpUrl}/api/hubs/hub1/:closeConnections?api-version=2099-01-01`;
      assert.equal((await rawCall("POST", target)).status, 204);
      assert.equal(skipping.hubs.last().op, "closeAllConnections");
    });
  });

  describe("validation", () => {
    it("refuses bad hub names, groups, user ids, connection ids and permissions", async () => {
      assertError(
        await rawCall("POST", url(`/api/hubs/1hub/:send?${v}`)),
        400,
        "Error.BadRequest",
        /hub name/,
        "hub",
      );
      assertError(
        await rawCall("POST", url(`/api/hubs/bad-hub/:closeConnections?${v}`)),
        400,
        "Error.BadRequest",
        /hub name/,
      );
      assertError(
        await rawCall("POST", url(`/api/hubs/${"h".repeat(129)}/:closeConnections?${v}`)),
        400,
        "Error.BadRequest",
        /hub name/,
      );
      assertError(
        await rawCall("HEAD", url(`/api/hubs/hub1/groups/%20%20%20?${v}`)),
        400,
        "Error.BadRequest",
        /.*/,
      );
      assertError(
        await rawCall("PUT", url(`/api/hubs/hub1/groups/%20%20/connections/c1?${v}`)),
        400,
        "Error.BadRequest",
        /whitespace/,
        "group",
      );
      assertError(
        await rawCall("PUT", url(`/api/hubs/hub1/users/u1/groups/${"g".repeat(1025)}?${v}`)),
        400,
        "Error.BadRequest",
        /1 to 1024/,
      );
      assertError(
        await rawCall("POST", url(`/api/hubs/hub1/users//:send?${v}`), {
          body: "x",
          contentType: "text/plain",
        }),
        400,
        "Error.BadRequest",
        /userId must not be empty/,
        "userId",
      );
      assertError(
        await rawCall("DELETE", url(`/api/hubs/hub1/connections/?${v}`)),
        400,
        "Error.BadRequest",
        /connectionId/,
      );
      assertError(
        await rawCall("PUT", url(`/api/hubs/hub1/permissions/admin/connections/c1?${v}`)),
        400,
        "Error.BadRequest",
        /sendToGroup and joinLeaveGroup/,
        "permission",
      );
      assertError(
        await rawCall(
          "PUT",
          url(`/api/hubs/hub1/permissions/sendToGroup/connections/c1?${v}&targetName=%20`),
        ),
        400,
        "Error.BadRequest",
        /whitespace/,
        "targetName",
      );
      assertError(
        await rawCall("HEAD", url(`/api/hubs/hub1/groups/a%ZZ?${v}`)),
        400,
        "Error.BadRequest",
        /.*/,
      );
    });

    it("refuses a ttl out of range, bad paging values and a bad generateToken query", async () => {
      const send = (query: string) =>
        rawCall("POST", url(`/api/hubs/hub1/:send?${v}&${query}`), { body: "x", contentType: "text/plain" });
      assertError(
        await send("messageTtlSeconds=500"),
        400,
        "Error.BadRequest",
        /0 to 300/,
        "messageTtlSeconds",
      );
      assertError(await send("messageTtlSeconds=-1"), 400, "Error.BadRequest", /0 to 300/);
      assertError(await send("messageTtlSeconds=1.5"), 400, "Error.BadRequest", /whole number/);
      const list = (query: string) =>
        rawCall("GET", url(`/api/hubs/hub1/groups/g1/connections?${v}&${query}`));
      assertError(await list("maxpagesize=0"), 400, "Error.BadRequest", /1 to 200/, "maxpagesize");
      assertError(await list("maxpagesize=201"), 400, "Error.BadRequest", /1 to 200/);
      assertError(await list("top=0"), 400, "Error.BadRequest", /top/);
      assertError(await list("continuationToken=garbage"), 400, "Error.BadRequest", /continuationToken/);
      const token = (query: string) => rawCall("POST", url(`/api/hubs/hub1/:generateToken?${v}&${query}`));
      assertError(await token("minutesToExpire=0"), 400, "Error.BadRequest", /minutesToExpire/);
      assertError(await token("clientType=Other"), 400, "Error.BadRequest", /clientType/);
      assertError(await token("group=%20"), 400, "Error.BadRequest", /whitespace/);
    });

    it("refuses a filter with a syntax error, pointing at the position", async () => {
      const filter = encodeURIComponent("userId eq 'a' and");
      const result = await rawCall("POST", url(`/api/hubs/hub1/:send?${v}&filter=${filter}`), {
        body: "x",
        contentType: "text/plain",
      });
      assertError(result, 400, "Error.BadRequest", /position 17/, "filter");
      const bulk = await rawCall("POST", url(`/api/hubs/hub1/:addToGroups?${v}`), {
        body: JSON.stringify({ groups: ["g"], filter: "nickname eq 'x'" }),
        contentType: "application/json",
      });
      assertError(bulk, 400, "Error.BadRequest", /position 0: unknown field 'nickname'/, "filter");
    });

    it("refuses bad bodies for the bulk group calls", async () => {
      const bulk = (body: string, contentType = "application/json") =>
        rawCall("POST", url(`/api/hubs/hub1/:removeFromGroups?${v}`), { body, contentType });
      assertError(await bulk("{"), 400, "Error.BadRequest", /not valid JSON/);
      assertError(await bulk("[]"), 400, "Error.BadRequest", /JSON object/);
      assertError(await bulk('{"groups":[]}'), 400, "Error.BadRequest", /non-empty array/, "groups");
      assertError(await bulk('{"groups":[1]}'), 400, "Error.BadRequest", /non-empty array/);
      assertError(
        await bulk('{"groups":["g"],"filter":3}'),
        400,
        "Error.BadRequest",
        /'filter' must be a string/,
      );
      assertError(await bulk('{"groups":["  "]}'), 400, "Error.BadRequest", /whitespace/, "groups");
      assertError(
        await bulk('{"groups":["g"]}', "text/plain"),
        415,
        "Error.UnsupportedMediaType",
        /application\/json/,
      );
      const all = await bulk('{"groups":["g"],"filter":""}');
      assert.equal(all.status, 200);
      assert.deepEqual(harness.hubs.last().selected, ["c1"]);
    });

    it("refuses unknown content types, invalid JSON and bodies over 1 MB", async () => {
      const target = url(`/api/hubs/hub1/groups/g1/:send?${v}`);
      assertError(
        await rawCall("POST", target, { body: "<a/>", contentType: "application/xml" }),
        415,
        "Error.UnsupportedMediaType",
        /application\/xml/,
      );
      assertError(
        await rawCall("POST", target, { body: Buffer.from("x") }),
        415,
        "Error.UnsupportedMediaType",
        /.*/,
      );
      assertError(
        await rawCall("POST", target, { body: "{nope", contentType: "application/json" }),
        400,
        "Error.BadRequest",
        /not valid JSON/,
        "message",
      );
      const exactly = Buffer.alloc(1024 * 1024, 0x61);
      assert.equal((await rawCall("POST", target, { body: exactly, contentType: "text/plain" })).status, 202);
      assertError(
        await rawCall("POST", target, {
          body: Buffer.alloc(1024 * 1024 + 1, 0x61),
          contentType: "text/plain",
        }),
        413,
        "Error.PayloadTooLarge",
        /1048576-byte limit/,
      );
      const charset = await rawCall("POST", target, {
        body: '{"a":1}',
        contentType: "application/json; charset=utf-8",
      });
      assert.equal(charset.status, 202);
    });

    it("passes message metadata headers and refuses oversize ones", async () => {
      const target = url(`/api/hubs/hub1/:send?${v}`);
      const result = await rawCall("POST", target, {
        body: "m",
        contentType: "text/plain",
        headers: { "X-WebPubSub-Metadata-Trace": "abc" },
      });
      assert.equal(result.status, 202);
      assert.deepEqual(harness.hubs.last().message?.metadata, { trace: "abc" });
      const tooBig = await rawCall("POST", target, {
        body: "m",
        contentType: "text/plain",
        headers: { "X-WebPubSub-Metadata-Big": "v".repeat(1025) },
      });
      assertError(tooBig, 400, "Error.BadRequest", /Metadata header/);
    });
  });

  describe("trace", () => {
    it("traces refusals with their status and error code", async () => {
      await new Promise((resolve) => setImmediate(resolve));
      console.log(
        harness.trace
          .snapshot((r) => r.category === "rest")
          .map((r) => r.details?.status)
          .join(","),
      );
      const records = harness.trace.snapshot((r) => r.category === "rest" && r.details?.status === 413);
      assert.ok(records.length >= 1);
      assert.equal(records[0]?.details?.errorCode, "Error.PayloadTooLarge");
      assert.equal(records[0]?.details?.operation, "sendToGroup");
      const unauthorized = harness.trace.snapshot((r) => r.category === "rest" && r.details?.status === 401);
      assert.ok(unauthorized.length >= 7);
    });
  });
});
