const units = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** "512 B", "1.5 GiB", "141 GiB": binary units, three significant digits at most. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown =
    unit === 0 || value >= 100 ? Math.round(value) : Number(value.toPrecision(value >= 10 ? 3 : 2));
  return `${shown} ${units[unit]}`;
}
