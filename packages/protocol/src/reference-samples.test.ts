import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { agentControllerSnapshotSchema } from "./agent-controller-snapshot.js";
import { agentDesiredModelSchema } from "./agent-desired-model.js";
import { agentIssueSchema } from "./agent-issue.js";
import { agentToBalancerMessageSchema, balancerToAgentMessageSchema } from "./agent-socket-messages.js";
import { balancerDesiredStateSchema, defaultBalancerDesiredState } from "./balancer-desired-state.js";
import { continueFromConversationHistoryParamsSchema } from "./continue-from-conversation-history-params.js";
import { continueFromRawPromptParamsSchema } from "./continue-from-raw-prompt-params.js";
import { embeddingResultSchema } from "./embedding-result.js";
import { generateEmbeddingBatchParamsSchema } from "./generate-embedding-batch-params.js";
import { generatedTokenResultSchema, isTerminalGeneratedTokenResult } from "./generated-token-result.js";
import { inferenceClientMessageSchema } from "./inference-client-message.js";
import { defaultInferenceParameters } from "./inference-parameters.js";
import { inferenceSocketClientFrameSchema } from "./inference-socket-request.js";
import { stateDatabaseFileSchema } from "./state-database-file.js";

const usage = {
  prompt_tokens: 12,
  cached_prompt_tokens: 4,
  input_image_tokens: 0,
  input_audio_tokens: 0,
  content_tokens: 30,
  reasoning_tokens: 2,
  tool_call_tokens: 0,
  undeterminable_tokens: 0,
};

const snapshotFields = {
  desired_slots_total: 4,
  slots_processing: 1,
  slots_total: 4,
  model_path: "/models/qwen.gguf",
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [{ ModelFileDoesNotExist: { model_path: "/models/missing.gguf" } }],
  uses_chat_template_override: false,
  state_application_status: "Applied",
};

const history = {
  add_generation_prompt: true,
  conversation_history: [
    { role: "system", content: "You are helpful." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ],
    },
  ],
  enable_thinking: true,
  max_tokens: 400,
  grammar: { type: "json_schema", schema: '{"type":"object"}' },
  parse_tool_calls: true,
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Weather for a city",
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        },
      },
    },
  ],
};

