/**
 * The origins a browser shows for the admin panel, which the management and inference APIs allow
 * (as Paddler does). A panel bound to every interface (0.0.0.0, ::) is opened through a loopback
 * name or the machine's own, never through the wildcard: the loopback names are added (pages
 * served from this machine); any other name still needs its --*-cors-allowed-host.
 */
export function adminPanelOrigins(options: {
  /** The address the panel is listening on ("host:port", the port resolved). */
  bound: string;
  /** The host the panel was asked to bind, as the user wrote it (e.g. localhost). */
  configuredHost: string;
  /** The port the panel was asked to bind (0: chosen by the system). */
  configuredPort: number;
}): string[] {
  const port = portOf(options.bound);
  const origins = [`http://${options.bound}`];
  // The configured name too (e.g. localhost), as the browser's origin uses what the user typed.
  if (options.configuredPort !== 0) origins.push(`http://${hostPort(options.configuredHost, port)}`);
  if (isWildcard(options.configuredHost)) {
    for (const host of ["localhost", "127.0.0.1", "::1"]) origins.push(`http://${hostPort(host, port)}`);
  }
  return [...new Set(origins)];
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

function hostPort(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare.includes(":") ? `[${bare}]:${port}` : `${bare}:${port}`;
}
