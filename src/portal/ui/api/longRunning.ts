// Follows an ARM long-running operation the way the SDKs do: the Azure-AsyncOperation URL until
// its `status` is terminal, else the Location URL until it stops answering 202. Polls every
// second (the portal wants states to move as soon as they change), bounded in time.
import { ArmError, armRequest, type ArmResponse } from "./armClient.js";

const terminal = new Set(["succeeded", "failed", "canceled", "cancelled"]);
const pollIntervalMs = 1000;
const maxWaitMs = 10 * 60_000;

interface OperationStatus {
  status?: string;
  error?: { code?: string; message?: string };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the operation started by `initial` is done; throws ArmError when it failed. */
export async function waitForOperation(initial: ArmResponse<unknown>, apiVersion: string): Promise<void> {
  const asyncUrl = initial.headers.get("azure-asyncoperation") ?? initial.headers.get("operation-location");
  const locationUrl = initial.headers.get("location");
  const deadline = Date.now() + maxWaitMs;
  if (asyncUrl) {
    while (Date.now() < deadline) {
      const poll = await armRequest<OperationStatus>("GET", asyncUrl, apiVersion);
      const status = poll.body?.status?.toLowerCase() ?? "";
      if (terminal.has(status)) {
        if (status === "succeeded") return;
        const error = poll.body?.error;
        throw new ArmError(
          error?.code ?? "OperationFailed",
          error?.message ?? `The operation ended as ${poll.body?.status ?? "unknown"}.`,
          200,
        );
      }
      await sleep(pollIntervalMs);
    }
    throw new ArmError("OperationTimedOut", "The operation did not finish within 10 minutes.", 0);
  }
  if (locationUrl && initial.status === 202) {
    while (Date.now() < deadline) {
      const poll = await armRequest<unknown>("GET", locationUrl, apiVersion);
      if (poll.status !== 202) return;
      await sleep(pollIntervalMs);
    }
    throw new ArmError("OperationTimedOut", "The operation did not finish within 10 minutes.", 0);
  }
}
