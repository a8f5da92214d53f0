// Runs asynchronous tasks one at a time in arrival order. The SQLite adapter has one connection,
// so a transaction that awaits between its statements must not let another caller's statements
// slip into it.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => Promise<R> | R): Promise<R> {
    const result = this.tail.then(task);
    // The queue continues whether the task failed or not; the caller sees the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
