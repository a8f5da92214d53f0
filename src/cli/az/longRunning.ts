// Following a long-running ARM operation to its end, the way azure-core's ARM poller does:
// `Azure-AsyncOperation` (status body) first, then `Location` (202 = running), then the
// resource's own `provisioningState`. Poll interval: `Retry-After`, else one second.
import type { ArmClient, ArmResponse } from "./armClient.js";
import { ArmResponseError, AzCliError, OperationFailedError, armErrorOf } from "./errors.js";
import { sleep, type Progress } from "./progress.js";

export interface LroOptions {
  readonly method: "PUT" | "PATCH" | "POST" | "DELETE";
  /** URL of the original request (the resource for PUT/PATCH). */
  readonly resourceUrl: string;
  readonly progress: Progress;
  /** Upper bound on the whole wait. */
  readonly timeoutMs?: number;
  /** Poll interval when the server sends no Retry-After. */
  readonly defaultIntervalMs?: number;
}

const terminalSucceeded = new Set(["succeeded"]);
const terminalFailed = new Set(["failed", "canceled", "cancelled"]);

function intervalOf(response: ArmResponse, fallback: number): number {
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter && /^\d+$/.test(retryAfter) && Number(retryAfter) > 0) return Number(retryAfter) * 1000;
  return fallback;
}

function provisioningStateOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const properties = record.properties as Record<string, unknown> | undefined;
  const state = properties?.provisioningState ?? record.provisioningState;
  return typeof state === "string" ? state : undefined;
}

/** Runs the operation started by `initial` to its end and returns the final body (or undefined). */
export async function completeOperation(
  client: ArmClient,
  initial: ArmResponse,
  options: LroOptions,
): Promise<unknown> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const fallback = options.defaultIntervalMs ?? 1000;
  const asyncUrl = initial.headers.get("azure-asyncoperation") ?? initial.headers.get("operation-location");
  const locationUrl = initial.headers.get("location");
  const checkDeadline = (): void => {
    if (Date.now() > deadline)
      throw new AzCliError(`The long-running operation did not finish within ${options.timeoutMs} ms.`);
  };
  try {
    if (asyncUrl) {
      let wait = intervalOf(initial, fallback);
      for (;;) {
        const poll = await client.send("GET", asyncUrl);
        const body = (poll.body ?? {}) as Record<string, unknown>;
        const status = String(body.status ?? "");
        if (terminalSucceeded.has(status.toLowerCase())) break;
        if (terminalFailed.has(status.toLowerCase()))
          throw new OperationFailedError(armErrorOf(body), status);
        options.progress.tick(status);
        checkDeadline();
        wait = intervalOf(poll, wait);
        await sleep(wait);
      }
      if (options.method === "DELETE") return undefined;
      if (options.method === "PUT") return (await client.send("GET", options.resourceUrl)).body;
      const finalUrl = locationUrl ?? (options.method === "PATCH" ? options.resourceUrl : undefined);
      return finalUrl ? (await client.send("GET", finalUrl)).body : initial.body;
    }
    if (locationUrl && initial.status === 202) {
      let wait = intervalOf(initial, fallback);
      for (;;) {
        const poll = await client.send("GET", locationUrl);
        if (poll.status !== 202) {
          if (options.method === "DELETE") return undefined;
          return poll.body;
        }
        options.progress.tick();
        checkDeadline();
        wait = intervalOf(poll, wait);
        await sleep(wait);
      }
    }
    if (options.method === "PUT" || options.method === "PATCH") {
      let body = initial.body;
      let wait = intervalOf(initial, fallback);
      for (;;) {
        const state = provisioningStateOf(body);
        if (state === undefined || terminalSucceeded.has(state.toLowerCase())) return body;
        if (terminalFailed.has(state.toLowerCase())) {
          throw new OperationFailedError(armErrorOf(body), state);
        }
        options.progress.tick(state);
        checkDeadline();
        await sleep(wait);
        const poll = await client.send("GET", options.resourceUrl);
        wait = intervalOf(poll, wait);
        body = poll.body;
      }
    }
    return options.method === "DELETE" ? undefined : initial.body;
  } catch (error) {
    if (error instanceof ArmResponseError && error.status === 404 && options.method === "DELETE")
      return undefined;
    throw error;
  } finally {
    options.progress.done();
  }
}
