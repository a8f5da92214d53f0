// The shape of one benchmark run's results (written as JSON next to the report), shared by the
// scenarios that fill it and the report and charts that read it.
import type { LatencySummary } from "./latency.js";
import type { MachineInfo } from "./environment.js";

export interface LoadRow {
  readonly server: string;
  readonly connections: number;
  /** "saturated", "queued", or "rate" (fixed rate, see `unit`). */
  readonly kind: "saturated" | "queued" | "rate";
  /** The Azure Standard load this rate equals, e.g. "Unit 1". */
  readonly unit: string | null;
  readonly payloadBytes: number;
  /** Messages published (fan-out) or sent by clients (small groups) per second. */
  readonly inPerSecond: number;
  readonly deliveredPerSecond: number;
  /** Server CPU as a fraction of one core. */
  readonly serverCpu: number;
  readonly deliveriesPerCpuSecond: number;
  readonly latencyMs: LatencySummary;
  /** Load driver (clients + publisher) CPU as a fraction of one core. */
  readonly driverCpu: number;
  /** Cores busy with processes outside the benchmark during the window (a shared box). */
  readonly foreignCpu: number;
  /** Share of expected deliveries that never arrived (after a drain). */
  readonly lossRatio: number;
  readonly errors: string | null;
}

export interface MemoryRow {
  readonly server: string;
  readonly connections: number;
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  readonly bytesPerConnection: number;
  readonly connectSeconds: number;
}

export interface UpstreamRow {
  readonly path: string;
  readonly description: string;
  /** Concurrent clients, one event in flight each. */
  readonly clients: number;
  readonly eventsPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly wpslinkCpu: number;
  /** CPU of the proxy in the path (site front end runs inside wpslink, so null there). */
  readonly proxyCpu: number | null;
  readonly upstreamCpu: number;
  readonly driverCpu: number;
  readonly foreignCpu: number;
  /** X-Forwarded-For values the upstream saw, with counts: shows which path the events took. */
  readonly forwardedFor: Record<string, number>;
  readonly errors: string | null;
}

export interface StartupRow {
  readonly variant: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

export interface BenchResults {
  readonly mode: "quick" | "full";
  readonly machine: MachineInfo;
  readonly startedAt: string;
  durationSeconds: number;
  harnessCpuSeconds: number;
  readonly fanout: LoadRow[];
  readonly smallGroups: LoadRow[];
  readonly memory: MemoryRow[];
  readonly upstream: UpstreamRow[];
  readonly startup: StartupRow[];
  /** Facts a reader needs about how a scenario ran (which target served it, and why). */
  readonly notes: string[];
  /** Scenarios that could not run, each with the reason. */
  readonly unavailable: string[];
  /** Profiles taken during the run (wpslink under fan-out), summarised. */
  readonly profiles: { scenario: string; topFunctions: { name: string; selfPercent: number }[] }[];
}
