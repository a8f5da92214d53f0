// Turns a hub PUT body into the stored hub properties and the data plane's live `HubSettings`,
// checking event-handler URL templates the way the service does (reference §2.3).
import type {
  EventHandlerSettings,
  HubSettings,
  SystemEventName,
} from "../../dataplane/domain/hubSettings.js";
import { armErrors } from "../runtime/armError.js";
import type { HubProperties, HubRecord } from "./webPubSubModel.js";
import type { EventHandlerInput, HubPutBody } from "./webPubSubSchemas.js";

function checkUrlTemplate(template: string, index: number): void {
  const target = `properties.eventHandlers[${index}].urlTemplate`;
  if (template.includes("{@Microsoft.KeyVault")) {
    throw armErrors.notImplemented(`Key Vault references in event handler URL templates ('${target}')`);
  }
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(template);
  if (!match) {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      `The event handler URL template '${template}' must be an absolute http or https URL.`,
      target,
    );
  }
  const host = match[2] ?? "";
  if (host.includes("{") || host.includes("}")) {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      `The host of the event handler URL template '${template}' may not contain parameters; only the path and query may use {hub} and {event}.`,
      target,
    );
  }
  const sample = template.replace(/\{(hub|event)\}/gi, "x");
  if (/[{}]/.test(sample)) {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      `The event handler URL template '${template}' may only use the parameters {hub} and {event}.`,
      target,
    );
  }
  try {
    new URL(sample);
  } catch {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      `The event handler URL template '${template}' is not a valid URL.`,
      target,
    );
  }
}

function storedHandler(handler: EventHandlerInput, index: number): Record<string, unknown> {
  checkUrlTemplate(handler.urlTemplate, index);
  const auth = handler.auth ?? undefined;
  if (auth?.type === "ManagedIdentity" && !auth.managedIdentity?.resource) {
    throw armErrors.badRequest(
      "InvalidRequestContent",
      "An event handler with ManagedIdentity auth needs auth.managedIdentity.resource (the audience of the token).",
      `properties.eventHandlers[${index}].auth.managedIdentity.resource`,
    );
  }
  return {
    urlTemplate: handler.urlTemplate,
    ...(handler.userEventPattern ? { userEventPattern: handler.userEventPattern } : {}),
    ...(handler.systemEvents ? { systemEvents: [...handler.systemEvents] } : {}),
    ...(auth?.type === "ManagedIdentity"
      ? { auth: { type: "ManagedIdentity", managedIdentity: { resource: auth.managedIdentity!.resource } } }
      : auth?.type === "None"
        ? { auth: { type: "None" } }
        : {}),
  };
}

/** Validated, normalised hub properties as stored and returned. */
export function hubPropertiesFrom(body: HubPutBody): HubProperties {
  const listeners = body.properties.eventListeners ?? [];
  if (listeners.length > 0) {
    throw armErrors.notImplemented("Event listeners (Event Hubs) on hubs");
  }
  return {
    eventHandlers: (body.properties.eventHandlers ?? []).map(storedHandler),
    eventListeners: [],
    anonymousConnectPolicy: body.properties.anonymousConnectPolicy ?? "deny",
    webSocketKeepAliveIntervalInSeconds: body.properties.webSocketKeepAliveIntervalInSeconds ?? 20,
  };
}

/** The live settings the data plane and the events dispatcher use. */
export function hubSettingsFrom(properties: HubProperties): HubSettings {
  return {
    eventHandlers: properties.eventHandlers.map((raw) => {
      const handler = raw as {
        urlTemplate: string;
        userEventPattern?: string;
        systemEvents?: SystemEventName[];
        auth?: EventHandlerSettings["auth"];
      };
      return {
        urlTemplate: handler.urlTemplate,
        ...(handler.userEventPattern ? { userEventPattern: handler.userEventPattern } : {}),
        ...(handler.systemEvents ? { systemEvents: handler.systemEvents } : {}),
        ...(handler.auth ? { auth: handler.auth } : {}),
      } satisfies EventHandlerSettings;
    }),
    anonymousConnectPolicy: properties.anonymousConnectPolicy,
    webSocketKeepAliveIntervalInSeconds: properties.webSocketKeepAliveIntervalInSeconds,
  };
}

export function hubSettingsMap(hubs: readonly HubRecord[]): Map<string, HubSettings> {
  return new Map(hubs.map((hub) => [hub.name, hubSettingsFrom(hub.properties)]));
}
