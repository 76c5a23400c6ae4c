import { createServer } from "node:net";
import type { BalancerSettings } from "@paddler/balancer";
import type { BalancerDesiredState } from "@paddler/protocol";
import { startTestCluster, type TestCluster } from "../test-cluster.js";

export interface PanelCluster extends TestCluster {
  panelUrl: string;
}

/**
 * A free port, picked up front: the balancer puts `http://{--web-admin-panel-addr}` on the
 * management and inference CORS allow-lists as configured, so port 0 would allow `:0`.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A real cluster with the web admin panel served on its own port. */
export async function startPanelCluster(
  options: {
    desiredState?: BalancerDesiredState | null;
    agents?: { slots: number; name?: string }[];
    /** More balancer settings (e.g. `managementToken`, `inferenceApiKeys`). */
    balancer?: Partial<BalancerSettings>;
  } = {},
): Promise<PanelCluster> {
  const port = await freePort();
  const cluster = await startTestCluster({
    ...options,
    balancer: {
      ...options.balancer,
      webAdminPanelAddr: { host: "127.0.0.1", port },
      compatOpenaiAddr: { host: "127.0.0.1", port: 0 },
    },
  });
  return Object.assign(cluster, { panelUrl: `http://${cluster.balancer.addresses.webAdminPanel}` });
}
