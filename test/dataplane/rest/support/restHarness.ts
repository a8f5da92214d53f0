// Test harness for the REST handler: a small in-memory `HubOperations` that records every call
// (with what a filter selected), and the handler served over real HTTP and HTTPS listeners on
// loopback with a certificate from the test CA.
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { AccessKeyRing } from "../../../../src/dataplane/domain/accessKeys.js";
import type {
  CloseOptions,
  ConnectionPredicate,
  ConnectionView,
  HubOperations,
  SendOptions,
} from "../../../../src/dataplane/domain/hubOperations.js";
import type { DataMessage, Permission } from "../../../../src/dataplane/domain/messages.js";
import { createRestHandler } from "../../../../src/dataplane/rest/restHandler.js";
import { loadOrCreateLocalCa } from "../../../../src/pki/localCa.js";
import { TraceBus } from "../../../../src/trace/traceBus.js";

export const primaryKey = "PRIMARYKEYPRIMARYKEYPRIMARYKEYPRIMARYKEY0123";
export const secondaryKey = "SECONDARYKEYSECONDARYKEYSECONDARYKEYSECOND9";

export interface RecordedCall {
  readonly hub: string;
  readonly op: string;
  readonly args: readonly unknown[];
  /** For sends and bulk calls with a filter: the connection ids it selected. */
  readonly selected?: readonly string[];
  readonly message?: { dataType: string; text: string; metadata?: Readonly<Record<string, string>> };
}

interface FakeConnection {
  connectionId: string;
  userId: string | null;
  groups: Set<string>;
  permissions: Set<string>;
}

export class RecordingHubs {
  readonly calls: RecordedCall[] = [];
  readonly connections = new Map<string, FakeConnection>();

