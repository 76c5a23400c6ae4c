export interface BarGroup {
  label: string;
  bars: { label: string; value: number }[];
}

export interface BarChartOptions {
  title: string;
  unit: string;
  groups: readonly BarGroup[];
  width?: number;
  height?: number;
}

const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"];
const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A grouped bar chart as a standalone SVG string (no dependencies; the report embeds it). */
export function barChartSvg({ title, unit, groups, width = 760, height = 340 }: BarChartOptions): string {
  const margin = { top: 40, right: 20, bottom: 70, left: 60 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter(Number.isFinite);
  const max = Math.max(1e-9, ...values) * 1.15;
  const seriesLabels = [...new Set(groups.flatMap((group) => group.bars.map((bar) => bar.label)))];
  const groupWidth = plotWidth / Math.max(1, groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, seriesLabels.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max / 4) * tick;
    const y = margin.top + plotHeight - (value / max) * plotHeight;
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${value.toPrecision(3)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(unit)}</text>`,
  );
  groups.forEach((group, groupIndex) => {
    const x0 = margin.left + groupIndex * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar) => {
      const series = seriesLabels.indexOf(bar.label);
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      const barHeight = (value / max) * plotHeight;
      const x = x0 + series * barWidth;
      const y = margin.top + plotHeight - barHeight;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${palette[series % palette.length]}"/>`,
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="9">${value.toPrecision(3)}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + groupWidth * 0.4}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  seriesLabels.forEach((label, index) => {
    const x = margin.left + index * 150;
    const y = height - 22;
    parts.push(
      `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${palette[index % palette.length]}"/>`,
      `<text x="${x + 14}" y="${y}">${escapeXml(label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
