import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { Link } from "wouter";
import { useSaveBarClearance } from "../components/use-save-bar-clearance.js";
import { usePanel } from "../config/panel-context.js";
import { usePageTitle } from "../live/use-page-title.js";
import { ChatTemplateEditor } from "../model-form/chat-template-editor.js";
import { inferenceParameterGroups } from "../model-form/inference-parameter-fields.js";
import { InferenceParameterInput } from "../model-form/inference-parameter-input.js";
import {
  formValuesFromState,
  type ModelFormErrors,
  type ModelFormValues,
  parseParameter,
  validateModelForm,
} from "../model-form/model-form-values.js";
import { ModelUriInput } from "../model-form/model-uri-input.js";
import { useSelectedPool } from "../pools/use-selected-pool.js";
import {
  DEFAULT_POOL,
  poolDesiredStateQueryOptions,
  savePoolDesiredStateMutationOptions,
} from "../queries/pools.js";

export function ModelPage() {
  usePageTitle("Model");
  const { client } = usePanel();
  const [pool] = useSelectedPool();
  const desired = useQuery(poolDesiredStateQueryOptions(client, pool));
  return (
    <>
      <h1>
        Model and parameters
        {pool === DEFAULT_POOL ? null : <span className="muted"> · pool {pool}</span>}
      </h1>
      <p className="lead">
        What every agent {pool === DEFAULT_POOL ? "of the default pool" : `of pool ${pool}`} runs. Saving
        stores the desired state; agents finish their requests, unload and load it again.
      </p>
      {desired.isError ? (
        <p className="error" role="alert">
          Could not read the desired state: {desired.error.message}
        </p>
      ) : desired.isPending ? (
        <p className="muted">Loading the desired state…</p>
      ) : (
        <ModelForm key={pool} pool={pool} initial={formValuesFromState(desired.data)} />
      )}
    </>
  );
}

function ModelForm({ initial, pool }: { initial: ModelFormValues; pool: string }) {
  const { client } = usePanel();
  const queryClient = useQueryClient();
  const save = useMutation(savePoolDesiredStateMutationOptions(client, queryClient, pool));
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<ModelFormErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const saveBarRef = useRef<HTMLDivElement>(null);
  useSaveBarClearance(saveBarRef);

  const update = (patch: Partial<ModelFormValues>) => {
    setValues((current) => ({ ...current, ...patch }));
    save.reset();
    setSubmitted(false);
  };
  const clearError = (field: string) => setErrors(({ [field]: _removed, ...rest }) => rest);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const result = validateModelForm(values);
    if (!result.ok) {
      setErrors(result.errors);
      // Take keyboard users to the first field to fix, once React has marked it.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setErrors({});
    save.mutate(result.state);
  };
  const errorCount = Object.keys(errors).length;

  return (
    <form ref={formRef} className="model-form" onSubmit={onSubmit} noValidate>
      <fieldset>
        <legend>Model</legend>
        <ModelUriInput
          name="model"
          label="Model file"
          value={values.modelUri}
          error={errors.modelUri}
          onChange={(modelUri) => {
            update({ modelUri });
            clearError("modelUri");
          }}
        />
        <ModelUriInput
          name="multimodal_projection"
          label="Multimodal projection (optional)"
          value={values.multimodalProjectionUri}
          error={errors.multimodalProjectionUri}
          onChange={(multimodalProjectionUri) => {
            update({ multimodalProjectionUri });
            clearError("multimodalProjectionUri");
          }}
        />
      </fieldset>

      <ChatTemplateEditor
        useOverride={values.useChatTemplateOverride}
        template={values.chatTemplate}
        error={errors.chatTemplate}
        onChange={(patch) => {
          update(patch);
          clearError("chatTemplate");
        }}
      />

      {inferenceParameterGroups.map((group) => (
        <fieldset key={group.title} className="parameters">
          <legend>{group.title}</legend>
          <div className="field-grid">
            {group.fields.map((field) => (
              <InferenceParameterInput
                key={field.key}
                field={field}
                value={values.parameters[field.key]}
                error={errors[`parameters.${field.key}`]}
                onChange={(text) => {
                  update({ parameters: { ...values.parameters, [field.key]: text } });
                  const parsed = parseParameter(field.key, text);
                  setErrors((current) => {
                    const { [`parameters.${field.key}`]: _old, ...rest } = current;
                    return parsed.ok ? rest : { ...rest, [`parameters.${field.key}`]: parsed.message };
                  });
                }}
              />
            ))}
          </div>
        </fieldset>
      ))}

      <div className="form-actions" ref={saveBarRef} data-testid="save-bar">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save and apply"}
        </button>
        <output className="save-status" aria-live="polite" data-testid="save-status">
          {submitted && errorCount > 0 ? (
            <span className="error">
              Not saved: fix the {errorCount === 1 ? "field" : `${errorCount} fields`} marked above.
            </span>
          ) : save.isError ? (
            <span className="error">Not saved: {save.error.message}</span>
          ) : save.isSuccess ? (
            <span className="ok">
              Saved. Agents are reloading; follow them on the <Link href="/">dashboard</Link>.
            </span>
          ) : null}
        </output>
      </div>
    </form>
  );
}
