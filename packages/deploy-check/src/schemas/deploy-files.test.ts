import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { agentFlags, parseAgentConfig } from "@paddler/agent";
import { balancerFlags, parseBalancerConfig } from "@paddler/balancer";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { validateComposeFile } from "./validate-compose-file.js";
import { validateKubernetesManifest } from "./validate-kubernetes-manifest.js";

const repository = fileURLToPath(new URL("../../../../", import.meta.url));
const read = (path: string) => readFileSync(resolve(repository, path), "utf8");

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

/** The images' entry scripts (apps/*\/Dockerfile) turn PADDLER_* variables into flags; so does this. */
function argvOf(service: ComposeService, flags: typeof balancerFlags): string[] {
  const argv = [...(service.command ?? [])];
  for (const flag of flags) {
    if (flag.env) continue;
    const value = service.environment?.[`PADDLER_${flag.name.toUpperCase().replaceAll("-", "_")}`];
    if (value === undefined || value === "" || argv.includes(`--${flag.name}`)) continue;
    if (!flag.valueName) {
      if (value === "1" || value === "true") argv.push(`--${flag.name}`);
    } else if (flag.repeatable) {
      for (const item of value.split(",")) argv.push(`--${flag.name}`, item.trim());
    } else argv.push(`--${flag.name}`, value);
  }
  return argv;
}

function loadCompose(path: string): ComposeFile {
  // Compose files use YAML merge keys (<<: *anchor); Compose resolves them like this.
  const document: unknown = parse(read(path), { merge: true });
  expect(validateComposeFile(document), path).toEqual([]);
  return document as ComposeFile;
}

describe("the deploy files", () => {
  it("deploy/keda/scaled-object.yaml holds valid KEDA ScaledObjects that scale to zero", () => {
    const documents = parseAllDocuments(read("deploy/keda/scaled-object.yaml")).map((document) =>
      document.toJS(),
    );
    expect(documents).toHaveLength(2);
    for (const manifest of documents) {
      validateKubernetesManifest("deploy/keda/scaled-object.yaml", manifest);
      expect(manifest.spec.minReplicaCount).toBe(0);
    }
    expect(documents.map((manifest) => manifest.spec.triggers[0].type)).toEqual([
      "metrics-api",
      "prometheus",
    ]);
  });

  it("the compose schema catches a mistake (so a pass means something)", () => {
    expect(
      validateComposeFile({ services: { balancer: { image: "x", command: 3, restart_policy: "always" } } }),
    ).not.toEqual([]);
  });

  it("deploy/several-balancers/compose.yaml is a valid Compose file whose balancers and agents accept their flags", () => {
    const compose = loadCompose("deploy/several-balancers/compose.yaml");
    const secretFile = compose.secrets?.state_database_url?.file ?? "";
    const databaseUrl = read(`deploy/several-balancers/${secretFile}`).trim();
    expect(databaseUrl).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);

    const balancers = Object.entries(compose.services).filter(([name]) => name.startsWith("balancer-"));
    expect(balancers.map(([name]) => name)).toEqual(["balancer-1", "balancer-2", "balancer-3"]);
    for (const [name, service] of balancers) {
      expect(service.secrets).toEqual(["state_database_url"]);
      const config = parseBalancerConfig(argvOf(service, balancerFlags), service.environment ?? {}, {
        readFile: (path) => {
          expect(path).toBe("/run/secrets/state_database_url");
          return `${databaseUrl}\n`;
        },
      });
      expect(config.stateDatabase, name).toBe(databaseUrl);
      expect(config.managementAddr.port).toBe(8060);
    }

    const agents = Object.entries(compose.services).filter(([name]) => name.startsWith("agent-"));
    expect(agents).toHaveLength(2);
    for (const [, service] of agents) {
      const config = parseAgentConfig(argvOf(service, agentFlags), service.environment ?? {}, {
        availableCores: 4,
      });
      // Each agent serves all three balancers.
      expect(config.managementAddrs.map((addr) => `${addr.host}:${addr.port}`)).toEqual([
        "balancer-1:8060",
        "balancer-2:8060",
        "balancer-3:8060",
      ]);
    }

    // nginx sends each port to the balancers' matching service.
    const nginx = read("deploy/several-balancers/nginx.conf");
    for (const balancer of ["balancer-1", "balancer-2", "balancer-3"]) {
      for (const port of [8060, 8061, 8062]) expect(nginx).toContain(`${balancer}:${port}`);
    }
  });

  it("the root compose.yaml is a valid Compose file whose services accept their flags", () => {
    const compose = loadCompose("compose.yaml");
    const balancer = compose.services.balancer;
    if (balancer === undefined) throw new Error("no balancer service");
    const config = parseBalancerConfig(argvOf(balancer, balancerFlags), balancer.environment ?? {});
    expect(config.stateDatabase).toBe("file:///var/lib/paddler/state.json");
    for (const [name, service] of Object.entries(compose.services)) {
      if (!name.startsWith("agent-")) continue;
      const agent = parseAgentConfig(argvOf(service, agentFlags), service.environment ?? {}, {
        availableCores: 4,
      });
      expect(agent.managementAddr).toMatchObject({ host: "balancer", port: 8060 });
    }
  });
});
