// The long-running-operation engine. A provider starts an operation for a write; the engine
// persists an operation status resource, runs the work in the background and records the
// outcome. Clients poll the absolute URLs it hands out:
//   Azure-AsyncOperation → .../locations/{location}/operationStatuses/{id}  (body with `status`)
//   Location             → .../locations/{location}/operationResults/{id}   (202 until done, then
//                           the final result: 200 + body, or 204)
// Both live under the subscription and provider namespace, not under the resource, so they keep
// answering after a delete. Operations survive restarts; those interrupted by one end Failed.
import { randomUUID } from "node:crypto";
import type { Store } from "../../store/store.js";
import { ArmError, armErrors } from "./armError.js";
import type { ArmContext, ArmResult, ArmRoute } from "./routeTable.js";

export type OperationStatus = "Running" | "Succeeded" | "Failed" | "Canceled";

export interface OperationRecord {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly location: string;
  readonly status: OperationStatus;
  readonly startTime: string;
  readonly endTime?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** HTTP status the operationResults URL answers once the operation failed. */
  readonly failureStatus?: number;
  /** What operationResults answers once the operation succeeded. */
  readonly result?: { readonly status: number; readonly body?: unknown };
}

/** What the background work of an operation produces: the final result for Location polls. */
export interface OperationOutcome {
  readonly status: number;
  readonly body?: unknown;
}

export interface OperationScope {
  readonly subscriptionId: string;
  /** Provider namespace, e.g. `Microsoft.SignalRService`. */
  readonly namespace: string;
  /** Resource location, e.g. `eastus`. */
  readonly location: string;
}

export interface StartedOperation {
  readonly id: string;
  /** `Azure-AsyncOperation`, `Location` and `Retry-After` headers for the initial response. */
  readonly headers: Record<string, string>;
  /** Resolves when the background work has finished and its outcome is recorded. */
  readonly done: Promise<void>;
}

const operationType = "wpslink/operation";
const retention = 24 * 3600 * 1000;

function operationKey(scope: OperationScope, id: string): string {
  return `/subscriptions/${scope.subscriptionId}/providers/${scope.namespace}/locations/${scope.location}/operationstatuses/${id}`.toLowerCase();
}

function locationSegment(location: string): string {
  return encodeURIComponent(location);
}

