import { type CpuProfile, frameName } from "./cpu-profile.js";

export interface TopFrame {
  name: string;
  /** Share of all samples spent in this frame itself (not its callees). */
  selfShare: number;
  /** Share of all samples with this frame anywhere on the stack. */
  totalShare: number;
}

/**
 * The frames with the most self time, merged by name (one function called from many places is one
 * row), idle time left out so the shares are of the time the process was busy.
 */
export function topFrames(profile: CpuProfile, count: number): { busyShare: number; frames: TopFrame[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    all += hits;
    const name = frameName(node.callFrame);
    if (name === "(idle)") continue;
    busy += hits;
    self.set(name, (self.get(name) ?? 0) + hits);
    // Each name once per stack, so recursion does not count twice.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id);
      if (!frame) break;
      const frameLabel = frameName(frame.callFrame);
      if (frameLabel === "(root)" || seen.has(frameLabel)) continue;
      seen.add(frameLabel);
      total.set(frameLabel, (total.get(frameLabel) ?? 0) + hits);
    }
  }
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => ({
      name,
      selfShare: busy > 0 ? hits / busy : 0,
      totalShare: busy > 0 ? (total.get(name) ?? 0) / busy : 0,
    }));
  return { busyShare: all > 0 ? busy / all : 0, frames };
}
