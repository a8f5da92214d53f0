// The Web PubSub SKUs and their capacities (reference §2.2: Free_F1 1; Standard_S1 and
// Premium_P1 1–10 then 20..100 in tens; Premium_P2 100..1000 in hundreds).
import { armErrors } from "../runtime/armError.js";

export type SkuName = "Free_F1" | "Standard_S1" | "Premium_P1" | "Premium_P2";
export type SkuTier = "Free" | "Standard" | "Premium";

export interface SkuDefinition {
  readonly name: SkuName;
  readonly tier: SkuTier;
  readonly size: string;
  readonly defaultCapacity: number;
  readonly allowedCapacities: readonly number[];
}

const unitSteps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const premiumP2Steps = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

export const skuCatalog: readonly SkuDefinition[] = [
  { name: "Free_F1", tier: "Free", size: "F1", defaultCapacity: 1, allowedCapacities: [1] },
  { name: "Standard_S1", tier: "Standard", size: "S1", defaultCapacity: 1, allowedCapacities: unitSteps },
  { name: "Premium_P1", tier: "Premium", size: "P1", defaultCapacity: 1, allowedCapacities: unitSteps },
  {
    name: "Premium_P2",
    tier: "Premium",
    size: "P2",
    defaultCapacity: 100,
    allowedCapacities: premiumP2Steps,
  },
];

export interface ResourceSku {
  readonly name: SkuName;
  readonly tier: SkuTier;
  readonly size: string;
  readonly capacity: number;
}

/** The canonical SKU for a request `{name, tier?, capacity?}`, or ARM 400s. */
export function resolveSku(requested: { name: string; tier?: string; capacity?: number }): ResourceSku {
  const definition = skuCatalog.find((s) => s.name.toLowerCase() === requested.name.toLowerCase());
  if (!definition) {
    throw armErrors.badRequest(
      "InvalidSku",
      `The SKU '${requested.name}' is not valid for Microsoft.SignalRService/WebPubSub. Valid SKUs: ${skuCatalog.map((s) => s.name).join(", ")}.`,
      "sku.name",
    );
  }
  if (requested.tier !== undefined && requested.tier.toLowerCase() !== definition.tier.toLowerCase()) {
    throw armErrors.badRequest(
      "InvalidSku",
      `The tier '${requested.tier}' does not match SKU '${definition.name}' (tier '${definition.tier}').`,
      "sku.tier",
    );
  }
  const capacity = requested.capacity ?? definition.defaultCapacity;
  if (!definition.allowedCapacities.includes(capacity)) {
    throw armErrors.badRequest(
      "InvalidCapacity",
      `The capacity ${capacity} is not valid for SKU '${definition.name}'. Allowed values: ${definition.allowedCapacities.join(", ")}.`,
      "sku.capacity",
    );
  }
  return { name: definition.name, tier: definition.tier, size: definition.size, capacity };
}

/** The `SkuList` body of `GET .../skus`. */
export function skuListBody(): { value: unknown[] } {
  return {
    value: skuCatalog.map((s) => ({
      resourceType: "Microsoft.SignalRService/WebPubSub",
      sku: { name: s.name, tier: s.tier, size: s.size, capacity: s.defaultCapacity },
      capacity: {
        minimum: Math.min(...s.allowedCapacities),
        maximum: Math.max(...s.allowedCapacities),
        default: s.defaultCapacity,
        allowedValues: s.allowedCapacities,
        scaleType: s.allowedCapacities.length > 1 ? "Manual" : "None",
      },
    })),
  };
}
