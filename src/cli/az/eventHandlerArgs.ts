// `--event-handler url-template=... user-event-pattern=... system-event=... auth-type=...
// auth-resource=...`: one occurrence per handler, as in `az webpubsub hub create`.
import { UsageError } from "./errors.js";

export interface EventHandlerBody {
  urlTemplate: string;
  userEventPattern?: string;
  systemEvents?: string[];
  auth?: { type: string; managedIdentity?: { resource: string } };
}

const supportedKeys = ["url-template", "user-event-pattern", "system-event", "auth-type", "auth-resource"];

function usage(detail: string): UsageError {
  return new UsageError(
    `usage error: --event-handler KEY=VALUE [KEY=VALUE ...]: ${detail} (keys: ${supportedKeys.join(", ")})`,
  );
}

export function eventHandlerFrom(tokens: readonly string[]): EventHandlerBody {
  let urlTemplate: string | undefined;
  let userEventPattern: string | undefined;
  const systemEvents: string[] = [];
  let authType: string | undefined;
  let authResource: string | undefined;
  for (const token of tokens) {
    const at = token.indexOf("=");
    if (at <= 0) throw usage(`'${token}' is not KEY=VALUE`);
    const key = token.slice(0, at).toLowerCase().replace(/_/g, "-");
    const value = token.slice(at + 1);
    switch (key) {
      case "url-template":
        urlTemplate = value;
        break;
      case "user-event-pattern":
        userEventPattern = value;
        break;
      case "system-event":
      case "system-events":
        systemEvents.push(
          ...value
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case "auth-type":
        authType = value;
        break;
      case "auth-resource":
        authResource = value;
        break;
      default:
        throw usage(`unknown key '${key}'`);
    }
  }
  if (urlTemplate === undefined) throw usage("url-template is required");
  const handler: EventHandlerBody = { urlTemplate };
  if (userEventPattern !== undefined) handler.userEventPattern = userEventPattern;
  if (systemEvents.length > 0) handler.systemEvents = systemEvents;
  if (authType !== undefined || authResource !== undefined) {
    const type = authType ?? "ManagedIdentity";
    handler.auth =
      type === "ManagedIdentity" ? { type, managedIdentity: { resource: authResource ?? "" } } : { type };
  }
  return handler;
}
