// The portal's small building blocks: error banner, status badge, copyable field, command bar.
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { ArmError } from "../api/armClient.js";
import { Icon, type IconName } from "./icons.js";

/** An ARM error in words: its code and message, as the service sent them. */
export function ErrorBanner(props: { error: ArmError | null; title?: string }): JSX.Element | null {
  if (!props.error) return null;
  return (
    <div class="banner banner-error" role="alert">
      <strong>{props.title ?? "The request failed"}</strong>
      <span class="error-code">{props.error.code}</span>
      <span class="error-message">{props.error.message}</span>
    </div>
  );
}

export function InfoBanner(props: { children: ComponentChildren }): JSX.Element {
  return <div class="banner banner-info">{props.children}</div>;
}

const tones: Readonly<Record<string, string>> = {
  succeeded: "good",
  approved: "good",
  running: "good",
  live: "good",
  ready: "good",
  paused: "warn",
  connecting: "busy",
  reconnecting: "warn",
  enabled: "good",
  pending: "warn",
  approving: "busy",
  rejecting: "busy",
  disconnecting: "busy",
  creating: "busy",
  updating: "busy",
  deleting: "busy",
  accepted: "busy",
  rejected: "bad",
  failed: "bad",
  disconnected: "bad",
  timeout: "bad",
  disabled: "bad",
  canceled: "bad",
};

export function StatusBadge(props: { value: string | null | undefined }): JSX.Element {
  const value = props.value ?? "";
  const tone = tones[value.toLowerCase()] ?? "neutral";
  return (
    <span class={`status status-${tone}`} data-status={value}>
      <span class="status-dot" />
      {value === "" ? "—" : value}
    </span>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

/** A read-only value with a copy button; `secret` values are masked until shown. */
export function CopyField(props: { label: string; value: string; secret?: boolean }): JSX.Element {
  const [shown, setShown] = useState(!props.secret);
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    void copyText(props.value).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div class="copy-field">
      <label>{props.label}</label>
      <div class="copy-row">
        {shown ? (
          <input readOnly aria-label={props.label} type="text" value={props.value} />
        ) : (
          <input readOnly aria-label={props.label} type="password" value={props.value} />
        )}
        {props.secret && (
          <button
            type="button"
            class="icon-button"
            title={shown ? "Hide" : "Show"}
            onClick={() => setShown(!shown)}
          >
            <Icon name="eye" />
          </button>
        )}
        <button
          type="button"
          class="icon-button"
          title={`Copy ${props.label}`}
          aria-label={`Copy ${props.label}`}
          onClick={copy}
        >
          <Icon name="copy" />
        </button>
        {copied && <span class="copied">Copied</span>}
      </div>
    </div>
  );
}

export interface Command {
  readonly label: string;
  readonly icon: IconName;
  readonly onClick: () => void;
  readonly disabled?: boolean;
}

export function CommandBar(props: { commands: readonly Command[] }): JSX.Element {
  return (
    <div class="command-bar" role="toolbar">
      {props.commands.map((command) => (
        <button
          type="button"
          class="command"
          disabled={command.disabled}
          onClick={command.onClick}
          key={command.label}
        >
          <Icon name={command.icon} />
          <span>{command.label}</span>
        </button>
      ))}
    </div>
  );
}

export function Spinner(): JSX.Element {
  return <span class="spinner" aria-label="Loading" />;
}

export function Loading(props: { what: string }): JSX.Element {
  return (
    <div class="loading">
      <Spinner /> Loading {props.what}…
    </div>
  );
}

/** A label/value grid like the portal's "Essentials". */
export function Essentials(props: {
  items: ReadonlyArray<readonly [string, ComponentChildren]>;
}): JSX.Element {
  return (
    <dl class="essentials">
      {props.items.map(([label, value]) => (
        <div class="essential" key={label}>
          <dt>{label}</dt>
          <dd>{value ?? "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
