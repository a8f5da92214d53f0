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

async function connectOnce(): Promise<void> {
  const response = await fetch("/_wpslink/trace/stream", {
    headers: { authorization: `Bearer ${await accessToken()}`, accept: "text/event-stream" },
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

/** The records so far and the stream's state; re-renders on every change (batched per frame). */
export function useTrace(): { records: readonly TraceRecord[]; state: StreamState; error: string } {
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
  return { records, state, error: lastError };
}
