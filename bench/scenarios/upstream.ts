// The upstream-path scenarios (event handler round trips); filled in as the site front end and
// the shared private endpoint land on main.
import type { BenchResults } from "../harness/results.js";

export interface UpstreamSettings {
  readonly clients: readonly number[];
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly bodyBytes: number;
  readonly profile: boolean;
  readonly log: (line: string) => void;
}

export async function runUpstream(_settings: UpstreamSettings, results: BenchResults): Promise<void> {
  results.unavailable.push("upstream path: not built yet");
}
