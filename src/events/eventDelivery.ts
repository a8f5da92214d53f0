// Delivers one event to the handler that subscribes to it: finds the handler, expands its URL,
// passes the abuse-protection check, adds the CloudEvents headers, signature, cookies and
// managed-identity token, and sends it through the upstream caller.
import type { AccessKeyRing } from "../dataplane/domain/accessKeys.js";
import type { EventHandlerSettings, HubSettingsSource } from "../dataplane/domain/hubSettings.js";
import type { EventConnectionContext } from "../dataplane/ports/upstreamEvents.js";
import type { AbuseProtection } from "./abuseProtection.js";
import { cloudEventHeaders } from "./cloudEventHeaders.js";
import type { ConnectionEventStates } from "./connectionEventState.js";
import { selectHandler, type EventKind } from "./handlerMatching.js";
import type { ManagedIdentityTokenIssuer } from "./managedIdentity.js";
import { ceSignature } from "./signature.js";
import type { UpstreamCaller, UpstreamResponse } from "./upstreamCaller.js";
import { redactedUrl, UrlTemplateCache } from "./urlTemplate.js";

/** An event whose handler is known. */
export interface RoutedEvent {
  readonly handler: EventHandlerSettings;
  readonly url: URL;
  readonly validationUrl: URL;
}

export type RouteResult = RoutedEvent | { readonly error: string } | undefined;

export interface OutgoingEvent {
  readonly context: EventConnectionContext;
  readonly eventName: string;
  readonly system: boolean;
  readonly eventId: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export type DeliveryResult =
  | { readonly kind: "response"; readonly response: UpstreamResponse }
  | { readonly kind: "failed"; readonly reason: string };

export interface EventDeliveryOptions {
  readonly hubSettings: HubSettingsSource;
  readonly keys: AccessKeyRing;
  readonly caller: UpstreamCaller;
  readonly abuseProtection: AbuseProtection;
  readonly states: ConnectionEventStates;
  readonly tokenIssuer: () => ManagedIdentityTokenIssuer;
}

export class EventDelivery {
  private readonly urls = new UrlTemplateCache();

  constructor(private readonly options: EventDeliveryOptions) {}

  handles(hub: string, kind: EventKind): boolean {
    return selectHandler(this.options.hubSettings.get(hub), kind) !== undefined;
  }

  /** The handler for the event: undefined when none subscribes, `{error}` when its URL is bad. */
  route(hub: string, kind: EventKind): RouteResult {
    const handler = selectHandler(this.options.hubSettings.get(hub), kind);
    if (!handler) return undefined;
    const eventName = "system" in kind ? kind.system : kind.user;
    const url = this.urls.expand(handler.urlTemplate, hub, eventName);
    if ("error" in url) return url;
    const validationUrl = this.urls.expand(handler.urlTemplate, hub, "validate");
    if ("error" in validationUrl) return validationUrl;
    return { handler, url: url.url, validationUrl: validationUrl.url };
  }

  async send(routed: RoutedEvent, event: OutgoingEvent): Promise<DeliveryResult> {
    const { context } = event;
    const shown = redactedUrl(routed.url);
    let auth: Record<string, string> = {};
    const handlerAuth = routed.handler.auth;
    if (handlerAuth?.type === "ManagedIdentity") {
      try {
        const token = await this.options.tokenIssuer().issue(handlerAuth.managedIdentity.resource);
        auth = { authorization: `Bearer ${token}` };
      } catch (error) {
        return { kind: "failed", reason: `no managed-identity token for ${shown}: ${String(error)}` };
      }
    }
    const validation = await this.options.abuseProtection.ensure({
      url: routed.validationUrl,
      origin: context.origin,
      hub: context.hub,
      headers: auth,
    });
    if (!validation.ok) {
      return { kind: "failed", reason: `events are not sent to ${shown}: ${validation.reason}` };
    }
    const state = this.options.states.get(context.connectionId);
    const headers = cloudEventHeaders({
      context,
      eventName: event.eventName,
      system: event.system,
      eventId: event.eventId,
      signature: ceSignature(this.options.keys, context.connectionId),
      contentType: event.contentType,
    });
    if (auth.authorization !== undefined) headers.authorization = auth.authorization;
    const cookie = state.cookies.header();
    if (cookie) headers.cookie = cookie;
    const result = await this.options.caller.call({
      method: "POST",
      url: routed.url,
      headers,
      body: event.body,
      hub: context.hub,
      event: event.eventName,
      connectionId: context.connectionId,
      retry: true,
    });
    if (!result.ok) {
      return {
        kind: "failed",
        reason: `the event handler ${shown} could not be reached (${result.attempts} attempt${result.attempts === 1 ? "" : "s"}): ${result.reason}`,
      };
    }
    const { response } = result;
    if (response.status >= 200 && response.status <= 299) {
      const setCookie = response.headers["set-cookie"];
      if (setCookie !== undefined) state.cookies.store(Array.isArray(setCookie) ? setCookie : [setCookie]);
    }
    return { kind: "response", response };
  }
}
