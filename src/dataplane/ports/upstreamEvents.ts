// The port through which the data plane raises events to the hub's upstream (event handlers).
// `events/` implements it; the data plane never talks HTTP to an upstream itself.
import type { MessagePayload } from "../domain/messages.js";

/** What the data plane knows about a connection when it raises an event. */
export interface EventConnectionContext {
  readonly hub: string;
  readonly connectionId: string;
  readonly userId: string | null;
  /** Negotiated subprotocol, or null for plain WebSocket clients. */
  readonly subprotocol: string | null;
  /** Last `ce-connectionState` value set by the upstream, if any. */
  readonly connectionState: string | null;
  /** Origin the service identifies itself with (`WebHook-Request-Origin`), e.g. `localhost:8080`. */
  readonly origin: string;
}

export interface ConnectRequest {
  readonly claims: Record<string, string[]>;
  readonly query: Record<string, string[]>;
  readonly headers: Record<string, string[]>;
  readonly subprotocols: string[];
  readonly clientCertificates: { thumbprint: string; content: string }[];
}

export type ConnectOutcome =
  /** No handler subscribes to `connect`: accept with the token's identity. */
  | { readonly kind: "noHandler" }
  | {
      readonly kind: "accepted";
      readonly userId?: string;
      readonly groups?: string[];
      readonly roles?: string[];
      readonly subprotocol?: string;
      readonly connectionState?: string;
    }
  /** The upstream refused (its 4xx/5xx) or could not be reached (status 500). */
  | { readonly kind: "refused"; readonly status: number; readonly message: string };

export type UserEventOutcome =
  | { readonly kind: "noHandler" }
  /** 2xx; `reply` absent when the body was empty. */
  | { readonly kind: "ok"; readonly reply?: MessagePayload; readonly connectionState?: string }
  | { readonly kind: "failed"; readonly status: number; readonly message: string };

export interface UpstreamEvents {
  /** True when some handler of the hub subscribes to `connect` (the upgrade then waits for it). */
  handlesConnect(hub: string): boolean;
  connect(context: EventConnectionContext, request: ConnectRequest): Promise<ConnectOutcome>;
  /** Fire-and-forget. */
  connected(context: EventConnectionContext): void;
  /** Fire-and-forget. */
  disconnected(context: EventConnectionContext, reason: string): void;
  userEvent(
    context: EventConnectionContext,
    event: string,
    payload: MessagePayload,
  ): Promise<UserEventOutcome>;
}

/** An upstream that has no handlers at all: every event is unhandled. */
export const noUpstream: UpstreamEvents = {
  handlesConnect: () => false,
  connect: async () => ({ kind: "noHandler" }),
  connected: () => undefined,
  disconnected: () => undefined,
  userEvent: async () => ({ kind: "noHandler" }),
};
