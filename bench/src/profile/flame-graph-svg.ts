import { type CpuProfile, frameName } from "./cpu-profile.js";

interface Box {
  name: string;
  hits: number;
  children: Map<string, Box>;
}

const rowHeight = 16;
const width = 1200;
const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A warm colour per name (stable across runs), as flame graphs usually are. */
function colour(name: string): string {
  let hash = 0;
  for (let index = 0; index < name.length; index++) hash = (hash * 31 + name.charCodeAt(index)) >>> 0;
  if (name.startsWith("(")) return "rgb(200,200,200)";
  if (/node_modules|hono|ws\//.test(name)) return `rgb(${205 + (hash % 50)},${120 + (hash % 80)},60)`;
  if (/\((apps|packages)\//.test(name)) return `rgb(${220 + (hash % 35)},${60 + (hash % 70)},50)`;
  return `rgb(${200 + (hash % 55)},${170 + (hash % 60)},${60 + (hash % 40)})`;
}

/**
 * A flame graph (root at the bottom, callers below callees, width = samples) of a V8 CPU profile,
 * with idle time dropped. Siblings of the same name merge; each box has a title with its share.
 */
export function flameGraphSvg(profile: CpuProfile, title: string): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const build = (id: number): Box | null => {
    const node = byId.get(id);
    if (!node) return null;
    const name = frameName(node.callFrame);
    if (name === "(idle)") return null;
    const box: Box = { name, hits: node.hitCount ?? 0, children: new Map() };
    for (const childId of node.children ?? []) {
      const child = build(childId);
      if (!child || child.hits === 0) continue;
      const existing = box.children.get(child.name);
      if (existing) merge(existing, child);
      else box.children.set(child.name, child);
      box.hits += child.hits;
    }
    return box;
  };
  const merge = (into: Box, from: Box) => {
    into.hits += from.hits;
    for (const [name, child] of from.children) {
      const existing = into.children.get(name);
      if (existing) merge(existing, child);
      else into.children.set(name, child);
    }
  };
  const root = build(profile.nodes[0]?.id ?? 1) ?? { name: "(root)", hits: 0, children: new Map() };
  const rects: string[] = [];
  let depthMax = 0;
  const minWidth = 0.5;
  const place = (box: Box, x: number, depth: number) => {
    const boxWidth = (box.hits / Math.max(1, root.hits)) * width;
    if (boxWidth < minWidth) return;
    depthMax = Math.max(depthMax, depth);
    rects.push(
      `<g><title>${escapeXml(box.name)}: ${((box.hits / Math.max(1, root.hits)) * 100).toFixed(1)}%</title>` +
        `<rect x="${x.toFixed(1)}" y="DEPTH${depth}" width="${boxWidth.toFixed(1)}" height="${rowHeight - 1}" fill="${colour(box.name)}"/>` +
        (boxWidth > 40
          ? `<text x="${(x + 3).toFixed(1)}" y="DEPTH${depth}T">${escapeXml(box.name.slice(0, Math.floor(boxWidth / 6.5)))}</text>`
          : "") +
        "</g>",
    );
    let childX = x;
    for (const child of [...box.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      place(child, childX, depth + 1);
      childX += (child.hits / Math.max(1, root.hits)) * width;
    }
  };
  place(root, 0, 0);
  const height = (depthMax + 1) * rowHeight + 40;
  const yOf = (depth: number) => height - 10 - (depth + 1) * rowHeight;
  const body = rects
    .join("\n")
    .replace(/y="DEPTH(\d+)T"/g, (_, depth: string) => `y="${yOf(Number(depth)) + 12}"`)
    .replace(/y="DEPTH(\d+)"/g, (_, depth: string) => `y="${yOf(Number(depth))}"`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="6" y="18" font-size="14" font-family="sans-serif">${escapeXml(title)}</text>
${body}
</svg>
`;
}
