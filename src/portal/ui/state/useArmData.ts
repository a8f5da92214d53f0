// Loads ARM data for a view and keeps it fresh: every second while the view reports something in
// motion (an operation running, a Pending state), every 10 s otherwise, and at once when the live
// trace reports a control-plane change. Errors are kept as ArmError for the page to show.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ArmError } from "../api/armClient.js";
import { onTraceRecord } from "./traceStore.js";

export interface ArmData<T> {
  readonly data: T | null;
  readonly error: ArmError | null;
  readonly loading: boolean;
  /** Loads again now. */
  readonly reload: () => void;
}

export const fastPollMs = 1000;
const idlePollMs = 10_000;
/** Records of one control-plane change come in bursts; reload once after the burst. */
const traceReloadDelayMs = 150;

export function toArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  return new ArmError("ClientError", error instanceof Error ? error.message : String(error), 0);
}

export function useArmData<T>(
  key: string,
  loader: () => Promise<T>,
  isBusy: (data: T) => boolean = () => false,
): ArmData<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ArmError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  const busyRef = useRef(isBusy);
  busyRef.current = isBusy;

  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    setData(null);
    setError(null);
    setLoading(true);
  }, [key]);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    loaderRef
      .current()
      .then(
        (value) => {
          if (cancelled) return;
          setData(value);
          setError(null);
          timer = setTimeout(reload, busyRef.current(value) ? fastPollMs : idlePollMs);
        },
        (failure: unknown) => {
          if (cancelled) return;
          setError(toArmError(failure));
          timer = setTimeout(reload, idlePollMs);
        },
      )
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, tick, reload]);

  // Control-plane changes (ARM writes, private network state) show up in the trace: refresh then,
  // once per burst of records.
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = onTraceRecord((record) => {
      if (record.category !== "arm" && record.category !== "network") return;
      pending ??= setTimeout(() => {
        pending = undefined;
        reload();
      }, traceReloadDelayMs);
    });
    return () => {
      unsubscribe();
      clearTimeout(pending);
    };
  }, [reload]);

  return { data, error, loading, reload };
}
