// The benchmark harness's smoke run (`npm run bench -- --quick`) end to end: every scenario must
// produce numbers and the report and charts must be written. Timings are not asserted; a shared
// test machine says nothing about speed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BenchResults, LoadRow } from "../../bench/harness/results.js";
import { repositoryRoot } from "../support/wpslinkProcess.js";

const servers = ["wpslink", "bare ws (frame once)", "socket.io 4"];

function runQuickBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", "--quick", "--out", outDir], {
      cwd: repositoryRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function assertMeasured(row: LoadRow, what: string): void {
  assert.ok(Number.isFinite(row.deliveredPerSecond) && row.deliveredPerSecond > 0, `${what}: deliveries`);
  assert.ok(Number.isFinite(row.inPerSecond) && row.inPerSecond > 0, `${what}: messages in`);
  assert.ok(row.latencyMs.count > 0 && Number.isFinite(row.latencyMs.p99), `${what}: latency samples`);
  assert.ok(Number.isFinite(row.serverCpu) && row.serverCpu >= 0, `${what}: server CPU`);
  assert.equal(row.errors, null, `${what}: ${row.errors}`);
}

describe("npm run bench -- --quick", () => {
  let outDir: string;
  let results: BenchResults;
  let output: string;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), "wpslink-bench-test-"));
    const run = await runQuickBench(outDir);
    output = run.output;
    assert.equal(run.code, 0, `the quick run failed:\n${output}`);
    results = JSON.parse(readFileSync(join(outDir, "bench", "results.json"), "utf8")) as BenchResults;
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("measures fan-out for every server: saturated, queued and at a fixed rate", () => {
    for (const server of servers) {
      for (const kind of ["saturated", "queued", "rate"] as const) {
        const row = results.fanout.find((r) => r.server === server && r.kind === kind);
        assert.ok(row, `no ${kind} fan-out row for ${server}\n${output}`);
        assertMeasured(row, `${server} ${kind}`);
      }
    }
  });

  it("measures small groups and idle memory for every server", () => {
    for (const server of servers) {
      const group = results.smallGroups.find((r) => r.server === server);
      assert.ok(group, `no small-group row for ${server}\n${output}`);
      assertMeasured(group, `${server} small groups`);
      const memory = results.memory.find((m) => m.server === server);
      assert.ok(memory, `no memory row for ${server}`);
      assert.ok(memory.connections > 0 && Number.isFinite(memory.bytesPerConnection));
      assert.ok(memory.rssAfterMiB > 0);
    }
  });

  it("measures the event round trip on every upstream path, each over the path it names", () => {
    for (const path of ["direct", "proxy", "sitefront", "private"]) {
      const row = results.upstream.find((r) => r.path === path);
      assert.ok(row, `no upstream row for ${path}\n${results.unavailable.join("\n")}\n${output}`);
      assert.ok(row.eventsPerSecond > 0 && row.latencyMs.count > 0, `${path}: events`);
      assert.equal(row.errors, null);
    }
    // The upstream tells the paths apart by X-Forwarded-For: the resource's private address on the
    // private path, its public outbound address through the front end, none when called directly.
    const via = (path: string) =>
      Object.keys(results.upstream.find((r) => r.path === path)?.forwardedFor ?? {});
    assert.deepEqual(via("direct"), ["(none)"]);
    assert.ok(
      via("private").length > 0 && via("private").every((v) => v.startsWith("10.")),
      via("private").join(),
    );
    assert.ok(
      via("sitefront").length > 0 && via("sitefront").every((v) => !v.startsWith("10.") && v !== "(none)"),
    );
  });

  it("measures start-up and reports nothing as unmeasured", () => {
    assert.ok(results.startup.length > 0 && results.startup.every((s) => s.medianMs > 0));
    assert.deepEqual(results.unavailable, []);
  });

  it("writes the report and the charts", () => {
    const report = readFileSync(join(outDir, "benchmarks.md"), "utf8");
    assert.match(report, /## Targets \(issue 7\)/);
    assert.match(report, /## Fan-out/);
    for (const chart of ["fanout-saturated.svg", "fanout-per-cpu.svg", "memory.svg", "upstream.svg"]) {
      const file = join(outDir, "bench", chart);
      assert.ok(existsSync(file), chart);
      assert.match(readFileSync(file, "utf8"), /^<svg /);
    }
  });
});
