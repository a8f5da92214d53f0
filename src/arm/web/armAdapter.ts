// Glue between the Microsoft.Web / shared-private-link domains and the ARM runtime: ProviderError
// → ArmError, and a handler wrapper that does the mapping.
import { ArmError } from "../runtime/armError.js";
import type { ArmContext, ArmResult } from "../runtime/routeTable.js";
import { ProviderError } from "./webErrors.js";

export function toArmError(error: unknown): unknown {
  return error instanceof ProviderError
    ? new ArmError(error.status, error.code, error.message, error.target)
    : error;
}

export function guarded(
  handler: (c: ArmContext) => Promise<ArmResult>,
): (c: ArmContext) => Promise<ArmResult> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (error) {
      throw toArmError(error);
    }
  };
}
