import { upgradeWebSocket } from "@hono/node-server";
import type { Logger } from "@paddler/logger";
import {
  type AgentDesiredState,
  type BalancerToAgentMessage,
  DEFAULT_MODEL_POOL,
  FRAME_BATCHING_HEADER,
  type ModelPoolName,
  modelPoolNameSchema,
  PADDLER_PROTOCOL_VERSION,
} from "@paddler/protocol";
import { Hono } from "hono";
import type { WSEvents } from "hono/ws";
import { UnauthorizedError } from "../errors.js";
import { corkForThisTurn } from "../http/cork-for-this-turn.js";
import { startHeartbeat } from "../http/heartbeat.js";
import type { SecretMatcher } from "../security/secret-matcher.js";
import { AgentController } from "./agent-controller.js";
import type { AgentRegistry } from "./agent-registry.js";
import { parseAgentFrame } from "./parse-agent-frame.js";

const agentIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

export interface AgentSocketRouteDeps {
  registry: AgentRegistry;
  /** Which pool a joining agent serves and the state it applies there (null: none stored yet). */
  placement(agent: { name: string | null; requestedPool: ModelPoolName }): {
    pool: ModelPoolName;
    desiredState: AgentDesiredState | null;
  };
  logger: Logger;
  /** Null lets any agent join (Paddler's behaviour). */
  joinSecret?: SecretMatcher | null;
}

/** The header an agent presents its join secret in, on the WebSocket upgrade. */
export const JOIN_SECRET_HEADER = "x-paddler-join-secret";

/** `/api/v1/agent_socket/{agent_id}`: the agent's WebSocket (Paddler's protocol, §6). */
export function agentSocketRoute({ registry, placement, logger, joinSecret = null }: AgentSocketRouteDeps) {
  return new Hono().get(
    "/:agentId",
    async (c, next) => {
      const agentId = c.req.param("agentId");
      if (joinSecret !== null && !joinSecret(c.req.header(JOIN_SECRET_HEADER))) {
        logger.warn("agent refused: missing or wrong join secret");
        throw new UnauthorizedError();
      }
      if (!agentIdPattern.test(agentId)) {
        return c.json(
          {
            error: {
              code: "invalid_request",
              field: "agent_id",
              message: "agent_id: 1-128 of A-Z a-z 0-9 _ -",
            },
          },
          400,
        );
      }
      const pool = c.req.query("pool");
      if (pool !== undefined && !modelPoolNameSchema.safeParse(pool).success) {
        return c.json(
          {
            error: {
              code: "invalid_request",
              field: "pool",
              message: "pool: lowercase letters, digits, '.', '_' or '-', at most 63",
            },
          },
          400,
        );
      }
      if (registry.has(agentId)) {
        return c.json(
          { error: { code: "duplicate_agent", message: `Agent ${agentId} is already connected` } },
          409,
        );
      }
      await next();
      // Frame batching offered: accepted (the 101 carries this response's headers).
      if (c.req.header(FRAME_BATCHING_HEADER) === "1") c.res.headers.set(FRAME_BATCHING_HEADER, "1");
      return undefined;
    },
    upgradeWebSocket((c) => {
      const agentId = c.req.param("agentId") ?? "";
      // `?pool=` is how an agent started with `--pool` asks for its pool; Paddler's agents send none.
      const requestedPool = c.req.query("pool") ?? DEFAULT_MODEL_POOL;
      const log = logger.child({ agentId });
      const batching = c.req.header(FRAME_BATCHING_HEADER) === "1";
      let controller: AgentController | null = null;
      let stopHeartbeat = () => {};
      // Every text frame sent to the agent; its reports say how many it had read (see frames_received).
      let framesSent = 0;
      const events: WSEvents = {
        onOpen(_event, ws) {
          const version: BalancerToAgentMessage = {
            Notification: { Version: { version: PADDLER_PROTOCOL_VERSION } },
          };
          ws.send(JSON.stringify(version));
          framesSent++;
          stopHeartbeat = startHeartbeat(ws.raw);
        },
        onMessage(event, ws) {
          const data = String(event.data);
          // A batch: one message per line (JSON holds no raw newline), each handled as a frame.
          if (batching && data.includes("\n")) {
            for (const line of data.split("\n")) events.onMessage?.({ data: line } as MessageEvent, ws);
            return;
          }
          const parsed = parseAgentFrame(data);
          if (!parsed.ok) {
            log.warn("agent sent an invalid frame; closing", { reason: parsed.reason });
            ws.close(parsed.closeCode, parsed.reason.slice(0, 120));
            return;
          }
          const message = parsed.message;
          if ("Notification" in message) {
            const notification = message.Notification;
            if (notification === "DeregisterAgent") {
              // Leaving: no new requests; running ones finish and the socket close removes it.
              log.info("agent deregistered");
              if (controller) {
                controller.deregister();
                registry.statusChanged(controller);
              }
              return;
            }
            if ("RegisterAgent" in notification) {
              if (controller || registry.has(agentId)) {
                ws.close(1008, "agent id is already registered");
                return;
              }
              const { name, slot_aggregated_status_snapshot } = notification.RegisterAgent;
              const placed = placement({ name, requestedPool });
              controller = new AgentController({
                id: agentId,
                name,
                requestedPool,
                pool: placed.pool,
                snapshot: slot_aggregated_status_snapshot,
                connection: {
                  send: (frame) => {
                    if (ws.readyState !== 1) return;
                    // Requests dispatched to this agent in one turn leave in one write.
                    corkForThisTurn(ws.raw);
                    ws.send(JSON.stringify(frame));
                    framesSent++;
                  },
                  framesSent: () => framesSent,
                  close: (code, reason) => ws.close(code, reason),
                },
              });
              log.info("agent registered", {
                name,
                pool: placed.pool,
                slotsTotal: slot_aggregated_status_snapshot.slots_total,
              });
              registry.add(controller, placed.desiredState);
              return;
            }
            const update = notification.UpdateAgentStatus;
            if (controller?.updateStatus(update.slot_aggregated_status_snapshot)) {
              registry.statusChanged(controller);
            }
            if (controller && update.agent_slots) registry.reconcile(controller, update.agent_slots);
            return;
          }
          if ("Response" in message) controller?.deliver({ kind: "response", envelope: message.Response });
          else controller?.deliver({ kind: "error", envelope: message.Error });
        },
        onClose() {
          stopHeartbeat();
          if (controller) {
            log.info("agent disconnected");
            registry.remove(controller);
          }
        },
        onError(error) {
          log.warn("agent socket error", { error });
        },
      };
      return events;
    }),
  );
}
