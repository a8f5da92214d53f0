// The event-handler dispatcher of one Web PubSub resource: implements the data plane's
// `UpstreamEvents` port by calling the hub's upstream apps with CloudEvents over HTTP. Blocking
// events (`connect`, user events) return the upstream's verdict; `connected` and `disconnected`
// are queued per upstream host and never delay the client. Every connection goes out through
// the given egress dialer.
import { setMaxListeners } from "node:events";
import type { AccessKeyRing } from "../dataplane/domain/accessKeys.js";
import type { HubSettingsSource } from "../dataplane/domain/hubSettings.js";
import type { MessagePayload } from "../dataplane/domain/messages.js";
import type {
  ConnectOutcome,
  ConnectRequest,
  EventConnectionContext,
  UpstreamEvents,
  UserEventOutcome,
} from "../dataplane/ports/upstreamEvents.js";
import type { EgressDialer } from "../network/egressDialer.js";
import type { TraceBus } from "../trace/traceBus.js";
import { AbuseProtection } from "./abuseProtection.js";
import { ConnectionEventStates } from "./connectionEventState.js";
import { connectionStateHeader, parseConnectResponse, upstreamErrorText } from "./connectResponse.js";
import { EventDelivery } from "./eventDelivery.js";
import { FireAndForgetQueue } from "./fireAndForgetQueue.js";
import { createLocalManagedIdentity } from "./localManagedIdentity.js";
import type { ManagedIdentityTokenIssuer } from "./managedIdentity.js";
import { UpstreamCaller } from "./upstreamCaller.js";
import { UpstreamClientPool } from "./upstreamClientPool.js";
import { resolveUpstreamSettings, type UpstreamSettings } from "./upstreamSettings.js";
import { readUserEventReply, userEventContentType } from "./userEventPayloads.js";
import { redactedUrl } from "./urlTemplate.js";

export interface UpstreamEventsOptions {
  readonly resourceName: string;
  readonly keys: AccessKeyRing;
  readonly hubSettings: HubSettingsSource;
  readonly trace: TraceBus;
  readonly dialer: EgressDialer;
  /** Signs tokens for `ManagedIdentity` handlers; default: a local identity made on first use. */
  readonly tokenIssuer?: ManagedIdentityTokenIssuer;
  readonly settings?: Partial<UpstreamSettings>;
}

export interface UpstreamEventsDispatcher extends UpstreamEvents {
  /** Sockets open to upstreams right now (diagnostics, leak tests). */
  openUpstreamSockets(): number;
  /** Fire-and-forget events waiting or in flight for an upstream origin (`http://host:port`). */
  pendingEvents(origin: string): number;
  /** Stops queued events, fails calls in flight, closes every upstream connection. */
  close(): Promise<void>;
}

const systemContentType = "application/json; charset=utf-8";

