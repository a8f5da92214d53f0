// Function App / Web App → Overview: the essentials, the backend URL the site front end forwards
// to, and the public network access setting (editable, saved with PATCH).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { SiteProperties } from "../../api/models.js";
import { apiVersions, parseResourceId } from "../../api/resourceIds.js";
import {
  CommandBar,
  CopyField,
  ErrorBanner,
  Essentials,
  InfoBanner,
  Spinner,
  StatusBadge,
} from "../../components/basics.js";
import { track } from "../../state/notifications.js";
import { toArmError, useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";

/** The select's value for the three states of `publicNetworkAccess` (unset is its own choice). */
const unset = "(not set)";

/** wpslink keeps a site's backend URL in this app setting (an emulator extension). */
const backendUrlSetting = "WPSLINK_BACKEND_URL";

interface AppSettings {
  properties?: Record<string, string>;
}

export function SiteOverview({ resource, reloadResource }: BladeProps): JSX.Element {
  const p = (resource.properties ?? {}) as SiteProperties;
  const parsed = parseResourceId(resource.id);
  const current = p.publicNetworkAccess ? p.publicNetworkAccess : unset;
  // App settings are a secret-bearing resource of their own, read with POST .../list as in Azure.
  const settings = useArmData(`${resource.id}/appsettings`, async () => {
    const response = await armRequest<AppSettings>(
      "POST",
      `${resource.id}/config/appsettings/list`,
      apiVersions.web,
    );
    return response.body?.properties ?? {};
  });
  const [access, setAccess] = useState<string | null>(null);
  const [backendUrl, setBackendUrl] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ArmError | null>(null);
  const currentBackend = settings.data?.[backendUrlSetting] ?? "";
  const accessChanged = access !== null && access !== current;
  const backendChanged = backendUrl !== null && backendUrl.trim() !== currentBackend;
  const dirty = accessChanged || backendChanged;

  const save = async (): Promise<void> => {
    setSaving(true);
    setError(null);
    try {
      await track(`Updating ${resource.name}`, async () => {
        if (backendChanged && settings.data) {
          await armRequest("PUT", `${resource.id}/config/appsettings`, apiVersions.web, {
            properties: { ...settings.data, [backendUrlSetting]: backendUrl.trim() },
          });
        }
        if (accessChanged) {
          const response = await armRequest("PATCH", resource.id, apiVersions.web, {
            properties: { publicNetworkAccess: access === unset ? null : access },
          });
          await waitForOperation(response, apiVersions.web);
        }
      });
      setAccess(null);
      setBackendUrl(null);
    } catch (failure) {
      setError(toArmError(failure));
    }
    setSaving(false);
    settings.reload();
    reloadResource();
  };
  const plan = parseResourceId(p.serverFarmId ?? "");
  return (
    <div>
      <CommandBar commands={[{ label: "Refresh", icon: "refresh", onClick: reloadResource }]} />
      <h2 class="section-title">Essentials</h2>
      <Essentials
        items={[
          ["Resource group", parsed?.resourceGroup],
          ["Status", <StatusBadge value={p.state} />],
          ["Location", resource.location],
          ["Subscription ID", parsed?.subscription],
          ["Kind", resource.kind],
          ["Default domain", p.defaultHostName],
          ["App Service plan", plan ? `${plan.name}${p.sku ? ` (${p.sku})` : ""}` : p.sku],
          [
            "Public network access",
            current === unset ? "Not set (refused once a private endpoint is approved)" : current,
          ],
        ]}
      />
      {p.defaultHostName && <CopyField label="URL" value={`https://${p.defaultHostName}`} />}
      <h2 class="section-title">Configuration</h2>
      <ErrorBanner error={error} title="The site could not be updated" />
      <ErrorBanner error={settings.error} title="Could not read the app settings" />
      <div class="form-grid">
        <label class="field">
          <span>Backend URL (your app)</span>
          <input
            name="backend-url"
            class="mono"
            value={backendUrl ?? currentBackend}
            placeholder="http://127.0.0.1:7071"
            onInput={(e) => setBackendUrl(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Public network access</span>
          <select
            name="public-network-access"
            value={access ?? current}
            onChange={(e) => setAccess(e.currentTarget.value)}
          >
            <option value={unset}>Not set</option>
            <option value="Enabled">Enabled</option>
            <option value="Disabled">Disabled</option>
          </select>
        </label>
      </div>
      <div class="form-actions">
        <button type="button" class="primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving && <Spinner />} Save
        </button>
        <button
          type="button"
          disabled={!dirty || saving}
          onClick={() => (setAccess(null), setBackendUrl(null))}
        >
          Discard
        </button>
      </div>
      <InfoBanner>
        Not set: the public network may reach the site until a private endpoint connection is approved; then
        only the private path does. Enabled keeps public access open; Disabled refuses it (403).
      </InfoBanner>
    </div>
  );
}
