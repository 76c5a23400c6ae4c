import type { ServerResponse } from "node:http";
import {
  type AgentsResponse,
  type BalancerDesiredState,
  defaultBalancerDesiredState,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createPaddlerClient } from "../create-paddler-client.js";
import { PaddlerError } from "../errors.js";
import { type HttpTestServer, readBody, startHttpTestServer } from "../testing/http-test-server.js";

let server: HttpTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const agent = (id: string, slotsProcessing: number) => ({
  id,
  name: `agent-${id}`,
  desired_slots_total: 2,
  slots_processing: slotsProcessing,
  slots_total: 2,
  model_path: null,
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Fresh",
});

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

describe("management client", () => {
  it("GETs and validates each JSON resource, with null where Paddler answers null", async () => {
    const routes: Record<string, unknown> = {
      "/api/v1/agents": { agents: [agent("a1", 0)] },
      "/api/v1/buffered_requests": { buffered_requests_current: 3 },
      "/api/v1/balancer_desired_state": defaultBalancerDesiredState,
      "/api/v1/balancer_applicable_state": null,
      "/api/v1/agent/a%2F1/model_metadata": { metadata: { "general.name": "tiny" } },
      "/api/v1/agent/a1/chat_template_override": null,
    };
    server = await startHttpTestServer((request, response) => {
      if (request.url === "/health") return void response.end("OK");
      if (request.url === "/metrics") return void response.end("paddler_slots_total 2\n");
      const body = routes[request.url ?? ""];
      if (body === undefined) return json(response, 404, { error: "not found" });
      json(response, 200, body);
    });
    const { management } = createPaddlerClient({ managementUrl: server.url });
    await expect(management.health()).resolves.toBe("OK");
    await expect(management.metrics()).resolves.toContain("paddler_slots_total 2");
    await expect(management.agents()).resolves.toEqual({ agents: [agent("a1", 0)] });
    await expect(management.bufferedRequests()).resolves.toEqual({ buffered_requests_current: 3 });
    await expect(management.getBalancerDesiredState()).resolves.toEqual(defaultBalancerDesiredState);
    await expect(management.getBalancerApplicableState()).resolves.toBeNull();
    await expect(management.modelMetadata("a/1")).resolves.toEqual({ metadata: { "general.name": "tiny" } });
    await expect(management.chatTemplateOverride("a1")).resolves.toBeNull();
  });

  it("reads agents whose issues nest model_path as Paddler does", async () => {
    const issues = [
      {
        ChatTemplateDoesNotCompile: {
          error: "unexpected end",
          model_path: { model_path: "/m.gguf" },
          template_content: "{%",
        },
      },
      { HuggingFaceCannotAcquireLock: { lock_path: "/l.lock", model_path: { model_path: "o/r/m.gguf" } } },
      { ModelFileDoesNotExist: { model_path: "/m.gguf" } },
    ];
    server = await startHttpTestServer((_request, response) =>
      json(response, 200, { agents: [{ ...agent("a1", 0), issues }] }),
    );
    const { management } = createPaddlerClient({ managementUrl: server.url });
    await expect(management.agents()).resolves.toEqual({ agents: [{ ...agent("a1", 0), issues }] });
  });

  it("PUTs the desired state and resolves on 204", async () => {
    let received: unknown;
    server = await startHttpTestServer(async (request, response) => {
      expect(request.method).toBe("PUT");
      expect(request.headers["content-type"]).toBe("application/json");
      received = await readBody(request);
      response.writeHead(204).end();
    });
    const { management } = createPaddlerClient({ managementUrl: server.url });
    const state: BalancerDesiredState = { ...defaultBalancerDesiredState, use_chat_template_override: true };
    await management.putBalancerDesiredState(state);
    expect(received).toEqual(state);
  });

  it("throws a PaddlerError carrying status, url, code and the parsed body on a 4xx", async () => {
    server = await startHttpTestServer((_request, response) => {
      json(response, 400, { error: "inference_parameters.batch_n_tokens: must be > 0" });
    });
    const { management } = createPaddlerClient({ managementUrl: server.url });
    const error = await management.putBalancerDesiredState(defaultBalancerDesiredState).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PaddlerError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "PaddlerError",
      code: "http_error",
      status: 400,
      url: `${server.url}/api/v1/balancer_desired_state`,
      body: { error: "inference_parameters.batch_n_tokens: must be > 0" },
    });
  });

  it("keeps a plain-text error body as text", async () => {
    server = await startHttpTestServer((_request, response) => {
      response.writeHead(404).end("Agent not found");
    });
    const { management } = createPaddlerClient({ managementUrl: server.url });
    await expect(management.modelMetadata("nope")).rejects.toMatchObject({
      status: 404,
      body: "Agent not found",
    });
  });

  it("reports a body that does not match the schema as invalid_response", async () => {
    server = await startHttpTestServer((_request, response) => json(response, 200, { agents: [{ id: 1 }] }));
    const { management } = createPaddlerClient({ managementUrl: server.url });
    await expect(management.agents()).rejects.toMatchObject({ code: "invalid_response" });
  });

  it("follows an SSE stream, skips keep-alive comments, and reconnects after the server closes it", async () => {
    let connections = 0;
    const lastEventIds: (string | undefined)[] = [];
    server = await startHttpTestServer((request, response) => {
      connections += 1;
      lastEventIds.push(request.headers["last-event-id"] as string | undefined);
      expect(request.url).toBe("/api/v1/agents/stream");
      expect(request.headers.accept).toBe("text/event-stream");
      response.writeHead(200, { "Content-Type": "text/event-stream" });
      response.write(": keep-alive\n\n");
      const snapshot = JSON.stringify({ agents: [agent("a1", connections)] });
      // Split the data line in two chunks, and tag the event with an id.
      response.write(`id: ${connections}\r\ndata: ${snapshot.slice(0, 15)}`);
      setTimeout(() => response.end(`${snapshot.slice(15)}\r\n\r\n`), 5);
    });
    const { management } = createPaddlerClient({
      managementUrl: server.url,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    const controller = new AbortController();
    const seen: AgentsResponse[] = [];
    for await (const snapshot of management.agentsStream({ signal: controller.signal })) {
      seen.push(snapshot);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.map(({ agents }) => agents[0]?.slots_processing)).toEqual([1, 2, 3]);
    expect(connections).toBe(3);
    expect(lastEventIds).toEqual([undefined, "1", "2"]);
  });

  it("retries an SSE stream after a 5xx, and gives up with the PaddlerError on a 4xx", async () => {
    let hits = 0;
    server = await startHttpTestServer((_request, response) => {
      hits += 1;
      if (hits === 1) return json(response, 503, { error: "starting" });
      if (hits === 2) {
        response.writeHead(200, { "Content-Type": "text/event-stream" });
        return void response.end(`data: ${JSON.stringify({ buffered_requests_current: 7 })}\n\n`);
      }
      json(response, 403, { error: "forbidden" });
    });
    const { management } = createPaddlerClient({
      managementUrl: server.url,
      reconnect: { initialDelayMs: 5, maxDelayMs: 10 },
    });
    const values: number[] = [];
    const error = await (async () => {
      for await (const value of management.bufferedRequestsStream())
        values.push(value.buffered_requests_current);
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(values).toEqual([7]);
    expect(error).toMatchObject({ code: "http_error", status: 403 });
  });

  it("ends an SSE stream quietly when the signal aborts while waiting", async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    server = await startHttpTestServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/event-stream" });
      response.write(": hello\n\n");
      response.on("close", closed);
    });
    const { management } = createPaddlerClient({ managementUrl: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const values: unknown[] = [];
    for await (const value of management.bufferedRequestsStream({ signal: controller.signal }))
      values.push(value);
    expect(values).toEqual([]);
    await serverSawClose;
  });
});
