// The upstream path: a client's user event goes through wpslink to the hub's event handler, the
// upstream echoes it, and wpslink sends the answer back to the client. Measured over (a) a direct
// upstream URL, the minimal Node proxy in front of the same upstream (the proxy limit), (b) the
// site front end on the public path, and (c) the private path of an approved shared private
// endpoint. One wpslink process serves every path, one hub per path.
import { join } from "node:path";
import { startBenchChild, type BenchChild } from "../harness/benchChild.js";
import { summariseProfiles } from "../harness/cpuProfile.js";
import { repositoryRoot } from "../../test/support/wpslinkProcess.js";
import type { BenchResults } from "../harness/results.js";
import { startWpslink, type RunningWpslinkTarget } from "../targets/servers.js";
import { measureWindow } from "./measure.js";

export interface UpstreamSettings {
  readonly clients: readonly number[];
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly bodyBytes: number;
  /** When set, wpslink runs under `--cpu-prof` with its profile written below this folder. */
  readonly profileDir: string | null;
  readonly log: (line: string) => void;
}

const siteName = "bench-echo";

interface PathSpec {
  readonly path: "direct" | "proxy" | "sitefront" | "private";
  readonly description: string;
  readonly hub: string;
  /** pid of a proxy process in the path, if any. */
  readonly proxyPid: number | null;
}

function handler(urlTemplate: string) {
  return { eventHandlers: [{ urlTemplate, userEventPattern: "*", systemEvents: [] }] };
}

/** The wpslink under test for the upstream paths, and how to reach its resource. */
export interface UpstreamTarget {
  readonly label: string;
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  clientPath(hub: string): Promise<string>;
  readonly resource: { subscriptionId: string; resourceGroup: string; name: string };
  readonly managementUrl: string | null;
  readonly caCertPath: string;
  stop(): Promise<void>;
}

