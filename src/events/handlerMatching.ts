// Which event handler of a hub receives an event: the handlers are tried in order and the first
// that subscribes to the event wins. User events match `userEventPattern` (`*` = every event, a
// comma list, or one name; names compared exactly after trimming); system events match
// `systemEvents`.
import type { EventHandlerSettings, HubSettings, SystemEventName } from "../dataplane/domain/hubSettings.js";

export type EventKind = { readonly system: SystemEventName } | { readonly user: string };

export function userEventPatternMatches(pattern: string | undefined, event: string): boolean {
  if (!pattern) return false;
  return pattern
    .split(",")
    .map((part) => part.trim())
    .some((part) => part === "*" || part === event);
}

export function handlerSubscribes(handler: EventHandlerSettings, kind: EventKind): boolean {
  if ("system" in kind) return handler.systemEvents?.includes(kind.system) ?? false;
  return userEventPatternMatches(handler.userEventPattern, kind.user);
}

export function selectHandler(settings: HubSettings, kind: EventKind): EventHandlerSettings | undefined {
  return settings.eventHandlers.find((handler) => handlerSubscribes(handler, kind));
}
