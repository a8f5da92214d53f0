// The private DNS zone `privatelink.azurewebsites.net` linked to one managed VNet. On approval of
// a private endpoint to a site it holds the A records `{site}` and `{site}.scm` (the endpoint's
// address), and the VNet's resolver answers `{site}.azurewebsites.net` with a CNAME into the zone,
// as Azure's public DNS does once a site has a private endpoint. Rejection or deletion removes them.

export const privateLinkZoneName = "privatelink.azurewebsites.net";
export const siteDomain = "azurewebsites.net";

export interface DnsRecord {
  /** Fully qualified name, lower case, no trailing dot. */
  readonly name: string;
  readonly type: "A" | "CNAME";
  readonly value: string;
}

export class PrivateDnsZone {
  readonly name = privateLinkZoneName;
  private readonly addressesBySite = new Map<string, string>();

  /** Adds (or moves) the records of `site` to `address`. */
  setSite(site: string, address: string): void {
    this.addressesBySite.set(site.toLowerCase(), address);
  }

  removeSite(site: string): boolean {
    return this.addressesBySite.delete(site.toLowerCase());
  }

  addressOf(site: string): string | undefined {
    return this.addressesBySite.get(site.toLowerCase());
  }

  /** Every record, the CNAMEs first: what `az network private-dns record-set list` would show. */
  records(): DnsRecord[] {
    const records: DnsRecord[] = [];
    for (const [site, address] of this.addressesBySite) {
      records.push(...recordsFor(site, address));
    }
    return records;
  }
}

/** The answer chain for `{site}.azurewebsites.net` resolved inside a VNet with the zone entry. */
export function recordsFor(site: string, address: string): DnsRecord[] {
  return [
    { name: `${site}.${siteDomain}`, type: "CNAME", value: `${site}.${privateLinkZoneName}` },
    { name: `${site}.${privateLinkZoneName}`, type: "A", value: address },
    { name: `${site}.scm.${privateLinkZoneName}`, type: "A", value: address },
  ];
}

/** The site name of `{site}.azurewebsites.net` (lower case), or undefined for other hosts. */
export function siteNameOfHost(host: string): string | undefined {
  const match = /^([a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?)\.azurewebsites\.net\.?$/i.exec(host);
  return match?.[1]?.toLowerCase();
}
