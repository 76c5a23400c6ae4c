import { describe, expect, it } from "vitest";
import { categorizeProfile } from "./cpu-categories.js";
import type { CpuProfile, CpuProfileNode } from "./cpu-profile.js";
import { mergeProfiles } from "./merge-profiles.js";

/** A profile from a tree of [functionName, url, hits, children]. */
type Tree = [string, string, number, Tree[]?];
function profileOf(children: Tree[]): CpuProfile {
  const nodes: CpuProfileNode[] = [];
  const add = ([functionName, url, hits, kids = []]: Tree): number => {
    const node: CpuProfileNode = {
      id: nodes.length + 1,
      callFrame: { functionName, url, lineNumber: 0, columnNumber: 0 },
      hitCount: hits,
      children: [],
    };
    nodes.push(node);
    node.children = kids.map(add);
    return node.id;
  };
  add(["(root)", "", 0, children]);
  return { nodes, startTime: 0, endTime: 1 };
}

const dist = (path: string) => `file:///repo/apps/balancer/dist/${path}`;
const zod = "file:///repo/node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/classic/schemas.js";
const ws = (file: string) => `file:///repo/node_modules/.pnpm/ws@8.23.0/node_modules/ws/lib/${file}`;

const profile = profileOf([
  ["(idle)", "", 10],
  ["(garbage collector)", "", 1],
  ["(program)", "", 2],
  // A client's line written by Node's HTTP response: the kernel write is the innermost match.
  [
    "processTicksAndRejections",
    "node:internal/process/task_queues",
    0,
    [
      [
        "connectionCorkNT",
        "node:_http_outgoing",
        0,
        [["writevGeneric", "node:internal/stream_base_commons", 0, [["writev", "", 3]]]],
      ],
    ],
  ],
  // A request frame to an agent: the same syscall, counted apart by its enclosing ws sender.
  ["sendFrame", ws("sender.js"), 0, [["writev", "", 2]]],
  // An agent's frame: the JSON limits and zod under parseAgentFrame are agent frames, not validation.
  [
    "socketOnData",
    ws("websocket.js"),
    0,
    [
      [
        "onMessage",
        dist("agents/agent-socket-route.js"),
        1,
        [
          [
            "parseAgentFrame",
            dist("agents/parse-agent-frame.js"),
            0,
            [
              ["parseJsonWithLimits", "file:///repo/packages/protocol/dist/json-limits.js", 2],
              ["safeParse", zod, 2],
            ],
          ],
        ],
      ],
    ],
  ],
  // A client's body: zod under the OpenAI body parser is request validation.
  [
    "runMicrotasks",
    "",
    0,
    [["parseOpenAIBody", dist("openai/parse-openai-body.js"), 0, [["safeParse", zod, 4]]]],
  ],
  // A native frame with no rule takes its caller's: llhttp's execute is Node's HTTP server.
  ["socketOnData", "node:_http_server", 0, [["execute", "", 2]]],
  ["mystery", "file:///elsewhere/x.js", 1],
]);

describe("categorizeProfile", () => {
  it("takes each sample's category from the innermost matching frame of its stack", () => {
    const { hits, busy, idle } = categorizeProfile(profile);
    expect(idle).toBe(10);
    expect(busy).toBe(20);
    expect(hits).toMatchObject({
      "kernel socket writes": 3,
      "kernel writes to agents": 2,
      GC: 1,
      "socket reads, event loop": 2,
      "agent frames in": 5,
      "request validation": 4,
      "Node HTTP server": 2,
      other: 1,
      "Hono routing, middleware": 0,
    });
    expect(Object.values(hits).reduce((sum, value) => sum + value, 0)).toBe(busy);
  });

  it("counts the same once profiles are merged for the flame graph", () => {
    const merged = categorizeProfile(mergeProfiles([profile, profile]));
    expect(merged.busy).toBe(40);
    expect(merged.idle).toBe(20);
    expect(merged.hits["agent frames in"]).toBe(10);
  });
});
