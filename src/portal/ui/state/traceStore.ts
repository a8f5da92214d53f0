// The live trace, read once for the whole app from `/_wpslink/trace/stream` (Server-Sent Events)
// with fetch, so the request carries the same bearer token as the ARM calls. Keeps the most
// recent records in memory and reconnects after a drop.
import { useEffect, useState } from "preact/hooks";
import { accessToken } from "../api/armClient.js";
import type { TraceRecord } from "../api/traceRecord.js";

export type { TraceRecord };

export type StreamState = "connecting" | "live" | "reconnecting";

const capacity = 3000;
let records: TraceRecord[] = [];
let state: StreamState = "connecting";
let lastError = "";
let started = false;
let version = 0;
const changeListeners = new Set<() => void>();
const recordListeners = new Set<(record: TraceRecord) => void>();

function changed(): void {
  version += 1;
  for (const listener of changeListeners) listener();
}

function accept(record: TraceRecord, live: boolean): void {
  records.push(record);
  if (records.length > capacity) records = records.slice(records.length - capacity);
  if (live) for (const listener of recordListeners) listener(record);
}

/** Splits an SSE byte stream into events; calls `onEvent` for each complete one. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(event, data.join("\n"));
    }
  }
}

/**
 * Views that show the whole trace (Live trace) hold a claim; while none does, the stream carries
 * only control-plane records (what the other views refresh on), so an idle portal costs the
 * service almost nothing per record.
 */
let fullClaims = 0;
let current: AbortController | null = null;
let switching = false;

function streamUrl(): string {
  return fullClaims > 0 ? "/_wpslink/trace/stream" : "/_wpslink/trace/stream?category=arm,network";
}

/** Reconnects at once with the other filter (the server sends the matching snapshot again). */
function switchStream(): void {
  if (!current) return;
  switching = true;
  current.abort();
}

async function connectOnce(): Promise<void> {
  current = new AbortController();
  const response = await fetch(streamUrl(), {
    headers: { authorization: `Bearer ${await accessToken()}`, accept: "text/event-stream" },
    signal: current.signal,
  });
  if (!response.ok || !response.body) throw new Error(`the trace stream answered ${response.status}`);
  // The stream starts with the recent records again: replace what we have.
  const fresh: TraceRecord[] = [];
  let ready = false;
  await readEvents(response.body, (event, data) => {
    if (event === "ready") {
      records = fresh.slice(-capacity);
      ready = true;
      state = "live";
      lastError = "";
      changed();
      return;
    }
    if (event !== "trace") return;
    const record = JSON.parse(data) as TraceRecord;
    if (ready) {
      accept(record, true);
      changed();
    } else fresh.push(record);
  });
}

function start(): void {
  if (started) return;
  started = true;
  const loop = async (): Promise<void> => {
    for (;;) {
      try {
        await connectOnce();
        lastError = "the stream ended";
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (switching) {
        switching = false;
        continue;
      }
      state = "reconnecting";
      changed();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void loop();
}

/** Calls `listener` for each record that arrives live (not for the initial snapshot). */
export function onTraceRecord(listener: (record: TraceRecord) => void): () => void {
  start();
  recordListeners.add(listener);
  return () => void recordListeners.delete(listener);
}

export function clearTrace(): void {
  records = [];
  changed();
}

function useTraceUpdates(): void {
  const [, setSeen] = useState(version);
  useEffect(() => {
    start();
    let frame = 0;
    const listener = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setSeen(version);
      });
    };
    changeListeners.add(listener);
    return () => {
      changeListeners.delete(listener);
      cancelAnimationFrame(frame);
    };
  }, []);
}

/** The stream's state (connected or not), for indicators. */
export function useTraceState(): { state: StreamState; error: string } {
  useTraceUpdates();
  return { state, error: lastError };
}

/** Every record (the whole trace while the calling view is shown), re-rendering at most once per frame. */
export function useTrace(): { records: readonly TraceRecord[]; state: StreamState; error: string } {
  useTraceUpdates();
  useEffect(() => {
    fullClaims += 1;
    if (fullClaims === 1) switchStream();
    return () => {
      fullClaims -= 1;
      if (fullClaims === 0) switchStream();
    };
  }, []);
  return { records, state, error: lastError };
}
