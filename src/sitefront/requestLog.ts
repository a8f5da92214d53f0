// The per-site request log: what each site saw (time, source address as the site saw it, the
// path the request took, status). Bounded per site; oldest entries fall out first.
import type { NetworkPath } from "./accessGate.js";

export interface SiteRequestLogEntry {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly method: string;
  readonly url: string;
  /** Source address as the site saw it (the X-Forwarded-For it sent on, or got refused with). */
  readonly sourceAddress: string;
  readonly path: NetworkPath;
  readonly status: number;
  readonly durationMs: number;
  /** Set for refusals and front-end errors. */
  readonly reason?: string;
}

/** A fixed-size ring per site: adding is constant work however full the log is. */
interface Ring {
  readonly slots: (SiteRequestLogEntry | undefined)[];
  /** Where the next entry goes. */
  next: number;
  count: number;
}

export class SiteRequestLog {
  private readonly bySite = new Map<string, Ring>();

  constructor(private readonly capacityPerSite = 1000) {}

  add(site: string, entry: SiteRequestLogEntry): void {
    if (this.capacityPerSite <= 0) return;
    let ring = this.bySite.get(site);
    if (!ring) {
      ring = { slots: [], next: 0, count: 0 };
      this.bySite.set(site, ring);
    }
    ring.slots[ring.next] = entry;
    ring.next = (ring.next + 1) % this.capacityPerSite;
    if (ring.count < this.capacityPerSite) ring.count++;
  }

  /** Entries of a site, oldest first. */
  entries(site: string): SiteRequestLogEntry[] {
    const ring = this.bySite.get(site.toLowerCase());
    if (!ring) return [];
    const result: SiteRequestLogEntry[] = [];
    const first = (ring.next - ring.count + this.capacityPerSite) % this.capacityPerSite;
    for (let i = 0; i < ring.count; i++) {
      const entry = ring.slots[(first + i) % this.capacityPerSite];
      if (entry) result.push(entry);
    }
    return result;
  }
}
