// The report's charts, one SVG file each in docs/bench/, built from one run's results.
import type { BenchResults, LoadRow } from "../harness/results.js";
import { serverLabels } from "../targets/servers.js";
import { barChart } from "./barChart.js";

const servers = [serverLabels.wpslink, serverLabels.ws, serverLabels.socketio];

function fanoutSeries(results: BenchResults, kind: LoadRow["kind"], pick: (r: LoadRow) => number) {
  const counts = [...new Set(results.fanout.map((r) => r.connections))].sort((a, b) => a - b);
  return {
    categories: counts.map((n) => `${n.toLocaleString("en-US")} connections`),
    series: servers.map((server) => ({
      name: server,
      values: counts.map((n) => {
        const row = results.fanout.find((r) => r.server === server && r.connections === n && r.kind === kind);
        return row ? pick(row) : null;
      }),
    })),
  };
}

export function buildCharts(results: BenchResults): Record<string, string> {
  const charts: Record<string, string> = {};
  charts["fanout-saturated.svg"] = barChart({
    title: "Fan-out, saturated: delivered messages per second (100 B)",
    unit: "messages/s",
    ...fanoutSeries(results, "saturated", (r) => r.deliveredPerSecond),
  });
  charts["fanout-per-cpu.svg"] = barChart({
    title: "Fan-out, saturated: deliveries per server CPU-second",
    unit: "deliveries per CPU-s",
    ...fanoutSeries(results, "saturated", (r) => r.deliveriesPerCpuSecond),
  });
  charts["fanout-queued.svg"] = barChart({
    title: "Fan-out, messages queued for sockets: delivered messages per second",
    unit: "messages/s",
    ...fanoutSeries(results, "queued", (r) => r.deliveredPerSecond),
  });
  const rates = [
    ...new Map(
      results.fanout
        .filter((r) => r.kind === "rate")
        .map((r) => [`${r.connections}|${r.inPerSecond.toFixed(0)}|${r.unit}`, r]),
    ).values(),
  ];
  const rateKeys = [
    ...new Set(rates.map((r) => `${r.unit} (${r.connections.toLocaleString("en-US")} conns)`)),
  ];
  charts["fanout-latency.svg"] = barChart({
    title: "Fan-out at Azure Standard unit loads (2 KB): p99 latency",
    unit: "ms",
    categories: rateKeys,
    series: servers.map((server) => ({
      name: server,
      values: rateKeys.map(
        (key) =>
          results.fanout.find(
            (r) =>
              r.server === server &&
              r.kind === "rate" &&
              `${r.unit} (${r.connections.toLocaleString("en-US")} conns)` === key,
          )?.latencyMs.p99 ?? null,
      ),
    })),
  });
  const groupKeys = [
    ...new Set(results.smallGroups.map((r) => `${r.unit}: ${r.connections.toLocaleString("en-US")} conns`)),
  ];
  charts["small-groups.svg"] = barChart({
    title: "Small groups of 10, clients sending: p99 latency",
    unit: "ms",
    categories: groupKeys,
    series: servers.map((server) => ({
      name: server,
      values: groupKeys.map(
        (key) =>
          results.smallGroups.find(
            (r) => r.server === server && `${r.unit}: ${r.connections.toLocaleString("en-US")} conns` === key,
          )?.latencyMs.p99 ?? null,
      ),
    })),
  });
  const memoryCounts = [...new Set(results.memory.map((m) => m.connections))].sort((a, b) => a - b);
  charts["memory.svg"] = barChart({
    title: "Resident memory per idle connection",
    unit: "KB",
    categories: memoryCounts.map((n) => `${n.toLocaleString("en-US")} connections`),
    series: servers.map((server) => ({
      name: server,
      values: memoryCounts.map((n) => {
        const row = results.memory.find((m) => m.server === server && m.connections === n);
        return row ? row.bytesPerConnection / 1024 : null;
      }),
    })),
    reference: { value: 8, label: "target 8 KB" },
  });
  const clientCounts = [...new Set(results.upstream.map((r) => r.clients))].sort((a, b) => a - b);
  const paths = [...new Set(results.upstream.map((r) => r.description))];
  charts["upstream.svg"] = barChart({
    title: "Event round trip: client → wpslink → upstream → reply",
    unit: "events/s",
    categories: paths,
    series: clientCounts.map((clients) => ({
      name: `${clients} client${clients === 1 ? "" : "s"} (one event in flight each)`,
      values: paths.map(
        (p) =>
          results.upstream.find((r) => r.description === p && r.clients === clients)?.eventsPerSecond ?? null,
      ),
    })),
  });
  return charts;
}
