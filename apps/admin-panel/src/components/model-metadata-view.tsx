import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { usePanel } from "../config/panel-context.js";
import { chatTemplateOverrideQueryOptions } from "../queries/chat-template-override.js";
import { modelMetadataQueryOptions } from "../queries/model-metadata.js";

const chatTemplateKey = "tokenizer.chat_template";

export interface ModelMetadataViewProps {
  agentId: string;
  modelPath: string | null;
  usesChatTemplateOverride: boolean;
}

/** The agent's GGUF metadata (chat template first), and the override it uses, if any. */
export function ModelMetadataView({ agentId, modelPath, usesChatTemplateOverride }: ModelMetadataViewProps) {
  const { client } = usePanel();
  const listHeadingId = useId();
  const metadata = useQuery(modelMetadataQueryOptions(client, agentId, modelPath));
  const override = useQuery({
    ...chatTemplateOverrideQueryOptions(client, agentId, modelPath),
    enabled: modelPath !== null && usesChatTemplateOverride,
  });
  if (modelPath === null) return <p className="muted">No model loaded.</p>;
  if (metadata.isPending) return <p className="muted">Loading model metadata…</p>;
  if (metadata.isError) return <p className="error">Could not read the metadata: {metadata.error.message}</p>;
  if (metadata.data === null) return <p className="muted">The agent has no model metadata yet.</p>;
  const entries = Object.entries(metadata.data.metadata).sort(([a], [b]) => a.localeCompare(b));
  const template = metadata.data.metadata[chatTemplateKey];
  return (
    <div className="metadata">
      <h3>Chat template</h3>
      {usesChatTemplateOverride ? (
        <>
          <p className="muted small">This agent uses the override set on the model page:</p>
          <pre className="template" data-testid="chat-template-override">
            {override.data?.content ?? "…"}
          </pre>
        </>
      ) : null}
      {template ? (
        <pre className="template" data-testid="model-chat-template">
          {template}
        </pre>
      ) : (
        <p className="muted small">The model file has no {chatTemplateKey}.</p>
      )}
      <h3 id={listHeadingId}>GGUF metadata ({entries.length} keys)</h3>
      {/* A scroll region: focusable, so a keyboard can reach and scroll it. */}
      <section
        className="metadata-scroll"
        aria-labelledby={listHeadingId}
        data-testid="model-metadata-region"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keyboard
        tabIndex={0}
      >
        <dl className="metadata-list" data-testid="model-metadata">
          {entries
            .filter(([key]) => key !== chatTemplateKey)
            .map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{value.length > 300 ? `${value.slice(0, 300)}… (${value.length} characters)` : value}</dd>
              </div>
            ))}
        </dl>
      </section>
    </div>
  );
}
