/**
 * Download progress as the agent status snapshot reports it (`download_current`, `download_total`,
 * `download_filename`, `download_indeterminate`). `indeterminate` means the server sent no length,
 * in which case `total` is 0.
 */
export interface DownloadProgress {
  current: number;
  total: number;
  filename: string | null;
  indeterminate: boolean;
}
