// The port through which the site front end learns about App Service sites. The Microsoft.Web
// provider implements it from its durable state; tests implement it with a map. Reads are on the
// request path, so implementations answer from memory.

/** One entry of `siteConfig.ipSecurityRestrictions` (the subset the gate evaluates). */
export interface IpSecurityRestriction {
  /** `Any`, an IPv4 address, or an IPv4 CIDR; service tags never match here (documented). */
  readonly ipAddress?: string | null;
  /** Optional dotted mask for a plain address (older API form). */
  readonly subnetMask?: string | null;
  readonly action?: string | null;
  readonly priority?: number | null;
  readonly name?: string | null;
  readonly tag?: string | null;
}

export interface SiteEntry {
  /** Site name, lower case: the `{name}` of `{name}.azurewebsites.net`. */
  readonly name: string;
  readonly resourceId: string;
  /** Where the user's real app listens (emulator extension); null when not set. */
  readonly backendUrl: string | null;
  readonly state: "Running" | "Stopped";
  /** `Enabled`, `Disabled`, or unset (null / empty string). */
  readonly publicNetworkAccess: string | null;
  readonly ipSecurityRestrictions: readonly IpSecurityRestriction[] | null;
  readonly ipSecurityRestrictionsDefaultAction: string | null;
  /** Plain HTTP requests are redirected to HTTPS (301), as App Service does. Absent = false. */
  readonly httpsOnly?: boolean;
  /** `ipAddresses` of the site's private endpoint connections that are Approved. */
  readonly approvedPrivateEndpointAddresses: readonly string[];
}

export interface SiteDirectory {
  findSite(name: string): SiteEntry | undefined;
}
