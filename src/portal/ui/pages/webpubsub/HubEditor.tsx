// The hub editor (context pane): name, anonymous connect policy and the ordered event handlers.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { EventHandler, HubProperties } from "../../api/models.js";
import { apiVersions } from "../../api/resourceIds.js";
import { ErrorBanner, Spinner } from "../../components/basics.js";
import { SidePanel } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { toArmError } from "../../state/useArmData.js";
import type { Hub } from "./HubSettings.js";

const systemEventNames = ["connect", "connected", "disconnected"] as const;

interface HandlerDraft {
  urlTemplate: string;
  userEventPattern: string;
  systemEvents: string[];
  authType: "None" | "ManagedIdentity";
  authResource: string;
}

function toDraft(handler: EventHandler): HandlerDraft {
  return {
    urlTemplate: handler.urlTemplate,
    userEventPattern: handler.userEventPattern ?? "",
    systemEvents: handler.systemEvents ?? [],
    authType: handler.auth?.type === "ManagedIdentity" ? "ManagedIdentity" : "None",
    authResource: handler.auth?.managedIdentity?.resource ?? "",
  };
}

function fromDraft(draft: HandlerDraft): EventHandler {
  return {
    urlTemplate: draft.urlTemplate.trim(),
    ...(draft.userEventPattern.trim() ? { userEventPattern: draft.userEventPattern.trim() } : {}),
    systemEvents: draft.systemEvents,
    auth:
      draft.authType === "ManagedIdentity"
        ? { type: "ManagedIdentity", managedIdentity: { resource: draft.authResource.trim() } }
        : { type: "None" },
  };
}

const emptyHandler: HandlerDraft = {
  urlTemplate: "",
  userEventPattern: "*",
  systemEvents: ["connected", "disconnected"],
  authType: "None",
  authResource: "",
};

export function HubEditor(props: {
  resourceId: string;
  hub: Hub | null;
  onClose: () => void;
  onSaved: () => void;
}): JSX.Element {
  const [name, setName] = useState(props.hub?.name ?? "");
  const [policy, setPolicy] = useState(props.hub?.properties?.anonymousConnectPolicy ?? "deny");
  const [handlers, setHandlers] = useState<HandlerDraft[]>(
    props.hub ? (props.hub.properties?.eventHandlers ?? []).map(toDraft) : [{ ...emptyHandler }],
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ArmError | null>(null);

  const change = (index: number, patch: Partial<HandlerDraft>): void =>
    setHandlers(handlers.map((h, i) => (i === index ? { ...h, ...patch } : h)));

  const save = async (): Promise<void> => {
    setSaving(true);
    setError(null);
    const properties: HubProperties = {
      ...props.hub?.properties,
      anonymousConnectPolicy: policy,
      eventHandlers: handlers.map(fromDraft),
    };
    try {
      await track(`${props.hub ? "Updating" : "Creating"} hub '${name}'`, async () => {
        const response = await armRequest(
          "PUT",
          `${props.resourceId}/hubs/${encodeURIComponent(name)}`,
          apiVersions.webPubSub,
          {
            properties,
          },
        );
        await waitForOperation(response, apiVersions.webPubSub);
      });
      props.onSaved();
    } catch (failure) {
      setError(toArmError(failure));
      setSaving(false);
    }
  };

  return (
    <SidePanel
      title={props.hub ? `Edit hub '${props.hub.name}'` : "Add hub"}
      subtitle="Hub settings and event handlers"
      onClose={props.onClose}
      footer={
        <>
          <button
            type="button"
            class="primary"
            disabled={saving || name.trim() === ""}
            onClick={() => void save()}
          >
            {saving && <Spinner />} Save
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </>
      }
    >
      <ErrorBanner error={error} title="The hub could not be saved" />
      <label class="field">
        <span>Hub name</span>
        <input value={name} disabled={props.hub !== null} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Anonymous connect policy</span>
        <select value={policy} onChange={(e) => setPolicy(e.currentTarget.value)}>
          <option value="deny">Deny</option>
          <option value="allow">Allow</option>
        </select>
      </label>
      <h3>Event handlers</h3>
      {handlers.map((handler, index) => (
        <fieldset class="handler" key={index}>
          <legend>Handler {index + 1}</legend>
          <label class="field">
            <span>URL template</span>
            <input
              placeholder="https://contoso-func.azurewebsites.net/api/{event}"
              value={handler.urlTemplate}
              onInput={(e) => change(index, { urlTemplate: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span>User event pattern</span>
            <input
              placeholder="* or a,b"
              value={handler.userEventPattern}
              onInput={(e) => change(index, { userEventPattern: e.currentTarget.value })}
            />
          </label>
          <div class="field">
            <span>System events</span>
            <div class="checks">
              {systemEventNames.map((event) => (
                <label key={event}>
                  <input
                    type="checkbox"
                    checked={handler.systemEvents.includes(event)}
                    onChange={(e) =>
                      change(index, {
                        systemEvents: e.currentTarget.checked
                          ? [...handler.systemEvents, event]
                          : handler.systemEvents.filter((s) => s !== event),
                      })
                    }
                  />
                  {event}
                </label>
              ))}
            </div>
          </div>
          <label class="field">
            <span>Authentication</span>
            <select
              value={handler.authType}
              onChange={(e) => change(index, { authType: e.currentTarget.value as HandlerDraft["authType"] })}
            >
              <option value="None">No authentication</option>
              <option value="ManagedIdentity">Use managed identity</option>
            </select>
          </label>
          {handler.authType === "ManagedIdentity" && (
            <label class="field">
              <span>Audience (resource)</span>
              <input
                value={handler.authResource}
                onInput={(e) => change(index, { authResource: e.currentTarget.value })}
              />
            </label>
          )}
          <button
            type="button"
            class="link danger"
            onClick={() => setHandlers(handlers.filter((_, i) => i !== index))}
          >
            Remove handler
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setHandlers([...handlers, { ...emptyHandler }])}>
        + Add event handler
      </button>
    </SidePanel>
  );
}
