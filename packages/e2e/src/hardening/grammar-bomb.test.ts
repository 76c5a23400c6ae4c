import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postJson, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { type CliProcess, spawnBalancer, spawnPaddler } from "./cli-process.js";

/** The request from the issue: one unauthenticated request once segfaulted every agent in turn. */
const grammarBomb = `root ::= ${"(".repeat(20_000)}"a"${")".repeat(20_000)}`;

describe("a grammar bomb against a real cluster (balancer and two agent processes)", () => {
  const running: CliProcess[] = [];
  let balancer: Awaited<ReturnType<typeof spawnBalancer>>;
  const exits: (number | string | null)[] = [];

  async function agents() {
    const response = await fetch(`${balancer.managementUrl}/api/v1/agents`);
    return ((await response.json()) as { agents: { name: string | null; slots_total: number }[] }).agents;
  }

  beforeAll(async () => {
    balancer = await spawnBalancer();
    running.push(balancer.process);
    const put = await fetch(`${balancer.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(testDesiredState()),
    });
    expect(put.status).toBe(204);
    for (const name of ["first", "second"]) {
      const agent = spawnPaddler([
        "agent",
        `--management-addr=${balancer.managementAddress}`,
        "--slots=1",
        `--name=${name}`,
        "--threads=1",
      ]);
      running.push(agent);
      exits.push(null);
      void agent.exited.then((code) => {
        exits[running.indexOf(agent) - 1] = code;
      });
    }
    await waitUntil(
      async () => (await agents()).filter((agent) => agent.slots_total === 1).length === 2,
      150_000,
    );
  }, 180_000);

  afterAll(async () => {
    for (const child of running.splice(0)) {
      child.signal("SIGKILL");
      await child.exited;
    }
  });

  it("answers 400 naming the field over HTTP, and an Error for its id over the inference socket", async () => {
    const http = await postJson(`${balancer.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: 5,
      grammar: { type: "gbnf", grammar: grammarBomb, root: "root" },
    });
    expect(http.status).toBe(400);
    expect(((await http.json()) as { error: { field: string } }).error.field).toBe("grammar.grammar");

    const socket = new WebSocket(`${balancer.inferenceUrl.replace("http", "ws")}/api/v1/inference_socket`);
    try {
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      const reply = new Promise<unknown>((resolve) =>
        socket.once("message", (data) => resolve(JSON.parse(String(data)))),
      );
      socket.send(
        JSON.stringify({
          Request: {
            id: "bomb",
            request: {
              ContinueFromRawPrompt: {
                raw_prompt: "Once upon a time",
                max_tokens: 5,
                grammar: { type: "gbnf", grammar: grammarBomb, root: "root" },
              },
            },
          },
        }),
      );
      expect(await reply).toMatchObject({ Error: { request_id: "bomb", error: { code: 400 } } });
    } finally {
      socket.terminate();
    }
  });

  it("leaves both agents up and serving", async () => {
    const messages = await readNdjson(
      await postJson(`${balancer.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Once upon a time",
        max_tokens: 5,
      }),
    );
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    expect(exits).toEqual([null, null]);
    expect((await agents()).map((agent) => agent.slots_total)).toEqual([1, 1]);
  });
});
