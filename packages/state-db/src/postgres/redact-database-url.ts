/** The URL with its password (and any `password=` parameter) replaced, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can take apart: show only the scheme, never the rest.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    return scheme ? `${scheme}://(redacted)` : "(redacted)";
  }
  if (parsed.password === "" && !parsed.searchParams.has("password")) return url;
  if (parsed.password !== "") parsed.password = "***";
  if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
  return parsed.toString();
}
