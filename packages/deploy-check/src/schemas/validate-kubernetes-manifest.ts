import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";

interface Validatable {
  validate(): void;
}

/**
 * The kinds this repository deploys, each checked by kubernetes-models' validator: the JSON schema
 * of the Kubernetes OpenAPI document (types, required fields, enums, formats), and KEDA's CRD schema
 * for ScaledObject. Like the API server without strict field validation, an unknown field passes;
 * the chart's tests check the fields that matter by name.
 */
const models: Record<string, (manifest: Record<string, unknown>) => Validatable> = {
  "apps/v1 Deployment": (manifest) => new Deployment(manifest as ConstructorParameters<typeof Deployment>[0]),
  "v1 Service": (manifest) => new Service(manifest as ConstructorParameters<typeof Service>[0]),
  "v1 Secret": (manifest) => new Secret(manifest as ConstructorParameters<typeof Secret>[0]),
  "networking.k8s.io/v1 Ingress": (manifest) =>
    new Ingress(manifest as ConstructorParameters<typeof Ingress>[0]),
  "keda.sh/v1alpha1 ScaledObject": (manifest) =>
    new ScaledObject(manifest as ConstructorParameters<typeof ScaledObject>[0]),
};

export class ManifestValidationError extends Error {
  override readonly name = "ManifestValidationError";
  readonly code = "manifest_invalid";
  constructor(
    readonly source: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${detail}`, options);
  }
}

/** Throws ManifestValidationError naming the file, the object and the schema's complaint. */
export function validateKubernetesManifest(source: string, manifest: Record<string, unknown>): void {
  const key = `${String(manifest.apiVersion)} ${String(manifest.kind)}`;
  const model = models[key];
  if (model === undefined)
    throw new ManifestValidationError(
      source,
      `no schema for ${key} (known: ${Object.keys(models).join(", ")})`,
    );
  const metadata = manifest.metadata as { name?: unknown } | undefined;
  try {
    model(manifest).validate();
  } catch (error) {
    throw new ManifestValidationError(
      source,
      `${key} ${String(metadata?.name)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
