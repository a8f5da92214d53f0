// Where a CLI run reads its environment and writes its output. The process entry point wires it
// to the real streams; tests pass buffers so a whole command runs in-process.

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Progress animation only makes sense on a terminal. */
  readonly stderrIsTty: boolean;
  /** Reads a file named with `@path` (for `--body @file.json`). */
  readFile(path: string): string;
  /** Asks a yes/no question on the terminal; absent (or undefined) when there is none. */
  confirm?(question: string): Promise<boolean | undefined>;
}

export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
}

export function processIo(readFile: (path: string) => string): CliIo {
  return {
    confirm: async (question) => {
      if (!process.stdin.isTTY) return undefined;
      const { createInterface } = await import("node:readline/promises");
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(question)).trim());
      } finally {
        prompt.close();
      }
    },
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTty: process.stderr.isTTY === true,
    readFile,
  };
}

export function capturedIo(
  env: NodeJS.ProcessEnv,
  cwd: string,
  readFile: (path: string) => string,
): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    env,
    cwd,
    stderrIsTty: false,
    readFile,
    stdoutText: () => out,
    stderrText: () => err,
  };
}
