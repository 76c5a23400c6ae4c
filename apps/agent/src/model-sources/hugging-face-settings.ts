export interface HuggingFaceSettings {
  endpoint: string;
  token: string | undefined;
}

export const defaultHuggingFaceEndpoint = "https://huggingface.co";

/** Reads the variables huggingface_hub reads: `HF_ENDPOINT` (a mirror or a test server) and `HF_TOKEN`. */
export function huggingFaceSettingsFromEnv(env: NodeJS.ProcessEnv): HuggingFaceSettings {
  const endpoint = env.HF_ENDPOINT?.trim() || defaultHuggingFaceEndpoint;
  const token = env.HF_TOKEN?.trim() || undefined;
  // A trailing slash would give `//` in every resolve URL, which some mirrors refuse.
  return { endpoint: endpoint.replace(/\/+$/, ""), token };
}
