/**
 * Paths of the keys in `input` that parsing dropped from `output` (unknown keys are ignored, not
 * refused, and these are logged so an operator can see what a client sent in vain).
 */
export function droppedKeys(input: unknown, output: unknown, path = ""): string[] {
  if (Array.isArray(input) && Array.isArray(output))
    return input.flatMap((item, index) => droppedKeys(item, output[index], `${path}[${index}]`));
  if (!isRecord(input) || !isRecord(output)) return [];
  return Object.keys(input).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return key in output ? droppedKeys(input[key], output[key], at) : [at];
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
