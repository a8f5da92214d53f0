// Progress of a long-running operation on stderr, as az shows it: an animated "Running" line on
// a terminal, a line with one dot per poll otherwise. Suppressed by --only-show-errors.
import type { CliIo } from "./cliIo.js";

const frames = ["|", "/", "-", "\\"];

export class Progress {
  private polls = 0;
  private started = false;

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
  ) {}

  tick(status?: string): void {
    if (!this.enabled) return;
    this.polls++;
    const label = status && !/^(running|inprogress|accepted)$/i.test(status) ? ` (${status})` : "";
    if (this.io.stderrIsTty) {
      this.io.stderr(`\r${frames[this.polls % frames.length]} Running${label} ..${" ".repeat(8)}`);
    } else if (!this.started) {
      this.io.stderr(`- Running${label} ..`);
    } else {
      this.io.stderr(".");
    }
    this.started = true;
  }

  done(): void {
    if (!this.enabled || !this.started) return;
    if (this.io.stderrIsTty) this.io.stderr(`\r${" ".repeat(40)}\r`);
    else this.io.stderr("\n");
    this.started = false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