export function createUpstreamEvents(options: UpstreamEventsOptions): UpstreamEventsDispatcher {
  const settings = resolveUpstreamSettings(options.settings);
  const { trace, resourceName } = options;
  const shutdown = new AbortController();
  // Every call in flight listens for shutdown; there may be thousands.
  setMaxListeners(0, shutdown.signal);
  const pool = new UpstreamClientPool({
    dialer: options.dialer,
    maxConnectionsPerOrigin: settings.maxConnectionsPerOrigin,
    keepAliveTimeoutMs: settings.keepAliveTimeoutMs,
  });
  const caller = new UpstreamCaller({ pool, settings, trace, resourceName, shutdown: shutdown.signal });
  const states = new ConnectionEventStates();
  const queue = new FireAndForgetQueue(settings.maxPendingEventsPerHost, settings.fireAndForgetConcurrency);
  let tokenIssuer = options.tokenIssuer;
  const delivery = new EventDelivery({
    hubSettings: options.hubSettings,
    keys: options.keys,
    caller,
    abuseProtection: new AbuseProtection({ caller, settings, trace, resourceName }),
    states,
    tokenIssuer: () => (tokenIssuer ??= createLocalManagedIdentity()),
  });
  const unsubscribeRoutes = options.dialer.onRoutesChanged?.(() => pool.drain());

  const traceFailure = (context: EventConnectionContext, event: string, reason: string): void => {
    trace.publish({
      category: "upstream",
      kind: "event.failed",
      resource: resourceName,
      hub: context.hub,
      connectionId: context.connectionId,
      details: { event, reason },
    });
  };

  /** Queues a `connected`/`disconnected` event; `after` runs once it is done or dropped. */
  const fireAndForget = (
    context: EventConnectionContext,
    event: "connected" | "disconnected",
    body: string,
    after?: () => void,
  ): void => {
    const routed = delivery.route(context.hub, { system: event });
    if (!routed || "error" in routed) {
      if (routed) traceFailure(context, event, routed.error);
      after?.();
      return;
    }
    const eventId = states.nextId(context.connectionId, false);
    // `disconnected` waits for the same connection's `connected` so the upstream sees them in order.
    const state = states.get(context.connectionId);
    const previous = state.lastFireAndForget;
    let markDone = (): void => undefined;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    const job = async (): Promise<void> => {
      try {
        await previous;
        const result = await delivery.send(routed, {
          context,
          eventName: event,
          system: true,
          eventId,
          contentType: systemContentType,
          body: Buffer.from(body),
        });
        if (result.kind === "failed") traceFailure(context, event, result.reason);
        else if (result.response.status < 200 || result.response.status > 299) {
          traceFailure(context, event, `the event handler answered ${result.response.status}`);
        }
      } finally {
        markDone();
        after?.();
      }
    };
    if (queue.offer(routed.url.origin, job)) {
      state.lastFireAndForget = done;
    } else {
      trace.publish({
        category: "upstream",
        kind: "upstream.dropped",
        resource: resourceName,
        hub: context.hub,
        connectionId: context.connectionId,
        details: {
          event,
          url: redactedUrl(routed.url),
          reason: shutdown.signal.aborted
            ? "the service is shutting down"
            : `${settings.maxPendingEventsPerHost} events already wait for ${routed.url.origin}`,
        },
      });
      after?.();
    }
  };

  const refuse = (context: EventConnectionContext, reason: string): ConnectOutcome => {
    states.forget(context.connectionId);
    traceFailure(context, "connect", reason);
    return { kind: "refused", status: 500, message: reason };
  };

  return {
    handlesConnect: (hub) => delivery.handles(hub, { system: "connect" }),

    async connect(context: EventConnectionContext, request: ConnectRequest): Promise<ConnectOutcome> {
      const routed = delivery.route(context.hub, { system: "connect" });
      if (!routed) return { kind: "noHandler" };
      if ("error" in routed) return refuse(context, routed.error);
      const result = await delivery.send(routed, {
        context,
        eventName: "connect",
        system: true,
        eventId: states.nextId(context.connectionId, true),
        contentType: systemContentType,
        body: Buffer.from(JSON.stringify(connectBody(request))),
      });
      if (result.kind === "failed") return refuse(context, result.reason);
      const outcome = parseConnectResponse(result.response, request.subprotocols);
      if (outcome.kind === "refused") {
        states.forget(context.connectionId);
        traceFailure(context, "connect", `refused with ${outcome.status}: ${outcome.message}`);
      }
      return outcome;
    },

    connected(context) {
      fireAndForget(context, "connected", "{}");
    },

    disconnected(context, reason) {
      fireAndForget(context, "disconnected", JSON.stringify({ reason }), () =>
        states.forget(context.connectionId),
      );
    },

    async userEvent(context, event, payload: MessagePayload): Promise<UserEventOutcome> {
      const routed = delivery.route(context.hub, { user: event });
      if (!routed) return { kind: "noHandler" };
      if ("error" in routed) return failUserEvent(context, event, routed.error);
      const result = await delivery.send(routed, {
        context,
        eventName: event,
        system: false,
        eventId: states.nextId(context.connectionId, false),
        contentType: userEventContentType(payload.dataType),
        body: payload.data,
      });
      if (result.kind === "failed") return failUserEvent(context, event, result.reason);
      const { response } = result;
      if (response.status < 200 || response.status > 299) {
        const status = response.status >= 400 && response.status < 500 ? response.status : 500;
        return failUserEvent(
          context,
          event,
          `the event handler answered ${response.status}: ${upstreamErrorText(response)}`,
          status,
        );
      }
      const reply = readUserEventReply(response);
      if (reply.kind === "invalid") return failUserEvent(context, event, reply.message);
      const state = connectionStateHeader(response);
      return {
        kind: "ok",
        ...(reply.kind === "reply" ? { reply: reply.payload } : {}),
        ...(state !== undefined ? { connectionState: state } : {}),
      };
    },

    openUpstreamSockets: () => pool.openSockets(),
    pendingEvents: (origin) => queue.pending(origin),

    async close() {
      shutdown.abort();
      queue.close();
      unsubscribeRoutes?.();
      await pool.destroy();
    },
  };

  function failUserEvent(
    context: EventConnectionContext,
    event: string,
    reason: string,
    status = 500,
  ): UserEventOutcome {
    traceFailure(context, event, reason);
    return { kind: "failed", status, message: reason };
  }
}

/** The `connect` body of reference §3.5; the token never travels to the upstream. */
function connectBody(request: ConnectRequest): ConnectRequest {
  const query = Object.fromEntries(Object.entries(request.query).filter(([key]) => key !== "access_token"));
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== "authorization"),
  );
  return { ...request, query, headers };
}
