import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningAgent, startAgent } from "@paddler/agent";
import { silentLogger } from "@paddler/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { readNdjson, waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";

const KEYS = ["key-one", "key-two"];
const TOKEN = "management-token";
const SECRET = "join-secret";

let cluster: TestCluster;
let openaiUrl: string;
const agents: RunningAgent[] = [];

async function joinAgent(options: { id: string; secret: string | null }): Promise<RunningAgent> {
  const agent = await startAgent({
    config: {
      managementAddr: cluster.managementAddress,
      name: options.id,
      slots: 1,
      threads: 1,
      agentJoinSecret: options.secret,
    },
    logger: silentLogger(),
    cacheDir: await mkdtemp(join(tmpdir(), "paddler-auth-")),
    agentId: options.id,
    shutdownGraceMs: 1000,
  });
  agents.push(agent);
  return agent;
}

const authorized = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The status an upgrade gets: 101 when the socket opens, else the refusal's status. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => {
      socket.close();
      resolve(101);
    });
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("error", (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

beforeAll(async () => {
  cluster = await startTestCluster({
    balancer: {
      compatOpenaiAddr: { host: "127.0.0.1", port: 0 },
      inferenceApiKeys: KEYS,
      managementToken: TOKEN,
      agentJoinSecret: SECRET,
      inferenceCorsAllowedHosts: ["http://app.example"],
      managementCorsAllowedHosts: ["http://admin.example"],
    },
    desiredState: null,
  });
  openaiUrl = `http://${cluster.balancer.addresses.compatOpenai}`;
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  await cluster.close();
});

describe("management token", () => {
  it("refuses the management API without the token, in the service's shape, saying nothing more", async () => {
    for (const headers of [{}, authorized("wrong"), authorized(KEYS[0] ?? ""), { Authorization: TOKEN }]) {
      const response = await fetch(`${cluster.managementUrl}/api/v1/agents`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="paddler"');
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: "Missing or invalid credentials" },
      });
    }
    const refusedPut = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      body: "{}",
    });
    expect(refusedPut.status).toBe(401);
    expect((await fetch(`${cluster.managementUrl}/metrics`)).status).toBe(401);
  });

  it("accepts the token as a bearer header, and as access_token on GET for SSE", async () => {
    expect(
      (await fetch(`${cluster.managementUrl}/api/v1/agents`, { headers: authorized(TOKEN) })).status,
    ).toBe(200);
    expect((await fetch(`${cluster.managementUrl}/metrics`, { headers: authorized(TOKEN) })).status).toBe(
      200,
    );
    const abort = new AbortController();
    const stream = await fetch(`${cluster.managementUrl}/api/v1/agents/stream?access_token=${TOKEN}`, {
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    abort.abort();
    // A query token is no way to write: only GET takes it.
    const put = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state?access_token=${TOKEN}`, {
      method: "PUT",
      body: "{}",
    });
    expect(put.status).toBe(401);
  });

  it("leaves /health open on every service", async () => {
    for (const url of [cluster.managementUrl, cluster.inferenceUrl, openaiUrl]) {
      expect(await (await fetch(`${url}/health`)).text()).toBe("OK");
    }
  });
});

describe("agent join secret", () => {
  it("refuses a socket without the secret or with a wrong one, even with the management token", async () => {
    const url = `ws://${cluster.balancer.addresses.management}/api/v1/agent_socket/intruder`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { "X-Paddler-Join-Secret": "guess" })).toBe(401);
    expect(await upgradeStatus(url, authorized(TOKEN))).toBe(401);
  });

  it("a real agent with the wrong secret never joins; one with the right secret joins and serves", async () => {
    await joinAgent({ id: "impostor", secret: "not-it" });
    await joinAgent({ id: "member", secret: SECRET });
    const put = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { ...authorized(TOKEN), "Content-Type": "application/json" },
      body: JSON.stringify((await import("../test-cluster.js")).testDesiredState()),
    });
    expect(put.status).toBe(204);
    const snapshot = async () =>
      (await (
        await fetch(`${cluster.managementUrl}/api/v1/agents`, { headers: authorized(TOKEN) })
      ).json()) as { agents: { id: string; slots_total: number }[] };
    await waitUntil(async () => (await snapshot()).agents.some((agent) => agent.slots_total === 1));
    expect((await snapshot()).agents.map((agent) => agent.id)).toEqual(["member"]);
  });
});

describe("inference API keys", () => {
  const prompt = JSON.stringify({ raw_prompt: "Lily", max_tokens: 3 });

  it("refuses the native API without a valid key", async () => {
    for (const headers of [
      {},
      authorized("nope"),
      authorized(TOKEN),
      { Authorization: "Basic a2V5LW9uZQ==" },
    ]) {
      const response = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: prompt,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: "Missing or invalid credentials" },
      });
    }
  });

  it("serves each key", async () => {
    for (const key of KEYS) {
      const response = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        method: "POST",
        headers: { ...authorized(key), "Content-Type": "application/json" },
        body: prompt,
      });
      expect(response.status).toBe(200);
      expect((await readNdjson(response)).at(-1)).toMatchObject({
        Response: { response: { GeneratedToken: { Done: {} } } },
      });
    }
  });

  it("guards the inference socket: access_token or a bearer header", async () => {
    const url = `ws://${cluster.balancer.addresses.inference}/api/v1/inference_socket`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(`${url}?access_token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${url}?access_token=${KEYS[1]}`)).toBe(101);
    expect(await upgradeStatus(url, authorized(KEYS[0] ?? ""))).toBe(101);
  });

  it("guards the OpenAI service with the same keys, answering in OpenAI's error shape", async () => {
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }], max_tokens: 2 });
    const refused = await fetch(`${openaiUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { ...authorized("nope"), "Content-Type": "application/json" },
      body,
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: {
        message: "Missing or invalid credentials",
        type: "invalid_request_error",
        param: null,
        code: "unauthorized",
      },
    });
    const models = await fetch(`${openaiUrl}/v1/models`, { headers: authorized(KEYS[1] ?? "") });
    expect(models.status).toBe(200);
  });
});

describe("CORS allow-lists", () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
      },
    });

  it("answers a preflight from an allowed origin without asking for credentials", async () => {
    const response = await preflight(
      `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      "http://app.example",
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(response.headers.get("access-control-max-age")).toBe("3600");
  });

  it("keeps each service to its own list; the OpenAI service reuses the inference list", async () => {
    const inferenceFromAdmin = await preflight(
      `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      "http://admin.example",
    );
    expect(inferenceFromAdmin.headers.get("access-control-allow-origin")).toBeNull();
    const managementFromAdmin = await preflight(
      `${cluster.managementUrl}/api/v1/agents`,
      "http://admin.example",
    );
    expect(managementFromAdmin.headers.get("access-control-allow-origin")).toBe("http://admin.example");
    const managementFromApp = await preflight(`${cluster.managementUrl}/api/v1/agents`, "http://app.example");
    expect(managementFromApp.headers.get("access-control-allow-origin")).toBeNull();
    const openaiFromApp = await preflight(`${openaiUrl}/v1/chat/completions`, "http://app.example");
    expect(openaiFromApp.headers.get("access-control-allow-origin")).toBe("http://app.example");
    const openaiFromAdmin = await preflight(`${openaiUrl}/v1/chat/completions`, "http://admin.example");
    expect(openaiFromAdmin.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a refused request still carries CORS headers, so the browser can read the 401", async () => {
    const response = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: { Origin: "http://app.example" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(response.headers.get("access-control-expose-headers")).toBe("X-Request-Id");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});
