import parsePrometheusTextFormat from "parse-prometheus-text-format";

export type MetricFamilies = ReturnType<typeof parsePrometheusTextFormat>;

export interface Scrape {
  contentType: string | null;
  families: MetricFamilies;
  text: string;
}

/** Scrapes `/metrics` and parses it with a real Prometheus text-format parser. */
export async function scrapeMetrics(
  managementUrl: string,
  headers: Record<string, string> = {},
): Promise<Scrape> {
  const response = await fetch(`${managementUrl}/metrics`, { headers });
  if (response.status !== 200) throw new Error(`/metrics: ${response.status}`);
  const text = await response.text();
  return {
    contentType: response.headers.get("content-type"),
    families: parsePrometheusTextFormat(text),
    text,
  };
}

/**
 * A counter's or gauge's value, summed over the samples whose labels include `labels`, or an
 * unlabelled histogram's count; 0 when there is none yet.
 */
export function metricValue({ families }: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((candidate) => candidate.name === name);
  if (!family) return 0;
  return family.metrics
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value))
    .reduce((sum, sample) => sum + Number(sample.value ?? sample.count ?? 0), 0);
}

/**
 * A labelled histogram's observation count, summed over the series whose labels include `labels`.
 * parse-prometheus-text-format merges every series of a histogram into one (it was written for
 * unlabelled ones), so the `_count` lines are read here; the parser still checks the whole text.
 */
export function histogramCount({ text }: Scrape, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}_count\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (!match) continue;
    const series = Object.fromEntries(
      [...(match[1] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) total += Number(match[2]);
  }
  return total;
}
