// The performance targets of issue 7, each judged from one run's results as a ratio against the
// peers measured in the same run.
import type { BenchResults, LoadRow } from "../harness/results.js";
import { serverLabels } from "../targets/servers.js";

export interface TargetVerdict {
  readonly target: string;
  readonly measured: string;
  /** null when the run has no figure for it. */
  readonly met: boolean | null;
}

function fanoutRow(results: BenchResults, server: string, connections: number, kind: LoadRow["kind"]) {
  return results.fanout.find((r) => r.server === server && r.connections === connections && r.kind === kind);
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

function verdict(
  target: string,
  value: number | null,
  bar: number,
  describe: (v: number) => string,
): TargetVerdict {
  return value === null
    ? { target, measured: "not measured in this run", met: null }
    : { target, measured: describe(value), met: value >= bar };
}

export function judgeTargets(results: BenchResults): TargetVerdict[] {
  const w = serverLabels.wpslink;
  const ws = serverLabels.ws;
  const sio = serverLabels.socketio;
  const verdicts: TargetVerdict[] = [];
  const counts = [...new Set(results.fanout.map((r) => r.connections))].sort((a, b) => a - b);
  // Each fan-out target is judged on delivered msg/s and, because a shared machine can starve any
  // process, also on deliveries per server CPU-second; the verdict needs both.
  const fanoutVerdict = (target: string, kind: LoadRow["kind"], n: number, peer: string, bar: number) => {
    const a = fanoutRow(results, w, n, kind);
    const b = fanoutRow(results, peer, n, kind);
    const rate = ratio(a?.deliveredPerSecond, b?.deliveredPerSecond);
    const perCpu = ratio(a?.deliveriesPerCpuSecond, b?.deliveriesPerCpuSecond);
    if (rate === null || perCpu === null) return verdict(target, null, bar, String);
    return {
      target,
      measured: `${rate.toFixed(2)}× msg/s, ${perCpu.toFixed(2)}× per server CPU-s`,
      met: rate >= bar && perCpu >= bar,
    };
  };
  for (const n of counts)
    verdicts.push(fanoutVerdict(`fan-out at ${n} connections ≥ 1.0× bare ws`, "saturated", n, ws, 1));
  for (const n of counts)
    verdicts.push(
      fanoutVerdict(`fan-out, messages queued, at ${n} connections ≥ 5× bare ws`, "queued", n, ws, 5),
    );
  const top = counts[counts.length - 1];
  if (top !== undefined)
    verdicts.push(fanoutVerdict(`fan-out at ${top} connections ≥ 2× socket.io`, "saturated", top, sio, 2));
  const saturatedUpstream = (path: string) =>
    results.upstream.filter((r) => r.path === path).sort((a, b) => b.clients - a.clients)[0]?.eventsPerSecond;
  verdicts.push(
    verdict(
      "event round trip over the private path ≥ 5,000 events/s",
      saturatedUpstream("private") ?? null,
      5000,
      (v) => `${Math.round(v).toLocaleString("en-US")} events/s`,
    ),
  );
  verdicts.push(
    verdict(
      "site front end ≥ 1.0× the minimal Node proxy",
      ratio(saturatedUpstream("sitefront"), saturatedUpstream("proxy")),
      1,
      (v) => `${v.toFixed(2)}×`,
    ),
  );
  const memory = results.memory
    .filter((m) => m.server === w)
    .sort((a, b) => b.connections - a.connections)[0];
  verdicts.push(
    memory
      ? {
          target: "idle connection ≤ 8 KB RSS",
          measured: `${(memory.bytesPerConnection / 1024).toFixed(1)} KB at ${memory.connections} connections`,
          met: memory.bytesPerConnection <= 8 * 1024,
        }
      : { target: "idle connection ≤ 8 KB RSS", measured: "not measured in this run", met: null },
  );
  // `bin/wpslink.js` runs the compiled build when there is one, so that is what a user starts.
  const starts = results.startup.filter((s) => s.variant.includes("empty workspace"));
  const start = starts.find((s) => s.variant.startsWith("compiled")) ?? starts[0];
  verdicts.push(
    start
      ? {
          target: "`wpslink start` to ready < 1 s (empty workspace)",
          measured: `${Math.round(start.medianMs)} ms median (${start.variant})`,
          met: start.medianMs < 1000,
        }
      : {
          target: "`wpslink start` to ready < 1 s (empty workspace)",
          measured: "not measured in this run",
          met: null,
        },
  );
  return verdicts;
}
