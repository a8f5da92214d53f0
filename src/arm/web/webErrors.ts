// Errors of the Microsoft.Web provider and the shared-private-link domain, with the HTTP status
// and ARM code they answer with. The ARM routes turn them into the runtime's ARM error JSON.

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

export const providerErrors = {
  notFound: (type: string, name: string, resourceGroup: string) =>
    new ProviderError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found.`,
    ),
  badRequest: (code: string, message: string, target?: string) =>
    new ProviderError(400, code, message, target),
  conflict: (code: string, message: string) => new ProviderError(409, code, message),
} as const;
