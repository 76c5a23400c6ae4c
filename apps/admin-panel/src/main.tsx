import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useMemo } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { AuthProvider } from "./auth/auth-context.js";
import { createCredentialStore, sessionStorageOrNull } from "./auth/credential-store.js";
import { retryUnlessUnauthorized, unauthorizedService } from "./auth/unauthorized.js";
import { usePanelClient } from "./auth/use-panel-client.js";
import { type PanelConfig, readPanelConfig, serviceUrl } from "./config/panel-config.js";
import { PanelProvider } from "./config/panel-context.js";
import { ConnectionHealthProvider, createConnectionHealth } from "./live/connection-health.js";
import { createMetricsHistory } from "./live/metrics-history.js";
import { MetricsHistoryProvider } from "./live/metrics-history-context.js";
import "./styles.css";

const mount = document.getElementById("paddler-dashboard");
if (!mount) throw new Error('index.html lacks <div id="paddler-dashboard">');

const config = readPanelConfig(mount.dataset);
const urls = {
  managementUrl: serviceUrl(config.managementAddr),
  inferenceUrl: config.inferenceAddr ? serviceUrl(config.inferenceAddr) : null,
};
const credentials = createCredentialStore(sessionStorageOrNull());
const queryClient = new QueryClient({
  // A 401 is an answer, not a failure to retry: the panel asks for the credential instead.
  queryCache: new QueryCache({
    onError: (error) => {
      const service = unauthorizedService(error, urls);
      if (service) credentials.markRequired(service);
    },
  }),
  defaultOptions: { queries: { refetchOnWindowFocus: false, retry: retryUnlessUnauthorized(3) } },
});

function PanelRoot({ config }: { config: PanelConfig }) {
  const client = usePanelClient(config);
  const value = useMemo(() => ({ config, client }), [config, client]);
  return (
    <PanelProvider value={value}>
      <App />
    </PanelProvider>
  );
}

createRoot(mount).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider store={credentials}>
        <MetricsHistoryProvider value={createMetricsHistory()}>
          <ConnectionHealthProvider value={createConnectionHealth()}>
            <PanelRoot config={config} />
          </ConnectionHealthProvider>
        </MetricsHistoryProvider>
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
