// Web PubSub → Settings: the hubs and their event handlers, editable (PUT hub, a long-running
// operation) and removable.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armList, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { ArmResource, HubProperties } from "../../api/models.js";
import { apiVersions } from "../../api/resourceIds.js";
import { CommandBar, ErrorBanner, Loading } from "../../components/basics.js";
import { Dialog } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { toArmError, useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";
import { HubEditor } from "./HubEditor.js";

export type Hub = ArmResource<HubProperties>;

function describeAuth(handler: NonNullable<HubProperties["eventHandlers"]>[number]): string {
  if (!handler.auth || handler.auth.type === "None" || !handler.auth.type) return "None";
  return `${handler.auth.type}${handler.auth.managedIdentity?.resource ? ` (${handler.auth.managedIdentity.resource})` : ""}`;
}

export function HubSettings({ resource }: BladeProps): JSX.Element {
  const hubs = useArmData(`${resource.id}/hubs`, () =>
    armList<Hub>(`${resource.id}/hubs`, apiVersions.webPubSub),
  );
  const [editing, setEditing] = useState<Hub | "new" | null>(null);
  const [deleting, setDeleting] = useState<Hub | null>(null);
  const [error, setError] = useState<ArmError | null>(null);

  const remove = async (hub: Hub): Promise<void> => {
    setDeleting(null);
    setError(null);
    try {
      await track(`Deleting hub '${hub.name}'`, async () => {
        const response = await armRequest("DELETE", hub.id, apiVersions.webPubSub);
        await waitForOperation(response, apiVersions.webPubSub);
      });
    } catch (failure) {
      setError(toArmError(failure));
    }
    hubs.reload();
  };

  return (
    <div>
      <CommandBar
        commands={[
          { label: "Add hub", icon: "add", onClick: () => setEditing("new") },
          { label: "Refresh", icon: "refresh", onClick: hubs.reload },
        ]}
      />
      <h2 class="section-title">Hubs</h2>
      <p class="muted">
        Each hub's event handlers receive the service's CloudEvents calls. The first handler whose events
        match wins.
      </p>
      <ErrorBanner error={hubs.error} title="Could not list hubs" />
      <ErrorBanner error={error} title="The hub change failed" />
      {hubs.loading && !hubs.data && <Loading what="hubs" />}
      {hubs.data?.length === 0 && (
        <p class="empty">No hubs are configured. Add one to set its event handlers.</p>
      )}
      {hubs.data?.map((hub) => (
        <div class="card" key={hub.id} data-hub={hub.name}>
          <div class="card-header">
            <h3>{hub.name}</h3>
            <span class="muted">Anonymous connect: {hub.properties?.anonymousConnectPolicy ?? "deny"}</span>
            <div class="card-actions">
              <button type="button" onClick={() => setEditing(hub)}>
                Edit
              </button>
              <button type="button" class="danger" onClick={() => setDeleting(hub)}>
                Delete
              </button>
            </div>
          </div>
          <table class="grid">
            <thead>
              <tr>
                <th>URL template</th>
                <th>User events</th>
                <th>System events</th>
                <th>Authentication</th>
              </tr>
            </thead>
            <tbody>
              {(hub.properties?.eventHandlers ?? []).map((handler, index) => (
                <tr key={index}>
                  <td class="mono">{handler.urlTemplate}</td>
                  <td>{handler.userEventPattern || "—"}</td>
                  <td>{handler.systemEvents?.join(", ") || "—"}</td>
                  <td>{describeAuth(handler)}</td>
                </tr>
              ))}
              {(hub.properties?.eventHandlers ?? []).length === 0 && (
                <tr>
                  <td colSpan={4} class="muted">
                    No event handlers.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      ))}
      {editing && (
        <HubEditor
          resourceId={resource.id}
          hub={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            hubs.reload();
          }}
        />
      )}
      {deleting && (
        <Dialog
          title={`Delete hub '${deleting.name}'`}
          onClose={() => setDeleting(null)}
          footer={
            <>
              <button type="button" class="danger" onClick={() => void remove(deleting)}>
                Delete
              </button>
              <button type="button" onClick={() => setDeleting(null)}>
                Cancel
              </button>
            </>
          }
        >
          <p>The hub's settings and event handlers are removed. Connected clients stay connected.</p>
        </Dialog>
      )}
    </div>
  );
}
