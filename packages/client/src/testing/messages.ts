import type { InferenceClientMessage } from "@paddler/protocol";

export const usage = {
  prompt_tokens: 1,
  cached_prompt_tokens: 0,
  input_image_tokens: 0,
  input_audio_tokens: 0,
  content_tokens: 2,
  reasoning_tokens: 0,
  tool_call_tokens: 0,
  undeterminable_tokens: 0,
};

export function contentToken(requestId: string, token: string): InferenceClientMessage {
  return {
    Response: {
      generated_by: "agent-1",
      request_id: requestId,
      response: { GeneratedToken: { ContentToken: token } },
    },
  };
}

export function done(requestId: string): InferenceClientMessage {
  return {
    Response: {
      generated_by: "agent-1",
      request_id: requestId,
      response: { GeneratedToken: { Done: { usage } } },
    },
  };
}

export function inBandError(requestId: string, code: number, description: string): InferenceClientMessage {
  return { Error: { request_id: requestId, error: { code, description } } };
}
