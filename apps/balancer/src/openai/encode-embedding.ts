/** OpenAI's `encoding_format: "base64"`: the vector's little-endian float32 bytes, base64-encoded. */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (const [index, value] of vector.entries()) view.setFloat32(index * 4, value, true);
  return Buffer.from(view.buffer).toString("base64");
}

/**
 * Embedding results carry no token counts, so usage is estimated at about four characters per
 * token (OpenAI's rule of thumb for English); clients only use it for accounting.
 */
export function estimateTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
}
