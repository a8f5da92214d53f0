import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, generateKeyPair, UnsecuredJWT } from "jose";
import { z } from "zod";
import { startArmHarness, type ArmHarness } from "./support/armHarness.js";
import { created, ok, accepted, type ArmContext } from "../../src/arm/runtime/routeTable.js";
import { armErrors } from "../../src/arm/runtime/armError.js";
import { pageOf } from "../../src/arm/runtime/paging.js";
import { parseBody, validateName } from "../../src/arm/runtime/validation.js";
import { ensureResourceGroup, requireResourceGroup } from "../../src/arm/runtime/resourceGroups.js";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { isLoopback } from "../../src/arm/auth/tokenEndpoint.js";
import { createLocalTokenIssuer } from "../../src/arm/auth/localTokenIssuer.js";

const sub = "11111111-2222-3333-4444-555555555555";
const widgetPath =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Demo/widgets/{name}";
const versions = ["2024-01-01"];
const widgetBody = z.object({
  location: z.string(),
  properties: z.object({ size: z.number().int().min(1) }),
});
const key = (c: ArmContext) =>
  `/subscriptions/${c.params.subscriptionId}/resourcegroups/${c.params.resourceGroupName}/providers/microsoft.demo/widgets/${c.params.name}`.toLowerCase();

let harness: ArmHarness;

