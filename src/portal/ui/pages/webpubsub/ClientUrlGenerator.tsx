// Overview → Client URL Generator: a ready-to-use client access URL for a hub, signed in the
// browser with the primary key (nothing leaves the page).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { clientAccessUrl } from "../../api/clientAccessUrl.js";
import { CopyField } from "../../components/basics.js";

const splitList = (text: string): string[] =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");

export function ClientUrlGenerator(props: { endpoint: string; accessKey: string }): JSX.Element {
  const [hub, setHub] = useState("chat");
  const [userId, setUserId] = useState("");
  const [roles, setRoles] = useState("");
  const [minutes, setMinutes] = useState(60);
  const [url, setUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const generate = async (): Promise<void> => {
    setProblem(null);
    if (!/^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/.test(hub.trim())) {
      setProblem("A hub name starts with a letter and holds letters, digits and _ ` , . [ ] (at most 128).");
      return;
    }
    try {
      setUrl(
        await clientAccessUrl({
          endpoint: props.endpoint,
          accessKey: props.accessKey,
          hub,
          userId: userId.trim(),
          roles: splitList(roles),
          expiresInMinutes: minutes,
        }),
      );
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div class="card">
      <div class="card-header">
        <h3>Client URL Generator</h3>
        <span class="muted">A client access URL for WebSocket clients, signed with the primary key.</span>
      </div>
      <div class="form-grid">
        <label class="field">
          <span>Hub</span>
          <input name="client-hub" value={hub} onInput={(e) => setHub(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>User ID</span>
          <input name="client-user" value={userId} onInput={(e) => setUserId(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Roles (comma separated)</span>
          <input
            name="client-roles"
            placeholder="webpubsub.joinLeaveGroup, webpubsub.sendToGroup"
            value={roles}
            onInput={(e) => setRoles(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Token lifetime (minutes)</span>
          <input
            name="client-minutes"
            type="number"
            min={1}
            max={1440}
            value={minutes}
            onInput={(e) => setMinutes(Math.min(1440, Math.max(1, Number(e.currentTarget.value) || 60)))}
          />
        </label>
      </div>
      {problem && <small class="field-error">{problem}</small>}
      <div class="form-actions">
        <button type="button" onClick={() => void generate()}>
          Generate client URL
        </button>
      </div>
      {url && <CopyField label="Client access URL" value={url} />}
    </div>
  );
}
