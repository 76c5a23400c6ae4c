import { createPaddlerClient } from "@paddler/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { readPanelConfig, serviceUrl } from "./config/panel-config.js";
import { PanelProvider } from "./config/panel-context.js";
import { createMetricsHistory } from "./live/metrics-history.js";
import { MetricsHistoryProvider } from "./live/metrics-history-context.js";
import "./styles.css";

const mount = document.getElementById("paddler-dashboard");
if (!mount) throw new Error('index.html lacks <div id="paddler-dashboard">');

const config = readPanelConfig(mount.dataset);
const client = createPaddlerClient({
  managementUrl: serviceUrl(config.managementAddr),
  inferenceUrl: config.inferenceAddr ? serviceUrl(config.inferenceAddr) : undefined,
  reconnect: { initialDelayMs: 500, maxDelayMs: 5000 },
});
const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false } },
});

createRoot(mount).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <PanelProvider value={{ config, client }}>
        <MetricsHistoryProvider value={createMetricsHistory()}>
          <App />
        </MetricsHistoryProvider>
      </PanelProvider>
    </QueryClientProvider>
  </StrictMode>,
);
