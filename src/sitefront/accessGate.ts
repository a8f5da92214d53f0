// The App Service access gate. Traffic that arrives through an approved private endpoint bypasses
// every public rule. Public traffic is checked against app access (`publicNetworkAccess`; unset
// means refused once an approved private endpoint exists) and then site access
// (`ipSecurityRestrictions` by priority, then the default action). Source: App Service access
// restrictions documentation (see reference/controlplane.md §5.6).
import {
  identifyPeer,
  ipv4InCidr,
  parseIpv4,
  vnetIndexOf,
  type PeerIdentity,
} from "../network/addressPlan.js";
import type { IpSecurityRestriction, SiteEntry } from "./siteDirectory.js";

export type NetworkPath = "private" | "public";

export interface AccessDecision {
  readonly allowed: boolean;
  readonly path: NetworkPath;
  /** The source address as the site sees it (a VNet address, the service's public IP, or the real peer). */
  readonly sourceAddress: string;
  /** Why (always set; for refusals it is the message traced and logged). */
  readonly reason: string;
}

/** Decides whether a request from the socket peer `peerAddress` may reach `site`. */
export function decideAccess(site: SiteEntry, peerAddress: string): AccessDecision {
  return decideAccessFor(site, identifyPeer(peerAddress));
}

/** The same decision for an already decoded peer (the front end decodes once per connection). */
export function decideAccessFor(site: SiteEntry, peer: PeerIdentity): AccessDecision {
  if (peer.kind === "vnet") {
    const endpoint = site.approvedPrivateEndpointAddresses.find((a) => vnetIndexOf(a) === peer.vnetIndex);
    if (endpoint) {
      return {
        allowed: true,
        path: "private",
        sourceAddress: peer.address,
        reason: `private endpoint ${endpoint} (approved); access restrictions do not apply`,
      };
    }
    return {
      allowed: false,
      path: "private",
      sourceAddress: peer.address,
      reason: `traffic from ${peer.address} came through a private endpoint connection of ${site.name} that is not approved`,
    };
  }
  const source = peer.address;
  const access = site.publicNetworkAccess ?? "";
  if (access === "Disabled") {
    return refusedPublic(source, `public network access to ${site.name} is Disabled`);
  }
  if (access !== "Enabled" && site.approvedPrivateEndpointAddresses.length > 0) {
    return refusedPublic(
      source,
      `public network access to ${site.name} is not set and the site has an approved private endpoint, so the public network is refused`,
    );
  }
  return evaluateRestrictions(site, source);
}

function refusedPublic(source: string, reason: string): AccessDecision {
  return { allowed: false, path: "public", sourceAddress: source, reason };
}

function evaluateRestrictions(site: SiteEntry, source: string): AccessDecision {
  const rules = [...(site.ipSecurityRestrictions ?? [])]
    .map((rule, order) => ({ rule, order }))
    // Lower priority number first; equal priorities keep their listed order.
    .sort((a, b) => (a.rule.priority ?? 2147483647) - (b.rule.priority ?? 2147483647) || a.order - b.order);
  for (const { rule } of rules) {
    if (!ruleMatches(rule, source)) continue;
    const allow = (rule.action ?? "Allow").toLowerCase() !== "deny";
    const label = rule.name ? `rule '${rule.name}'` : `rule ${rule.ipAddress ?? "?"}`;
    return {
      allowed: allow,
      path: "public",
      sourceAddress: source,
      reason: `${label} (priority ${rule.priority ?? "unset"}) ${allow ? "allows" : "denies"} ${source}`,
    };
  }
  const explicit = site.ipSecurityRestrictionsDefaultAction;
  const allow = explicit ? explicit.toLowerCase() !== "deny" : rules.length === 0;
  return {
    allowed: allow,
    path: "public",
    sourceAddress: source,
    reason: explicit
      ? `no access restriction matched ${source}; the default action is ${explicit}`
      : rules.length === 0
        ? "no access restrictions"
        : `no access restriction matched ${source}, and unmatched traffic is denied once rules exist`,
  };
}

function ruleMatches(rule: IpSecurityRestriction, source: string): boolean {
  const tag = rule.tag ?? "Default";
  if (tag !== "Default") return false;
  const value = (rule.ipAddress ?? "").trim();
  if (value.toLowerCase() === "any") return true;
  if (!parseIpv4(source)) return false;
  if (value.includes("/")) return ipv4InCidr(source, value);
  if (rule.subnetMask) {
    const bits = maskBits(rule.subnetMask);
    return bits !== undefined && ipv4InCidr(source, `${value}/${bits}`);
  }
  return value === source;
}

function maskBits(mask: string): number | undefined {
  const octets = parseIpv4(mask);
  if (!octets) return undefined;
  const bits = octets.map((o) => o.toString(2).padStart(8, "0")).join("");
  return /^1*0*$/.test(bits) ? (bits.indexOf("0") === -1 ? 32 : bits.indexOf("0")) : undefined;
}
