/** What the page needs to reach the other services, as Paddler hands it over on the mount element. */
export interface PanelPageConfig {
  managementAddress: string;
  inferenceAddress: string | null;
  compatOpenaiAddress: string | null;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
}

const escapeAttribute = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

const mountElement = /<div id="paddler-dashboard"[^>]*><\/div>/;

/**
 * Puts the config on `<div id="paddler-dashboard" data-*>` in the built index.html
 * (the panel reads `dataset`). Throws when the page has no such element.
 */
export function injectPanelConfig(html: string, config: PanelPageConfig): string {
  if (!mountElement.test(html)) throw new Error('index.html has no <div id="paddler-dashboard"></div>');
  const attributes: [string, string | null][] = [
    ["data-management-addr", config.managementAddress],
    ["data-inference-addr", config.inferenceAddress],
    ["data-compat-openai-addr", config.compatOpenaiAddress],
    ["data-max-buffered-requests", String(config.maxBufferedRequests)],
    ["data-buffered-request-timeout-ms", String(config.bufferedRequestTimeoutMs)],
  ];
  const rendered = attributes
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join("");
  return html.replace(mountElement, () => `<div id="paddler-dashboard"${rendered}></div>`);
}
