// `ce-signature`: for each access key, `sha256=` + lowercase hex of HMAC-SHA256 keyed with the
// key's UTF-8 bytes over the connection id's UTF-8 bytes; primary then secondary, joined with
// `,` in one header (reference §3.4).
//
// The value depends only on the keys and the connection id, and a connection sends many events,
// so signatures are cached per connection id for the current key values. The HMAC keys are
// imported once per key value (a `KeyObject`) rather than from raw bytes on every call.
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import type { AccessKeyRing } from "../dataplane/domain/accessKeys.js";

/** Connection ids remembered per key ring before the cache starts over (bounds memory). */
const maxCachedConnections = 10_000;

interface RingSignatures {
  /** The `encoded()` array the key objects were made from; a new array means new keys. */
  encoded: readonly Uint8Array[];
  keyObjects: KeyObject[];
  byConnection: Map<string, string>;
}

const perRing = new WeakMap<AccessKeyRing, RingSignatures>();

function signaturesOf(keys: AccessKeyRing): RingSignatures {
  const encoded = keys.encoded();
  let entry = perRing.get(keys);
  if (!entry || entry.encoded !== encoded) {
    entry = { encoded, keyObjects: encoded.map((key) => createSecretKey(key)), byConnection: new Map() };
    perRing.set(keys, entry);
  }
  return entry;
}

/** Computes the header value without the cache. */
export function computeCeSignature(
  keys: readonly Uint8Array[] | readonly KeyObject[],
  connectionId: string,
): string {
  return keys
    .map((key) => "sha256=" + createHmac("sha256", key).update(connectionId, "utf8").digest("hex"))
    .join(",");
}

export function ceSignature(keys: AccessKeyRing, connectionId: string): string {
  const entry = signaturesOf(keys);
  let signature = entry.byConnection.get(connectionId);
  if (signature === undefined) {
    signature = computeCeSignature(entry.keyObjects, connectionId);
    if (entry.byConnection.size >= maxCachedConnections) entry.byConnection.clear();
    entry.byConnection.set(connectionId, signature);
  }
  return signature;
}
