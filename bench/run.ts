// `npm run bench` — runs every benchmark scenario one after another on this machine and writes
// the results (benchmarks.md, and bench/ with the charts and results.json): full mode into docs/,
// quick mode (`--quick`, a smoke run) into a temporary folder, either one into `--out <dir>`.
//
//   npm run bench                      full run (≈ 10 minutes on 2 cores)
//   npm run bench -- --quick           smoke run, a few seconds per scenario
//   npm run bench -- --only fanout     one scenario group: fanout, upstream, startup
//   npm run bench -- --servers ws,socketio   fan-out against some servers only
//   npm run bench -- --connections 1000      fan-out at these connection counts only
//   npm run bench -- --out <dir>       where benchmarks.md and bench/ go
//   npm run bench -- --profile         run wpslink under --cpu-prof and summarise where its CPU went
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineInfo } from "./harness/environment.js";
import type { BenchResults } from "./harness/results.js";
import { allServers, settingsFor } from "./settings.js";
import { runFanout } from "./scenarios/fanout.js";
import { runUpstream } from "./scenarios/upstream.js";
import { runStartup } from "./scenarios/startup.js";
import { writeReport } from "./report/writeReport.js";
import type { ServerName } from "./targets/servers.js";

const scenarioNames = ["fanout", "upstream", "startup"] as const;
type ScenarioName = (typeof scenarioNames)[number];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    servers: { type: "string" },
    out: { type: "string" },
    profile: { type: "boolean", default: false },
    connections: { type: "string" },
  },
});

const mode = values.quick ? "quick" : "full";
const only = (values.only?.split(",") ?? [...scenarioNames]) as ScenarioName[];
for (const name of only)
  if (!scenarioNames.includes(name))
    throw new Error(`--only: unknown scenario '${name}' (${scenarioNames.join(", ")})`);
const servers = (values.servers?.split(",") ?? [...allServers]) as ServerName[];
for (const name of servers)
  if (!allServers.includes(name))
    throw new Error(`--servers: unknown server '${name}' (${allServers.join(", ")})`);

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
const outDir =
  values.out ??
  (mode === "full" ? join(repositoryRoot, "docs") : mkdtempSync(join(tmpdir(), "wpslink-bench-")));
mkdirSync(join(outDir, "bench"), { recursive: true });

const settings = settingsFor(mode);
const connectionsFlag = values.connections?.split(",").map(Number);
if (connectionsFlag) {
  // Fewer connection counts for a focused run; rates for other counts are dropped with them.
  const keep = (n: number) => connectionsFlag.includes(n);
  settings.fanout = {
    ...settings.fanout,
    connectionCounts: connectionsFlag,
    broadcastRates: settings.fanout.broadcastRates.filter((r) => keep(r.connections)),
    smallGroupRates: settings.fanout.smallGroupRates.filter((r) => keep(r.connections)),
  };
}
const started = Date.now();
const log = (line: string) =>
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const results: BenchResults = {
  mode,
  machine: machineInfo(),
  startedAt: new Date(started).toISOString(),
  durationSeconds: 0,
  harnessCpuSeconds: 0,
  fanout: [],
  smallGroups: [],
  memory: [],
  upstream: [],
  startup: [],
  notes: [],
  unavailable: [],
  profiles: [],
};

log(
  `${mode} run: ${only.join(", ")} on ${results.machine.cpuCount}× ${results.machine.cpuModel}, Node ${process.version}`,
);
const profileDir = values.profile ? mkdtempSync(join(tmpdir(), "wpslink-profile-")) : null;
if (only.includes("fanout")) await runFanout({ ...settings.fanout, servers, profileDir, log }, results);
if (only.includes("upstream")) await runUpstream({ ...settings.upstream, log, profileDir }, results);
if (only.includes("startup"))
  await runStartup({ runs: settings.startupRuns, variants: settings.startupVariants, log }, results);

const cpu = process.cpuUsage();
results.harnessCpuSeconds = (cpu.user + cpu.system) / 1e6;
results.durationSeconds = (Date.now() - started) / 1000;
await writeReport(results, outDir);
for (const reason of results.unavailable) log(`NOT MEASURED: ${reason}`);
log(`done in ${results.durationSeconds.toFixed(0)} s; report in ${join(outDir, "benchmarks.md")}`);