/** Samples of every wire type, in the JSON Paddler writes (reference §2–§8). */
const samples: [string, z.ZodType, unknown][] = [
  ["ContentToken", generatedTokenResultSchema, { ContentToken: "Once" }],
  ["ReasoningToken", generatedTokenResultSchema, { ReasoningToken: "hmm" }],
  ["ToolCallToken", generatedTokenResultSchema, { ToolCallToken: "{" }],
  ["UndeterminableToken", generatedTokenResultSchema, { UndeterminableToken: "?" }],
  [
    "ToolCallParsed",
    generatedTokenResultSchema,
    {
      ToolCallParsed: [
        { id: "call_1", name: "get_weather", arguments: { ValidJson: { city: "Oslo" } } },
        { id: "call_2", name: "get_weather", arguments: { InvalidJson: "{city" } },
      ],
    },
  ],
  ["ToolCallParseFailed", generatedTokenResultSchema, { ToolCallParseFailed: "unexpected end" }],
  [
    "ToolCallValidationFailed",
    generatedTokenResultSchema,
    { ToolCallValidationFailed: ["city is required"] },
  ],
  [
    "UnrecognizedToolCallFormat",
    generatedTokenResultSchema,
    { UnrecognizedToolCallFormat: { text: "<x>", ffi_error_message: "no" } },
  ],
  ["Done", generatedTokenResultSchema, { Done: { usage } }],
  ["ChatTemplateError", generatedTokenResultSchema, { ChatTemplateError: "no template" }],
  ["DetokenizationFailed", generatedTokenResultSchema, { DetokenizationFailed: "bad bytes" }],
  ["GrammarIncompatibleWithThinking", generatedTokenResultSchema, { GrammarIncompatibleWithThinking: "no" }],
  ["GrammarInitializationFailed", generatedTokenResultSchema, { GrammarInitializationFailed: "no" }],
  ["GrammarRejectedModelOutput", generatedTokenResultSchema, { GrammarRejectedModelOutput: "no" }],
  ["GrammarSyntaxError", generatedTokenResultSchema, { GrammarSyntaxError: "line 1" }],
  ["ImageDecodingFailed", generatedTokenResultSchema, { ImageDecodingFailed: "not png" }],
  [
    "ImageExceedsBatchSize",
    generatedTokenResultSchema,
    { ImageExceedsBatchSize: { image_tokens: 4096, n_batch: 2048 } },
  ],
  ["MultimodalNotSupported", generatedTokenResultSchema, { MultimodalNotSupported: "no mmproj" }],
  ["SamplerError", generatedTokenResultSchema, { SamplerError: "no available sequence slots" }],
  ["TokenGenerationDisabled", generatedTokenResultSchema, { TokenGenerationDisabled: "embeddings mode" }],
  ["ToolSchemaInvalid", generatedTokenResultSchema, { ToolSchemaInvalid: "bad schema" }],
  [
    "Embedding",
    embeddingResultSchema,
    {
      Embedding: {
        embedding: [0.1, -0.2],
        normalization_method: "L2",
        pooling_type: "Mean",
        source_document_id: "doc-1",
      },
    },
  ],
  [
    "DocumentExceedsBatchSize",
    embeddingResultSchema,
    { DocumentExceedsBatchSize: { document_tokens: 9000, n_batch: 2048, source_document_id: "d" } },
  ],
  ["Embedding Error", embeddingResultSchema, { Error: "failed" }],
  ["Embedding Done", embeddingResultSchema, "Done"],
  ["EmbeddingsDisabled", embeddingResultSchema, "EmbeddingsDisabled"],
  [
    "EmbeddingRejectedDueToActiveTokenGeneration",
    embeddingResultSchema,
    "EmbeddingRejectedDueToActiveTokenGeneration",
  ],
  ["NoEmbeddingsProduced", embeddingResultSchema, "NoEmbeddingsProduced"],
  [
    "Response envelope",
    inferenceClientMessageSchema,
    {
      Response: {
        generated_by: "agent-1",
        request_id: "r1",
        response: { GeneratedToken: { ContentToken: "Hi" } },
      },
    },
  ],
  [
    "final embedding Done",
    inferenceClientMessageSchema,
    { Response: { generated_by: null, request_id: "r2", response: { Embedding: "Done" } } },
  ],
  [
    "Error envelope",
    inferenceClientMessageSchema,
    { Error: { request_id: "r1", error: { code: 503, description: "Buffered requests overflow" } } },
  ],
  [
    "TokenGenerationDisabled notification",
    inferenceClientMessageSchema,
    { Notification: "TokenGenerationDisabled" },
  ],
  [
    "TokenGenerationEnabled notification",
    inferenceClientMessageSchema,
    { Notification: "TokenGenerationEnabled" },
  ],
  [
    "socket request",
    inferenceSocketClientFrameSchema,
    { Request: { id: "c1", request: { ContinueFromConversationHistory: history } } },
  ],
  [
    "socket raw prompt",
    inferenceSocketClientFrameSchema,
    {
      Request: {
        id: "c2",
        request: {
          ContinueFromRawPrompt: {
            raw_prompt: "Hi",
            max_tokens: 5,
            grammar: { type: "gbnf", grammar: 'root ::= "a"', root: "root" },
          },
        },
      },
    },
  ],
  ["socket stop", inferenceSocketClientFrameSchema, { Notification: { StopRespondingTo: "c1" } }],
  ["conversation history params", continueFromConversationHistoryParamsSchema, history],
  ["raw prompt params", continueFromRawPromptParamsSchema, { raw_prompt: "Once", max_tokens: 10 }],
  [
    "embedding batch params",
    generateEmbeddingBatchParamsSchema,
    { input_batch: [{ id: "a", content: "x" }], normalization_method: { RmsNorm: { epsilon: 1e-6 } } },
  ],
  ["Version", balancerToAgentMessageSchema, { Notification: { Version: { version: "4.1.0" } } }],
  [
    "SetState",
    balancerToAgentMessageSchema,
    {
      Notification: {
        SetState: {
          desired_state: {
            chat_template_override: { content: "{{ messages }}" },
            inference_parameters: defaultInferenceParameters,
            model: {
              HuggingFace: {
                filename: "Qwen3-0.6B-Q8_0.gguf",
                repo_id: "Qwen/Qwen3-0.6B-GGUF",
                revision: "main",
              },
            },
            multimodal_projection: "None",
          },
        },
      },
    },
  ],
  ["StopRespondingTo", balancerToAgentMessageSchema, { Notification: { StopRespondingTo: "r1" } }],
  [
    "agent request",
    balancerToAgentMessageSchema,
    {
      Request: {
        id: "r1",
        request: { GenerateEmbeddingBatch: { input_batch: [], normalization_method: "None" } },
      },
    },
  ],
  [
    "GetChatTemplateOverride",
    balancerToAgentMessageSchema,
    { Request: { id: "r2", request: "GetChatTemplateOverride" } },
  ],
  ["GetModelMetadata", balancerToAgentMessageSchema, { Request: { id: "r3", request: "GetModelMetadata" } }],
  [
    "RegisterAgent",
    agentToBalancerMessageSchema,
    {
      Notification: {
        RegisterAgent: { name: "gpu-1", slot_aggregated_status_snapshot: { ...snapshotFields, version: 1 } },
      },
    },
  ],
  [
    "UpdateAgentStatus",
    agentToBalancerMessageSchema,
    {
      Notification: {
        UpdateAgentStatus: { slot_aggregated_status_snapshot: { ...snapshotFields, version: 2 } },
      },
    },
  ],
  [
    "UpdateAgentStatus with our agent_slots extension",
    agentToBalancerMessageSchema,
    {
      Notification: {
        UpdateAgentStatus: {
          slot_aggregated_status_snapshot: { ...snapshotFields, version: 3 },
          agent_slots: {
            running_request_ids: ["r1"],
            drain: { slots_busy: 1, since_unix_ms: 1_700_000_000_000, deadline_unix_ms: 1_700_000_030_000 },
          },
        },
      },
    },
  ],
  ["DeregisterAgent", agentToBalancerMessageSchema, { Notification: "DeregisterAgent" }],
  [
    "ChatTemplateOverride response",
    agentToBalancerMessageSchema,
    { Response: { generated_by: null, request_id: "r2", response: { ChatTemplateOverride: null } } },
  ],
  [
    "ModelMetadata response",
    agentToBalancerMessageSchema,
    {
      Response: {
        generated_by: null,
        request_id: "r3",
        response: { ModelMetadata: { metadata: { "general.architecture": "llama" } } },
      },
    },
  ],
  ["AgentControllerSnapshot", agentControllerSnapshotSchema, { ...snapshotFields, id: "abc", name: null }],
  [
    "ChatTemplateDoesNotCompile",
    agentIssueSchema,
    {
      ChatTemplateDoesNotCompile: { error: "e", model_path: { model_path: "/m" }, template_content: "{%" },
    },
  ],
  [
    "HuggingFaceCannotAcquireLock",
    agentIssueSchema,
    { HuggingFaceCannotAcquireLock: { lock_path: "/l", model_path: { model_path: "/m" } } },
  ],
  ["SlotCannotStart", agentIssueSchema, { SlotCannotStart: { error: "e", slot_index: 2 } }],
  ["LocalToAgent", agentDesiredModelSchema, { LocalToAgent: "/models/a.gguf" }],
  ["Url", agentDesiredModelSchema, { Url: { url: "https://example.com/a.gguf" } }],
  ["None", agentDesiredModelSchema, "None"],
  ["default desired state", balancerDesiredStateSchema, defaultBalancerDesiredState],
  [
    "state file",
    stateDatabaseFileSchema,
    { balancer_desired_state: defaultBalancerDesiredState, version: "1" },
  ],
];

