import type { PanelConfig } from "../config/panel-config.js";

/** The balancer's services, as handed to the page. */
export function ServiceAddresses({ config }: { config: PanelConfig }) {
  const services: [string, string | null, string][] = [
    ["Management", config.managementAddr, "agents join here; this panel reads the fleet here"],
    ["Inference", config.inferenceAddr, "Paddler's own API and the inference socket"],
    ["OpenAI-compatible", config.compatOpenaiAddr, "/v1/chat/completions and /v1/responses"],
  ];
  return (
    <section aria-labelledby="addresses-heading">
      <h2 id="addresses-heading">Services</h2>
      <dl className="cards">
        {services.map(([name, addr, note]) => (
          <div className="card" key={name}>
            <dt>{name}</dt>
            <dd>
              {addr ? <code className="address">{addr}</code> : <span className="muted">not enabled</span>}
              <span className="muted small">{note}</span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
