import { isIP } from "node:net";

/** Whether a listen host is reachable only from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  // IPv4-mapped IPv6 (::ffff:127.0.0.1).
  return bare.startsWith("::ffff:127.");
}
