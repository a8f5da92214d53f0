// The tiny request/response protocol between the harness and its child processes (servers under
// test, load drivers), carried over Node's IPC channel. A child announces itself with `ready`,
// then answers commands by id. Used by both sides, so it imports nothing else of the harness.

export interface RpcRequest {
  readonly id: number;
  readonly command: string;
  readonly args: unknown;
}

export type RpcResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

export interface ReadyMessage {
  readonly kind: "ready";
  readonly info: Record<string, unknown>;
}

export type CommandHandler = (args: never) => unknown;

/** Child side: answer the harness's commands with `handlers` and announce readiness. */
export function serveCommands(handlers: Record<string, CommandHandler>, info: Record<string, unknown>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("this file is a benchmark child process; run it through `npm run bench`");
  process.on("message", (raw: RpcRequest) => {
    const handler = handlers[raw.command];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown command ${raw.command}`);
        const result = await (handler as (args: unknown) => unknown)(raw.args);
        send({ id: raw.id, ok: true, result: result ?? null } satisfies RpcResponse);
      } catch (error) {
        send({ id: raw.id, ok: false, error: (error as Error).stack ?? String(error) } satisfies RpcResponse);
      }
    })();
  });
  // The harness going away must never leave a child behind.
  process.on("disconnect", () => process.exit(0));
  send({ kind: "ready", info } satisfies ReadyMessage);
}
