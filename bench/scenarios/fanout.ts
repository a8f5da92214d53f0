// Fan-out, small groups and idle memory, for every server under test at every connection count.
// One connection set serves all three: each client joins the big group `bench` and its own group
// of ten, so connecting 10,000 clients happens once per server and count.
import { join } from "node:path";
import { startBenchChild } from "../harness/benchChild.js";
import { summariseProfiles } from "../harness/cpuProfile.js";
import { assertCanOpen, sourceAddressesFor } from "../harness/environment.js";
import { sampleProcess } from "../harness/procStats.js";
import type { BenchResults, LoadRow } from "../harness/results.js";
import type { ConnectArgs } from "../load/loadDriver.js";
import { serverLabels, startServer, type ServerName, type ServerUnderTest } from "../targets/servers.js";
import { loadRow, measureWindow, sleep, type Timing } from "./measure.js";
import { repositoryRoot } from "../../test/support/wpslinkProcess.js";

export interface FixedRate {
  readonly connections: number;
  readonly perSecond: number;
  /** The Azure Standard unit load this equals (performance.md §1.2). */
  readonly unit: string;
}

export interface FanoutSettings {
  readonly servers: readonly ServerName[];
  readonly connectionCounts: readonly number[];
  readonly timing: Timing;
  readonly rateTiming: Timing;
  readonly settleMs: number;
  readonly probeEvery: number;
  readonly smallPayloadBytes: number;
  readonly azurePayloadBytes: number;
  /** Closed loop: messages not yet seen by every probe, and HTTP requests in flight. */
  readonly saturated: { readonly window: number; readonly inFlight: number };
  /** Closed loop with a deep window, so messages queue up for sockets. */
  readonly queued: { readonly window: number; readonly inFlight: number };
  readonly broadcastRates: readonly FixedRate[];
  readonly smallGroupRates: readonly FixedRate[];
  readonly groupSize: number;
  /** Saturated and queued windows per case; the median run is reported. */
  readonly repeats: number;
  /** When set, wpslink runs under `--cpu-prof` with its profiles written below this folder. */
  readonly profileDir: string | null;
  readonly log: (line: string) => void;
}

interface Connected {
  readonly connected: number;
  readonly probes: number;
  readonly ms: number;
}

