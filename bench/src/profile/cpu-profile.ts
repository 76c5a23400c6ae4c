/** The parts of V8's `.cpuprofile` (written by `node --cpu-prof`) the report reads. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A frame's display name: `function (file:line)`, paths shortened to the repository or package. */
export function frameName(frame: CpuProfileNode["callFrame"]): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  const url = frame.url.replace(/^file:\/\//, "");
  const packageMatch = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(
    url,
  );
  const short = packageMatch
    ? `${packageMatch[1]}/${packageMatch[2]}`
    : url.replace(/^.*?\/(apps|packages|bench)\//, "$1/").replace(/^node:/, "node:");
  return `${name} (${short}:${frame.lineNumber + 1})`;
}
