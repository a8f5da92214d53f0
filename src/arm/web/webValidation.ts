// Validation of Microsoft.Web request bodies: names, plan SKUs, site network settings and the
// backend URL app setting. Each failure is a ProviderError with the ARM code and a message that
// says what to change.
import { ipv4InCidr, parseIpv4 } from "../../network/addressPlan.js";
import { findPlanSku, planSkuNames } from "./planSkus.js";
import { backendUrlSetting } from "./webModels.js";
import { providerErrors, type ProviderError } from "./webErrors.js";

const siteNamePattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,58}[a-zA-Z0-9])?$/;
const planNamePattern = /^[a-zA-Z0-9-]{1,60}$/;

export function checkSiteName(name: string): void {
  if (name.length < 2 || !siteNamePattern.test(name)) {
    throw providerErrors.badRequest(
      "InvalidResourceName",
      `The site name '${name}' is invalid. It must be 2-60 characters of letters, digits and hyphens, and may not start or end with a hyphen.`,
      "name",
    );
  }
}

export function checkPlanName(name: string): void {
  if (!planNamePattern.test(name)) {
    throw providerErrors.badRequest(
      "InvalidResourceName",
      `The App Service plan name '${name}' is invalid. It must be 1-60 characters of letters, digits and hyphens.`,
      "name",
    );
  }
}

type Body = Record<string, unknown>;

export function asObject(value: unknown, target: string): Body {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw providerErrors.badRequest("InvalidRequestContent", `'${target}' must be a JSON object.`, target);
  }
  return value as Body;
}

export function requireLocation(body: Body): string {
  const location = body.location;
  if (typeof location !== "string" || location.trim() === "") {
    throw providerErrors.badRequest(
      "LocationRequired",
      "The location property is required for this definition.",
      "location",
    );
  }
  return location;
}

export function checkTags(value: unknown): Record<string, string> {
  const tags = asObject(value, "tags");
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") {
      throw providerErrors.badRequest(
        "InvalidRequestContent",
        `Tag '${k}' must have a string value.`,
        "tags",
      );
    }
  }
  return tags as Record<string, string>;
}

export function checkPlanSku(value: unknown): {
  name: string;
  tier: string;
  size: string;
  family: string;
  capacity: number;
} {
  const sku = asObject(value, "sku");
  const name = sku.name;
  if (typeof name !== "string" || name === "") {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "The plan's sku.name is required (for example 'B1', 'P1v3', 'EP1', 'Y1').",
      "sku.name",
    );
  }
  const known = findPlanSku(name);
  if (!known) {
    throw providerErrors.badRequest(
      "InvalidSku",
      `The SKU '${name}' is not an App Service plan SKU wpslink knows. Use one of: ${planSkuNames().join(", ")}.`,
      "sku.name",
    );
  }
  const capacity = sku.capacity ?? known.capacity;
  if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 0 || capacity > 100) {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "sku.capacity must be an integer from 0 to 100.",
      "sku.capacity",
    );
  }
  return { name: known.name, tier: known.tier, size: known.size, family: known.family, capacity };
}

export function checkPublicNetworkAccess(value: unknown, target: string): string | null {
  if (value === undefined || value === null || value === "")
    return (value as string | null | undefined) ?? null;
  if (value === "Enabled" || value === "Disabled") return value;
  throw providerErrors.badRequest(
    "InvalidRequestContent",
    `${target} must be 'Enabled', 'Disabled', or empty; got ${JSON.stringify(value)}.`,
    target,
  );
}

function invalid(target: string, message: string): ProviderError {
  return providerErrors.badRequest("InvalidRequestContent", message, target);
}

/** Checks the siteConfig fields wpslink acts on; other fields are kept as given. */
export function checkSiteConfig(value: unknown): Body {
  const config = asObject(value, "properties.siteConfig");
  const rules = config.ipSecurityRestrictions;
  if (rules !== undefined && rules !== null) {
    if (!Array.isArray(rules))
      throw invalid(
        "properties.siteConfig.ipSecurityRestrictions",
        "ipSecurityRestrictions must be an array.",
      );
    rules.forEach((rule: unknown, i) => checkRestriction(asObject(rule, `ipSecurityRestrictions[${i}]`), i));
  }
  const defaultAction = config.ipSecurityRestrictionsDefaultAction;
  if (
    defaultAction !== undefined &&
    defaultAction !== null &&
    defaultAction !== "Allow" &&
    defaultAction !== "Deny"
  ) {
    throw invalid(
      "properties.siteConfig.ipSecurityRestrictionsDefaultAction",
      "ipSecurityRestrictionsDefaultAction must be 'Allow' or 'Deny'.",
    );
  }
  const settings = config.appSettings;
  if (settings !== undefined && settings !== null) {
    if (!Array.isArray(settings))
      throw invalid("properties.siteConfig.appSettings", "appSettings must be an array of {name, value}.");
    for (const item of settings as unknown[]) {
      const entry = asObject(item, "appSettings[]");
      if (typeof entry.name !== "string" || entry.name === "")
        throw invalid("properties.siteConfig.appSettings", "every app setting needs a name.");
      if (entry.name === backendUrlSetting) checkBackendUrl(entry.value);
    }
  }
  return config;
}

export function checkBackendUrl(value: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    throw invalid(
      backendUrlSetting,
      `${backendUrlSetting} must be an absolute http:// or https:// URL without query (where your app listens, e.g. http://127.0.0.1:7071); got ${JSON.stringify(value)}.`,
    );
  }
}

function checkRestriction(rule: Body, index: number): void {
  const target = `properties.siteConfig.ipSecurityRestrictions[${index}]`;
  const action = rule.action ?? "Allow";
  if (action !== "Allow" && action !== "Deny")
    throw invalid(`${target}.action`, "action must be 'Allow' or 'Deny'.");
  const priority = rule.priority;
  if (
    priority !== undefined &&
    priority !== null &&
    (typeof priority !== "number" || !Number.isInteger(priority) || priority < 0)
  ) {
    throw invalid(`${target}.priority`, "priority must be a non-negative integer.");
  }
  const tag = rule.tag ?? "Default";
  if (tag !== "Default") return; // service tags and XffProxy are stored; the gate never matches them.
  const address = rule.ipAddress;
  if (rule.vnetSubnetResourceId) return;
  if (typeof address !== "string" || address === "") {
    throw invalid(`${target}.ipAddress`, "ipAddress is required (an IPv4 address, an IPv4 CIDR, or 'Any').");
  }
  if (address.toLowerCase() === "any") return;
  const [base = "", bits] = address.split("/");
  const bitsOk = bits === undefined || (/^\d{1,2}$/.test(bits) && Number(bits) <= 32);
  if (!parseIpv4(base) || !bitsOk || (bits !== undefined && !ipv4InCidr(base, address))) {
    throw invalid(
      `${target}.ipAddress`,
      `'${address}' is not an IPv4 address or CIDR (IPv6 rules are not implemented by wpslink).`,
    );
  }
}