  addConnection(connectionId: string, userId: string | null, groups: string[] = []): void {
    this.connections.set(connectionId, {
      connectionId,
      userId,
      groups: new Set(groups),
      permissions: new Set(),
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.connections.clear();
  }

  last(): RecordedCall {
    const call = this.calls[this.calls.length - 1];
    if (!call) throw new Error("no call was recorded");
    return call;
  }

  private views(): ConnectionView[] {
    return [...this.connections.values()].map((c) => ({
      connectionId: c.connectionId,
      userId: c.userId,
      groups: c.groups,
      protocol: null,
    }));
  }

  private select(filter: ConnectionPredicate | undefined): string[] {
    return this.views()
      .filter((c) => !filter || filter(c))
      .map((c) => c.connectionId);
  }

  hub(hub: string): HubOperations {
    const record = (op: string, args: unknown[], extra: Partial<RecordedCall> = {}) =>
      this.calls.push({ hub, op, args, ...extra });
    const send = (op: string, target: string | null, message: DataMessage, options?: SendOptions) =>
      record(op, target === null ? [stripFilter(options)] : [target, stripFilter(options)], {
        selected: this.select(options?.filter),
        message: {
          dataType: message.payload.dataType,
          text:
            message.payload.dataType === "binary"
              ? message.payload.data.toString("base64")
              : message.payload.data.toString("utf8"),
          ...(message.metadata ? { metadata: message.metadata } : {}),
        },
      });
    const connections = this.connections;
    const key = (permission: Permission, target?: string) => `${permission}:${target ?? "*"}`;
    return {
      hub,
      sendToAll: async (message, options) => void send("sendToAll", null, message, options),
      sendToGroup: async (group, message, options) => void send("sendToGroup", group, message, options),
      sendToUser: async (userId, message, options) => void send("sendToUser", userId, message, options),
      sendToConnection: async (id, message, options) => void send("sendToConnection", id, message, options),
      connectionExists: async (id) => (record("connectionExists", [id]), connections.has(id)),
      groupExists: async (group) => (
        record("groupExists", [group]),
        [...connections.values()].some((c) => c.groups.has(group))
      ),
      userExists: async (userId) => (
        record("userExists", [userId]),
        [...connections.values()].some((c) => c.userId === userId)
      ),
      closeConnection: async (id, reason) => void record("closeConnection", [id, reason]),
      closeAllConnections: async (options?: CloseOptions) => void record("closeAllConnections", [options]),
      closeGroupConnections: async (group, options) => void record("closeGroupConnections", [group, options]),
      closeUserConnections: async (userId, options) => void record("closeUserConnections", [userId, options]),
      addConnectionToGroup: async (id, group) => {
        record("addConnectionToGroup", [id, group]);
        const connection = connections.get(id);
        connection?.groups.add(group);
        return connection !== undefined;
      },
      removeConnectionFromGroup: async (id, group) => {
        record("removeConnectionFromGroup", [id, group]);
        connections.get(id)?.groups.delete(group);
      },
      removeConnectionFromAllGroups: async (id) => {
        record("removeConnectionFromAllGroups", [id]);
        connections.get(id)?.groups.clear();
      },
      addUserToGroup: async (userId, group) => {
        record("addUserToGroup", [userId, group]);
        const mine = [...connections.values()].filter((c) => c.userId === userId);
        mine.forEach((c) => c.groups.add(group));
        return mine.length > 0;
      },
      removeUserFromGroup: async (userId, group) => void record("removeUserFromGroup", [userId, group]),
      removeUserFromAllGroups: async (userId) => void record("removeUserFromAllGroups", [userId]),
      addConnectionsToGroups: async (groups, filter) =>
        void record("addConnectionsToGroups", [groups], { selected: this.select(filter) }),
      removeConnectionsFromGroups: async (groups, filter) =>
        void record("removeConnectionsFromGroups", [groups], { selected: this.select(filter) }),
      grantPermission: async (id, permission, target) => {
        record("grantPermission", [id, permission, target]);
        connections.get(id)?.permissions.add(key(permission, target));
        return connections.has(id);
      },
      revokePermission: async (id, permission, target) => {
        record("revokePermission", [id, permission, target]);
        connections.get(id)?.permissions.delete(key(permission, target));
      },
      hasPermission: async (id, permission, target) => {
        record("hasPermission", [id, permission, target]);
        return connections.get(id)?.permissions.has(key(permission, target)) ?? false;
      },
      listGroupConnections: async (group) => {
        record("listGroupConnections", [group]);
        return this.views()
          .filter((c) => c.groups.has(group))
          .sort((a, b) => a.connectionId.localeCompare(b.connectionId));
      },
    };
  }
}

function stripFilter(
  options: SendOptions | undefined,
): Omit<SendOptions, "filter"> & { filter?: "compiled" } {
  if (!options) return {};
  const { filter, ...rest } = options;
  return filter ? { ...rest, filter: "compiled" } : rest;
}

export interface RestHarness {
  readonly hubs: RecordingHubs;
  readonly trace: TraceBus;
  readonly keys: AccessKeyRing;
  readonly httpUrl: string;
  readonly httpsUrl: string;
  readonly caPem: string;
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function startRestHarness(
  options: { skipApiVersionCheck?: boolean } = {},
): Promise<RestHarness> {
  const hubs = new RecordingHubs();
  const trace = new TraceBus();
  const keys = new AccessKeyRing({ primary: primaryKey, secondary: secondaryKey });
  const handler = createRestHandler({
    hubs: (hub) => {
      if (hub === "brokenHub") throw new Error("hub store unavailable");
      return hubs.hub(hub);
    },
    keys,
    trace,
    resourceName: "test-webpubsub",
    skipApiVersionCheck: options.skipApiVersionCheck ?? false,
  });
  const ca = loadOrCreateLocalCa(process.env.WPSLINK_TEST_CA_DIR ?? null);
  const certificate = ca.issue(["localhost", "127.0.0.1"]);
  const plain = http.createServer(handler);
  const secure = https.createServer({ key: certificate.key, cert: certificate.cert }, handler);
  const [httpPort, httpsPort] = [await listen(plain), await listen(secure)];
  return {
    hubs,
    trace,
    keys,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://localhost:${httpsPort}`,
    caPem: ca.certPem,
    async close() {
      for (const server of [plain, secure]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** Signs a REST token the way the SDK does (HS256, `aud` = the URL, 1 h), with overrides. */
export async function restToken(
  url: string,
  options: { key?: string; audience?: string; expiresInSeconds?: number; algorithm?: "HS256" | "HS384" } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: options.algorithm ?? "HS256", typ: "JWT" })
    .setAudience(options.audience ?? url)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign(Buffer.from(options.key ?? primaryKey, "utf8"));
}

/** A raw call with a correct token unless `token` says otherwise (null = no header). */
export async function rawCall(
  method: string,
  url: string,
  init: {
    body?: string | Buffer;
    contentType?: string;
    token?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  // Sign the URL as fetch will send it (WHATWG URL normalisation), as the SDK does.
  const token = init.token === undefined ? await restToken(new URL(url).href) : init.token;
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (init.contentType) headers["content-type"] = init.contentType;
  const response = await fetch(url, {
    method,
    headers,
    ...(init.body !== undefined
      ? { body: typeof init.body === "string" ? init.body : new Uint8Array(init.body) }
      : {}),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Checks a refusal: status, the service's error shape {code, message, target?} and x-ms-error-code. */
export function assertError(
  result: { status: number; body: string; headers: Headers },
  status: number,
  code: string,
  message: RegExp,
  target?: string,
): void {
  assert.equal(result.status, status, result.body);
  assert.equal(result.headers.get("x-ms-error-code"), code);
  assert.match(result.headers.get("content-type") ?? "", /^application\/json/);
  if (result.body === "") {
    // HEAD answers carry no body; the header names the error.
    assert.equal(target, undefined, "a HEAD answer has no body to hold a target");
    return;
  }
  const body = JSON.parse(result.body) as { code: string; message: string; target?: string };
  assert.equal(body.code, code);
  assert.match(body.message, message);
  if (target !== undefined) assert.equal(body.target, target);
}