export class LroEngine {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly retryAfterSeconds = 1,
    /**
     * How long start() waits for quick work before the initial response goes out. The SDKs poll
     * once right after it and then sleep Retry-After (≥ 1 s), so work that finishes within this
     * window completes without that sleep. The initial response is the same either way.
     */
    private readonly settleMs = 100,
  ) {}

  /**
   * Records a Running operation and runs `work` in the background. `work` returns the final
   * result; an `ArmError` (or any error) marks the operation Failed with its code and message.
   */
  async start(
    context: Pick<ArmContext, "origin" | "apiVersion">,
    scope: OperationScope,
    work: () => Promise<OperationOutcome>,
  ): Promise<StartedOperation> {
    const id = randomUUID();
    const record: OperationRecord = {
      id,
      name: id,
      subscriptionId: scope.subscriptionId,
      namespace: scope.namespace,
      location: scope.location,
      status: "Running",
      startTime: new Date().toISOString(),
    };
    const key = operationKey(scope, id);
    await this.store.put(key, operationType, record, "absent");
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(work).then(
      (result) =>
        this.finish(key, { ...record, status: "Succeeded", result, endTime: new Date().toISOString() }),
      (error: unknown) => {
        const armError = error instanceof ArmError ? error : armErrors.internal(String(error));
        return this.finish(key, {
          ...record,
          status: "Failed",
          endTime: new Date().toISOString(),
          error: { code: armError.code, message: armError.message },
          failureStatus: armError.status,
        });
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    if (this.settleMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, this.settleMs)))]);
      clearTimeout(timer);
    }
    return { id, headers: this.headers(context, scope, id), done };
  }

  private async finish(key: string, record: OperationRecord): Promise<void> {
    try {
      await this.store.put(key, operationType, record);
    } catch {
      // The store was closed during shutdown; the operation is marked interrupted at next start.
    }
  }

  headers(
    context: Pick<ArmContext, "origin" | "apiVersion">,
    scope: OperationScope,
    id: string,
  ): Record<string, string> {
    const base = `${context.origin}/subscriptions/${scope.subscriptionId}/providers/${scope.namespace}/locations/${locationSegment(scope.location)}`;
    const query = `?api-version=${encodeURIComponent(context.apiVersion)}`;
    return {
      "Azure-AsyncOperation": `${base}/operationStatuses/${id}${query}`,
      Location: `${base}/operationResults/${id}${query}`,
      "Retry-After": String(this.retryAfterSeconds),
    };
  }

  async get(scope: OperationScope, id: string): Promise<OperationRecord | undefined> {
    return (await this.store.get<OperationRecord>(operationKey(scope, id)))?.value;
  }

  /** Marks operations a previous process left Running as Failed and drops old ones. */
  async recover(): Promise<{ interrupted: number; pruned: number }> {
    const all = await this.store.list<OperationRecord>({ prefix: "/subscriptions/", type: operationType });
    let interrupted = 0;
    let pruned = 0;
    await this.store.transaction(async (tx) => {
      for (const entry of all) {
        const op = entry.value;
        if (Date.now() - Date.parse(op.startTime) > retention) {
          await tx.delete(entry.key);
          pruned++;
        } else if (op.status === "Running") {
          await tx.put(entry.key, operationType, {
            ...op,
            status: "Failed",
            endTime: new Date().toISOString(),
            error: {
              code: "OperationInterrupted",
              message: "wpslink restarted while the operation was running.",
            },
            failureStatus: 500,
          } satisfies OperationRecord);
          interrupted++;
        }
      }
    });
    return { interrupted, pruned };
  }

  /** Waits (bounded) for background work to finish, for an orderly shutdown. */
  async drain(timeoutMs = 5000): Promise<void> {
    const pending = [...this.inFlight];
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(pending),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** The two polling routes; the runtime registers them once for every namespace. */
  routes(): ArmRoute[] {
    const base = "/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}";
    const scopeOf = (c: ArmContext): OperationScope => ({
      subscriptionId: c.params.subscriptionId!,
      namespace: c.params.namespace!,
      location: c.params.location!,
    });
    const find = async (c: ArmContext): Promise<OperationRecord> => {
      const op = await this.get(scopeOf(c), c.params.operationId!);
      if (!op) throw armErrors.operationNotFound(c.params.operationId!);
      return op;
    };
    return [
      {
        method: "GET",
        path: `${base}/operationStatuses/{operationId}`,
        apiVersions: "any",
        handler: async (c): Promise<ArmResult> => {
          const op = await find(c);
          const body = {
            id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationStatuses/${op.id}`,
            name: op.name,
            status: op.status,
            startTime: op.startTime,
            ...(op.endTime ? { endTime: op.endTime } : {}),
            ...(op.status === "Running" ? {} : { percentComplete: 100 }),
            ...(op.error ? { error: op.error } : {}),
          };
          return {
            status: 200,
            body,
            headers: op.status === "Running" ? { "Retry-After": String(this.retryAfterSeconds) } : {},
          };
        },
      },
      {
        method: "GET",
        path: `${base}/operationResults/{operationId}`,
        apiVersions: "any",
        handler: async (c): Promise<ArmResult> => {
          const op = await find(c);
          if (op.status === "Running") {
            const headers = this.headers(c, scopeOf(c), op.id);
            return {
              status: 202,
              headers: { Location: headers.Location!, "Retry-After": headers["Retry-After"]! },
            };
          }
          if (op.status === "Succeeded") return { status: op.result?.status ?? 204, body: op.result?.body };
          const error = op.error ?? { code: "OperationFailed", message: "The operation failed." };
          throw new ArmError(op.failureStatus ?? 500, error.code, error.message);
        },
      },
    ];
  }
}
