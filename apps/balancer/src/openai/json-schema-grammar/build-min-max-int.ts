// Ported from llama.cpp's common/json-schema-to-grammar.cpp (MIT, © the ggml authors).

const noMin = Number.NEGATIVE_INFINITY;
const noMax = Number.POSITIVE_INFINITY;

/**
 * A GBNF expression for the integers in [min, max] (either end may be infinite), written digit by
 * digit as llama.cpp does, so `{"minimum": 1, "maximum": 9}` can only produce 1 to 9.
 */
export function buildMinMaxInt(min: number, max: number, decimalsLeft = 16, topLevel = true): string {
  let out = "";
  const hasMin = min !== noMin;
  const hasMax = max !== noMax;
  const digitRange = (from: string, to: string) => {
    out += from === to ? `[${from}]` : `[${from}-${to}]`;
  };
  const moreDigits = (minDigits: number, maxDigits: number) => {
    out += "[0-9]";
    if (minDigits === maxDigits && minDigits === 1) return;
    out += `{${minDigits}`;
    if (maxDigits !== minDigits) out += `,${Number.isFinite(maxDigits) ? maxDigits : ""}`;
    out += "}";
  };
  const shift = (c: string, by: number) => String.fromCharCode(c.charCodeAt(0) + by);
  const uniformRange = (from: string, to: string): void => {
    let i = 0;
    while (i < from.length && i < to.length && from[i] === to[i]) i++;
    if (i > 0) out += `"${from.slice(0, i)}"`;
    if (i < from.length && i < to.length) {
      if (i > 0) out += " ";
      const subLength = from.length - i - 1;
      const f = from[i] as string;
      const t = to[i] as string;
      if (subLength > 0) {
        const fromSub = from.slice(i + 1);
        const toSub = to.slice(i + 1);
        const subZeros = "0".repeat(subLength);
        const subNines = "9".repeat(subLength);
        let toReached = false;
        out += "(";
        if (fromSub === subZeros) {
          digitRange(f, shift(t, -1));
          out += " ";
          moreDigits(subLength, subLength);
        } else {
          out += `[${f}] (`;
          uniformRange(fromSub, subNines);
          out += ")";
          if (f < shift(t, -1)) {
            out += " | ";
            if (toSub === subNines) {
              digitRange(shift(f, 1), t);
              toReached = true;
            } else {
              digitRange(shift(f, 1), shift(t, -1));
            }
            out += " ";
            moreDigits(subLength, subLength);
          }
        }
        if (!toReached) {
          out += " | ";
          digitRange(t, t);
          out += " ";
          uniformRange(subZeros, toSub);
        }
        out += ")";
      } else {
        out += `[${f}-${t}]`;
      }
    }
  };

  if (hasMin && hasMax) {
    if (min < 0 && max < 0) return `"-" (${buildMinMaxInt(-max, -min, decimalsLeft, true)})`;
    if (min < 0) {
      out += `"-" (${buildMinMaxInt(0, -min, decimalsLeft, true)}) | `;
      min = 0;
    }
    let minS = String(min);
    const maxS = String(max);
    for (let digits = minS.length; digits < maxS.length; digits++) {
      uniformRange(minS, "9".repeat(digits));
      minS = `1${"0".repeat(digits)}`;
      out += " | ";
    }
    uniformRange(minS, maxS);
    return out;
  }
  const lessDecimals = Math.max(decimalsLeft - 1, 1);
  if (hasMin) {
    if (min < 0) {
      out += `"-" (${buildMinMaxInt(noMin, -min, decimalsLeft, false)}) | [0] | [1-9] `;
      moreDigits(0, decimalsLeft - 1);
    } else if (min === 0) {
      if (topLevel) {
        out += "[0] | [1-9] ";
        moreDigits(0, lessDecimals);
      } else {
        moreDigits(1, decimalsLeft);
      }
    } else if (min <= 9) {
      const c = String(min);
      const rangeStart = topLevel ? "1" : "0";
      if (c > rangeStart) {
        digitRange(rangeStart, shift(c, -1));
        out += " ";
        moreDigits(1, lessDecimals);
        out += " | ";
      }
      digitRange(c, "9");
      out += " ";
      moreDigits(0, lessDecimals);
    } else {
      const minS = String(min);
      const length = minS.length;
      const c = minS[0] as string;
      if (c > "1") {
        digitRange(topLevel ? "1" : "0", shift(c, -1));
        out += " ";
        moreDigits(length, lessDecimals);
        out += " | ";
      }
      digitRange(c, c);
      out += ` (${buildMinMaxInt(Number(minS.slice(1)), noMax, lessDecimals, false)})`;
      if (c < "9") {
        out += " | ";
        digitRange(shift(c, 1), "9");
        out += " ";
        moreDigits(length - 1, lessDecimals);
      }
    }
    return out;
  }
  if (hasMax) {
    if (max >= 0) {
      if (topLevel) {
        out += `"-" [1-9] `;
        moreDigits(0, lessDecimals);
        out += " | ";
      }
      out += buildMinMaxInt(0, max, decimalsLeft, true);
    } else {
      out += `"-" (${buildMinMaxInt(-max, noMax, decimalsLeft, false)})`;
    }
    return out;
  }
  throw new Error("At least one of min or max must be set");
}
