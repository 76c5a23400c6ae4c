import { open } from "node:fs/promises";

/** GGUF versions llama.cpp reads. */
const supportedVersions = new Set([1, 2, 3]);

/**
 * Reads the fixed GGUF header before handing the file to llama.cpp: node-llama-cpp's own reader
 * spins forever on some garbage files (an unsupported version makes it guess), so a corrupt file
 * would hang the agent instead of becoming a ModelCannotBeLoaded issue. Returns the problem or null.
 */
export async function checkGgufHeader(path: string): Promise<string | null> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(24);
    const { bytesRead } = await file.read(header, 0, header.length, 0);
    if (bytesRead < header.length) return `the file is ${size} bytes, too short for a GGUF header`;
    if (header.toString("latin1", 0, 4) !== "GGUF") return "the file does not start with the GGUF magic";
    const version = header.readUInt32LE(4);
    if (!supportedVersions.has(version)) return `unsupported GGUF version ${version}`;
    const tensorCount = header.readBigUInt64LE(8);
    const metadataCount = header.readBigUInt64LE(16);
    // Every tensor and metadata entry takes several bytes, so counts beyond the file size are corrupt.
    if (tensorCount > BigInt(size) || metadataCount > BigInt(size))
      return "the GGUF header's counts exceed the file size";
    return null;
  } finally {
    await file.close();
  }
}
