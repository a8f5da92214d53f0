// One measured window of load against one server: start the load, warm up, sample the server's
// and the driver's CPU around a fixed window, stop, drain, and turn it all into a result row.
import type { BenchChild } from "../harness/benchChild.js";
import type { LatencySummary } from "../harness/latency.js";
import { cpus } from "node:os";
import { cpuShare, machineBusyCores, sampleMachine, sampleProcess } from "../harness/procStats.js";
import type { LoadRow } from "../harness/results.js";

export interface WindowStats {
  readonly seconds: number;
  readonly deliveries: number;
  readonly published: number;
  readonly events: number;
  readonly latency: LatencySummary;
  readonly driverCpuSeconds: number;
  readonly publisherBehind: number;
}

export interface StopStats {
  readonly sent: number;
  readonly expected: number;
  readonly delivered: number;
  readonly publishErrors: number;
  readonly firstPublishError: string;
  readonly closedByServer: number;
}

export interface Timing {
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly drainMs: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Measured {
  readonly window: WindowStats;
  readonly stop: StopStats;
  readonly serverCpu: number;
  readonly driverCpu: number;
  /** CPU of other processes in the path, by pid. */
  readonly otherCpu: Map<number, number>;
  /** Cores busy with anything outside the measured processes (other work on a shared box). */
  readonly foreignCpu: number;
}

export async function measureWindow(
  serverPid: number,
  driver: BenchChild,
  timing: Timing,
  recipientsPerMessage: number,
  start: () => Promise<unknown>,
  otherPids: readonly number[] = [],
): Promise<Measured> {
  await start();
  await sleep(timing.warmupMs);
  const pids = [serverPid, driver.pid, ...otherPids];
  const before = pids.map(sampleProcess);
  const machineBefore = sampleMachine();
  const harnessBefore = process.cpuUsage();
  await driver.request("windowStart");
  await sleep(timing.windowMs);
  const window = await driver.request<WindowStats>("windowEnd");
  const after = pids.map(sampleProcess);
  const machineAfter = sampleMachine();
  const harness = process.cpuUsage(harnessBefore);
  const stop = await driver.request<StopStats>("stop", { recipientsPerMessage, drainMs: timing.drainMs });
  const share = (i: number) => cpuShare(before[i]!, after[i]!);
  const measuredCores =
    pids.reduce((sum, _, i) => sum + share(i), 0) + (harness.user + harness.system) / 1e6 / window.seconds;
  return {
    foreignCpu: Math.max(0, machineBusyCores(machineBefore, machineAfter, cpus().length) - measuredCores),
    window,
    stop,
    serverCpu: share(0),
    driverCpu: share(1),
    otherCpu: new Map(otherPids.map((pid, i) => [pid, share(i + 2)])),
  };
}

export function loadRow(
  measured: Measured,
  fields: Pick<LoadRow, "server" | "connections" | "kind" | "unit" | "payloadBytes">,
): LoadRow {
  const { window, stop } = measured;
  const delivered = window.deliveries / window.seconds;
  const problems: string[] = [];
  if (stop.publishErrors > 0)
    problems.push(`${stop.publishErrors} publish errors (${stop.firstPublishError})`);
  if (stop.closedByServer > 0) problems.push(`${stop.closedByServer} connections closed by the server`);
  if (window.publisherBehind > 0)
    problems.push(`publisher fell behind the rate ${window.publisherBehind} times`);
  return {
    ...fields,
    inPerSecond: window.published / window.seconds,
    deliveredPerSecond: delivered,
    serverCpu: measured.serverCpu,
    deliveriesPerCpuSecond: measured.serverCpu > 0 ? delivered / measured.serverCpu : 0,
    latencyMs: window.latency,
    driverCpu: measured.driverCpu,
    foreignCpu: measured.foreignCpu,
    lossRatio: stop.expected > 0 ? Math.max(0, 1 - stop.delivered / stop.expected) : 0,
    errors: problems.length > 0 ? problems.join("; ") : null,
  };
}
