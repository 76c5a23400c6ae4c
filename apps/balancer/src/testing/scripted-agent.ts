import {
  type AgentToBalancerMessage,
  type BalancerToAgentMessage,
  balancerToAgentMessageSchema,
  type ResponsePayload,
  type SlotAggregatedStatusSnapshot,
} from "@paddler/protocol";
import WebSocket from "ws";

/** A protocol-level stand-in for an agent, for the balancer's own tests (the real agent is tested end to end). */
export interface ScriptedAgent {
  readonly received: BalancerToAgentMessage[];
  send(message: AgentToBalancerMessage): void;
  /** Answers the request `requestId` (with no `generated_by`, as Paddler's agent does). */
  respond(requestId: string, response: ResponsePayload): void;
  setSlots(slotsTotal: number): void;
  close(): Promise<void>;
  terminate(): void;
  waitFor(predicate: (message: BalancerToAgentMessage) => boolean): Promise<BalancerToAgentMessage>;
}

export function statusSnapshot(slotsTotal: number, version: number): SlotAggregatedStatusSnapshot {
  return {
    desired_slots_total: slotsTotal,
    slots_processing: 0,
    slots_total: slotsTotal,
    model_path: "/models/test.gguf",
    download_current: 0,
    download_total: 0,
    download_filename: null,
    download_indeterminate: false,
    issues: [],
    uses_chat_template_override: false,
    state_application_status: "Applied",
    version,
  };
}

export async function connectScriptedAgent(options: {
  managementAddress: string;
  id: string;
  slots: number;
  name?: string;
  /** Joins this model pool, as `paddler agent --pool` does. */
  pool?: string;
  onRequest?: (
    agent: ScriptedAgent,
    request: Extract<BalancerToAgentMessage, { Request: unknown }>["Request"],
  ) => void;
}): Promise<ScriptedAgent> {
  const query = options.pool === undefined ? "" : `?pool=${encodeURIComponent(options.pool)}`;
  const socket = new WebSocket(`ws://${options.managementAddress}/api/v1/agent_socket/${options.id}${query}`);
  const received: BalancerToAgentMessage[] = [];
  const waiters: {
    predicate: (m: BalancerToAgentMessage) => boolean;
    resolve: (m: BalancerToAgentMessage) => void;
  }[] = [];
  let version = 1;
  const agent: ScriptedAgent = {
    received,
    send: (message) => socket.send(JSON.stringify(message)),
    respond: (requestId, response) =>
      agent.send({ Response: { generated_by: null, request_id: requestId, response } }),
    setSlots: (slotsTotal) =>
      agent.send({
        Notification: {
          UpdateAgentStatus: { slot_aggregated_status_snapshot: statusSnapshot(slotsTotal, ++version) },
        },
      }),
    close: () =>
      new Promise((resolve) => {
        socket.once("close", () => resolve());
        socket.close();
      }),
    terminate: () => socket.terminate(),
    waitFor: (predicate) => {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
  socket.on("message", (data) => {
    const message = balancerToAgentMessageSchema.parse(JSON.parse(String(data)));
    received.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    if ("Request" in message) options.onRequest?.(agent, message.Request);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  agent.send({
    Notification: {
      RegisterAgent: {
        name: options.name ?? options.id,
        slot_aggregated_status_snapshot: statusSnapshot(options.slots, 1),
      },
    },
  });
  return agent;
}
