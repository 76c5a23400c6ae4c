import { fileURLToPath } from "node:url";
import { parseAgentConfig } from "@paddler/agent";
import { parseBalancerConfig } from "@paddler/balancer";
import { describe, expect, it } from "vitest";
import type { TemplateMap } from "../go-template/go-values.js";
import { validateKubernetesManifest } from "../schemas/validate-kubernetes-manifest.js";
import { type RenderedManifest, renderChart } from "./render-chart.js";

const chartDir = fileURLToPath(new URL("../../../../deploy/helm/paddler", import.meta.url));

// The shapes the assertions read; the schemas have already checked the whole objects.
interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
}
interface Workload {
  metadata: { name: string };
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[]; runtimeClassName?: string };
    };
  };
}
interface ServiceObject {
  metadata: { name: string };
  spec: {
    clusterIP?: string;
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string }[];
  };
}

function render(values: TemplateMap) {
  const { manifests } = renderChart({ chartDir, releaseName: "demo", namespace: "llm", values });
  for (const { source, manifest } of manifests) validateKubernetesManifest(source, manifest);
  return manifests;
}

const ofKind = <T>(manifests: RenderedManifest[], kind: string) =>
  manifests.filter(({ manifest }) => manifest.kind === kind).map(({ manifest }) => manifest as unknown as T);

function named<T extends { metadata: { name: string } }>(items: T[], name: string): T {
  const found = items.find((item) => item.metadata.name === name);
  if (found === undefined)
    throw new Error(`no object named ${name} among ${items.map((item) => item.metadata.name).join(", ")}`);
  return found;
}

function container(workload: Workload): Container {
  const [first] = workload.spec.template.spec.containers;
  if (first === undefined) throw new Error(`${workload.metadata.name} has no container`);
  return first;
}

const envOf = (target: Container) =>
  Object.fromEntries((target.env ?? []).map((entry) => [entry.name, entry]));

/** Every Service must select the balancer pods and point at a port the container names. */
function expectServicesReachBalancers(manifests: RenderedManifest[]) {
  const balancer = named(ofKind<Workload>(manifests, "Deployment"), "demo-paddler-balancer");
  const podLabels = balancer.spec.template.metadata.labels;
  const portNames = new Set(container(balancer).ports?.map((port) => port.name));
  for (const service of ofKind<ServiceObject>(manifests, "Service")) {
    for (const [key, value] of Object.entries(service.spec.selector))
      expect(podLabels[key], service.metadata.name).toBe(value);
    for (const port of service.spec.ports)
      expect(portNames.has(port.targetPort), `${service.metadata.name} → ${port.targetPort}`).toBe(true);
  }
  for (const [key, value] of Object.entries(balancer.spec.selector.matchLabels))
    expect(podLabels[key]).toBe(value);
}

