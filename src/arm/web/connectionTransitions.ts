// The state machine of a site's private endpoint connection, as App Service runs it:
//   Pending → (Approving) → Approved;  Pending | Approved → (Rejecting) → Rejected;
//   any settled state → (Disconnecting) → gone.
// A rejected connection is not approved again (delete it and request a new one), and nothing
// starts while a transition is running.
import type { ConnectionStatus, StoredConnection } from "./webModels.js";
import { providerErrors } from "./webErrors.js";

export type RequestedStatus = "Approved" | "Rejected";

export type TransitionPlan =
  /** Nothing to wait for: same settled status (only the description may change). */
  | { readonly kind: "unchanged" }
  | { readonly kind: "start"; readonly transitional: ConnectionStatus; readonly final: RequestedStatus };

const transitional: ReadonlySet<ConnectionStatus> = new Set(["Approving", "Rejecting", "Disconnecting"]);

export function isTransitional(status: ConnectionStatus): boolean {
  return transitional.has(status);
}

export function parseRequestedStatus(value: unknown): RequestedStatus {
  if (value === "Approved" || value === "Rejected") return value;
  throw providerErrors.badRequest(
    "InvalidPrivateLinkServiceConnectionState",
    `privateLinkServiceConnectionState.status must be 'Approved' or 'Rejected'; got ${JSON.stringify(value ?? null)}.`,
    "properties.privateLinkServiceConnectionState.status",
  );
}

export function planTransition(current: StoredConnection, requested: RequestedStatus): TransitionPlan {
  if (isTransitional(current.status)) {
    throw providerErrors.conflict(
      "PrivateEndpointConnectionOperationInProgress",
      `The private endpoint connection '${current.name}' is ${current.status}; wait until it settles and retry.`,
    );
  }
  if (current.status === requested) return { kind: "unchanged" };
  if (current.status === "Rejected" && requested === "Approved") {
    throw providerErrors.badRequest(
      "PrivateEndpointConnectionRejected",
      `The private endpoint connection '${current.name}' was rejected and cannot be approved again. Delete it and request a new private endpoint (for a shared private endpoint: delete and recreate the shared private link resource).`,
      "properties.privateLinkServiceConnectionState.status",
    );
  }
  return requested === "Approved"
    ? { kind: "start", transitional: "Approving", final: "Approved" }
    : { kind: "start", transitional: "Rejecting", final: "Rejected" };
}

/** The connection as it is once its transition has run. `undefined` means it is gone. */
export function settle(current: StoredConnection, now: number): StoredConnection | undefined {
  switch (current.status) {
    case "Approving":
      return {
        ...current,
        status: "Approved",
        provisioningState: "Succeeded",
        transitionDueAt: null,
        changedAt: now,
      };
    case "Rejecting":
      return {
        ...current,
        status: "Rejected",
        provisioningState: "Succeeded",
        transitionDueAt: null,
        changedAt: now,
      };
    case "Disconnecting":
      return undefined;
    default:
      return { ...current, transitionDueAt: null };
  }
}