async function processTarget(
  hubs: Record<string, string>,
  profileDir: string | null,
): Promise<UpstreamTarget> {
  const wpslink: RunningWpslinkTarget = await startWpslink({
    hubs: Object.fromEntries(Object.entries(hubs).map(([hub, url]) => [hub, handler(url)])),
    startArgs: ["--propagation-delay", "0"],
    ...(profileDir ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, "upstream")}`] } : {}),
  });
  const [, , subscriptionId, , resourceGroup, , , , name] =
    wpslink.summary.defaultResource.resourceId.split("/");
  return {
    label: "the `wpslink start` process",
    pid: wpslink.pid,
    host: wpslink.connect.host,
    port: wpslink.connect.port,
    hostHeader: wpslink.connect.hostHeader,
    clientPath: (hub) => wpslink.clientPath(hub),
    resource: { subscriptionId: subscriptionId ?? "", resourceGroup: resourceGroup ?? "", name: name ?? "" },
    managementUrl:
      wpslink.summary.managementUrl && wpslink.summary.siteHttpUrl ? wpslink.summary.managementUrl : null,
    caCertPath: wpslink.summary.caCertPath,
    stop: () => wpslink.stop(),
  };
}

async function measurePath(
  spec: PathSpec,
  wpslink: UpstreamTarget,
  upstream: BenchChild,
  settings: UpstreamSettings,
  results: BenchResults,
): Promise<void> {
  const driver = await startBenchChild("load/loadDriver.ts");
  try {
    const most = Math.max(...settings.clients);
    await driver.request(
      "connect",
      {
        protocol: "wpslink",
        host: wpslink.host,
        port: wpslink.port,
        hostHeader: wpslink.hostHeader,
        path: await wpslink.clientPath(spec.hub),
        count: most,
        groups: "none",
        groupSize: 10,
        probeEvery: 1,
        sourceAddresses: ["127.0.0.1"],
        concurrency: 50,
      },
      60_000,
    );
    for (const clients of settings.clients) {
      const before = await upstream.request<{ events: number; forwardedFor: Record<string, number> }>(
        "stats",
      );
      const others = spec.proxyPid === null ? [upstream.pid] : [upstream.pid, spec.proxyPid];
      const measured = await measureWindow(
        wpslink.pid,
        driver,
        { warmupMs: settings.warmupMs, windowMs: settings.windowMs, drainMs: 2000 },
        0,
        () => driver.request("startEvents", { clients, bodyBytes: settings.bodyBytes }),
        others,
      );
      const after = await upstream.request<{ events: number; forwardedFor: Record<string, number> }>("stats");
      const forwardedFor: Record<string, number> = {};
      for (const [via, count] of Object.entries(after.forwardedFor)) {
        const delta = count - (before.forwardedFor[via] ?? 0);
        if (delta > 0) forwardedFor[via] = delta;
      }
      const eventsPerSecond = measured.window.events / measured.window.seconds;
      const row = {
        path: spec.path,
        description: spec.description,
        clients,
        eventsPerSecond,
        latencyMs: measured.window.latency,
        wpslinkCpu: measured.serverCpu,
        proxyCpu: spec.proxyPid === null ? null : (measured.otherCpu.get(spec.proxyPid) ?? 0),
        upstreamCpu: measured.otherCpu.get(upstream.pid) ?? 0,
        driverCpu: measured.driverCpu,
        foreignCpu: measured.foreignCpu,
        forwardedFor,
        errors: measured.window.events === 0 ? "no event completed its round trip" : null,
      };
      results.upstream.push(row);
      settings.log(
        `upstream ${spec.description}, ${clients} clients: ${Math.round(eventsPerSecond)} events/s, ` +
          `p50 ${row.latencyMs.p50.toFixed(2)} ms, p99 ${row.latencyMs.p99.toFixed(2)} ms, wpslink ${(row.wpslinkCpu * 100).toFixed(0)} %` +
          (row.proxyCpu === null ? "" : `, proxy ${(row.proxyCpu * 100).toFixed(0)} %`) +
          `, via ${Object.keys(forwardedFor).join(" ")}`,
      );
    }
    await driver.request("closeAll");
  } finally {
    await driver.stop();
  }
}

export async function runUpstream(settings: UpstreamSettings, results: BenchResults): Promise<void> {
  const upstream = await startBenchChild("peers/echoUpstream.ts");
  const upstreamUrl = `http://127.0.0.1:${String(upstream.info.port)}`;
  const proxy = await startBenchChild("peers/minimalProxy.ts", { env: { UPSTREAM_URL: upstreamUrl } });
  const proxyUrl = `http://127.0.0.1:${String(proxy.info.port)}`;
  const hubs = {
    direct: `${upstreamUrl}/api/{event}`,
    proxy: `${proxyUrl}/api/{event}`,
    site: `http://${siteName}.azurewebsites.net/api/{event}`,
  };
  let target: UpstreamTarget | null = null;
  let arm: BenchChild | null = null;
  try {
    target = await processTarget(hubs, settings.profileDir);
    if (!target.managementUrl) {
      throw new Error(
        "wpslink start did not report its management URL and site front end; the upstream paths need both",
      );
    }
    const paths: PathSpec[] = [
      { path: "direct", description: "(a) direct upstream URL", hub: "direct", proxyPid: null },
      { path: "proxy", description: "minimal Node proxy (limit)", hub: "proxy", proxyPid: proxy.pid },
    ];
    for (const spec of paths) await measurePath(spec, target, upstream, settings, results);

    arm = await startBenchChild("targets/armSetup.ts", { env: { NODE_EXTRA_CA_CERTS: target.caCertPath } });
    const siteArgs = {
      managementUrl: target.managementUrl ?? "",
      subscriptionId: target.resource.subscriptionId,
      resourceGroup: target.resource.resourceGroup,
      site: siteName,
      backendUrl: upstreamUrl,
    };
    await arm.request("createSite", siteArgs, 60_000);
    await measurePath(
      { path: "sitefront", description: "(b) site front end, public path", hub: "site", proxyPid: null },
      target,
      upstream,
      settings,
      results,
    );
    await arm.request(
      "approvePrivateEndpoint",
      { ...siteArgs, webPubSubName: target.resource.name, timeoutMs: 30_000 },
      60_000,
    );
    // Pooled keep-alive connections were dialled on the public path; the dispatcher drains them
    // when routes change, and a short pause lets that settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await measurePath(
      {
        path: "private",
        description: "(c) private path (approved shared private endpoint)",
        hub: "site",
        proxyPid: null,
      },
      target,
      upstream,
      settings,
      results,
    );
  } catch (error) {
    results.unavailable.push(`upstream path failed: ${(error as Error).message.split("\n")[0]}`);
    settings.log(`upstream path failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await arm?.stop();
    await target?.stop();
    await proxy.stop();
    await upstream.stop();
  }
  if (settings.profileDir) {
    results.profiles.push({
      scenario: "wpslink, upstream paths (whole process lifetime)",
      topFunctions: summariseProfiles(join(settings.profileDir, "upstream"), repositoryRoot),
    });
  }
}
