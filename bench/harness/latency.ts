// Latency samples of one measurement window: kept exactly up to a cap, then as a uniform
// reservoir, so memory stays bounded however long a window runs.

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class LatencySamples {
  private readonly samples: Float64Array;
  private stored = 0;
  private seen = 0;
  private largest = 0;

  constructor(capacity = 200_000) {
    this.samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.seen++;
    if (ms > this.largest) this.largest = ms;
    if (this.stored < this.samples.length) {
      this.samples[this.stored++] = ms;
    } else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < this.samples.length) this.samples[slot] = ms;
    }
  }

  reset(): void {
    this.stored = 0;
    this.seen = 0;
    this.largest = 0;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.stored).sort();
    const at = (q: number) =>
      sorted.length === 0
        ? Number.NaN
        : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
    return {
      count: this.seen,
      p50: at(0.5),
      p99: at(0.99),
      max: this.seen === 0 ? Number.NaN : this.largest,
    };
  }
}
