// CPU time and resident memory of any process on this machine, read from /proc, so the harness
// can measure the server under test (a separate process) without its cooperation.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

export interface ProcessSample {
  /** User + system CPU time the process has used since it started, in seconds. */
  readonly cpuSeconds: number;
  /** Resident set size in bytes (VmRSS). */
  readonly rssBytes: number;
  /** Wall clock of the sample (performance.now(), ms). */
  readonly atMs: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces and parentheses; fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return { cpuSeconds: (utime + stime) / clockTicks(), rssBytes: rssKb * 1024, atMs: performance.now() };
}

/** CPU use between two samples as a fraction of one core (1.0 = one core fully busy). */
export function cpuShare(from: ProcessSample, to: ProcessSample): number {
  const wallSeconds = (to.atMs - from.atMs) / 1000;
  return wallSeconds > 0 ? (to.cpuSeconds - from.cpuSeconds) / wallSeconds : 0;
}

export interface MachineSample {
  readonly busyTicks: number;
  readonly totalTicks: number;
}

/** Whole-machine CPU counters from /proc/stat, to show how busy the box was besides the benchmark. */
export function sampleMachine(): MachineSample {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busyTicks: total - idle, totalTicks: total };
}

/** Busy share of all CPUs between two samples, in cores (2.0 = both cores of a 2-core box busy). */
export function machineBusyCores(from: MachineSample, to: MachineSample, cpuCount: number): number {
  const total = to.totalTicks - from.totalTicks;
  return total > 0 ? ((to.busyTicks - from.busyTicks) / total) * cpuCount : 0;
}
