// `/_wpslink/trace/stream`: the live-trace bus as Server-Sent Events. A new subscriber first gets
// the recent records (the bus's snapshot, newest `snapshotLimit`), then a `ready` event, then
// every record as it is published. Bounded on every side: a cap on concurrent streams (503
// beyond it), a cap on what may wait in one stream's send buffer (a reader that falls that far
// behind is disconnected and reconnects), and a heartbeat comment that lets both ends notice a
// dead connection.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TraceBus, TraceRecord } from "../trace/traceBus.js";

export const traceStreamPath = "/_wpslink/trace/stream";

export interface TraceStreamOptions {
  readonly trace: TraceBus;
  /** At most this many streams at once. Default 32. */
  readonly maxStreams?: number;
  /** How many recent records a new stream starts with. Default 500. */
  readonly snapshotLimit?: number;
  /** Bytes that may wait unsent in one stream before it is closed. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Interval of the keep-alive comment. Default 15 s. */
  readonly heartbeatMs?: number;
}

export interface TraceStreams {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** How many streams are open. */
  count(): number;
  /** Ends every open stream (on shutdown). */
  closeAll(): void;
}

/** Which records a stream carries: `?resource=` (name or id) and `?category=a,b`. */
export function recordFilter(url: URL): (record: TraceRecord) => boolean {
  const resource = url.searchParams.get("resource")?.toLowerCase() ?? "";
  const resourceName = resource.split("/").pop() ?? "";
  const categories = new Set(
    (url.searchParams.get("category") ?? "")
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== ""),
  );
  return (record) => {
    if (categories.size > 0 && !categories.has(record.category)) return false;
    if (resource === "") return true;
    const own = record.resource?.toLowerCase();
    if (own === undefined) return false;
    return own === resource || own === resourceName || own.endsWith(`/${resourceName}`);
  };
}

export function createTraceStreams(options: TraceStreamOptions): TraceStreams {
  const maxStreams = options.maxStreams ?? 32;
  const snapshotLimit = options.snapshotLimit ?? 500;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  // Every stream sends the same record: serialize it once (records are immutable once published).
  const serialized = new WeakMap<TraceRecord, string>();
  const recordEvent = (record: TraceRecord): string => {
    let text = serialized.get(record);
    if (text === undefined) {
      text = `event: trace\ndata: ${JSON.stringify(record)}\n\n`;
      serialized.set(record, text);
    }
    return text;
  };

  return {
    count: () => open.size,
    closeAll() {
      for (const end of [...open]) end();
    },
    handle(req, res, url) {
      if (req.method !== "GET") {
        res.writeHead(405, { allow: "GET", "content-type": "application/json; charset=utf-8" });
        res.end(errorBody("MethodNotAllowed", `The trace stream only answers GET, not ${req.method}.`));
        return;
      }
      if (open.size >= maxStreams) {
        res.writeHead(503, { "retry-after": "5", "content-type": "application/json; charset=utf-8" });
        res.end(errorBody("TooManyStreams", `At most ${maxStreams} trace streams may be open at once.`));
        return;
      }
      const accepts = recordFilter(url);
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
        connection: "keep-alive",
      });
      res.flushHeaders();

      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        open.delete(end);
        unsubscribe();
        clearInterval(heartbeat);
        res.end();
      };
      const send = (chunk: string): void => {
        if (ended) return;
        if (res.writableLength > maxBufferedBytes) {
          end();
          return;
        }
        res.write(chunk);
      };

      // The snapshot and the subscription are taken in the same tick, so no record falls between.
      const unsubscribe = options.trace.subscribe((record) => {
        // This runs inside TraceBus.publish, i.e. inside whoever published: it must never throw.
        try {
          if (accepts(record)) send(recordEvent(record));
        } catch {
          // A record that cannot be serialized is left out of the stream.
        }
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
      heartbeat.unref();
      open.add(end);
      req.on("close", end);
      res.on("error", end);

      send("retry: 2000\n\n");
      const recent = options.trace.snapshot(accepts).slice(-snapshotLimit);
      for (const record of recent) {
        try {
          send(recordEvent(record));
        } catch {
          // as above: an unserializable record is skipped
        }
      }
      send(`event: ready\ndata: ${JSON.stringify({ snapshot: recent.length })}\n\n`);
    },
  };
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
