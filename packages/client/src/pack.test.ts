// The published package must work outside this workspace: build, pack, install the tarball
// into an empty project with plain `npm install` (zod comes from the registry), then import it
// with node and typecheck a consumer against its .d.ts.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpTestServer, startHttpTestServer } from "./testing/http-test-server.js";
import { contentToken, done } from "./testing/messages.js";

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const workspaceRoot = dirname(dirname(packageDir));

let project: string;
let tarball: string;
let server: HttpTestServer;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "paddler-client-pack-"));
  await run("pnpm", ["--filter", "@paddler/client", "pack", "--pack-destination", project], {
    cwd: workspaceRoot,
  });
  tarball = join(project, "paddler-client-0.1.0.tgz");
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { cwd: project });
  server = await startHttpTestServer((request, response) => {
    if (request.url === "/api/v1/buffered_requests") {
      response.writeHead(200, { "Content-Type": "application/json" });
      return void response.end(JSON.stringify({ buffered_requests_current: 2 }));
    }
    if (request.url === "/api/v1/continue_from_raw_prompt") {
      response.writeHead(200, { "Content-Type": "application/json" });
      for (const message of [contentToken("r", "pack"), contentToken("r", "ed"), done("r")]) {
        response.write(`${JSON.stringify(message)}\n`);
      }
      return void response.end();
    }
    response.writeHead(404, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ error: "Agent not found" }));
  });
}, 240_000);

afterAll(async () => {
  await server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("passes publint", async () => {
    const { messages } = await publint({
      pkgDir: "package", // The tarball's root folder.
      pack: { tarball: new Uint8Array(await readFile(tarball)).buffer },
      strict: true,
    });
    expect(messages).toEqual([]);
  }, 60_000);

  it("imports and talks to a server from a project outside the workspace", async () => {
    const script = `
      import { createPaddlerClient, PaddlerError } from "@paddler/client";
      const client = createPaddlerClient({ inferenceUrl: process.argv[2], managementUrl: process.argv[2] });
      const buffered = await client.management.bufferedRequests();
      const text = await client.inference.continueFromRawPrompt({ raw_prompt: "p", max_tokens: 2 }).text();
      const error = await client.management.modelMetadata("x").catch((caught) => caught);
      console.log(JSON.stringify({ buffered, text, isPaddlerError: error instanceof PaddlerError, status: error.status }));
    `;
    await writeFile(join(project, "main.mjs"), script);
    const { stdout } = await run(process.execPath, ["main.mjs", server.url], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      buffered: { buffered_requests_current: 2 },
      text: "packed",
      isPaddlerError: true,
      status: 404,
    });
  }, 60_000);

  it("typechecks a strict TypeScript consumer against the shipped .d.ts", async () => {
    const consumer = `
      import { createPaddlerClient, type InferenceClientMessage, type PaddlerError } from "@paddler/client";
      const client = createPaddlerClient({ inferenceUrl: "http://127.0.0.1:1" });
      export async function first(): Promise<InferenceClientMessage | undefined> {
        for await (const message of client.inference.continueFromRawPrompt({ raw_prompt: "p", max_tokens: 1 })) {
          return message;
        }
        return undefined;
      }
      export const code = (error: PaddlerError): string => error.code;
    `;
    await writeFile(join(project, "consumer.ts"), consumer);
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const args = [
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2022",
    ];
    await run(process.execPath, [tsc, ...args, "--lib", "es2022,dom", "consumer.ts"], { cwd: project });
  }, 120_000);
});
