// Reading the live trace for one Web PubSub resource: which records are its own, the clients
// connected now, and for each upstream call what the upstream saw (the site front end's record
// of the same TCP connection, matched by the source address and port).
import type { TraceRecord } from "../../api/traceRecord.js";

export function belongsTo(record: TraceRecord, resourceId: string, name: string): boolean {
  const own = record.resource?.toLowerCase();
  if (!own) return false;
  return own === name.toLowerCase() || own === resourceId.toLowerCase();
}

export interface LiveConnection {
  readonly connectionId: string;
  readonly hub: string;
  readonly userId: string;
  readonly since: number;
}

/** Clients connected now, replayed from `connected`/`disconnected` records (oldest first). */
export function liveConnections(records: readonly TraceRecord[]): LiveConnection[] {
  const open = new Map<string, LiveConnection>();
  for (const record of records) {
    if (record.category !== "connection" || !record.connectionId) continue;
    // The data plane traces `connected` (and `recovered` after a reliable reconnect) and `disconnected`.
    if (record.kind === "disconnected") open.delete(record.connectionId);
    else if (record.kind === "connected" || record.kind === "recovered") {
      const userId = record.details?.userId;
      open.set(record.connectionId, {
        connectionId: record.connectionId,
        hub: record.hub ?? "",
        userId: typeof userId === "string" ? userId : "",
        since: open.get(record.connectionId)?.since ?? record.time,
      });
    }
  }
  return [...open.values()];
}

export interface UpstreamView {
  readonly record: TraceRecord;
  readonly path: string;
  readonly sourceAddress: string;
  /** What the upstream saw as the caller (X-Forwarded-For), when the site front end reported it. */
  readonly forwardedFor: string | null;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

/** The site name and request path an upstream URL addresses on the site front end, if it is a site's. */
function siteTarget(url: string): { site: string; path: string } | null {
  try {
    const parsed = new URL(url);
    const match = /^([^.]+)\.azurewebsites\.net$/i.exec(parsed.hostname);
    return match?.[1] ? { site: match[1].toLowerCase(), path: parsed.pathname } : null;
  } catch {
    return null;
  }
}

/**
 * The site front end's record of the same request: same site, same path, received while the call
 * was in flight (the call is traced when it ends, after the site has answered). The nearest one wins.
 */
function siteRecordFor(call: TraceRecord, siteRecords: readonly TraceRecord[]): TraceRecord | undefined {
  const target = siteTarget(text(call.details?.url));
  if (!target) return undefined;
  const latency = typeof call.details?.latencyMs === "number" ? call.details.latencyMs : 0;
  const from = call.time - latency - 1000;
  let best: TraceRecord | undefined;
  for (const record of siteRecords) {
    if (record.time < from || record.time > call.time + 1000) continue;
    const d = record.details ?? {};
    if (text(d.site).toLowerCase() !== target.site) continue;
    if (text(d.url).split("?")[0] !== target.path) continue;
    if (!best || Math.abs(record.time - call.time) < Math.abs(best.time - call.time)) best = record;
  }
  return best;
}

export function upstreamCalls(own: readonly TraceRecord[], all: readonly TraceRecord[]): UpstreamView[] {
  const siteRecords = all.filter((r) => r.category === "site");
  return own
    .filter((r) => r.category === "upstream" && r.kind === "upstream.call")
    .map((record) => {
      const seen = siteRecordFor(record, siteRecords);
      return {
        record,
        path: text(record.details?.path) || "unknown",
        sourceAddress: text(record.details?.localAddress),
        forwardedFor: seen ? text(seen.details?.sourceAddress) || null : null,
      };
    });
}

/** One line of words for a record's details (the All events table). */
export function summarize(record: TraceRecord): string {
  const d = record.details ?? {};
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join("  ");
}
