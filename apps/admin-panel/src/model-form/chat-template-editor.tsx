import { useId } from "react";

export interface ChatTemplateEditorProps {
  useOverride: boolean;
  template: string;
  error: string | undefined;
  onChange(patch: { useChatTemplateOverride?: boolean; chatTemplate?: string }): void;
}

/** The model's own chat template, or an override written here (Jinja, rendered by the agents). */
export function ChatTemplateEditor({ useOverride, template, error, onChange }: ChatTemplateEditorProps) {
  const id = useId();
  return (
    <fieldset>
      <legend>Chat template</legend>
      <div className="choices">
        <label>
          <input
            type="radio"
            name="chat_template_choice"
            value="model"
            checked={!useOverride}
            onChange={() => onChange({ useChatTemplateOverride: false })}
          />
          Use the model's template
        </label>
        <label>
          <input
            type="radio"
            name="chat_template_choice"
            value="override"
            checked={useOverride}
            onChange={() => onChange({ useChatTemplateOverride: true })}
          />
          Use my template
        </label>
      </div>
      <div className={`field${error ? " field-invalid" : ""}`} hidden={!useOverride}>
        <label htmlFor={id}>Template (Jinja)</label>
        <textarea
          id={id}
          name="chat_template"
          className="code"
          rows={10}
          spellCheck={false}
          value={template}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
          onChange={(event) => onChange({ chatTemplate: event.target.value })}
        />
        <span id={`${id}-hint`} className="hint">
          Gets <code>messages</code>, <code>add_generation_prompt</code>, <code>enable_thinking</code>,{" "}
          <code>tools</code>, <code>bos_token</code>, <code>eos_token</code>. The dashboard shows each model's
          own template under Details.
        </span>
        {error ? (
          <span id={`${id}-error`} className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </fieldset>
  );
}
