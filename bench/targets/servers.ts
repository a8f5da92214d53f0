// The servers under test, each in its own process: wpslink (the real `wpslink start` process),
// the bare `ws` frame-once limit, and socket.io 4. Each one says how load clients reach it and how
// the publisher posts a message to a group.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchChild } from "../harness/benchChild.js";
import { clientToken, restToken } from "../harness/tokens.js";
import type { ProtocolName } from "../load/protocols.js";
import { startWpslinkProcess } from "../../test/support/wpslinkProcess.js";
import type { StartSummary } from "../../src/composition/startSummary.js";

export type ServerName = "wpslink" | "ws" | "socketio";

export const serverLabels: Record<ServerName, string> = {
  wpslink: "wpslink",
  ws: "bare ws (frame once)",
  socketio: "socket.io 4",
};

export interface ConnectTarget {
  readonly protocol: ProtocolName;
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  readonly path: string;
}

export interface PublishTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly expectStatus: number;
}

export interface ServerUnderTest {
  readonly name: ServerName;
  readonly pid: number;
  readonly connect: ConnectTarget;
  publishTo(group: string): Promise<PublishTarget>;
  /** The end of what the server wrote to stderr, for failure reports. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface WpslinkOptions {
  /** Hubs of the default resource, as in the config file's `defaultResource.hubs`. */
  readonly hubs?: Record<string, unknown>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Extra `wpslink start` flags. */
  readonly startArgs?: readonly string[];
  readonly hub?: string;
}

export interface RunningWpslinkTarget extends ServerUnderTest {
  readonly summary: StartSummary;
  /** Path and query of a client connection to `hub` (token with group roles). */
  clientPath(hub: string): Promise<string>;
}

const clientRoles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"];

export async function startWpslink(options: WpslinkOptions = {}): Promise<RunningWpslinkTarget> {
  const configDir = mkdtempSync(join(tmpdir(), "wpslink-bench-"));
  const configFile = join(configDir, "config.json");
  writeFileSync(configFile, JSON.stringify({ defaultResource: { hubs: options.hubs ?? {} } }));
  const flags = ["--in-memory", "--log-level", "warn", "--config", configFile, ...(options.startArgs ?? [])];
  const running = await startWpslinkProcess(flags, {
    commandArgs: [...(options.nodeArgs ?? []), "bin/wpslink.js", "start"],
    // Measure the sources as they are, never a stale build in dist/.
    env: { WPSLINK_FROM_SOURCE: "1" },
  }).catch((error: unknown) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  const resource = running.summary.defaultResource;
  const httpUrl = new URL(resource.httpUrl);
  const hub = options.hub ?? "bench";
  const key = resource.primaryKey;
  const clientPath = async (hubName: string) =>
    `/client/hubs/${hubName}?access_token=${await clientToken(key, `http://${httpUrl.host}/client/hubs/${hubName}`, { roles: clientRoles })}`;
  return {
    name: "wpslink",
    pid: running.child.pid ?? -1,
    summary: running.summary,
    clientPath,
    connect: {
      protocol: "wpslink",
      host: running.summary.host,
      port: resource.httpPort,
      hostHeader: httpUrl.host,
      path: await clientPath(hub),
    },
    async publishTo(group) {
      const path = `/api/hubs/${hub}/groups/${group}/:send?api-version=2024-12-01`;
      const url = `http://${httpUrl.host}${path}`;
      return {
        url: `http://${running.summary.host}:${resource.httpPort}${path}`,
        headers: {
          host: httpUrl.host,
          authorization: `Bearer ${await restToken(key, url)}`,
          "content-type": "text/plain",
        },
        expectStatus: 202,
      };
    },
    stderr: () => running.stderr().slice(-2000),
    async stop() {
      await running.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

async function startPeer(name: "ws" | "socketio"): Promise<ServerUnderTest> {
  const child = await startBenchChild(name === "ws" ? "peers/bareWsServer.ts" : "peers/socketIoServer.ts");
  const port = Number(child.info.port);
  return {
    name,
    pid: child.pid,
    connect: {
      protocol: name,
      host: "127.0.0.1",
      port,
      hostHeader: `127.0.0.1:${port}`,
      path: name === "ws" ? "/client" : "/socket.io/?EIO=4&transport=websocket",
    },
    publishTo: async (group) => ({
      url: `http://127.0.0.1:${port}/api/groups/${group}`,
      headers: { "content-type": "text/plain" },
      expectStatus: 202,
    }),
    stderr: () => child.stderr().slice(-2000),
    stop: () => child.stop(),
  };
}

export function startServer(name: ServerName, options: WpslinkOptions = {}): Promise<ServerUnderTest> {
  return name === "wpslink" ? startWpslink(options) : startPeer(name);
}
