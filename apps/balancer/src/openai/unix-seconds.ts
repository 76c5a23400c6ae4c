/** OpenAI's timestamps are whole seconds since the epoch. */
export function unixSeconds(date: Date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}
