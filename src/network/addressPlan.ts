// The address plan of the emulated network. Every Web PubSub resource gets a managed VNet with a
// numbered /16 (`10.{n}.0.0/16`): its own address in the service subnet and one address per shared
// private endpoint in the endpoint subnet. These 10.x addresses are labels that appear in ARM
// bodies, DNS answers and X-Forwarded-For; real sockets use a loopback alias that stands for each
// label one to one (`10.{n}.b.c` ↔ `127.{100+n}.b.c`, and the resource's public outbound address
// `20.62.134.{n}` ↔ `127.99.0.{n}`). Arithmetic rather than a table keeps the mapping identical
// across restarts and lets the site front end decode any peer without shared state.

/** Highest VNet number: 127.(100 + n) must stay a valid octet and leave room below. */
export const maxVnetIndex = 150;
/** Endpoint addresses per VNet (10.n.1.4 .. 10.n.1.253; Azure reserves the first four and the last). */
export const maxPrivateEndpointsPerVnet = 250;

const aliasSecondOctetBase = 100;
const publicOutboundAliasPrefix = "127.99.0.";
const publicOutboundLabelPrefix = "20.62.134.";
/** The one public inbound address of the emulated App Service front end (a label, like Azure's stamp IP). */
export const siteFrontPublicAddress = "20.119.8.45";

export interface VnetAddresses {
  readonly index: number;
  /** CIDR of the VNet, e.g. `10.7.0.0/16`. */
  readonly addressSpace: string;
  readonly serviceSubnet: string;
  readonly privateEndpointSubnet: string;
  /** The Web PubSub service's own address inside the VNet (source of private-path calls). */
  readonly serviceAddress: string;
  /** The address public upstreams see for calls that leave through the internet. */
  readonly publicOutboundAddress: string;
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 1 || index > maxVnetIndex) {
    throw new RangeError(`VNet number ${index} is outside 1..${maxVnetIndex}`);
  }
}

export function vnetAddresses(index: number): VnetAddresses {
  checkIndex(index);
  return {
    index,
    addressSpace: `10.${index}.0.0/16`,
    serviceSubnet: `10.${index}.0.0/24`,
    privateEndpointSubnet: `10.${index}.1.0/24`,
    serviceAddress: `10.${index}.0.4`,
    publicOutboundAddress: `${publicOutboundLabelPrefix}${index}`,
  };
}

/** The address of the `slot`-th (0-based) private endpoint of VNet `index`. */
export function privateEndpointAddress(index: number, slot: number): string {
  checkIndex(index);
  if (!Number.isInteger(slot) || slot < 0 || slot >= maxPrivateEndpointsPerVnet) {
    throw new RangeError(`private endpoint slot ${slot} is outside 0..${maxPrivateEndpointsPerVnet - 1}`);
  }
  return `10.${index}.1.${4 + slot}`;
}

/** The slot of a private endpoint address of VNet `index`, or undefined if it is not one. */
export function privateEndpointSlot(index: number, address: string): number | undefined {
  const octets = parseIpv4(address);
  if (!octets || octets[0] !== 10 || octets[1] !== index || octets[2] !== 1) return undefined;
  const slot = (octets[3] ?? 0) - 4;
  return slot >= 0 && slot < maxPrivateEndpointsPerVnet ? slot : undefined;
}

/** The VNet number a 10.n.x.y address belongs to, if any. */
export function vnetIndexOf(address: string): number | undefined {
  const octets = parseIpv4(address);
  if (!octets || octets[0] !== 10) return undefined;
  const index = octets[1] ?? 0;
  return index >= 1 && index <= maxVnetIndex ? index : undefined;
}

/** The loopback alias that stands for a VNet address (`10.n.b.c` → `127.{100+n}.b.c`). */
export function aliasForVnetAddress(address: string): string {
  const index = vnetIndexOf(address);
  const octets = parseIpv4(address);
  if (index === undefined || !octets) throw new RangeError(`${address} is not a managed VNet address`);
  return `127.${aliasSecondOctetBase + index}.${octets[2]}.${octets[3]}`;
}

export function aliasForPublicOutbound(index: number): string {
  checkIndex(index);
  return `${publicOutboundAliasPrefix}${index}`;
}

/** What a socket peer address stands for in the emulated network. */
export type PeerIdentity =
  | { readonly kind: "vnet"; readonly vnetIndex: number; readonly address: string }
  | { readonly kind: "publicOutbound"; readonly vnetIndex: number; readonly address: string }
  | { readonly kind: "internet"; readonly address: string };

/** Decodes a socket peer address (IPv4, or IPv4-mapped IPv6) into the address it stands for. */
export function identifyPeer(peerAddress: string): PeerIdentity {
  const plain = peerAddress.startsWith("::ffff:") ? peerAddress.slice(7) : peerAddress;
  const octets = parseIpv4(plain);
  if (octets && octets[0] === 127) {
    const [, second = 0, third = 0, fourth = 0] = octets;
    const index = second - aliasSecondOctetBase;
    if (index >= 1 && index <= maxVnetIndex) {
      return { kind: "vnet", vnetIndex: index, address: `10.${index}.${third}.${fourth}` };
    }
    if (second === 99 && third === 0 && fourth >= 1 && fourth <= maxVnetIndex) {
      return { kind: "publicOutbound", vnetIndex: fourth, address: `${publicOutboundLabelPrefix}${fourth}` };
    }
  }
  return { kind: "internet", address: plain };
}

/** True when `address` lies inside `cidr` (IPv4 only). */
export function ipv4InCidr(address: string, cidr: string): boolean {
  const [base = "", bitsText = "32"] = cidr.split("/");
  const a = ipv4ToNumber(address);
  const b = ipv4ToNumber(base);
  const bits = Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

export function parseIpv4(address: string): [number, number, number, number] | undefined {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (octets.some((o) => !(o >= 0 && o <= 255))) return undefined;
  return octets as [number, number, number, number];
}

export function ipv4ToNumber(address: string): number | undefined {
  const o = parseIpv4(address);
  return o ? ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0 : undefined;
}
