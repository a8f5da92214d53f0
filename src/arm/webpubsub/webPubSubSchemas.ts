// Request bodies of the webPubSub provider as zod schemas, and its name rules. Unknown and
// read-only properties are tolerated (clients such as az PUT a whole GET body back).
import { z } from "zod";
import type { NameRule } from "../runtime/validation.js";

export const resourceNameRule: NameRule = {
  pattern: /^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/,
  minLength: 3,
  maxLength: 63,
  description:
    "It must be 3-63 characters, start with a letter, end with a letter or digit, and contain only letters, digits and hyphens.",
};

export const hubNameRule: NameRule = {
  pattern: /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/,
  minLength: 1,
  maxLength: 128,
  description:
    "It must be 1-128 characters, start with a letter, and contain only letters, digits and the characters _ ` , . [ ].",
};

const enabledDisabled = z.enum(["Enabled", "Disabled"]);
const trueFalseString = z.enum(["true", "false"]);

const skuInput = z
  .object({
    name: z.string({ required_error: "sku.name is required" }).min(1),
    tier: z.string().optional(),
    capacity: z.number().int().optional(),
  })
  .passthrough();

const identityInput = z
  .object({
    type: z.enum(["None", "SystemAssigned", "UserAssigned"]),
    userAssignedIdentities: z.record(z.string(), z.object({}).passthrough().nullable()).optional(),
  })
  .passthrough();

const category = z.object({ name: z.string().min(1), enabled: trueFalseString }).passthrough();

const propertiesInput = z
  .object({
    publicNetworkAccess: enabledDisabled.optional(),
    disableLocalAuth: z.boolean().optional(),
    disableAadAuth: z.boolean().optional(),
    tls: z.object({ clientCertEnabled: z.boolean().optional() }).passthrough().optional(),
    liveTraceConfiguration: z
      .object({ enabled: trueFalseString.optional(), categories: z.array(category).optional() })
      .passthrough()
      .optional(),
    resourceLogConfiguration: z
      .object({ categories: z.array(category).optional() })
      .passthrough()
      .optional(),
    networkACLs: z
      .object({
        defaultAction: z.enum(["Allow", "Deny"]).optional(),
        publicNetwork: z.object({}).passthrough().optional(),
        privateEndpoints: z.array(z.object({ name: z.string() }).passthrough()).optional(),
        ipRules: z
          .array(z.object({ value: z.string(), action: z.enum(["Allow", "Deny"]) }).passthrough())
          .max(30)
          .optional(),
      })
      .passthrough()
      .optional(),
    regionEndpointEnabled: enabledDisabled.optional(),
    resourceStopped: trueFalseString.optional(),
    socketIO: z.object({ serviceMode: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export const resourcePutBody = z
  .object({
    location: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    sku: skuInput.optional(),
    kind: z.enum(["WebPubSub", "SocketIO"]).optional(),
    identity: identityInput.optional(),
    properties: propertiesInput.optional(),
  })
  .passthrough();

export const resourcePatchBody = resourcePutBody;

export type ResourcePutBody = z.infer<typeof resourcePutBody>;
export type PropertiesInput = z.infer<typeof propertiesInput>;

export const regenerateKeyBody = z
  .object({ keyType: z.enum(["Primary", "Secondary", "Salt"]) })
  .passthrough();

export const nameAvailabilityBody = z.object({ type: z.string().min(1), name: z.string() }).passthrough();

const eventHandlerInput = z
  .object({
    urlTemplate: z.string({ required_error: "urlTemplate is required" }).min(1),
    userEventPattern: z.string().optional().nullable(),
    systemEvents: z
      .array(z.enum(["connect", "connected", "disconnected"]))
      .optional()
      .nullable(),
    auth: z
      .object({
        type: z.enum(["None", "ManagedIdentity"]).optional(),
        managedIdentity: z.object({ resource: z.string().optional() }).passthrough().optional().nullable(),
      })
      .passthrough()
      .optional()
      .nullable(),
  })
  .passthrough();

export const hubPutBody = z
  .object({
    properties: z
      .object({
        eventHandlers: z.array(eventHandlerInput).optional().nullable(),
        eventListeners: z.array(z.unknown()).optional().nullable(),
        anonymousConnectPolicy: z
          .string()
          .transform((value) => value.toLowerCase())
          .pipe(z.enum(["allow", "deny"], { message: "anonymousConnectPolicy must be 'allow' or 'deny'" }))
          .optional(),
        webSocketKeepAliveIntervalInSeconds: z.number().int().min(1).max(120).optional(),
      })
      .passthrough(),
  })
  .passthrough();

export type HubPutBody = z.infer<typeof hubPutBody>;
export type EventHandlerInput = z.infer<typeof eventHandlerInput>;
