// Facts about the machine a run happened on, and the checks that must pass before a scenario
// opens thousands of sockets: the open-file limit and enough ephemeral ports.
import { cpus, totalmem, release } from "node:os";
import { readFileSync } from "node:fs";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly openFileLimit: number;
}

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.replace("Max open files", "").trim().split(/\s+/)[0];
  return soft === "unlimited" ? Number.POSITIVE_INFINITY : Number(soft ?? "1024");
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpuModel: all[0]?.model.trim() ?? "unknown",
    cpuCount: all.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    openFileLimit: openFileLimit(),
  };
}

/**
 * Fails with the fix when one process cannot hold `connections` sockets: the server under test and
 * the load driver each hold one socket per connection, in separate processes.
 */
export function assertCanOpen(connections: number): void {
  const limit = openFileLimit();
  const needed = connections + 512;
  if (limit < needed) {
    throw new Error(
      `the open-file limit is ${limit}, but ${connections} connections need at least ${needed} per process; ` +
        `raise it first (for example \`ulimit -n ${Math.max(needed, 20000)}\` in the shell that runs \`npm run bench\`)`,
    );
  }
}

/**
 * Loopback source addresses for `connections` client sockets to one server port: one address
 * while the ephemeral port range has room to spare, more (127.0.0.2, …) beyond that.
 */
export function sourceAddressesFor(connections: number): string[] {
  let ports = 28_000;
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    ports = Number(high) - Number(low) + 1;
  } catch {
    // Not Linux: keep the default range size.
  }
  const count = Math.max(1, Math.ceil(connections / (ports * 0.6)));
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`);
}
