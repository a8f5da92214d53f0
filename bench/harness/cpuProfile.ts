// Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and sums self time by function, so the
// report can say which code a server spent its CPU in.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
}

export interface FunctionShare {
  readonly name: string;
  readonly selfPercent: number;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url) return name;
  const path = url.startsWith("file://") ? relative(root, new URL(url).pathname) : url;
  // Sources run through tsx map every function to line 1; a line is only worth showing otherwise.
  return lineNumber > 0 ? `${name} ${path}:${lineNumber + 1}` : `${name} ${path}`;
}

/** Samples of a process waiting for work; they say nothing about where CPU went. */
const notWork = new Set(["(idle)", "(program)"]);

/**
 * The functions with the most self time in every profile found in `dir`, largest first, as a
 * share of the samples in which the process was busy (idle samples left out).
 */
export function summariseProfiles(dir: string, repositoryRoot: string, top = 25): FunctionShare[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0 || notWork.has(node.callFrame.functionName)) continue;
      const key = label(node, repositoryRoot);
      totals.set(key, (totals.get(key) ?? 0) + hits);
      all += hits;
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => ({ name, selfPercent: all > 0 ? (hits / all) * 100 : 0 }));
}
