import {
  type AgentDesiredModel,
  agentDesiredModelFromUri,
  agentDesiredModelToUri,
  type BalancerDesiredState,
  balancerDesiredStateSchema,
  type InferenceParameters,
  inferenceParametersSchema,
} from "@paddler/protocol";
import { type InferenceParameterKey, inferenceParameterGroups } from "./inference-parameter-fields.js";

/** The model page's form: text as typed, parsed only on validation. */
export interface ModelFormValues {
  modelUri: string;
  multimodalProjectionUri: string;
  useChatTemplateOverride: boolean;
  chatTemplate: string;
  parameters: Record<InferenceParameterKey, string>;
}

/** Field name (`modelUri`, `parameters.top_k`, …) to the message shown next to it. */
export type ModelFormErrors = Partial<Record<string, string>>;

export type ModelFormResult =
  | { ok: true; state: BalancerDesiredState }
  | { ok: false; errors: ModelFormErrors };

export function formValuesFromState(state: BalancerDesiredState): ModelFormValues {
  const parameters = Object.fromEntries(
    Object.entries(state.inference_parameters).map(([key, value]) => [key, String(value)]),
  ) as Record<InferenceParameterKey, string>;
  return {
    modelUri: agentDesiredModelToUri(state.model),
    multimodalProjectionUri: agentDesiredModelToUri(state.multimodal_projection),
    useChatTemplateOverride: state.use_chat_template_override,
    chatTemplate: state.chat_template_override?.content ?? "",
    parameters,
  };
}

const shape = inferenceParametersSchema.shape;

const kinds = new Map(
  inferenceParameterGroups.flatMap((group) => group.fields.map((field) => [field.key, field.kind] as const)),
);

/** Parses and validates one inference parameter; the message is what the field shows. */
export function parseParameter(
  key: InferenceParameterKey,
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const kind = kinds.get(key);
  let candidate: unknown = text;
  if (kind === "boolean") candidate = text === "true";
  else if (kind === "integer" || kind === "number") {
    if (text.trim() === "") return { ok: false, message: "Required" };
    candidate = Number(text);
    if (Number.isNaN(candidate)) return { ok: false, message: "Must be a number" };
  }
  const parsed = shape[key].safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: readableIssue(parsed.error.issues[0]) };
}

interface IssueLike {
  code: string;
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  expected?: unknown;
}

function readableIssue(issue: IssueLike | undefined): string {
  if (!issue) return "Invalid value";
  if (issue.code === "too_small")
    return `Must be ${issue.inclusive ? "at least" : "more than"} ${String(issue.minimum)}`;
  if (issue.code === "too_big")
    return `Must be ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}`;
  if (issue.code === "invalid_type" && issue.expected === "int") return "Must be a whole number";
  return issue.message;
}

function parseModel(uri: string): { ok: true; model: AgentDesiredModel } | { ok: false; message: string } {
  try {
    return { ok: true, model: agentDesiredModelFromUri(uri) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Turns the form into a desired state, or names every field that is wrong. */
export function validateModelForm(values: ModelFormValues): ModelFormResult {
  const errors: ModelFormErrors = {};
  const model = parseModel(values.modelUri);
  if (!model.ok) errors.modelUri = model.message;
  const projection = parseModel(values.multimodalProjectionUri);
  if (!projection.ok) errors.multimodalProjectionUri = projection.message;
  if (values.useChatTemplateOverride && values.chatTemplate.trim() === "") {
    errors.chatTemplate = "Write a template, or use the model's own";
  }
  const parameters: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(values.parameters) as [InferenceParameterKey, string][]) {
    const parsed = parseParameter(key, text);
    if (parsed.ok) parameters[key] = parsed.value;
    else errors[`parameters.${key}`] = parsed.message;
  }
  if (Object.keys(errors).length > 0 || !model.ok || !projection.ok) return { ok: false, errors };

  const state = balancerDesiredStateSchema.safeParse({
    model: model.model,
    multimodal_projection: projection.model,
    use_chat_template_override: values.useChatTemplateOverride,
    chat_template_override: values.chatTemplate.trim() === "" ? null : { content: values.chatTemplate },
    inference_parameters: parameters as InferenceParameters,
  });
  if (state.success) return { ok: true, state: state.data };
  return {
    ok: false,
    errors: Object.fromEntries(state.error.issues.map((issue) => [fieldForPath(issue.path), issue.message])),
  };
}

function fieldForPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === "model") return "modelUri";
  if (head === "multimodal_projection") return "multimodalProjectionUri";
  if (head === "inference_parameters") return `parameters.${rest[0] ?? ""}`;
  if (head === "chat_template_override") return "chatTemplate";
  return "form";
}
