import { agentDesiredModelFromUri } from "@paddler/protocol";
import { useId } from "react";

export interface ModelUriInputProps {
  name: string;
  label: string;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
}

/** A model location as Paddler's panel takes it, with what it will be parsed into. */
export function ModelUriInput({ name, label, value, error, onChange }: ModelUriInputProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field${error ? " field-invalid" : ""}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="text"
        spellCheck={false}
        autoComplete="off"
        value={value}
        placeholder="https://huggingface.co/{owner}/{repo}/blob/{revision}/{file}.gguf"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${hintId} ${errorId}` : hintId}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={hintId} className="hint">
        A Hugging Face file URL, <code>agent:///absolute/path.gguf</code> on each agent, or any http(s) URL.
        Empty means none. {describe(value)}
      </span>
      {error ? (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function describe(uri: string): string {
  try {
    const model = agentDesiredModelFromUri(uri);
    if (model === "None") return "";
    if ("HuggingFace" in model)
      return `→ Hugging Face ${model.HuggingFace.repo_id} @ ${model.HuggingFace.revision}: ${model.HuggingFace.filename}`;
    if ("LocalToAgent" in model) return `→ a file on each agent: ${model.LocalToAgent}`;
    return "→ downloaded by each agent";
  } catch {
    return "";
  }
}
