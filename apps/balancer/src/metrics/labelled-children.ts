/**
 * prom-client checks and hashes a label set on every call; for a histogram observed once per relayed
 * token that was a few percent of the balancer's CPU. This keeps each label combination's child
 * (what `metric.labels(...)` returns, bound to its series) so a report is a map lookup. The series
 * live as long as the metric does (none of these is ever reset), so the children may too; the cache
 * is dropped past a size no real fleet reaches, in case a label's values were ever unbounded.
 */
export function labelledChildren<Child>(
  make: (...values: string[]) => Child,
  maxEntries = 10_000,
): (...values: string[]) => Child {
  const children = new Map<string, Child>();
  return (...values) => {
    const key = values.join("\u0000");
    let child = children.get(key);
    if (child === undefined) {
      if (children.size >= maxEntries) children.clear();
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}
