// The one typed configuration of wpslink. CLI flags, WPSLINK_* environment variables and an
// optional JSON config file all map onto this schema; anything unknown or out of range fails
// start-up with a message that names the setting.
import { z } from "zod";
import {
  defaultLocation,
  defaultResourceGroup,
  defaultResourceName,
  wellKnownPrimaryKey,
  wellKnownSecondaryKey,
  wellKnownSubscriptionId,
} from "./defaults.js";

const port = z.number().int().min(0).max(65535);

const accessKey = z
  .string()
  .min(32, "an access key needs at least 32 characters")
  .refine((k) => !k.includes(";"), "an access key may not contain ';'")
  .refine((k) => k.trim() === k, "an access key may not start or end with whitespace");

const eventHandler = z
  .object({
    urlTemplate: z.string().url(),
    userEventPattern: z.string().optional(),
    systemEvents: z.array(z.enum(["connect", "connected", "disconnected"])).optional(),
    auth: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("None") }).strict(),
        z
          .object({
            type: z.literal("ManagedIdentity"),
            managedIdentity: z.object({ resource: z.string().min(1) }).strict(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

const hub = z
  .object({
    eventHandlers: z.array(eventHandler).default([]),
    anonymousConnectPolicy: z.enum(["allow", "deny"]).default("deny"),
    webSocketKeepAliveIntervalInSeconds: z.number().int().min(1).max(120).default(20),
  })
  .strict();

export const configSchema = z
  .object({
    /** Workspace folder (state, CA, issuer secret). */
    location: z.string().min(1).default(".wpslink"),
    inMemory: z.boolean().default(false),
    /** Address every listener binds to. */
    host: z.string().min(1).default("127.0.0.1"),
    /** Host name used in printed URLs and connection strings. */
    publicHostname: z.string().min(1).default("localhost"),
    dataPlaneHttpPort: port.default(8080),
    dataPlaneHttpsPort: port.default(8443),
    managementPort: port.default(8444),
    siteHttpPort: port.default(8081),
    siteHttpsPort: port.default(8445),
    /** First port handed to data planes of resources created through ARM (0 = any free port). */
    resourcePortRangeStart: port.default(0),
    skipApiVersionCheck: z.boolean().default(false),
    /** Accept any well-formed bearer on the management API (tools that bring their own tokens). */
    acceptAnyBearer: z.boolean().default(false),
    /** Delay before a site-side private endpoint connection change reaches the shared private endpoint. */
    propagationDelayMs: z.number().int().min(0).max(600_000).default(3000),
    /** How long a site-side approve / reject / delete of a private endpoint connection takes (Approving, Rejecting, Disconnecting). */
    siteTransitionDelayMs: z.number().int().min(0).max(600_000).default(1000),
    /**
     * Redis that every node serving the same resources shares (`redis://` or `rediss://`); when set,
     * messages, closes and group operations reach connections on every node. Unset = one node.
     */
    redisUrl: z
      .string()
      .url()
      .refine((url) => /^rediss?:\/\//i.test(url), "a Redis URL starts with redis:// or rediss://")
      .optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    json: z.boolean().default(false),
    defaultResource: z
      .object({
        subscriptionId: z.string().uuid().default(wellKnownSubscriptionId),
        resourceGroup: z.string().min(1).default(defaultResourceGroup),
        name: z.string().min(3).default(defaultResourceName),
        location: z.string().min(1).default(defaultLocation),
        primaryKey: accessKey.default(wellKnownPrimaryKey),
        secondaryKey: accessKey.default(wellKnownSecondaryKey),
        hubs: z.record(z.string(), hub).default({}),
      })
      .strict()
      .default({}),
  })
  .strict();

export type WpslinkConfig = z.infer<typeof configSchema>;
export type HubConfig = z.infer<typeof hub>;
