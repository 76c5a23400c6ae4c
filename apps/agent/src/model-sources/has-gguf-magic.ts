import { open } from "node:fs/promises";

const ggufMagic = Buffer.from("GGUF", "ascii");

/**
 * Whether a file starts with the GGUF magic. A cheap guard against caching an HTML error page or a
 * truncated body under a model's name; it does not validate the rest of the file.
 */
export async function hasGgufMagic(filePath: string): Promise<boolean> {
  const handle = await open(filePath, "r");
  try {
    const head = Buffer.alloc(ggufMagic.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(ggufMagic);
  } finally {
    await handle.close();
  }
}
