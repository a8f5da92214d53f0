// The CloudEvents (binary mode) headers of an event POST, as listed in reference §3.3.
import type { EventConnectionContext } from "../dataplane/ports/upstreamEvents.js";

export interface CloudEventHeaderInput {
  readonly context: EventConnectionContext;
  /** `connect`, `connected`, `disconnected` or the user event name. */
  readonly eventName: string;
  readonly system: boolean;
  readonly eventId: string;
  readonly signature: string;
  readonly contentType: string;
}

/** `ce-time` of the current millisecond (many events share one; formatting a Date is not free). */
let timeMs = -1;
let timeText = "";
function isoNow(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeText = new Date(now).toISOString();
  }
  return timeText;
}

export function cloudEventHeaders(input: CloudEventHeaderInput): Record<string, string> {
  const { context } = input;
  const headers: Record<string, string> = {
    "content-type": input.contentType,
    "ce-specversion": "1.0",
    "ce-awpsversion": "1.0",
    "ce-type": `azure.webpubsub.${input.system ? "sys" : "user"}.${input.eventName}`,
    "ce-source": `/hubs/${context.hub}/client/${context.connectionId}`,
    "ce-id": input.eventId,
    "ce-time": isoNow(),
    "ce-signature": input.signature,
    "ce-connectionId": context.connectionId,
    "ce-hub": context.hub,
    "ce-eventName": input.eventName,
    "WebHook-Request-Origin": context.origin,
  };
  if (context.userId !== null) headers["ce-userId"] = context.userId;
  // The offered subprotocols travel in the connect body; the negotiated one on later events.
  if (context.subprotocol && !(input.system && input.eventName === "connect"))
    headers["ce-subprotocol"] = context.subprotocol;
  if (context.connectionState !== null) headers["ce-connectionState"] = context.connectionState;
  return headers;
}