async function runOne(
  name: ServerName,
  connections: number,
  settings: FanoutSettings,
  results: BenchResults,
): Promise<void> {
  const label = serverLabels[name];
  const profileDir =
    settings.profileDir && name === "wpslink" ? join(settings.profileDir, `fanout-${connections}`) : null;
  const server: ServerUnderTest = await startServer(
    name,
    profileDir ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {},
  );
  const driver = await startBenchChild("load/loadDriver.ts");
  try {
    await sleep(300);
    const idleBefore = sampleProcess(server.pid);
    const args: ConnectArgs = {
      ...server.connect,
      count: connections,
      groups: "both",
      groupSize: settings.groupSize,
      probeEvery: settings.probeEvery,
      sourceAddresses: sourceAddressesFor(connections),
      concurrency: 200,
    };
    const connected = await driver.request<Connected>("connect", args, 180_000);
    await sleep(settings.settleMs);
    const idleAfter = sampleProcess(server.pid);
    results.memory.push({
      server: label,
      connections,
      rssBeforeMiB: idleBefore.rssBytes / 2 ** 20,
      rssAfterMiB: idleAfter.rssBytes / 2 ** 20,
      bytesPerConnection: (idleAfter.rssBytes - idleBefore.rssBytes) / connections,
      connectSeconds: connected.ms / 1000,
    });
    settings.log(
      `${label} ${connections}: connected in ${(connected.ms / 1000).toFixed(1)} s, ` +
        `${((idleAfter.rssBytes - idleBefore.rssBytes) / connections / 1024).toFixed(1)} KB RSS per connection`,
    );

    const bench = await server.publishTo("bench");
    for (const [kind, loop] of [
      ["saturated", settings.saturated],
      ["queued", settings.queued],
    ] as const) {
      // Saturated windows are the noisiest (a shared box can starve any process for a while), so
      // each is measured `repeats` times and the run with the median delivery rate is kept.
      const runs = [];
      for (let repeat = 0; repeat < settings.repeats; repeat++) {
        const measured = await measureWindow(server.pid, driver, settings.timing, connections, () =>
          driver.request("startPublishing", {
            mode: "closed",
            ...bench,
            bodyBytes: settings.smallPayloadBytes,
            window: loop.window,
            maxInFlight: loop.inFlight,
            rate: 0,
          }),
        );
        runs.push(
          loadRow(measured, {
            server: label,
            connections,
            kind,
            unit: null,
            payloadBytes: settings.smallPayloadBytes,
          }),
        );
      }
      runs.sort((a, b) => a.deliveredPerSecond - b.deliveredPerSecond);
      const row = runs[Math.floor(runs.length / 2)] as LoadRow;
      results.fanout.push(row);
      settings.log(
        `${label} ${connections} ${kind}: ${Math.round(row.deliveredPerSecond)} deliveries/s, ` +
          `server ${(row.serverCpu * 100).toFixed(0)} %, driver ${(row.driverCpu * 100).toFixed(0)} %` +
          (row.errors ? ` (${row.errors})` : ""),
      );
    }

    for (const rate of settings.broadcastRates.filter((r) => r.connections === connections)) {
      const measured = await measureWindow(server.pid, driver, settings.rateTiming, connections, () =>
        driver.request("startPublishing", {
          mode: "rate",
          ...bench,
          bodyBytes: settings.azurePayloadBytes,
          window: 0,
          maxInFlight: 8,
          rate: rate.perSecond,
        }),
      );
      const row = loadRow(measured, {
        server: label,
        connections,
        kind: "rate",
        unit: rate.unit,
        payloadBytes: settings.azurePayloadBytes,
      });
      results.fanout.push(row);
      settings.log(
        `${label} ${connections} ${rate.perSecond}/s (${rate.unit}): p50 ${row.latencyMs.p50.toFixed(1)} ms, ` +
          `p99 ${row.latencyMs.p99.toFixed(1)} ms, server ${(row.serverCpu * 100).toFixed(0)} %`,
      );
    }

    for (const rate of settings.smallGroupRates.filter((r) => r.connections === connections)) {
      const measured = await measureWindow(server.pid, driver, settings.rateTiming, settings.groupSize, () =>
        driver.request("startGroupSends", { rate: rate.perSecond, bodyBytes: settings.azurePayloadBytes }),
      );
      const row = loadRow(measured, {
        server: label,
        connections,
        kind: "rate",
        unit: rate.unit,
        payloadBytes: settings.azurePayloadBytes,
      });
      results.smallGroups.push(row);
      settings.log(
        `${label} ${connections} small groups ${rate.perSecond} in/s: ${Math.round(row.deliveredPerSecond)} out/s, ` +
          `p99 ${row.latencyMs.p99.toFixed(1)} ms, server ${(row.serverCpu * 100).toFixed(0)} %`,
      );
    }
    await driver.request("closeAll");
  } catch (error) {
    const stderr = server.stderr().trim();
    throw new Error(`${(error as Error).message}${stderr ? `; server stderr: ${stderr}` : ""}`);
  } finally {
    await driver.stop();
    await server.stop();
  }
  if (profileDir) {
    results.profiles.push({
      scenario: `wpslink, fan-out and small groups at ${connections} connections (whole process lifetime)`,
      topFunctions: summariseProfiles(profileDir, repositoryRoot),
    });
    settings.log(`profile of wpslink at ${connections} connections in ${profileDir}`);
  }
}

export async function runFanout(settings: FanoutSettings, results: BenchResults): Promise<void> {
  for (const connections of settings.connectionCounts) {
    assertCanOpen(connections);
    for (const name of settings.servers) {
      try {
        await runOne(name, connections, settings, results);
      } catch (error) {
        const reason = `fan-out with ${serverLabels[name]} at ${connections} connections failed: ${(error as Error).message}`;
        results.unavailable.push(reason);
        settings.log(reason);
      }
    }
  }
}
