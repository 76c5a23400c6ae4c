import {
  type AgentsResponse,
  FRAME_BATCHING_HEADER,
  type SlotAggregatedStatusSnapshot,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningBalancer } from "../start-balancer.js";
import { startTestBalancer } from "../testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await balancer?.close();
  balancer = null;
});

const snapshot = (slots: number, version: number): SlotAggregatedStatusSnapshot => ({
  desired_slots_total: slots,
  slots_processing: 0,
  slots_total: slots,
  model_path: null,
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Applied",
  version,
});

async function start() {
  const started = await startTestBalancer({
    inferenceAddr: null,
    maxBufferedRequests: 10,
    bufferedRequestTimeoutMs: 1000,
    inferenceItemTimeoutMs: 1000,
  });
  balancer = started.balancer;
  return started.managementAddress;
}

async function agentsOf(management: string): Promise<AgentsResponse> {
  return (await (await fetch(`http://${management}/api/v1/agents`)).json()) as AgentsResponse;
}

async function open(management: string, id: string, offer: boolean) {
  const socket = new WebSocket(`ws://${management}/api/v1/agent_socket/${id}`, {
    headers: offer ? { [FRAME_BATCHING_HEADER]: "1" } : {},
  });
  sockets.push(socket);
  let accepted: string | undefined;
  socket.on("upgrade", (response) => {
    accepted = response.headers[FRAME_BATCHING_HEADER] as string | undefined;
  });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return { socket, accepted };
}

async function waitFor<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("agent frame batching", () => {
  it("is accepted when offered, and a frame of several lines is handled as several messages", async () => {
    const management = await start();
    const { socket, accepted } = await open(management, "batcher", true);
    expect(accepted).toBe("1");
    const register = {
      Notification: { RegisterAgent: { name: "batcher", slot_aggregated_status_snapshot: snapshot(2, 1) } },
    };
    const update = {
      Notification: { UpdateAgentStatus: { slot_aggregated_status_snapshot: snapshot(3, 2) } },
    };
    socket.send(`${JSON.stringify(register)}\n${JSON.stringify(update)}`);
    const agents = await waitFor(
      () => agentsOf(management),
      (value) => value.agents[0]?.slots_total === 3,
    );
    expect(agents.agents).toMatchObject([{ id: "batcher", name: "batcher", slots_total: 3 }]);
  });

  it("is not accepted unless offered, and such an agent still works one message per frame", async () => {
    const management = await start();
    const { socket, accepted } = await open(management, "plain", false);
    expect(accepted).toBeUndefined();
    socket.send(
      JSON.stringify({
        Notification: { RegisterAgent: { name: "plain", slot_aggregated_status_snapshot: snapshot(2, 1) } },
      }),
    );
    await waitFor(
      () => agentsOf(management),
      (value) => value.agents[0]?.slots_total === 2,
    );
    // Without the extension a frame holding two messages is not JSON: the socket is closed (1007).
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(
      `${JSON.stringify({ Notification: "DeregisterAgent" })}\n${JSON.stringify({ Notification: "DeregisterAgent" })}`,
    );
    expect(await closed).toBe(1007);
  });
});
