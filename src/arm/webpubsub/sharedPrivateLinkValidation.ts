// Validation of a shared private link resource request, each failure an ARM error that says what
// is wrong and what to do. The real service's texts are not public (reference §3.5); these codes
// and messages are wpslink's own and are listed in src/network/README.md.
import { ProviderError, providerErrors } from "../web/webErrors.js";
import { findPlanSku } from "../web/planSkus.js";
import { parseSiteId, type StoredSite } from "../web/webModels.js";
import type { WebSiteService } from "../web/webSiteService.js";
import { shareableTypes, type WebPubSubParent } from "./sharedPrivateLinkModel.js";

const namePattern = /^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/;
const armIdPattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i;

export interface SharedPrivateLinkRequest {
  readonly groupId: string;
  readonly privateLinkResourceId: string;
  readonly requestMessage: string;
}

export function checkSharedPrivateLinkName(name: string): void {
  if (!namePattern.test(name)) {
    throw providerErrors.badRequest(
      "InvalidResourceName",
      `The resource name '${name}' for type '${"Microsoft.SignalRService/WebPubSub/sharedPrivateLinkResources"}' is invalid. It must be 3-63 characters, start with a letter, end with a letter or digit, and contain only letters, digits and hyphens.`,
      "name",
    );
  }
}

export function parseSharedPrivateLinkBody(body: unknown): SharedPrivateLinkRequest {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "The request content must be a JSON object with 'properties'.",
    );
  }
  const properties = (body as { properties?: unknown }).properties;
  if (!properties || typeof properties !== "object" || Array.isArray(properties)) {
    throw providerErrors.badRequest("InvalidRequestContent", "'properties' is required.", "properties");
  }
  const { groupId, privateLinkResourceId, requestMessage } = properties as Record<string, unknown>;
  if (typeof groupId !== "string" || groupId === "") {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "properties.groupId is required (for an App Service or Functions app: 'sites').",
      "properties.groupId",
    );
  }
  if (typeof privateLinkResourceId !== "string" || privateLinkResourceId === "") {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "properties.privateLinkResourceId is required: the ARM id of the target (e.g. /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{app}).",
      "properties.privateLinkResourceId",
    );
  }
  if (requestMessage !== undefined && requestMessage !== null && typeof requestMessage !== "string") {
    throw providerErrors.badRequest(
      "InvalidRequestContent",
      "properties.requestMessage must be a string.",
      "properties.requestMessage",
    );
  }
  return { groupId, privateLinkResourceId, requestMessage: requestMessage ?? "" };
}

export function checkParentTier(parent: WebPubSubParent): void {
  if (parent.sku.tier.toLowerCase() === "free") {
    throw providerErrors.badRequest(
      "BadRequest",
      `Shared private link resources need the Standard or Premium tier; '${parent.name}' is on ${parent.sku.name}. Scale it to Standard_S1 or a Premium SKU and retry.`,
      "sku",
    );
  }
}

/** Checks the target and returns the site it names. */
export function checkTarget(request: SharedPrivateLinkRequest, web: WebSiteService): StoredSite {
  const targetId = request.privateLinkResourceId;
  if (!armIdPattern.test(targetId)) {
    throw providerErrors.badRequest(
      "LinkedInvalidPropertyId",
      `Property id '${targetId}' at path 'properties.privateLinkResourceId' is invalid. Expect a fully qualified resource id like /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{site}.`,
      "properties.privateLinkResourceId",
    );
  }
  const shareable = shareableTypes.find((t) => t.groupId.toLowerCase() === request.groupId.toLowerCase());
  if (!shareable) {
    throw providerErrors.badRequest(
      "InvalidGroupId",
      `The groupId '${request.groupId}' is not a shareable private link resource type of Web PubSub. Use one of: ${shareableTypes.map((t) => `'${t.groupId}' (${t.type})`).join(", ")}.`,
      "properties.groupId",
    );
  }
  const typeOfTarget = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(targetId)?.[1] ?? "";
  if (typeOfTarget.toLowerCase() !== shareable.type.toLowerCase()) {
    throw providerErrors.badRequest(
      "InvalidGroupId",
      `The groupId '${request.groupId}' needs a ${shareable.type} target, but '${targetId}' is a ${typeOfTarget}. ${
        typeOfTarget.toLowerCase() === "microsoft.web/sites" ? "Use groupId 'sites'." : ""
      }`.trim(),
      "properties.groupId",
    );
  }
  if (!shareable.emulated) {
    throw new ProviderError(
      501,
      "NotImplemented",
      `Shared private endpoints to ${shareable.type} are not implemented by wpslink; only Microsoft.Web/sites (groupId 'sites') is emulated (see SUPPORTED_FEATURES.md).`,
    );
  }
  const site = parseSiteId(targetId) ? web.getSite(targetId) : undefined;
  if (!site) {
    throw providerErrors.badRequest(
      "PrivateLinkResourceNotFound",
      `The target resource '${targetId}' was not found. Create the site first (Microsoft.Web/sites) and check the subscription, resource group and name.`,
      "properties.privateLinkResourceId",
    );
  }
  if (!web.planSupportsPrivateEndpoints(site)) {
    const plan = web.getPlan(site.serverFarmId);
    const tier = plan ? (findPlanSku(plan.sku.name)?.tier ?? plan.sku.tier) : "unknown";
    throw providerErrors.badRequest(
      "PrivateEndpointNotSupportedByTarget",
      `The site '${site.name}' runs on an App Service plan of tier ${tier} (${plan?.sku.name ?? "?"}), which does not support private endpoints (no 'sites' private link resource). Move it to Basic, Standard, PremiumV2/V3, ElasticPremium or another supported plan.`,
      "properties.privateLinkResourceId",
    );
  }
  return site;
}
