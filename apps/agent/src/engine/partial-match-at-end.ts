/**
 * How many characters at the end of `text` could be the beginning of one of `needles`.
 * Streaming code holds those characters back until the next chunk decides them.
 */
export function partialMatchAtEnd(text: string, needles: readonly string[]): number {
  let longest = 0;
  for (const needle of needles) {
    for (let length = Math.min(needle.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(needle.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
