// Web PubSub → Networking: Public access (the resource's setting) and Private access (shared
// private endpoints: list with provisioning and connection state, add, delete).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armList, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { ArmResource, SharedPrivateLinkProperties, WebPubSubProperties } from "../../api/models.js";
import { apiVersions, parseResourceId } from "../../api/resourceIds.js";
import {
  CommandBar,
  ErrorBanner,
  Essentials,
  InfoBanner,
  Loading,
  StatusBadge,
} from "../../components/basics.js";
import { Dialog } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { navigate, resourceHref } from "../../state/router.js";
import { toArmError, useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";
import { AddSharedPrivateEndpoint } from "./AddSharedPrivateEndpoint.js";

export type SharedPrivateEndpoint = ArmResource<SharedPrivateLinkProperties>;

/** Something is still moving: an operation running, or a connection waiting for the target's owner. */
export function isSettling(spe: SharedPrivateEndpoint): boolean {
  const p = spe.properties ?? {};
  const provisioningDone = p.provisioningState === "Succeeded" || p.provisioningState === "Failed";
  return !provisioningDone || p.status === "Pending";
}

export function WebPubSubNetworking(props: BladeProps): JSX.Element {
  const tab = props.tab === "private" ? "private" : "public";
  const tabHref = (t: string): string => resourceHref(props.resource.id, "networking", t);
  return (
    <div>
      <div class="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === "public"}
          onClick={() => navigate(tabHref("public"))}
        >
          Public access
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === "private"}
          onClick={() => navigate(tabHref("private"))}
        >
          Private access
        </button>
      </div>
      {tab === "public" ? <PublicAccess {...props} /> : <PrivateAccess {...props} />}
    </div>
  );
}

function PublicAccess({ resource }: BladeProps): JSX.Element {
  const p = (resource.properties ?? {}) as WebPubSubProperties;
  return (
    <div>
      <h2 class="section-title">Public network access</h2>
      <Essentials
        items={[
          ["Public network access", p.publicNetworkAccess ?? "Enabled"],
          ["Host name", p.hostName],
          ["Public port", p.publicPort],
        ]}
      />
      <InfoBanner>
        Outbound calls to event handlers use the shared private endpoints on the{" "}
        <strong>Private access</strong> tab once their connection is approved; otherwise they travel the
        public network.
      </InfoBanner>
    </div>
  );
}

function PrivateAccess({ resource }: BladeProps): JSX.Element {
  const listPath = `${resource.id}/sharedPrivateLinkResources`;
  const spes = useArmData(
    listPath,
    () => armList<SharedPrivateEndpoint>(listPath, apiVersions.webPubSub),
    (list) => list.some(isSettling),
  );
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<SharedPrivateEndpoint | null>(null);
  const [error, setError] = useState<ArmError | null>(null);
  const chosen = spes.data?.find((s) => s.id === selected) ?? null;

  const remove = async (spe: SharedPrivateEndpoint): Promise<void> => {
    setConfirmDelete(null);
    setError(null);
    try {
      await track(`Deleting shared private endpoint '${spe.name}'`, async () => {
        const response = await armRequest("DELETE", spe.id, apiVersions.webPubSub);
        spes.reload();
        await waitForOperation(response, apiVersions.webPubSub);
      });
      setSelected(null);
    } catch (failure) {
      setError(toArmError(failure));
    }
    spes.reload();
  };

  return (
    <div>
      <CommandBar
        commands={[
          { label: "Add shared private endpoint", icon: "add", onClick: () => setAdding(true) },
          { label: "Delete", icon: "delete", disabled: !chosen, onClick: () => setConfirmDelete(chosen) },
          { label: "Refresh", icon: "refresh", onClick: spes.reload },
        ]}
      />
      <h2 class="section-title">Shared private endpoints</h2>
      <p class="muted">
        A shared private endpoint lets this resource reach an upstream (for example a Function App that
        refuses the public network) over a private connection. The target's owner approves it.
      </p>
      <ErrorBanner error={spes.error} title="Could not list shared private endpoints" />
      <ErrorBanner error={error} title="The shared private endpoint could not be deleted" />
      {spes.loading && !spes.data && <Loading what="shared private endpoints" />}
      {spes.data && (
        <table class="grid selectable" aria-label="Shared private endpoints">
          <thead>
            <tr>
              <th class="select-cell" />
              <th>Name</th>
              <th>Target resource</th>
              <th>Group ID</th>
              <th>Request message</th>
              <th>Provisioning state</th>
              <th>Connection state</th>
            </tr>
          </thead>
          <tbody>
            {spes.data.map((spe) => {
              const p = spe.properties ?? {};
              const target = parseResourceId(p.privateLinkResourceId ?? "");
              return (
                <tr
                  key={spe.id}
                  data-name={spe.name}
                  class={spe.id === selected ? "selected" : ""}
                  onClick={() => setSelected(spe.id === selected ? null : spe.id)}
                >
                  <td class="select-cell">
                    <input
                      type="radio"
                      name="spe"
                      aria-label={`Select ${spe.name}`}
                      checked={spe.id === selected}
                      readOnly
                    />
                  </td>
                  <td>{spe.name}</td>
                  <td title={p.privateLinkResourceId}>
                    {target ? (
                      <>
                        {target.name} <span class="muted">({target.resourceGroup})</span>
                      </>
                    ) : (
                      <span class="mono">{p.privateLinkResourceId}</span>
                    )}
                  </td>
                  <td>{p.groupId}</td>
                  <td>{p.requestMessage || "—"}</td>
                  <td data-column="provisioningState">
                    <StatusBadge value={p.provisioningState} />
                  </td>
                  <td data-column="status">
                    <StatusBadge value={p.status} />
                  </td>
                </tr>
              );
            })}
            {spes.data.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No shared private endpoints. Add one to reach an upstream privately.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {adding && (
        <AddSharedPrivateEndpoint
          resource={resource}
          onClose={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            spes.reload();
          }}
          onStarted={spes.reload}
        />
      )}
      {confirmDelete && (
        <Dialog
          title={`Delete shared private endpoint '${confirmDelete.name}'`}
          onClose={() => setConfirmDelete(null)}
          footer={
            <>
              <button type="button" class="danger" onClick={() => void remove(confirmDelete)}>
                Delete
              </button>
              <button type="button" onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
            </>
          }
        >
          <p>
            Event-handler calls to{" "}
            <strong>{parseResourceId(confirmDelete.properties?.privateLinkResourceId ?? "")?.name}</strong>{" "}
            stop using the private path. The connection on the target is removed.
          </p>
        </Dialog>
      )}
    </div>
  );
}
