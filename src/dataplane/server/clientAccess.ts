// The resource's access settings as they apply to a client's upgrade request: with public
// network access disabled every client is refused (wpslink has no inbound private endpoints, so
// every client arrives over the public network), and with local auth disabled a client token
// signed with an access key is refused (wpslink has no Microsoft Entra ID sign-in, so every token
// it can verify is key-signed).

/** The resource settings the listener enforces; read on every upgrade so changes apply at once. */
export interface ClientAccessSettings {
  readonly disableLocalAuth: boolean;
  readonly publicNetworkAccess: "Enabled" | "Disabled";
}

export const openClientAccess: ClientAccessSettings = {
  disableLocalAuth: false,
  publicNetworkAccess: "Enabled",
};

export interface AccessRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Checked before anything else of the request: the network the client comes from. */
export function networkRefusal(access: ClientAccessSettings): AccessRefusal | null {
  if (access.publicNetworkAccess !== "Disabled") return null;
  return {
    status: 403,
    code: "Forbidden",
    message:
      "Public network access to this resource is disabled; wpslink has no inbound private endpoints, so every client connects over the public network.",
  };
}

/** Checked when the client presents a token (every verifiable token is signed with an access key). */
export function localAuthRefusal(access: ClientAccessSettings): AccessRefusal | null {
  if (!access.disableLocalAuth) return null;
  return {
    status: 401,
    code: "Unauthorized",
    message:
      "Local (access key) authentication is disabled for this resource, so tokens signed with an access key are refused; wpslink has no Microsoft Entra ID sign-in, so enable local auth to connect.",
  };
}
