import type { CpuProfile, CpuProfileNode } from "./cpu-profile.js";

/** What the balancer's CPU is spent on, coarse enough to act on, fine enough to name the cost. */
export const cpuCategories = [
  "kernel socket writes",
  "kernel writes to agents",
  "socket reads, event loop",
  "Node HTTP server",
  "Hono routing, middleware",
  "request validation",
  "agent frames in",
  "dispatch, leasing, frames out",
  "routes, stream lines",
  "metrics, tracing",
  "logging",
  "GC",
  "other",
] as const;
export type CpuCategory = (typeof cpuCategories)[number];

type Frame = CpuProfileNode["callFrame"];

interface CategoryRule {
  category: CpuCategory;
  test(frame: Frame): boolean;
  /**
   * A frame that works for whichever category encloses it: by the nearest enclosing frame's
   * category (when it has an entry here), the category to count instead. zod inside
   * parseAgentFrame checks an agent's frame, not a client's request; `writev` under the ws sender
   * writes to an agent, not to a client.
   */
  inside?: Partial<Record<CpuCategory, CpuCategory>>;
}

const byUrl =
  (pattern: RegExp) =>
  (frame: Frame): boolean =>
    pattern.test(frame.url);
const byName =
  (pattern: RegExp) =>
  (frame: Frame): boolean =>
    pattern.test(frame.functionName);
const native = (pattern: RegExp) => (frame: Frame) => frame.url === "" && pattern.test(frame.functionName);

const ours = (dirs: string) => new RegExp(`apps/balancer/(?:dist|src)/(?:${dirs})`);

/**
 * The rules in order: a frame takes the first rule that matches it. A sample takes the category of
 * the innermost frame on its stack that any rule matches (so `writev` under Node's HTTP response
 * is a kernel write, and `execute`, the native HTTP parser, is Node HTTP through its caller);
 * a sample no frame matches is "other".
 */
const rules: readonly CategoryRule[] = [
  { category: "GC", test: byName(/^\(garbage collector\)$/) },
  {
    category: "kernel socket writes",
    test: native(/^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString|writeUcs2String)$/),
    inside: { "dispatch, leasing, frames out": "kernel writes to agents" },
  },
  { category: "logging", test: byUrl(/\/pino[/-]|packages\/logger\//) },
  {
    category: "metrics, tracing",
    test: byUrl(
      /prom-client\/|@opentelemetry\/|packages\/tracing\/|apps\/balancer\/(?:dist|src)\/(?:metrics|tracing)\//,
    ),
  },
  // Sending a request to an agent, in files that otherwise receive.
  {
    category: "dispatch, leasing, frames out",
    test: (frame) =>
      frame.functionName === "send" && /ws\/lib\/websocket\.js|agents\/agent-socket-route/.test(frame.url),
  },
  {
    category: "agent frames in",
    test: (frame) =>
      /ws\/lib\/(receiver|websocket|buffer-util|validation|permessage-deflate)\.js/.test(frame.url) ||
      ours("agents/(parse-agent-frame|agent-socket-route)").test(frame.url) ||
      (frame.functionName === "handleMessage" && frame.url.includes("@hono/node-server")),
  },
  {
    category: "request validation",
    test: (frame) =>
      /parse-json-body|limit-body|parse-openai-body|check-agent-params|completion-request|fast-(body-checks|chat-completion-request|raw-prompt-params)/.test(
        frame.url,
      ) || frame.functionName === "parseJsonBody",
  },
  // zod and the JSON limits check the agents' frames too.
  {
    category: "request validation",
    test: (frame) =>
      /\/zod\/|json-limits|-params\.js/.test(frame.url) || frame.functionName === "parseJsonWithLimits",
    inside: { "agent frames in": "agent frames in" },
  },
  { category: "Hono routing, middleware", test: byUrl(/\/hono\/dist\/|@hono\/node-server\//) },
  { category: "Node HTTP server", test: byUrl(/^node:_http_/) },
  {
    category: "dispatch, leasing, frames out",
    test: (frame) =>
      ours("dispatch|balancing|agents|pools|cluster").test(frame.url) ||
      /ws\/lib\/sender\.js/.test(frame.url),
  },
  {
    category: "routes, stream lines",
    test: (frame) =>
      ours("routes|openai|http|anthropic|inference-app").test(frame.url) ||
      /packages\/protocol\//.test(frame.url),
  },
  {
    category: "socket reads, event loop",
    test: (frame) =>
      /^\((program)\)$|^runMicrotasks$/.test(frame.functionName) ||
      (frame.functionName === "onStreamRead" && frame.url === "node:internal/stream_base_commons") ||
      /^node:internal\/(process\/task_queues|timers)$/.test(frame.url),
  },
];

function ruleFor(frame: Frame): CategoryRule | undefined {
  return rules.find((rule) => rule.test(frame));
}

export interface CategoryCounts {
  /** Samples per category (busy samples only). */
  hits: Record<CpuCategory, number>;
  busy: number;
  idle: number;
}

export const emptyCounts = (): Record<CpuCategory, number> =>
  Object.fromEntries(cpuCategories.map((category) => [category, 0])) as Record<CpuCategory, number>;

/** The category of every profile node with samples (the innermost matching frame of its stack). */
export function nodeCategories(profile: CpuProfile): Map<number, CpuCategory> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = (id: number): CpuCategory => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const rule = ruleFor(frame);
      if (!rule) continue;
      if (!rule.inside) return rule.category;
      // The nearest enclosing frame that a rule without `inside` matches decides.
      for (let up = parent.get(at); up !== undefined; up = parent.get(up)) {
        const outer = byId.get(up)?.callFrame;
        const outerRule = outer ? ruleFor(outer) : undefined;
        if (!outerRule || outerRule.inside) continue;
        return rule.inside[outerRule.category] ?? rule.category;
      }
      return rule.category;
    }
    return "other";
  };
  const categories = new Map<number, CpuCategory>();
  for (const node of profile.nodes)
    if ((node.hitCount ?? 0) > 0) categories.set(node.id, categoryOf(node.id));
  return categories;
}

/** Sorts each busy sample of a profile into a category by its stack (the rules above). */
export function categorizeProfile(profile: CpuProfile): CategoryCounts {
  const categories = nodeCategories(profile);
  const hits = emptyCounts();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    if (node.callFrame.functionName === "(idle)") {
      idle += count;
      continue;
    }
    busy += count;
    hits[categories.get(node.id) ?? "other"] += count;
  }
  return { hits, busy, idle };
}
