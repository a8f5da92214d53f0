// Web PubSub → Overview: the essentials, and the access keys with their connection strings
// (copy buttons, regenerate).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { WebPubSubKeys, WebPubSubProperties } from "../../api/models.js";
import { apiVersions, parseResourceId } from "../../api/resourceIds.js";
import {
  CommandBar,
  CopyField,
  ErrorBanner,
  Essentials,
  Loading,
  StatusBadge,
} from "../../components/basics.js";
import { Dialog } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { toArmError, useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";
import { ClientUrlGenerator } from "./ClientUrlGenerator.js";

export function WebPubSubOverview({ resource, reloadResource }: BladeProps): JSX.Element {
  const p = (resource.properties ?? {}) as WebPubSubProperties;
  const parsed = parseResourceId(resource.id);
  const keys = useArmData(`${resource.id}/listKeys`, async () => {
    const response = await armRequest<WebPubSubKeys>(
      "POST",
      `${resource.id}/listKeys`,
      apiVersions.webPubSub,
    );
    return response.body;
  });
  // The endpoint clients and servers use, exactly as the connection string carries it (scheme and port included).
  const endpoint =
    /(?:^|;)Endpoint=([^;]+)/i.exec(keys.data?.primaryConnectionString ?? "")?.[1] ??
    (p.hostName
      ? `https://${p.hostName}${p.publicPort && p.publicPort !== 443 ? `:${p.publicPort}` : ""}`
      : null);
  const [confirm, setConfirm] = useState<"Primary" | "Secondary" | null>(null);
  const [regenerateError, setRegenerateError] = useState<ArmError | null>(null);

  const regenerate = async (keyType: "Primary" | "Secondary"): Promise<void> => {
    setConfirm(null);
    setRegenerateError(null);
    try {
      await track(`Regenerating the ${keyType.toLowerCase()} key of ${resource.name}`, async () => {
        const response = await armRequest("POST", `${resource.id}/regenerateKey`, apiVersions.webPubSub, {
          keyType,
        });
        await waitForOperation(response, apiVersions.webPubSub);
      });
    } catch (error) {
      setRegenerateError(toArmError(error));
    }
    keys.reload();
  };

  return (
    <div>
      <CommandBar
        commands={[
          { label: "Refresh", icon: "refresh", onClick: () => (reloadResource(), keys.reload()) },
          { label: "Regenerate primary key", icon: "key", onClick: () => setConfirm("Primary") },
          { label: "Regenerate secondary key", icon: "key", onClick: () => setConfirm("Secondary") },
        ]}
      />
      <h2 class="section-title">Essentials</h2>
      <Essentials
        items={[
          ["Resource group", parsed?.resourceGroup],
          ["Status", <StatusBadge value={p.provisioningState} />],
          ["Location", resource.location],
          ["Subscription ID", parsed?.subscription],
          ["Pricing tier", resource.sku?.tier ?? resource.sku?.name],
          ["Unit count", resource.sku?.capacity],
          ["Host name", p.hostName],
          ["Public port", p.publicPort],
          ["Public network access", p.publicNetworkAccess ?? "Enabled"],
          ["Version", p.version],
          ["Kind", resource.kind ?? "WebPubSub"],
          ["Local auth", p.disableLocalAuth ? "Disabled" : "Enabled"],
        ]}
      />
      <h2 class="section-title">Keys</h2>
      <ErrorBanner error={keys.error} title="Could not read the access keys" />
      <ErrorBanner error={regenerateError} title="Could not regenerate the key" />
      {endpoint && <CopyField label="Endpoint" value={endpoint} />}
      {keys.loading && !keys.data && <Loading what="keys" />}
      {keys.data && (
        <div class="key-grid">
          <div class="key-column">
            <h3>Primary</h3>
            <CopyField label="Primary key" value={keys.data.primaryKey ?? ""} secret />
            <CopyField
              label="Primary connection string"
              value={keys.data.primaryConnectionString ?? ""}
              secret
            />
          </div>
          <div class="key-column">
            <h3>Secondary</h3>
            <CopyField label="Secondary key" value={keys.data.secondaryKey ?? ""} secret />
            <CopyField
              label="Secondary connection string"
              value={keys.data.secondaryConnectionString ?? ""}
              secret
            />
          </div>
        </div>
      )}
      {keys.data?.primaryKey && endpoint && (
        <ClientUrlGenerator endpoint={endpoint} accessKey={keys.data.primaryKey} />
      )}
      {confirm && (
        <Dialog
          title={`Regenerate ${confirm.toLowerCase()} key`}
          onClose={() => setConfirm(null)}
          footer={
            <>
              <button type="button" class="primary" onClick={() => void regenerate(confirm)}>
                Regenerate
              </button>
              <button type="button" onClick={() => setConfirm(null)}>
                Cancel
              </button>
            </>
          }
        >
          <p>
            Clients and servers that use the current {confirm.toLowerCase()} key or its connection string stop
            working at once. Continue?
          </p>
        </Dialog>
      )}
    </div>
  );
}
