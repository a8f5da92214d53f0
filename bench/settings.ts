// The two run sizes: `--quick` (a smoke run of a few seconds per scenario, used by the test suite)
// and full (the published figures; the whole run stays well under 15 minutes on 2 cores).
import type { FanoutSettings } from "./scenarios/fanout.js";
import type { ServerName } from "./targets/servers.js";

export interface RunSettings {
  fanout: Omit<FanoutSettings, "log" | "servers" | "profileDir">;
  readonly upstream: {
    readonly clients: readonly number[];
    readonly warmupMs: number;
    readonly windowMs: number;
    readonly bodyBytes: number;
  };
  readonly startupRuns: number;
  /** "one": from sources with an empty workspace only; "all": also in memory and from dist/. */
  readonly startupVariants: "one" | "all";
}

export const allServers: readonly ServerName[] = ["wpslink", "ws", "socketio"];

export function settingsFor(mode: "quick" | "full"): RunSettings {
  if (mode === "quick") {
    return {
      fanout: {
        connectionCounts: [50],
        timing: { warmupMs: 100, windowMs: 300, drainMs: 1000 },
        rateTiming: { warmupMs: 100, windowMs: 300, drainMs: 1000 },
        settleMs: 100,
        probeEvery: 10,
        smallPayloadBytes: 100,
        azurePayloadBytes: 2048,
        saturated: { window: 4, inFlight: 2 },
        queued: { window: 32, inFlight: 8 },
        broadcastRates: [{ connections: 50, perSecond: 20, unit: "quick" }],
        smallGroupRates: [{ connections: 50, perSecond: 50, unit: "quick" }],
        groupSize: 10,
        repeats: 1,
      },
      upstream: { clients: [4], warmupMs: 100, windowMs: 300, bodyBytes: 100 },
      startupRuns: 1,
      startupVariants: "one",
    };
  }
  return {
    fanout: {
      connectionCounts: [1000, 10_000],
      timing: { warmupMs: 1000, windowMs: 5000, drainMs: 5000 },
      rateTiming: { warmupMs: 1000, windowMs: 8000, drainMs: 5000 },
      settleMs: 3000,
      probeEvery: 50,
      smallPayloadBytes: 100,
      azurePayloadBytes: 2048,
      saturated: { window: 4, inFlight: 2 },
      queued: { window: 64, inFlight: 16 },
      // Azure Standard, 2 KB messages (performance.md §1.2, §1.4): broadcast 3,000 out/s per unit.
      broadcastRates: [
        { connections: 1000, perSecond: 3, unit: "Unit 1" },
        { connections: 1000, perSecond: 30, unit: "Unit 10" },
        { connections: 10_000, perSecond: 3, unit: "Unit 10" },
      ],
      // Small groups: 200 in / 2,000 out per unit.
      smallGroupRates: [
        { connections: 1000, perSecond: 200, unit: "Unit 1" },
        { connections: 1000, perSecond: 2000, unit: "Unit 10" },
        { connections: 1000, perSecond: 5000, unit: "Unit 25" },
        { connections: 10_000, perSecond: 2000, unit: "Unit 10" },
      ],
      groupSize: 10,
      repeats: 3,
    },
    upstream: { clients: [1, 32], warmupMs: 1000, windowMs: 5000, bodyBytes: 100 },
    startupRuns: 5,
    startupVariants: "all",
  };
}
