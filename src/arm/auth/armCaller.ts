// Who is calling the management API, as far as the bearer token tells (used for systemData).

export interface ArmCaller {
  /** `oid`/`sub`/`appid` claim, or "unknown". */
  readonly id: string;
  /** A display name for `systemData.createdBy` (upn, unique_name, name, appid, ...). */
  readonly name: string;
  readonly type: "User" | "Application" | "ManagedIdentity" | "Key";
  /** The token's claims as decoded. */
  readonly claims: Readonly<Record<string, unknown>>;
}
