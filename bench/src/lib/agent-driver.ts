import type { AddressInfo } from "node:net";
import {
  type AgentRequest,
  agentToBalancerMessageSchema,
  type BalancerToAgentMessage,
  type GeneratedTokenResult,
  PADDLER_PROTOCOL_VERSION,
  toAgentDesiredState,
} from "@paddler/protocol";
import { type WebSocket, WebSocketServer } from "ws";
import { benchDesiredState } from "./bench-desired-state.js";

export interface GenerationOutcome {
  /** ms from sending the request frame to the first ContentToken. */
  firstTokenMs: number;
  totalMs: number;
  contentTokens: number;
}

export interface AgentDriver {
  /** `host:port` to give the agent as its management address. */
  readonly address: string;
  waitForSlots(total: number, timeoutMs?: number): Promise<void>;
  /** `onFirstToken` fires when the first ContentToken arrives (the fairness bench waits for it). */
  generate(request: AgentRequest, onFirstToken?: () => void): Promise<GenerationOutcome>;
  close(): Promise<void>;
}

interface Pending {
  sentAt: number;
  firstTokenMs: number;
  onFirstToken?: () => void;
  resolve(outcome: GenerationOutcome): void;
  reject(error: Error): void;
}

/**
 * Drives one real agent "directly": a WebSocket server that speaks the balancer's side of the
 * agent protocol (Version, SetState, Request) and nothing else, so figures taken through it are
 * the agent's own without the balancer's dispatch, HTTP and re-encoding in between.
 */
export async function startAgentDriver(): Promise<AgentDriver> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let socket: WebSocket | null = null;
  let slotsTotal = 0;
  let nextId = 0;
  const pending = new Map<string, Pending>();
  const send = (message: BalancerToAgentMessage) => socket?.send(JSON.stringify(message));

  server.on("connection", (ws) => {
    socket = ws;
    send({ Notification: { Version: { version: PADDLER_PROTOCOL_VERSION } } });
    ws.on("message", (data) => {
      const parsed = agentToBalancerMessageSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if ("Notification" in message) {
        const notification = message.Notification;
        if (notification === "DeregisterAgent") return;
        if ("RegisterAgent" in notification) {
          send({ Notification: { SetState: { desired_state: toAgentDesiredState(benchDesiredState()) } } });
          slotsTotal = notification.RegisterAgent.slot_aggregated_status_snapshot.slots_total;
        } else slotsTotal = notification.UpdateAgentStatus.slot_aggregated_status_snapshot.slots_total;
        return;
      }
      if ("Error" in message) {
        const entry = pending.get(message.Error.request_id);
        pending.delete(message.Error.request_id);
        entry?.reject(new Error(message.Error.error.description));
        return;
      }
      const envelope = message.Response;
      const entry = pending.get(envelope.request_id);
      const payload = envelope.response;
      if (!entry || typeof payload !== "object" || !("GeneratedToken" in payload)) return;
      const token: GeneratedTokenResult = payload.GeneratedToken;
      const now = performance.now();
      if (typeof token === "object" && "ContentToken" in token) {
        if (Number.isNaN(entry.firstTokenMs)) {
          entry.firstTokenMs = now - entry.sentAt;
          entry.onFirstToken?.();
        }
        return;
      }
      pending.delete(envelope.request_id);
      if (typeof token === "object" && "Done" in token) {
        entry.resolve({
          firstTokenMs: entry.firstTokenMs,
          totalMs: now - entry.sentAt,
          contentTokens: token.Done.usage.content_tokens,
        });
      } else entry.reject(new Error(`agent ended with ${JSON.stringify(token)}`));
    });
  });

  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async waitForSlots(total, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (slotsTotal < total) {
        if (Date.now() > deadline) throw new Error(`the agent never reported ${total} slots`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    generate(request, onFirstToken) {
      const id = `bench-${++nextId}`;
      return new Promise((resolve, reject) => {
        pending.set(id, {
          sentAt: performance.now(),
          firstTokenMs: Number.NaN,
          onFirstToken,
          resolve,
          reject,
        });
        send({ Request: { id, request } });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
