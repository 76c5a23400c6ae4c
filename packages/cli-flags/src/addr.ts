import { z } from "zod";

/** A listening or dialing address. `host` is a hostname, an IPv4 address or an IPv6 address without brackets. */
export interface Addr {
  host: string;
  port: number;
}

const ADDR_PATTERN =
  /^(?:\[(?<ipv6>[0-9A-Fa-f:.]+)\]|(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):(?<port>\d{1,5})$/;

/** Reads `host:port` (or `[ipv6]:port`), port 0–65535; null when it is not one. */
export function parseAddr(text: string): Addr | null {
  const groups = ADDR_PATTERN.exec(text)?.groups;
  const host = groups?.ipv6 ?? groups?.host;
  const port = Number(groups?.port);
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    return null;
  }
  return { host, port };
}

export function formatAddr(addr: Addr): string {
  return addr.host.includes(":") ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}

export const addrFlagSchema = z.string().transform((text, context): Addr => {
  const addr = parseAddr(text);
  if (addr === null) {
    context.addIssue({ code: "custom", message: "host:port with a port from 0 to 65535" });
    return z.NEVER;
  }
  return addr;
});
