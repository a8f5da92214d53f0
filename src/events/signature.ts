// `ce-signature`: for each access key, `sha256=` + lowercase hex of HMAC-SHA256 keyed with the
// key's UTF-8 bytes over the connection id's UTF-8 bytes; primary then secondary, joined with
// `,` in one header (reference §3.4).
import { createHmac } from "node:crypto";
import type { AccessKeyRing } from "../dataplane/domain/accessKeys.js";

export function ceSignature(keys: AccessKeyRing, connectionId: string): string {
  return keys
    .encoded()
    .map((key) => "sha256=" + createHmac("sha256", key).update(connectionId, "utf8").digest("hex"))
    .join(",");
}
