// A raw `ws` client speaking the protobuf subprotocols, with frames built and read by protobufjs
// reflection over the schema file (independent of the codec under test), plus a data-plane
// server harness and client-token minting as the service's SDK does it (HS256, key = access key).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import protobuf from "protobufjs";
import WebSocket from "ws";
import { AccessKeyRing } from "../../../../src/dataplane/domain/accessKeys.js";
import { defaultHubSettings } from "../../../../src/dataplane/domain/hubSettings.js";
import type { HubOperations } from "../../../../src/dataplane/domain/hubOperations.js";
import type { UpstreamEvents } from "../../../../src/dataplane/ports/upstreamEvents.js";
import { createRestHandler } from "../../../../src/dataplane/rest/restHandler.js";
import {
  createDataPlaneServer,
  type DataPlaneServer,
} from "../../../../src/dataplane/server/dataPlaneServer.js";
import type { Fanout } from "../../../../src/fanout/fanout.js";
import { TraceBus } from "../../../../src/trace/traceBus.js";

const schemaPath = fileURLToPath(
  new URL("../../../../src/dataplane/protocol/proto/webpubsub.v1.proto", import.meta.url),
);
const root = protobuf.loadSync(schemaPath);
export const UpstreamMessage = root.lookupType("azure.webpubsub.UpstreamMessage");
export const DownstreamMessage = root.lookupType("azure.webpubsub.DownstreamMessage");
export const AnyMessage = root.lookupType("google.protobuf.Any");

export const PROTOBUF = "protobuf.webpubsub.azure.v1";
export const PROTOBUF_RELIABLE = "protobuf.reliable.webpubsub.azure.v1";

/** A DownstreamMessage as a plain object: uint64 as strings, bytes as Buffers. */
export type Downstream = Record<string, unknown> & {
  ackMessage?: { ackId: string; success: boolean; error?: { name: string; message: string } };
  dataMessage?: {
    from: string;
    group?: string;
    sequenceId?: string;
    data: {
      textData?: string;
      binaryData?: Buffer;
      jsonData?: string;
      protobufData?: Record<string, unknown>;
    };
    metadata?: Record<string, string>;
  };
  systemMessage?: {
    connectedMessage?: { connectionId: string; userId: string; reconnectionToken?: string };
    disconnectedMessage?: { reason: string };
  };
  pongMessage?: object;
  invokeResponseMessage?: {
    invocationId: string;
    success: boolean;
    data?: { textData?: string; binaryData?: Buffer };
    error?: { name: string; message: string };
  };
};

export function encodeUpstream(message: Record<string, unknown>): Buffer {
  const typed = UpstreamMessage.fromObject(message);
  const problem = UpstreamMessage.verify(typed);
  assert.equal(problem, null, `test frame is invalid: ${problem}`);
  return Buffer.from(UpstreamMessage.encode(typed).finish());
}

export const accessKeys = {
  primary: "protobuf-e2e-primary-key-0123456789abcdef",
  secondary: "protobuf-e2e-secondary-key",
};

export async function clientToken(
  audience: string,
  claims: { sub?: string; role?: string[]; "webpubsub.group"?: string[] } = {},
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setAudience(audience)
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(accessKeys.primary));
}

export interface TestServer {
  readonly server: DataPlaneServer;
  readonly port: number;
  readonly endpoint: string;
  readonly hubs: (hub: string) => HubOperations;
  clientUrl(hub: string, token: string, extra?: string): string;
  audience(hub: string): string;
}

export async function startServer(options: {
  upstream: UpstreamEvents;
  fanout?: Fanout;
  /** Wraps the node's hub operations for the REST API (a clustered view). */
  restHubs?: (local: (hub: string) => HubOperations) => (hub: string) => HubOperations;
  resourceName?: string;
}): Promise<TestServer> {
  const keys = new AccessKeyRing(accessKeys);
  const trace = new TraceBus();
  const resourceName = options.resourceName ?? "protobuf-e2e";
  let hubs: (hub: string) => HubOperations = () => {
    throw new Error("server not started");
  };
  const server = createDataPlaneServer({
    resourceName,
    keys,
    hubSettings: { get: () => defaultHubSettings },
    upstream: options.upstream,
    trace,
    host: "127.0.0.1",
    httpPort: 0,
    publicHostname: "127.0.0.1",
    restHandler: createRestHandler({
      hubs: (hub) => hubs(hub),
      keys,
      trace,
      resourceName,
      skipApiVersionCheck: false,
    }),
    recoveryWindowMs: 10_000,
    ...(options.fanout ? { fanout: options.fanout } : {}),
  });
  const local = (hub: string): HubOperations => server.hubs(hub);
  hubs = options.restHubs ? options.restHubs(local) : local;
  const { httpPort } = await server.start();
  const endpoint = `http://127.0.0.1:${httpPort}`;
  return {
    server,
    port: httpPort,
    endpoint,
    hubs,
    audience: (hub) => `${endpoint}/client/hubs/${hub}`,
    clientUrl: (hub, token, extra = "") =>
      `ws://127.0.0.1:${httpPort}/client/hubs/${hub}?access_token=${encodeURIComponent(token)}${extra}`,
  };
}

/** A raw protobuf (or JSON, for cross-protocol checks) client that records every frame. */
export class RawClient {
  readonly frames: (Downstream | Record<string, unknown>)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.frames.push(
          DownstreamMessage.toObject(DownstreamMessage.decode(data), { longs: String, bytes: Buffer }),
        );
      } else {
        this.frames.push(JSON.parse(data.toString("utf8")) as Record<string, unknown>);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString("utf8") });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    socket.on("error", () => undefined);
  }

  static async connect(url: string, subprotocol: string): Promise<RawClient> {
    const socket = new WebSocket(url, subprotocol);
    const client = new RawClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    assert.equal(socket.protocol, subprotocol, "the server echoes the subprotocol");
    return client;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(encodeUpstream(message));
  }

  /** Waits (bounded) for the first frame after index `from` that matches; returns it and its index. */
  async next<T extends Record<string, unknown>>(
    match: (frame: T) => boolean,
    from = 0,
    timeoutMs = 3000,
  ): Promise<{ frame: T; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= from && match(frame as T));
      if (index >= 0) return { frame: this.frames[index] as T, index };
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async ack(ackId: number): Promise<NonNullable<Downstream["ackMessage"]>> {
    const { frame } = await this.next<Downstream>((f) => f.ackMessage?.ackId === String(ackId));
    return frame.ackMessage as NonNullable<Downstream["ackMessage"]>;
  }

  async connected(): Promise<NonNullable<NonNullable<Downstream["systemMessage"]>["connectedMessage"]>> {
    const { frame } = await this.next<Downstream>((f) => f.systemMessage?.connectedMessage !== undefined);
    return frame.systemMessage?.connectedMessage as NonNullable<
      NonNullable<Downstream["systemMessage"]>["connectedMessage"]
    >;
  }

  dataMessages(): NonNullable<Downstream["dataMessage"]>[] {
    return (this.frames as Downstream[]).flatMap((f) => (f.dataMessage ? [f.dataMessage] : []));
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000);
    }
  }
}
