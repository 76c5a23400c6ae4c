import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type contentText, postJson, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { type CliProcess, spawnBalancer, spawnPaddler } from "./cli-process.js";

const running: CliProcess[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    child.signal("SIGKILL");
    await child.exited;
  }
});

async function startCluster(balancerArgs: string[] = []) {
  const balancer = await spawnBalancer(balancerArgs);
  running.push(balancer.process);
  const put = await fetch(`${balancer.managementUrl}/api/v1/balancer_desired_state`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(testDesiredState()),
  });
  expect(put.status).toBe(204);
  return balancer;
}

function spawnAgent(managementAddress: string, name: string): CliProcess {
  const agent = spawnPaddler([
    "agent",
    `--management-addr=${managementAddress}`,
    "--slots=1",
    `--name=${name}`,
    "--threads=1",
    "--shutdown-grace-period=20000",
  ]);
  running.push(agent);
  return agent;
}

/** Whether a fresh TCP connection to the service is accepted. */
function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function agents(managementUrl: string) {
  const response = await fetch(`${managementUrl}/api/v1/agents`);
  return (
    (await response.json()) as {
      agents: { name: string | null; slots_total: number; slots_processing: number }[];
    }
  ).agents;
}

async function bufferedRequests(managementUrl: string): Promise<number> {
  const response = await fetch(`${managementUrl}/api/v1/buffered_requests`);
  return ((await response.json()) as { buffered_requests_current: number }).buffered_requests_current;
}

/** Starts a long generation and waits for its first line, so it is surely running on the agent. */
async function startLongRequest(inferenceUrl: string) {
  const response = await postJson(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
    raw_prompt: "Once upon a time",
    max_tokens: 400,
  });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let text = (await reader?.read())?.value ?? "";
  const rest = (async () => {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return text;
      text += chunk.value;
    }
  })();
  return rest.then((all) =>
    all
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown),
  );
}

describe("SIGTERM to the balancer (a real `paddler balancer` process)", () => {
  it("stops accepting, answers buffered requests with 503, lets the running one finish, then exits 0", async () => {
    const balancer = await startCluster(["--shutdown-grace-period=30000"]);
    const agent = spawnAgent(balancer.managementAddress, "steady");
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_total === 1, 60_000);
    // Freeze the agent (briefly: under the 3 s heartbeat) so the running request is surely in flight.
    const inFlight = startLongRequest(balancer.inferenceUrl);
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_processing === 1);
    agent.signal("SIGSTOP");
    const buffered = [1, 2].map(() =>
      postJson(`${balancer.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Lily",
        max_tokens: 5,
      }).then(readNdjson),
    );
    await waitUntil(async () => (await bufferedRequests(balancer.managementUrl)) === 2);
    balancer.process.signal("SIGTERM");
    for (const reply of await Promise.all(buffered)) {
      expect(reply).toEqual([
        {
          Error: {
            request_id: expect.any(String),
            error: { code: 503, description: "balancer is shutting down" },
          },
        },
      ]);
    }
    await balancer.process.waitForLog(
      (line) => line.msg === "shutting down: letting running requests finish",
    );
    // Listeners are closed: a new client cannot connect.
    await expect(connects(balancer.inferenceUrl)).resolves.toBe(false);
    agent.signal("SIGCONT");
    const messages = await inFlight.catch((error) => {
      console.error(JSON.stringify(balancer.process.logs, null, 1));
      throw error;
    });
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    expect(await balancer.process.exited).toBe(0);
    expect(
      balancer.process.logs.some((line) => line.msg === "grace period over; cutting off running requests"),
    ).toBe(false);
  });

  it("cuts off what still runs when the grace period is over with an in-band error line, and still exits 0", async () => {
    const balancer = await startCluster(["--shutdown-grace-period=200"]);
    const agent = spawnAgent(balancer.managementAddress, "frozen");
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_total === 1, 60_000);
    // Cut off mid-stream, the stream still ends with a line that says why, never in silence.
    const inFlight = startLongRequest(balancer.inferenceUrl);
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_processing === 1);
    agent.signal("SIGSTOP");
    balancer.process.signal("SIGTERM");
    expect(await balancer.process.exited).toBe(0);
    agent.signal("SIGCONT");
    expect((await inFlight).at(-1)).toEqual({
      Error: {
        request_id: expect.any(String),
        error: { code: 503, description: "balancer is shutting down" },
      },
    });
    expect(
      balancer.process.logs.some((line) => line.msg === "grace period over; cutting off running requests"),
    ).toBe(true);
  });
});

describe("SIGTERM to an agent (a real `paddler agent` process)", () => {
  it("deregisters (nothing new reaches it), finishes the running request, frees the model and exits 0", async () => {
    const balancer = await startCluster();
    const leaving = spawnAgent(balancer.managementAddress, "leaving");
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_total === 1, 60_000);
    const inFlight = startLongRequest(balancer.inferenceUrl);
    await waitUntil(async () => (await agents(balancer.managementUrl))[0]?.slots_processing === 1);
    leaving.signal("SIGTERM");
    // Sent after the SIGTERM: it must wait for another agent rather than go to the leaving one.
    await waitUntil(async () =>
      (await agents(balancer.managementUrl)).every((agent) => agent.slots_total === 0),
    );
    const later = postJson(`${balancer.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 5,
    }).then(readNdjson);
    const messages = (await inFlight) as Parameters<typeof contentText>[0];
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: "leaving", response: { GeneratedToken: { Done: {} } } },
    });
    expect(await leaving.exited).toBe(0);
    await waitUntil(async () => (await agents(balancer.managementUrl)).length === 0);
    spawnAgent(balancer.managementAddress, "successor");
    expect((await later).at(-1)).toMatchObject({
      Response: { generated_by: "successor", response: { GeneratedToken: { Done: {} } } },
    });
  });
});
