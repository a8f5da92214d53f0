// App Service plan SKUs: tier, size, family and whether the plan's apps can take inbound private
// endpoints. Sources: App Service private endpoint documentation and the Functions networking
// matrix (reference/controlplane.md §5.5). Premium v1 and Isolated (ASE v2) are not listed as
// supported there and are treated as unsupported.

export interface PlanSku {
  readonly name: string;
  readonly tier: string;
  readonly size: string;
  readonly family: string;
  readonly supportsPrivateEndpoints: boolean;
  /** Default worker count. */
  readonly capacity: number;
}

function family(tier: string, names: readonly string[], supports: boolean, capacity = 1): PlanSku[] {
  return names.map((name) => ({
    name,
    tier,
    size: name,
    family: name.replace(/\d+/, ""),
    supportsPrivateEndpoints: supports,
    capacity,
  }));
}

const catalog: readonly PlanSku[] = [
  ...family("Free", ["F1"], false),
  ...family("Shared", ["D1"], false),
  ...family("Basic", ["B1", "B2", "B3"], true),
  ...family("Standard", ["S1", "S2", "S3"], true),
  ...family("Premium", ["P1", "P2", "P3"], false),
  ...family("PremiumV2", ["P1v2", "P2v2", "P3v2"], true),
  ...family("PremiumV3", ["P0v3", "P1v3", "P2v3", "P3v3", "P1mv3", "P2mv3", "P3mv3", "P4mv3", "P5mv3"], true),
  ...family("ElasticPremium", ["EP1", "EP2", "EP3"], true),
  ...family("Dynamic", ["Y1"], false, 0),
  ...family("FlexConsumption", ["FC1"], true, 0),
  ...family("Isolated", ["I1", "I2", "I3"], false),
  ...family("IsolatedV2", ["I1v2", "I2v2", "I3v2", "I4v2", "I5v2", "I6v2"], true),
];

const byName = new Map(catalog.map((sku) => [sku.name.toLowerCase(), sku]));

export function findPlanSku(name: string): PlanSku | undefined {
  return byName.get(name.toLowerCase());
}

export function planSkuNames(): string[] {
  return catalog.map((sku) => sku.name);
}
