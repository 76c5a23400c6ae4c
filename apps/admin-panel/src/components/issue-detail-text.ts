/** Paddler nests `model_path` as `{"model_path": "…"}` in two issue variants; show the path itself. */
export function detailText(value: unknown): string {
  if (typeof value === "object" && value !== null && "model_path" in value) return String(value.model_path);
  return String(value);
}
