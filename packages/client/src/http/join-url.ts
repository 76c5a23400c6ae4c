/** Appends an absolute API path to a base URL that may carry a path prefix or a trailing slash. */
export function joinUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url.toString();
}
