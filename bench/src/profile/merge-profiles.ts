import type { CpuProfile, CpuProfileNode } from "./cpu-profile.js";

/**
 * Several CPU profiles as one (their roots' children under one root, ids renumbered), for a single
 * flame graph and top-frames table over runs that were profiled apart. Samples and time deltas are
 * dropped: the flame graph and the top frames read only the nodes' hit counts.
 */
export function mergeProfiles(profiles: readonly CpuProfile[]): CpuProfile {
  const root: CpuProfileNode = {
    id: 1,
    callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 },
    hitCount: 0,
    children: [],
  };
  const nodes: CpuProfileNode[] = [root];
  let offset = 1;
  for (const profile of profiles) {
    const rootId = profile.nodes[0]?.id;
    let highest = 0;
    for (const node of profile.nodes) {
      highest = Math.max(highest, node.id);
      if (node.id === rootId) {
        root.hitCount = (root.hitCount ?? 0) + (node.hitCount ?? 0);
        root.children?.push(...(node.children ?? []).map((child) => child + offset));
        continue;
      }
      nodes.push({ ...node, id: node.id + offset, children: node.children?.map((child) => child + offset) });
    }
    offset += highest;
  }
  return {
    nodes,
    startTime: Math.min(...profiles.map((profile) => profile.startTime)),
    endTime: Math.max(...profiles.map((profile) => profile.endTime)),
  };
}
