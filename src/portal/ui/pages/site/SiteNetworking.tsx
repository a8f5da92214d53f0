// Function App / Web App → Networking → Private endpoint connections: the connections that
// private endpoints (for example a Web PubSub shared private endpoint) asked for, with Approve,
// Reject and Remove, each with a description.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armList, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { ArmResource, PrivateEndpointConnectionProperties } from "../../api/models.js";
import { apiVersions } from "../../api/resourceIds.js";
import { CommandBar, ErrorBanner, Loading, Spinner, StatusBadge } from "../../components/basics.js";
import { Dialog } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { toArmError, useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";

type Connection = ArmResource<PrivateEndpointConnectionProperties>;
type Action = "Approve" | "Reject" | "Remove";

const settled = new Set(["approved", "rejected", "disconnected"]);

function stateOf(connection: Connection): string {
  return connection.properties?.privateLinkServiceConnectionState?.status ?? "";
}

function isSettling(connection: Connection): boolean {
  const provisioning = connection.properties?.provisioningState ?? "";
  return (
    !settled.has(stateOf(connection).toLowerCase()) ||
    /ing$/i.test(provisioning) ||
    provisioning === "Pending"
  );
}

/** Last segment of a private endpoint id, which names the endpoint. */
function endpointName(id: string | undefined): string {
  return id ? (id.split("/").pop() ?? id) : "—";
}

export function SiteNetworking({ resource }: BladeProps): JSX.Element {
  const listPath = `${resource.id}/privateEndpointConnections`;
  const connections = useArmData(
    listPath,
    () => armList<Connection>(listPath, apiVersions.web),
    (list) => list.some(isSettling),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ArmError | null>(null);
  const chosen = connections.data?.find((c) => c.id === selected) ?? null;

  const open = (next: Action): void => {
    setAction(next);
    setDescription(next === "Approve" ? "Approved" : next === "Reject" ? "Rejected" : "");
  };

  const run = async (): Promise<void> => {
    if (!chosen || !action) return;
    setBusy(true);
    setError(null);
    const verb = action === "Approve" ? "Approving" : action === "Reject" ? "Rejecting" : "Removing";
    let started = false;
    try {
      await track(`${verb} private endpoint connection '${chosen.name}'`, async () => {
        const response =
          action === "Remove"
            ? await armRequest("DELETE", chosen.id, apiVersions.web)
            : await armRequest("PUT", chosen.id, apiVersions.web, {
                properties: {
                  privateLinkServiceConnectionState: {
                    status: action === "Approve" ? "Approved" : "Rejected",
                    description,
                    actionsRequired: "None",
                  },
                },
              });
        // The request was accepted: close the dialog; the operation goes on in the notification,
        // so the next action can start while this one settles.
        started = true;
        setAction(null);
        setBusy(false);
        connections.reload();
        await waitForOperation(response, apiVersions.web);
      });
    } catch (failure) {
      setError(toArmError(failure));
      if (!started) {
        setAction(null);
        setBusy(false);
      }
    }
    connections.reload();
  };

  const status = chosen ? stateOf(chosen) : "";
  return (
    <div>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected>
          Private endpoint connections
        </button>
      </div>
      <CommandBar
        commands={[
          {
            label: "Approve",
            icon: "approve",
            disabled: !chosen || status === "Approved",
            onClick: () => open("Approve"),
          },
          {
            label: "Reject",
            icon: "reject",
            disabled: !chosen || status === "Rejected",
            onClick: () => open("Reject"),
          },
          { label: "Remove", icon: "delete", disabled: !chosen, onClick: () => open("Remove") },
          { label: "Refresh", icon: "refresh", onClick: connections.reload },
        ]}
      />
      <h2 class="section-title">Private endpoint connections</h2>
      <ErrorBanner error={connections.error} title="Could not list private endpoint connections" />
      <ErrorBanner error={error} title="The change failed" />
      {connections.loading && !connections.data && <Loading what="private endpoint connections" />}
      {connections.data && (
        <table class="grid selectable" aria-label="Private endpoint connections">
          <thead>
            <tr>
              <th class="select-cell" />
              <th>Connection name</th>
              <th>Connection state</th>
              <th>Private endpoint</th>
              <th>Description</th>
              <th>Provisioning state</th>
              <th>IP addresses</th>
            </tr>
          </thead>
          <tbody>
            {connections.data.map((c) => {
              const p = c.properties ?? {};
              return (
                <tr
                  key={c.id}
                  data-name={c.name}
                  class={c.id === selected ? "selected" : ""}
                  onClick={() => setSelected(c.id === selected ? null : c.id)}
                >
                  <td class="select-cell">
                    <input
                      type="radio"
                      name="pec"
                      aria-label={`Select ${c.name}`}
                      checked={c.id === selected}
                      readOnly
                    />
                  </td>
                  <td>{c.name}</td>
                  <td data-column="status">
                    <StatusBadge value={stateOf(c)} />
                  </td>
                  <td title={p.privateEndpoint?.id ?? ""}>{endpointName(p.privateEndpoint?.id)}</td>
                  <td>{p.privateLinkServiceConnectionState?.description || "—"}</td>
                  <td data-column="provisioningState">
                    <StatusBadge value={p.provisioningState} />
                  </td>
                  <td class="mono">{p.ipAddresses?.join(", ") || "—"}</td>
                </tr>
              );
            })}
            {connections.data.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No private endpoint connections. A shared private endpoint that targets this site appears
                  here.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {action && chosen && (
        <Dialog
          title={`${action} connection`}
          onClose={() => setAction(null)}
          footer={
            <>
              <button
                type="button"
                class={action === "Approve" ? "primary" : "danger"}
                disabled={busy}
                onClick={() => void run()}
              >
                {busy && <Spinner />} {action === "Remove" ? "Yes, remove" : "Yes"}
              </button>
              <button type="button" onClick={() => setAction(null)}>
                No
              </button>
            </>
          }
        >
          <p>
            {action === "Remove"
              ? `Remove the connection '${chosen.name}'? The private endpoint can no longer reach this site.`
              : `${action} the connection '${chosen.name}'?`}
          </p>
          {action !== "Remove" && (
            <label class="field">
              <span>Description</span>
              <textarea
                name="description"
                rows={3}
                value={description}
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
            </label>
          )}
          {chosen.properties?.privateLinkServiceConnectionState?.description && (
            <p class="muted">
              Request message: {chosen.properties.privateLinkServiceConnectionState.description}
            </p>
          )}
        </Dialog>
      )}
    </div>
  );
}