before(async () => {
  harness = await startArmHarness({
    pageSize: 2,
    register: (runtime) =>
      runtime.routes.add(
        {
          method: "PUT",
          path: widgetPath,
          apiVersions: versions,
          handler: async (c) => {
            validateName(c.params.name!, "Microsoft.Demo/widgets", {
              pattern: /^[a-z]+$/,
              minLength: 3,
              maxLength: 10,
              description: "Lower-case letters, 3-10.",
            });
            const body = parseBody(widgetBody, c.body);
            await c.store.transaction(async (tx) => {
              await ensureResourceGroup(
                tx,
                c.params.subscriptionId!,
                c.params.resourceGroupName!,
                body.location,
              );
              await tx.put(key(c), "microsoft.demo/widgets", { ...body, state: "Creating" });
            });
            const op = await c.operations.start(
              c,
              {
                subscriptionId: c.params.subscriptionId!,
                namespace: "Microsoft.Demo",
                location: body.location,
              },
              async () => {
                await new Promise((r) => setTimeout(r, 250));
                await c.store.put(key(c), "microsoft.demo/widgets", { ...body, state: "Succeeded" });
                return { status: 200, body: { done: true } };
              },
            );
            return created({ name: c.params.name, state: "Creating" }, op.headers);
          },
        },
        {
          method: "GET",
          path: widgetPath,
          apiVersions: versions,
          handler: async (c) => {
            await requireResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
            const entry = await c.store.get(key(c));
            if (!entry)
              throw armErrors.resourceNotFound(
                "Microsoft.Demo/widgets",
                c.params.name!,
                c.params.resourceGroupName!,
              );
            return ok(entry.value);
          },
        },
        {
          method: "DELETE",
          path: widgetPath,
          apiVersions: versions,
          handler: async (c) => {
            const op = await c.operations.start(
              c,
              { subscriptionId: c.params.subscriptionId!, namespace: "Microsoft.Demo", location: "eastus" },
              async () => {
                throw armErrors.conflict("WidgetBusy", "the widget refused to go");
              },
            );
            return accepted(op.headers);
          },
        },
        {
          method: "GET",
          path: "/subscriptions/{subscriptionId}/providers/Microsoft.Demo/broken",
          apiVersions: versions,
          handler: async () => {
            throw new Error("a bug");
          },
        },
        {
          method: "GET",
          path: "/subscriptions/{subscriptionId}/providers/Microsoft.Demo/raced",
          apiVersions: versions,
          handler: async (c) => {
            await c.store.put("/race", "t", 1);
            return ok(await c.store.put("/race", "t", 2, { version: 99 }));
          },
        },
        {
          method: "GET",
          path: "/subscriptions/{subscriptionId}/providers/Microsoft.Demo/numbers",
          apiVersions: versions,
          handler: async (c) => pageOf(c, [1, 2, 3, 4, 5]),
        },
      ),
  });
});
after(() => harness.close());

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe("ARM runtime: authentication", () => {
  const path = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Demo/widgets/abc?api-version=2024-01-01`;

  it("refuses a missing, malformed, forged or expired bearer with ARM 401s", async () => {
    const missing = await fetch(new URL(path, harness.url));
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer /);
    assert.equal((await errorOf(missing)).code, "AuthenticationFailed");

    const basic = await harness.arm(path, { headers: { authorization: "Basic abc" } });
    assert.equal((await errorOf(basic)).code, "AuthenticationFailed");

    const garbage = await harness.arm(path, { headers: { authorization: "Bearer not-a-jwt" } });
    assert.deepEqual([(await errorOf(garbage)).code, garbage.status], ["InvalidAuthenticationToken", 401]);

    const foreignKey = await generateKeyPair("ES256");
    const forged = await new SignJWT({ oid: "x" })
      .setProtectedHeader({ alg: "ES256" })
      .setIssuer(harness.issuer.issuer)
      .setExpirationTime("1h")
      .sign(foreignKey.privateKey);
    const forgedAnswer = await harness.arm(path, { headers: { authorization: `Bearer ${forged}` } });
    assert.equal((await errorOf(forgedAnswer)).code, "InvalidAuthenticationToken");

    const expired = new UnsecuredJWT({ oid: "x" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .encode();
    const expiredAnswer = await harness.arm(path, { headers: { authorization: `Bearer ${expired}` } });
    assert.equal((await errorOf(expiredAnswer)).code, "ExpiredAuthenticationToken");
  });

  it("accepts any well-formed bearer with acceptAnyBearer", async () => {
    const open = await startArmHarness({ acceptAnyBearer: true });
    try {
      const foreign = new UnsecuredJWT({ oid: "someone", upn: "me@example.com" })
        .setExpirationTime("1h")
        .encode();
      const answer = await open.arm(`/subscriptions/${sub}/resourcegroups/nope?api-version=2021-04-01`, {
        headers: { authorization: `Bearer ${foreign}` },
      });
      assert.equal((await errorOf(answer)).code, "ResourceGroupNotFound");
      const garbage = await open.arm(`/subscriptions/${sub}/resourcegroups/nope?api-version=2021-04-01`, {
        headers: { authorization: "Bearer x.y" },
      });
      assert.equal((await errorOf(garbage)).code, "InvalidAuthenticationToken");
    } finally {
      await open.close();
    }
  });

  it("treats only 127.0.0.0/8 and ::1 as loopback for the token endpoint", () => {
    for (const address of ["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"])
      assert.equal(isLoopback(address), true, address);
    for (const address of ["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "fe80::1", "128.0.0.1", undefined]) {
      assert.equal(isLoopback(address), false, String(address));
    }
  });

  it("hands out tokens on POST /_wpslink/token that the local credential uses", async () => {
    const raw = await fetch(new URL("/_wpslink/token", harness.url), { method: "POST" });
    assert.equal(raw.status, 200);
    const body = (await raw.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.equal(body.token_type, "Bearer");
    assert.ok(body.expires_in > 3000);
    const wrongMethod = await fetch(new URL("/_wpslink/token", harness.url));
    assert.equal(wrongMethod.status, 405);

    const credential = createLocalCredential({ managementUrl: harness.url, ca: harness.caPem });
    const token = await credential.getToken(`${harness.url}/.default`);
    assert.ok(token && token.expiresOnTimestamp > Date.now());
    const answer = await fetch(
      new URL(`/subscriptions/${sub}/resourcegroups?api-version=2021-04-01`, harness.url),
      {
        headers: { authorization: `Bearer ${token.token}` },
      },
    );
    assert.equal(answer.status, 200);
  });
});

describe("ARM runtime: requests", () => {
  it("runs a PUT as an LRO: Azure-AsyncOperation and Location on our origin, then the final state", async () => {
    const path = `/SUBSCRIPTIONS/${sub}/resourcegroups/Demo-RG/providers/microsoft.demo/WIDGETS/abc`;
    const put = await harness.arm(`${path}?api-version=2024-01-01`, {
      method: "PUT",
      body: { location: "eastus", properties: { size: 2 } },
    });
    assert.equal(put.status, 201);
    const statusUrl = put.headers.get("azure-asyncoperation")!;
    const resultUrl = put.headers.get("location")!;
    assert.ok(
      statusUrl.startsWith(
        `${harness.url}/subscriptions/${sub}/providers/Microsoft.Demo/locations/eastus/operationStatuses/`,
      ),
    );
    assert.ok(resultUrl.includes("/operationResults/") && resultUrl.includes("api-version=2024-01-01"));
    assert.equal(put.headers.get("retry-after"), "1");

    const first = (await (await harness.arm(statusUrl)).json()) as { status: string };
    assert.equal(first.status, "Running");
    assert.equal((await harness.arm(resultUrl)).status, 202);
    let status = first.status;
    for (let i = 0; i < 100 && status === "Running"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = ((await (await harness.arm(statusUrl)).json()) as { status: string }).status;
    }
    assert.equal(status, "Succeeded");
    const result = await harness.arm(resultUrl);
    assert.deepEqual([result.status, await result.json()], [200, { done: true }]);
    const got = (await (await harness.arm(`${path}?api-version=2024-01-01`)).json()) as { state: string };
    assert.equal(got.state, "Succeeded");

    // The resource group was created on first use.
    const group = await harness.arm(`/subscriptions/${sub}/resourceGroups/demo-rg?api-version=2021-04-01`);
    assert.equal(((await group.json()) as { location: string }).location, "eastus");
  });

  it("reports a failed operation with its error on both polling URLs", async () => {
    const path = `/subscriptions/${sub}/resourceGroups/demo-rg/providers/Microsoft.Demo/widgets/abc?api-version=2024-01-01`;
    const del = await harness.arm(path, { method: "DELETE" });
    assert.equal(del.status, 202);
    const statusUrl = del.headers.get("azure-asyncoperation")!;
    let body: { status: string; error?: { code: string } } = { status: "Running" };
    for (let i = 0; i < 50 && body.status === "Running"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      body = (await (await harness.arm(statusUrl)).json()) as typeof body;
    }
    assert.deepEqual([body.status, body.error?.code], ["Failed", "WidgetBusy"]);
    const result = await harness.arm(del.headers.get("location")!);
    assert.deepEqual(await errorOf(result), {
      status: 409,
      code: "WidgetBusy",
      message: "the widget refused to go",
    });
  });

  it("answers bad input with ARM errors", async () => {
    const widgets = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Demo/widgets`;
    const cases: [
      string,
      { method?: string; body?: unknown; headers?: Record<string, string> },
      number,
      string,
    ][] = [
      [`${widgets}/abc`, {}, 400, "MissingApiVersionParameter"],
      [`${widgets}/abc?api-version=2099-01-01`, {}, 400, "InvalidApiVersionParameter"],
      [
        `/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Demo/widgets/abc?api-version=2024-01-01`,
        {},
        400,
        "InvalidSubscriptionId",
      ],
      [
        `/subscriptions/${sub}/resourceGroups/bad%2Agroup/providers/Microsoft.Demo/widgets/abc?api-version=2024-01-01`,
        {},
        400,
        "InvalidResourceGroupName",
      ],
      [
        `${widgets}/AB?api-version=2024-01-01`,
        { method: "PUT", body: { location: "x", properties: { size: 1 } } },
        400,
        "InvalidResourceName",
      ],
      [
        `${widgets}/abc?api-version=2024-01-01`,
        { method: "PUT", body: "{not json" },
        400,
        "InvalidRequestContent",
      ],
      [
        `${widgets}/abc?api-version=2024-01-01`,
        { method: "PUT", body: { location: "x", properties: { size: 0 } } },
        400,
        "InvalidRequestContent",
      ],
      [
        `${widgets}/abc?api-version=2024-01-01`,
        { method: "PUT", body: "<x/>", headers: { "content-type": "application/xml" } },
        415,
        "UnsupportedMediaType",
      ],
      [`${widgets}/abc?api-version=2024-01-01`, { method: "PATCH", body: {} }, 405, "MethodNotAllowed"],
      [`${widgets}/abc/nothing?api-version=2024-01-01`, {}, 404, "InvalidResourceType"],
      [`${widgets}/zzz?api-version=2024-01-01`, {}, 404, "ResourceGroupNotFound"],
      [
        `/subscriptions/${sub}/resourceGroups/demo-rg/providers/Microsoft.Demo/widgets/zzz?api-version=2024-01-01`,
        {},
        404,
        "ResourceNotFound",
      ],
      [
        `/subscriptions/${sub}/providers/Microsoft.Demo/locations/eastus/operationStatuses/nope?api-version=1`,
        {},
        404,
        "OperationNotFound",
      ],
    ];
    for (const [path, init, status, code] of cases) {
      const answer = await harness.arm(path, init);
      const error = await errorOf(answer);
      assert.deepEqual(
        [error.status, error.code],
        [status, code],
        `${init.method ?? "GET"} ${path}: ${error.message}`,
      );
    }
    const badVersion = await errorOf(await harness.arm(`${widgets}/abc?api-version=2099-01-01`));
    assert.match(badVersion.message, /2024-01-01/);
    const badBody = (await (
      await harness.arm(`${widgets}/abc?api-version=2024-01-01`, {
        method: "PUT",
        body: { properties: { size: "x" } },
      })
    ).json()) as { error: { details: { target: string }[] } };
    assert.deepEqual(badBody.error.details.map((d) => d.target).sort(), ["location", "properties.size"]);
  });

  it("turns unexpected failures into ARM 500s and store conflicts into 409s", async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const broken = await harness.arm(
        `/subscriptions/${sub}/providers/Microsoft.Demo/broken?api-version=2024-01-01`,
      );
      assert.deepEqual([broken.status, (await errorOf(broken)).code], [500, "InternalServerError"]);
    } finally {
      console.error = original;
    }
    assert.equal(logged.length, 1);
    const raced = await harness.arm(
      `/subscriptions/${sub}/providers/Microsoft.Demo/raced?api-version=2024-01-01`,
    );
    assert.deepEqual([raced.status, (await errorOf(raced)).code], [409, "Conflict"]);
  });

  it("keeps the issuer key in the store, and only there", async () => {
    const fromStore = await createLocalTokenIssuer(harness.store);
    const token = (await harness.issuer.issue()).accessToken;
    assert.equal((await fromStore.verify(token)).iss, harness.issuer.issuer);
    const ephemeral = await createLocalTokenIssuer(null);
    await assert.rejects(ephemeral.verify(token));
  });

  it("pages lists with absolute nextLinks that carry the api-version", async () => {
    const seen: number[] = [];
    let next: string | undefined =
      `/subscriptions/${sub}/providers/Microsoft.Demo/numbers?api-version=2024-01-01`;
    for (let pages = 0; next && pages < 10; pages++) {
      const page = (await (await harness.arm(next)).json()) as { value: number[]; nextLink?: string };
      seen.push(...page.value);
      if (page.nextLink) {
        assert.ok(page.nextLink.startsWith(harness.url));
        assert.match(page.nextLink, /api-version=2024-01-01/);
      }
      next = page.nextLink;
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  it("answers subscriptions: any GUID exists; the list holds those with resource groups", async () => {
    const one = (await (await harness.arm(`/subscriptions/${sub}?api-version=2022-12-01`)).json()) as {
      state: string;
      subscriptionId: string;
    };
    assert.deepEqual([one.state, one.subscriptionId], ["Enabled", sub]);
    const list = (await (await harness.arm(`/subscriptions?api-version=2022-12-01`)).json()) as {
      value: { subscriptionId: string }[];
    };
    assert.ok(list.value.some((s) => s.subscriptionId === sub));
  });

  it("manages resource groups explicitly", async () => {
    const rg = `/subscriptions/${sub}/resourcegroups/explicit?api-version=2021-04-01`;
    assert.equal((await harness.arm(rg, { method: "HEAD" })).status, 404);
    assert.equal((await harness.arm(rg, { method: "PUT", body: { location: "westus" } })).status, 201);
    assert.equal(
      (await harness.arm(rg, { method: "PUT", body: { location: "westus", tags: { a: "b" } } })).status,
      200,
    );
    const moved = await harness.arm(rg, { method: "PUT", body: { location: "eastus" } });
    assert.equal((await errorOf(moved)).code, "InvalidResourceGroupLocation");
    assert.equal((await harness.arm(rg, { method: "HEAD" })).status, 204);
    const busy = await harness.arm(`/subscriptions/${sub}/resourcegroups/demo-rg?api-version=2021-04-01`, {
      method: "DELETE",
    });
    assert.equal((await errorOf(busy)).code, "ResourceGroupNotEmpty");
    assert.equal((await harness.arm(rg, { method: "DELETE" })).status, 200);
    assert.equal((await harness.arm(rg)).status, 404);
  });
});