describe("the Helm chart deploy/helm/paddler", () => {
  it("refuses to render without a state database: several balancers only agree through it", () => {
    expect(() => renderChart({ chartDir, releaseName: "demo" })).toThrow(
      /stateDatabase.url or stateDatabase.existingSecret is required/,
    );
  });

  it("renders valid objects with the default values and a database URL", () => {
    const manifests = render({ stateDatabase: { url: "postgres://paddler:secret@postgres:5432/paddler" } });
    expect(
      manifests
        .map(({ manifest }) => `${manifest.kind}/${(manifest.metadata as { name: string }).name}`)
        .sort(),
    ).toEqual([
      "Deployment/demo-paddler-agent",
      "Deployment/demo-paddler-balancer",
      "Secret/demo-paddler-state-database",
      "Service/demo-paddler-admin-panel",
      "Service/demo-paddler-balancers",
      "Service/demo-paddler-inference",
      "Service/demo-paddler-management",
      "Service/demo-paddler-openai",
    ]);
    expectServicesReachBalancers(manifests);

    const deployments = ofKind<Workload>(manifests, "Deployment");
    const balancer = named(deployments, "demo-paddler-balancer");
    expect(balancer.spec.replicas).toBe(3);
    const balancerContainer = container(balancer);
    for (const probe of [balancerContainer.readinessProbe, balancerContainer.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: "/health", port: "management" });
    }
    // The URL comes from the Secret the chart made, under the key it wrote.
    const secret = ofKind<{ metadata: { name: string }; stringData: Record<string, string> }>(
      manifests,
      "Secret",
    )[0];
    const urlRef = envOf(balancerContainer).PADDLER_STATE_DATABASE?.valueFrom?.secretKeyRef;
    expect(urlRef?.name).toBe(secret?.metadata.name);
    expect(secret?.stringData[urlRef?.key ?? ""]).toBe("postgres://paddler:secret@postgres:5432/paddler");
    expect(balancerContainer.args?.join(" ")).not.toContain("postgres://");

    // The balancer itself accepts exactly these flags and that variable.
    const config = parseBalancerConfig(balancerContainer.args ?? [], {
      PADDLER_STATE_DATABASE: "postgres://paddler:secret@postgres:5432/paddler",
    });
    expect(config.stateDatabase).toBe("postgres://paddler:secret@postgres:5432/paddler");
    expect(config.managementAddr).toEqual({ host: "0.0.0.0", port: 8060 });
    // The panel's page calls the management and inference APIs from the browser: its origin must be allowed.
    expect(config.managementCorsAllowedHosts).toEqual(["http://localhost:8062", "http://127.0.0.1:8062"]);
    expect(config.inferenceCorsAllowedHosts).toEqual(["http://localhost:8062", "http://127.0.0.1:8062"]);
    for (const port of balancerContainer.ports ?? []) {
      const addr = {
        management: config.managementAddr,
        inference: config.inferenceAddr,
        openai: config.compatOpenaiAddr,
        "admin-panel": config.webAdminPanelAddr,
      }[port.name];
      expect(addr?.port, port.name).toBe(port.containerPort);
    }

    // Agents dial the headless Service, whose name resolves to every balancer.
    const agent = named(deployments, "demo-paddler-agent");
    expect(agent.spec.replicas).toBe(2);
    const agentConfig = parseAgentConfig(container(agent).args ?? [], {}, { availableCores: 4 });
    const headless = named(ofKind<ServiceObject>(manifests, "Service"), "demo-paddler-balancers");
    expect(headless.spec.clusterIP).toBe("None");
    expect(agentConfig.managementAddrs).toMatchObject([{ host: "demo-paddler-balancers", port: 8060 }]);
    expect(agentConfig.slots).toBe(4);
    expect(container(agent).resources).toBeUndefined();
  });

  it("renders valid objects with KEDA, GPUs, an existing Secret, credentials and an Ingress", () => {
    const manifests = render({
      stateDatabase: { existingSecret: "paddler-db", existingSecretKey: "database-url" },
      auth: { existingSecret: "paddler-credentials" },
      agent: {
        pool: "gpu",
        gpu: { enabled: true, count: 2 },
        runtimeClassName: "nvidia",
        resources: { requests: { cpu: "4", memory: "16Gi" }, limits: { memory: "32Gi" } },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        nodeSelector: { "nvidia.com/gpu.present": "true" },
      },
      balancer: {
        replicaCount: 5,
        extraArgs: ["--autoscaling-target-utilization", "0.8"],
        resources: { limits: { cpu: "1" } },
      },
      keda: { enabled: true },
      ingress: {
        enabled: true,
        className: "nginx",
        inferencePaths: true,
        tls: [{ hosts: ["paddler.example.com"], secretName: "tls" }],
      },
    });
    expect(ofKind(manifests, "Secret")).toEqual([]);
    expectServicesReachBalancers(manifests);

    const deployments = ofKind<Workload>(manifests, "Deployment");
    const balancer = container(named(deployments, "demo-paddler-balancer"));
    expect(named(deployments, "demo-paddler-balancer").spec.replicas).toBe(5);
    const env = envOf(balancer);
    expect(env.PADDLER_STATE_DATABASE?.valueFrom?.secretKeyRef).toMatchObject({
      name: "paddler-db",
      key: "database-url",
    });
    expect(env.PADDLER_MANAGEMENT_TOKEN?.valueFrom?.secretKeyRef).toMatchObject({
      name: "paddler-credentials",
    });
    const config = parseBalancerConfig(balancer.args ?? [], {
      PADDLER_STATE_DATABASE: "postgres://u:p@db/paddler",
    });
    expect(config.autoscalingTargetUtilization).toBe(0.8);

    const agentDeployment = named(deployments, "demo-paddler-agent");
    // KEDA owns the number of agents: the Deployment must not fight it.
    expect(agentDeployment.spec.replicas).toBeUndefined();
    expect(agentDeployment.spec.template.spec.runtimeClassName).toBe("nvidia");
    const agent = container(agentDeployment);
    expect(agent.resources).toEqual({
      requests: { cpu: "4", memory: "16Gi" },
      limits: { memory: "32Gi", "nvidia.com/gpu": 2 },
    });
    expect(envOf(agent).PADDLER_AGENT_JOIN_SECRET?.valueFrom?.secretKeyRef).toMatchObject({
      name: "paddler-credentials",
    });
    expect(parseAgentConfig(agent.args ?? [], {}, { availableCores: 4 }).pool).toBe("gpu");

    const [scaledObject] = ofKind<{
      spec: {
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string> }[];
      };
    }>(manifests, "ScaledObject");
    expect(scaledObject?.spec.scaleTargetRef.name).toBe(agentDeployment.metadata.name);
    expect(scaledObject?.spec.minReplicaCount).toBe(0);
    const trigger = scaledObject?.spec.triggers[0];
    expect(trigger?.type).toBe("metrics-api");
    expect(trigger?.metadata.url).toBe("http://demo-paddler-management:8060/api/v1/autoscaling");
    named(ofKind<ServiceObject>(manifests, "Service"), "demo-paddler-management");
    expect(trigger?.metadata.valueLocation).toBe('pools.#(pool=="gpu").desired_agents');

    const [ingress] = ofKind<{
      spec: {
        ingressClassName: string;
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      };
    }>(manifests, "Ingress");
    expect(ingress?.spec.ingressClassName).toBe("nginx");
    expect(ingress?.spec.rules[0]?.http.paths.map((path) => [path.path, path.backend.service.name])).toEqual([
      ["/api/v1/", "demo-paddler-inference"],
      ["/", "demo-paddler-openai"],
    ]);
  });

  it("renders the Prometheus trigger and refuses an unknown one", () => {
    const manifests = render({
      stateDatabase: { url: "postgres://u:p@db/paddler" },
      keda: { enabled: true, trigger: "prometheus" },
    });
    const [scaledObject] = ofKind<{
      spec: { triggers: { type: string; metadata: Record<string, string> }[] };
    }>(manifests, "ScaledObject");
    expect(scaledObject?.spec.triggers[0]).toMatchObject({
      type: "prometheus",
      metadata: { query: 'max(paddler_autoscaling_desired_agents{pool="default"})' },
    });
    expect(() =>
      render({
        stateDatabase: { url: "postgres://u:p@db/paddler" },
        keda: { enabled: true, trigger: "cpu" },
      }),
    ).toThrow(/keda.trigger must be metrics-api or prometheus/);
  });

  it("leaves out the OpenAI and panel Services when they are off, and the agents when disabled", () => {
    const manifests = render({
      stateDatabase: { url: "postgres://u:p@db/paddler" },
      balancer: { openai: { enabled: false }, adminPanel: { enabled: false } },
      agent: { enabled: false },
      keda: { enabled: true },
    });
    const names = manifests.map(({ manifest }) => (manifest.metadata as { name: string }).name);
    expect(names).not.toContain("demo-paddler-openai");
    expect(names).not.toContain("demo-paddler-admin-panel");
    expect(names).not.toContain("demo-paddler-agent");
    const config = parseBalancerConfig(
      container(named(ofKind<Workload>(manifests, "Deployment"), "demo-paddler-balancer")).args ?? [],
      {
        PADDLER_STATE_DATABASE: "postgres://u:p@db/paddler",
      },
    );
    expect(config.compatOpenaiAddr).toBeNull();
    expect(config.webAdminPanelAddr).toBeNull();
  });

  it("asks for a GPU without other resources, names objects after fullnameOverride, limits the model cache", () => {
    const manifests = render({
      stateDatabase: { url: "postgres://u:p@db/paddler" },
      fullnameOverride: "pad",
      agent: { gpu: { enabled: true }, cacheSizeLimit: "20Gi" },
    });
    const agent = named(ofKind<Workload>(manifests, "Deployment"), "pad-agent");
    expect(container(agent).resources).toEqual({ limits: { "nvidia.com/gpu": 1 } });
    expect(JSON.stringify(agent.spec.template.spec)).toContain('"emptyDir":{"sizeLimit":"20Gi"}');
    expect(container(agent).args).toContain("pad-balancers:8060");
  });

  it("a schema error in a rendered object fails the check, naming the file and the field", () => {
    expect(() =>
      render({
        stateDatabase: { url: "postgres://u:p@db/paddler" },
        balancer: { ports: { management: "eighty" } },
      }),
    ).toThrow(
      /templates\/balancer-deployment\.yaml: apps\/v1 Deployment demo-paddler-balancer: .*containerPort must be integer/,
    );
  });
});
