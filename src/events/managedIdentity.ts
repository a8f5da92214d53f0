// Where event-handler bearer tokens come from when a handler's auth is `ManagedIdentity`: the
// service asks for a token whose audience is the handler's `resource` and sends it as
// `Authorization: Bearer <token>` on every request to that handler (validation included).

export interface ManagedIdentityTokenIssuer {
  /** A bearer token (JWT) for the given audience/resource URI. */
  issue(resource: string): Promise<string>;
}
