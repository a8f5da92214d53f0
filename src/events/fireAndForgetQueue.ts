// Fire-and-forget events (`connected`, `disconnected`) wait here, per upstream host, so a slow
// or dead upstream holds at most `capacity` of them and only `concurrency` calls at once; a full
// queue refuses new events (the caller records the drop on the trace bus).

type Job = () => Promise<void>;

interface HostQueue {
  running: number;
  readonly waiting: Job[];
}

export class FireAndForgetQueue {
  private readonly hosts = new Map<string, HostQueue>();
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly concurrency: number,
  ) {}

  /** False when the host's queue is full (or the queue is closed): the job was not taken. */
  offer(host: string, job: Job): boolean {
    if (this.closed) return false;
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = { running: 0, waiting: [] };
      this.hosts.set(host, queue);
    }
    if (queue.running + queue.waiting.length >= this.capacity) return false;
    queue.waiting.push(job);
    this.pump(host, queue);
    return true;
  }

  /** Jobs waiting or running for a host. */
  pending(host: string): number {
    const queue = this.hosts.get(host);
    return queue ? queue.running + queue.waiting.length : 0;
  }

  close(): void {
    this.closed = true;
    for (const queue of this.hosts.values()) queue.waiting.length = 0;
  }

  private pump(host: string, queue: HostQueue): void {
    while (queue.running < this.concurrency && queue.waiting.length > 0) {
      const job = queue.waiting.shift() as Job;
      queue.running++;
      job()
        .catch(() => undefined) // jobs report their own failures; nothing may escape
        .finally(() => {
          queue.running--;
          if (queue.running === 0 && queue.waiting.length === 0) this.hosts.delete(host);
          else this.pump(host, queue);
        });
    }
  }
}
