// Name and body validation with ARM's error codes. Bodies are checked with zod schemas; every
// problem becomes a detail of one `InvalidRequestContent` error whose target is the JSON path.
import type { ZodType, ZodTypeDef } from "zod";
import { armErrors, type ArmErrorDetail } from "./armError.js";

const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// ARM's resource group rule: letters (any script), digits, '_', '-', '.', '(', ')'; no trailing '.'.
const resourceGroupPattern = /^[-\p{L}\p{N}_.()]{1,90}$/u;

export function validateSubscriptionId(value: string): void {
  if (!guidPattern.test(value)) throw armErrors.invalidSubscriptionId(value);
}

export function validateResourceGroupName(value: string): void {
  if (!resourceGroupPattern.test(value) || value.endsWith("."))
    throw armErrors.invalidResourceGroupName(value);
}

export interface NameRule {
  readonly pattern: RegExp;
  readonly minLength: number;
  readonly maxLength: number;
  /** Human text of the rule, appended to the error message. */
  readonly description: string;
}

export function validateName(value: string, type: string, rule: NameRule): void {
  if (value.length < rule.minLength || value.length > rule.maxLength || !rule.pattern.test(value)) {
    throw armErrors.invalidResourceName(value, type, rule.description);
  }
}

/** JSON path of a zod issue, in the `properties.sku.name` / `value[0]` notation ARM uses. */
function jsonPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    "",
  );
}

/** Parses `body` with `schema` or throws an ARM 400 naming every bad property. */
export function parseBody<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): T {
  if (body === undefined) throw armErrors.missingBody();
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const details: ArmErrorDetail[] = parsed.error.issues.map((issue) => ({
    code: "InvalidRequestContent",
    message: issue.message,
    target: jsonPath(issue.path) || "body",
  }));
  throw armErrors.invalidBody(details);
}
