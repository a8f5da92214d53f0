// Keyed one-shot timers that fire at a stored due time, each with a promise that settles once its
// work has run (or the timer was cancelled). Used for connection transitions, which must resume
// after a restart from the due time kept in the store.

interface Pending {
  readonly timer: NodeJS.Timeout;
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

export class DueTimers {
  private readonly pending = new Map<string, Pending>();

  /** Runs `work` at `dueAt` (ms since the epoch; past times run at once), replacing any timer of `key`. */
  schedule(key: string, dueAt: number, work: () => Promise<void>): Promise<void> {
    this.cancel(key);
    let resolve = (): void => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(
      () => {
        this.pending.delete(key);
        void work().finally(resolve);
      },
      Math.max(0, dueAt - Date.now()),
    );
    this.pending.set(key, { timer, done, resolve });
    return done;
  }

  /** The promise of a scheduled timer, if any. */
  done(key: string): Promise<void> | undefined {
    return this.pending.get(key)?.done;
  }

  cancel(key: string): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.resolve();
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}
