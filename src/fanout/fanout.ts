// The fan-out port: how a data message addressed to a hub's connections (all, a group, a user,
// one connection) reaches every node that may hold them. A node publishes a delivery; every
// node (itself included) receives it and writes it to its own sockets. In-process by default;
// a clustered adapter (Redis pub/sub) implements the same port.
import type { ConnectionPredicate } from "../dataplane/domain/hubOperations.js";
import type { DataMessage } from "../dataplane/domain/messages.js";

export type DeliveryTarget =
  | { readonly kind: "all" }
  | { readonly kind: "group"; readonly group: string }
  | { readonly kind: "user"; readonly userId: string }
  | { readonly kind: "connection"; readonly connectionId: string };

export interface Delivery {
  /** Hub name, lower-case (hubs are case-insensitive). */
  readonly hub: string;
  readonly target: DeliveryTarget;
  readonly message: DataMessage;
  /** Connection ids that must not receive it. */
  readonly excluded?: readonly string[];
  /**
   * A compiled OData filter. It only crosses process boundaries as its source text
   * (`filterText`), which a clustered adapter compiles again on the receiving node.
   */
  readonly filter?: ConnectionPredicate;
  readonly filterText?: string;
  /** 0–300; 0 or absent = no expiry. */
  readonly ttlSeconds?: number;
  /** The connection that published it (client-to-group messages), for traces. */
  readonly senderConnectionId?: string;
}

export type DeliveryListener = (delivery: Delivery) => void;

export interface Fanout {
  /** Resolves once the delivery is handed to every node (in-process: delivered locally). */
  publish(delivery: Delivery): Promise<void>;
  /** A node's local deliverer; returns the unsubscribe function. */
  subscribe(listener: DeliveryListener): () => void;
  close(): Promise<void>;
}
