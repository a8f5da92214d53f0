// Parent side of the child-process protocol: starts a benchmark child (a TypeScript file run
// through tsx), waits for it to say it is ready, sends it commands and stops it.
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ReadyMessage, RpcResponse } from "./childRpc.js";

export interface BenchChild {
  readonly pid: number;
  readonly info: Record<string, unknown>;
  request<T>(command: string, args?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  /** What the child wrote to stderr (last 8 KB). */
  stderr(): string;
}

export interface ChildOptions {
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
  readonly startTimeoutMs?: number;
}

/** `file` is relative to bench/ (e.g. "peers/bareWsServer.ts"). */
export async function startBenchChild(file: string, options: ChildOptions = {}): Promise<BenchChild> {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const child: ChildProcess = fork(path, [...(options.args ?? [])], {
    execArgv: [...(options.nodeArgs ?? []), "--import", "tsx"],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  child.on("message", (message: RpcResponse | ReadyMessage) => {
    if ("kind" in message) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${file}: ${message.error}`));
  });
  child.on("exit", (code, signal) => {
    exited = true;
    for (const waiter of pending.values())
      waiter.reject(new Error(`${file} exited (${code ?? signal}) during a command; stderr:\n${stderr}`));
    pending.clear();
  });

  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file} was not ready in time; stderr:\n${stderr}`)),
      options.startTimeoutMs ?? 30_000,
    );
    child.on("message", (message: RpcResponse | ReadyMessage) => {
      if ("kind" in message && message.kind === "ready") {
        clearTimeout(timer);
        resolve(message.info);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });

  return {
    pid: child.pid ?? -1,
    info,
    stderr: () => stderr,
    request<T>(command: string, args: unknown = null, timeoutMs = 120_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${file} is not running; stderr:\n${stderr}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${file}: '${command}' took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, command, args });
      });
    },
    async stop() {
      if (exited) return;
      const gone = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
