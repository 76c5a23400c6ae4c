import { useId } from "react";
import { defaultParameterText, type InferenceParameterField } from "./inference-parameter-fields.js";

export interface InferenceParameterInputProps {
  field: InferenceParameterField;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
}

/** One inference parameter: label, input, its default, and the validation message next to it. */
export function InferenceParameterInput({ field, value, error, onChange }: InferenceParameterInputProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? `${hintId} ${errorId}` : hintId;
  const fallback = defaultParameterText(field.key);
  return (
    <div className={`field${error ? " field-invalid" : ""}`} data-field={field.key}>
      {field.kind === "boolean" ? (
        <label className="checkbox" htmlFor={id}>
          <input
            id={id}
            name={field.key}
            type="checkbox"
            checked={value === "true"}
            aria-describedby={describedBy}
            onChange={(event) => onChange(String(event.target.checked))}
          />
          {field.label}
        </label>
      ) : (
        <>
          <label htmlFor={id}>{field.label}</label>
          {field.kind === "choice" ? (
            <select
              id={id}
              name={field.key}
              value={value}
              aria-describedby={describedBy}
              onChange={(event) => onChange(event.target.value)}
            >
              {field.options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              name={field.key}
              type="text"
              inputMode={field.kind === "integer" ? "numeric" : "decimal"}
              value={value}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => onChange(event.target.value)}
            />
          )}
        </>
      )}
      <span id={hintId} className="hint">
        {field.help}. Default: <code>{fallback}</code>
        {value !== fallback ? (
          <button type="button" className="link-button" onClick={() => onChange(fallback)}>
            use default<span className="visually-hidden"> for {field.label}</span>
          </button>
        ) : null}
      </span>
      {error ? (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