describe("Paddler v4 wire samples", () => {
  it.each(samples)("%s parses and serializes back to the same JSON", (_name, schema, sample) => {
    const parsed = schema.parse(sample);
    // Same JSON value; key order follows the schema, which JSON readers ignore.
    expect(JSON.parse(JSON.stringify(parsed))).toStrictEqual(sample);
  });

  it("refuses unknown keys where Paddler does", () => {
    expect(balancerDesiredStateSchema.safeParse({ ...defaultBalancerDesiredState, extra: 1 }).success).toBe(
      false,
    );
    expect(
      continueFromRawPromptParamsSchema.safeParse({ raw_prompt: "a", max_tokens: 1, top_k: 2 }).success,
    ).toBe(false);
    expect(
      continueFromConversationHistoryParamsSchema.safeParse({
        ...history,
        conversation_history: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "x", detail: "low" } }] },
        ],
      }).success,
    ).toBe(false);
  });

  it("refuses a tool whose required property is not defined", () => {
    const bad = structuredClone(history);
    bad.tools[0]?.function.parameters.required.push("country");
    const result = continueFromConversationHistoryParamsSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["tools", 0, "function", "parameters", "required", 1]);
  });

  it("knows which results end a request", () => {
    expect(isTerminalGeneratedTokenResult({ ContentToken: "a" })).toBe(false);
    expect(isTerminalGeneratedTokenResult({ ToolCallParsed: [] })).toBe(false);
    expect(isTerminalGeneratedTokenResult({ Done: { usage } })).toBe(true);
    expect(isTerminalGeneratedTokenResult({ SamplerError: "x" })).toBe(true);
  });
});
