// One live-trace record as `/_wpslink/trace/stream` sends it (the shape of src/trace/traceBus.ts).
export interface TraceRecord {
  readonly time: number;
  readonly category: string;
  readonly kind: string;
  readonly resource?: string;
  readonly hub?: string;
  readonly connectionId?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}
