import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AgentControllerSnapshot } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, readNdjson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "./test-cluster.js";
import { testModelPath } from "./test-model.js";

/** A local model server: the first download is held half-way until released, then dropped. */
function modelServer(model: Buffer) {
  const ranges: (string | undefined)[] = [];
  let dropFirst = true;
  let releaseDrop: () => void = () => {};
  const dropped = new Promise<void>((resolve) => {
    releaseDrop = resolve;
  });
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    ranges.push(request.headers.range);
    if (request.url?.includes("/private/")) {
      response.writeHead(401).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const body = model.subarray(start);
    response.writeHead(range ? 206 : 200, {
      "Content-Length": body.length,
      "Accept-Ranges": "bytes",
      ...(range ? { "Content-Range": `bytes ${start}-${model.length - 1}/${model.length}` } : {}),
    });
    if (dropFirst && !range) {
      dropFirst = false;
      response.write(body.subarray(0, Math.floor(body.length / 2)));
      void dropped.then(() => response.destroy());
      return;
    }
    response.end(body);
  };
  const server: Server = createServer(handler);
  return { server, ranges, releaseDrop };
}

describe("model sources through a real agent", () => {
  let cluster: TestCluster;
  let model: Buffer;
  let served: ReturnType<typeof modelServer>;
  let baseUrl: string;
  const agent = async (): Promise<AgentControllerSnapshot | undefined> =>
    (await cluster.agentsSnapshot()).agents[0];

  beforeAll(async () => {
    model = await readFile(testModelPath);
    served = modelServer(model);
    await new Promise<void>((resolve) => served.server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}`;
    cluster = await startTestCluster({ desiredState: null, huggingFaceEndpoint: baseUrl });
    await cluster.addAgent({ slots: 1, name: "downloader" });
  });
  afterAll(async () => {
    await cluster.close();
    served.server.closeAllConnections();
    await new Promise((resolve) => served.server.close(resolve));
  });

  it("downloads a Url model with progress, resumes after the server drops it, then serves", async () => {
    await cluster.putDesiredState(
      testDesiredState({ model: { Url: { url: `${baseUrl}/models/stories260K.gguf` } } }),
    );
    // Progress is reported while the server holds the download half-way.
    await waitUntil(async () => (await agent())?.download_total === model.length);
    expect(await agent()).toMatchObject({
      download_filename: "stories260K.gguf",
      download_indeterminate: false,
    });
    served.releaseDrop();
    await waitUntil(async () => JSON.stringify((await agent())?.issues).includes("DownloadInterrupted"));
    await waitUntil(async () => (await agent())?.slots_total === 1 && (await agent())?.issues.length === 0);
    expect(served.ranges).toContain(`bytes=${Math.floor(model.length / 2)}-`);
    const loaded = await agent();
    expect(loaded?.state_application_status).toBe("Applied");
    const cached = await readFile(loaded?.model_path ?? "");
    expect(createHash("sha256").update(cached).digest("hex")).toBe(
      createHash("sha256").update(model).digest("hex"),
    );
    const messages = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Lily",
        max_tokens: 5,
      }),
    );
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
  });

  it("fetches a HuggingFace model from the configured hub endpoint", async () => {
    await cluster.putDesiredState(
      testDesiredState({
        model: { HuggingFace: { repo_id: "tiny/stories", filename: "stories260K.gguf", revision: "main" } },
      }),
    );
    await waitUntil(
      async () =>
        ((await agent())?.model_path ?? "").includes("huggingface") && (await agent())?.slots_total === 1,
    );
    expect((await agent())?.model_path).toContain("tiny/stories/main/stories260K.gguf");
  });

  it("reports a hub that refuses access as HuggingFacePermissions", async () => {
    await cluster.putDesiredState(
      testDesiredState({
        model: { HuggingFace: { repo_id: "private/stories", filename: "x.gguf", revision: "main" } },
      }),
    );
    await waitUntil(async () => JSON.stringify((await agent())?.issues).includes("HuggingFacePermissions"));
  });

  it("loads a model local to the agent", async () => {
    await cluster.putDesiredState(testDesiredState());
    await waitUntil(
      async () => (await agent())?.model_path === testModelPath && (await agent())?.issues.length === 0,
    );
  });
});
