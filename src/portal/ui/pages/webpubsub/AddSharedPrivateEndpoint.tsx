// "Add shared private endpoint" (context pane): name, target picked from your own
// Microsoft.Web/sites or typed as a resource id, group id and request message. The PUT's own
// refusal shows in the pane; the long-running part is followed in a notification.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armList, armRequest } from "../../api/armClient.js";
import { waitForOperation } from "../../api/longRunning.js";
import type { ArmResource, PrivateLinkResourceProperties, SiteProperties } from "../../api/models.js";
import {
  apiVersions,
  kindLabels,
  parseResourceId,
  resourceKind,
  subscriptionId,
} from "../../api/resourceIds.js";
import { ErrorBanner, Spinner } from "../../components/basics.js";
import { SidePanel } from "../../components/overlays.js";
import { track } from "../../state/notifications.js";
import { toArmError, useArmData } from "../../state/useArmData.js";

const namePattern = /^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/;

interface Choices {
  readonly sites: ArmResource<SiteProperties>[];
  readonly groupIds: string[];
}

async function loadChoices(resourceId: string): Promise<Choices> {
  const [sites, linkResources] = await Promise.all([
    armList<ArmResource<SiteProperties>>(
      `/subscriptions/${subscriptionId}/providers/Microsoft.Web/sites`,
      apiVersions.web,
    ),
    armList<ArmResource<PrivateLinkResourceProperties>>(
      `${resourceId}/privateLinkResources`,
      apiVersions.webPubSub,
    ).catch(() => []),
  ]);
  const groupIds = new Set<string>();
  for (const link of linkResources) {
    for (const shareable of link.properties?.shareablePrivateLinkResourceTypes ?? []) {
      if (
        shareable.properties?.type?.toLowerCase() === "microsoft.web/sites" &&
        shareable.properties.groupId
      ) {
        groupIds.add(shareable.properties.groupId);
      }
    }
  }
  if (groupIds.size === 0) groupIds.add("sites");
  return { sites, groupIds: [...groupIds] };
}

export function AddSharedPrivateEndpoint(props: {
  resource: ArmResource;
  onClose: () => void;
  onStarted: () => void;
  onCreated: () => void;
}): JSX.Element {
  const choices = useArmData(`${props.resource.id}/spe-choices`, () => loadChoices(props.resource.id));
  const [name, setName] = useState("");
  const [mode, setMode] = useState<"pick" | "id">("pick");
  const [picked, setPicked] = useState("");
  const [typedId, setTypedId] = useState("");
  const [groupId, setGroupId] = useState("sites");
  const [message, setMessage] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ArmError | null>(null);

  const target = mode === "pick" ? picked : typedId.trim();
  const nameProblem =
    name === ""
      ? null
      : namePattern.test(name)
        ? null
        : "3–63 letters, digits or hyphens; starts with a letter, ends with a letter or digit.";
  const canCreate = name !== "" && nameProblem === null && target !== "" && groupId !== "" && !submitting;

  const create = async (): Promise<void> => {
    setSubmitting(true);
    setError(null);
    const url = `${props.resource.id}/sharedPrivateLinkResources/${encodeURIComponent(name)}`;
    const body = { properties: { privateLinkResourceId: target, groupId, requestMessage: message } };
    let initial;
    try {
      initial = await armRequest("PUT", url, apiVersions.webPubSub, body);
    } catch (failure) {
      setError(toArmError(failure));
      setSubmitting(false);
      return;
    }
    props.onStarted();
    props.onClose();
    const started = initial;
    track(
      `Creating shared private endpoint '${name}'`,
      () => waitForOperation(started, apiVersions.webPubSub),
      "Provisioning succeeded. The connection waits for approval on the target.",
    ).then(props.onCreated, () => props.onCreated());
  };

  return (
    <SidePanel
      title="Add shared private endpoint"
      subtitle={props.resource.name}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="primary" disabled={!canCreate} onClick={() => void create()}>
            {submitting && <Spinner />} Create
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </>
      }
    >
      <ErrorBanner error={error} title="The shared private endpoint could not be created" />
      <label class="field">
        <span>Name *</span>
        <input
          name="spe-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={nameProblem !== null}
        />
        {nameProblem && <small class="field-error">{nameProblem}</small>}
      </label>
      <div class="field">
        <span>Target</span>
        <div class="checks">
          <label>
            <input
              type="radio"
              name="target-mode"
              checked={mode === "pick"}
              onChange={() => setMode("pick")}
            />
            Select from my resources
          </label>
          <label>
            <input type="radio" name="target-mode" checked={mode === "id"} onChange={() => setMode("id")} />
            Resource ID
          </label>
        </div>
      </div>
      {mode === "pick" ? (
        <label class="field">
          <span>Target resource *</span>
          <select name="target-resource" value={picked} onChange={(e) => setPicked(e.currentTarget.value)}>
            <option value="">{choices.loading ? "Loading…" : "Select a Function App or Web App"}</option>
            {choices.data?.sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name} ({kindLabels[resourceKind(site.type, site.kind)]},{" "}
                {parseResourceId(site.id)?.resourceGroup})
              </option>
            ))}
          </select>
          <ErrorBanner error={choices.error} title="Could not list your sites" />
        </label>
      ) : (
        <label class="field">
          <span>Resource ID *</span>
          <input
            name="target-id"
            class="mono"
            placeholder="/subscriptions/…/resourceGroups/…/providers/Microsoft.Web/sites/…"
            value={typedId}
            onInput={(e) => setTypedId(e.currentTarget.value)}
          />
        </label>
      )}
      <label class="field">
        <span>Group ID *</span>
        <select name="group-id" value={groupId} onChange={(e) => setGroupId(e.currentTarget.value)}>
          {(choices.data?.groupIds ?? ["sites"]).map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Request message</span>
        <textarea
          name="request-message"
          rows={3}
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
      </label>
    </SidePanel>
  );
}
