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

export class SiteRequestLog {
  private readonly bySite = new Map<string, SiteRequestLogEntry[]>();

  constructor(private readonly capacityPerSite = 1000) {}

  add(site: string, entry: SiteRequestLogEntry): void {
    let entries = this.bySite.get(site);
    if (!entries) {
      entries = [];
      this.bySite.set(site, entries);
    }
    entries.push(entry);
    if (entries.length > this.capacityPerSite) entries.splice(0, entries.length - this.capacityPerSite);
  }

  /** Entries of a site, oldest first. */
  entries(site: string): SiteRequestLogEntry[] {
    return [...(this.bySite.get(site.toLowerCase()) ?? [])];
  }
}
