// The primary and secondary access keys of one Web PubSub resource. Tokens signed with either
// key are accepted; regenerating a key replaces it at once, so tokens signed with the old value
// are refused from then on.

export interface AccessKeys {
  readonly primary: string;
  readonly secondary: string;
}

export class AccessKeyRing {
  private current: AccessKeys;
  private encodedCache: Uint8Array[] | undefined;

  constructor(keys: AccessKeys) {
    this.current = keys;
  }

  get keys(): AccessKeys {
    return this.current;
  }

  replace(keys: AccessKeys): void {
    this.current = keys;
    this.encodedCache = undefined;
  }

  /** Both keys as the UTF-8 bytes the service uses for HMAC (primary first). */
  encoded(): Uint8Array[] {
    this.encodedCache ??= [this.current.primary, this.current.secondary].map((k) => Buffer.from(k, "utf8"));
    return this.encodedCache;
  }
}
