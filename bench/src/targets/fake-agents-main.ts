// Entry: N lightweight agents as raw WebSocket clients speaking the agent protocol, for the scale
// bench (1000 full agents would not fit on this machine). Each registers with `slots` slots,
// repeats its status every second like a real agent, and answers a generation request at once
// with one ContentToken and Done. argv: managementAddr count slots.
import type {
  AgentToBalancerMessage,
  BalancerToAgentMessage,
  SlotAggregatedStatusSnapshot,
} from "@paddler/protocol";
import WebSocket from "ws";

const [addr = "", countText = "1", slotsText = "1"] = process.argv.slice(2);
const count = Number(countText);
const slots = Number(slotsText);
const usage = {
  prompt_tokens: 1,
  cached_prompt_tokens: 0,
  input_image_tokens: 0,
  input_audio_tokens: 0,
  content_tokens: 1,
  reasoning_tokens: 0,
  tool_call_tokens: 0,
  undeterminable_tokens: 0,
};

function snapshot(version: number): SlotAggregatedStatusSnapshot {
  return {
    desired_slots_total: slots,
    slots_processing: 0,
    slots_total: slots,
    model_path: "/models/fake.gguf",
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

const sockets: WebSocket[] = [];
function connect(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${addr}/api/v1/agent_socket/fake-${index}`);
    const send = (message: AgentToBalancerMessage) => socket.send(JSON.stringify(message));
    let version = 1;
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as BalancerToAgentMessage;
      if ("Notification" in message && "SetState" in message.Notification) resolve();
      if (!("Request" in message)) return;
      const { id } = message.Request;
      send({
        Response: { generated_by: null, request_id: id, response: { GeneratedToken: { ContentToken: "x" } } },
      });
      send({
        Response: { generated_by: null, request_id: id, response: { GeneratedToken: { Done: { usage } } } },
      });
    });
    socket.once("error", reject);
    socket.once("open", () => {
      send({
        Notification: {
          RegisterAgent: { name: `fake-${index}`, slot_aggregated_status_snapshot: snapshot(1) },
        },
      });
      // Real agents repeat their status every second; spread the timers so they do not all fire at once.
      setTimeout(() => {
        setInterval(() => {
          if (socket.readyState === WebSocket.OPEN)
            send({
              Notification: { UpdateAgentStatus: { slot_aggregated_status_snapshot: snapshot(++version) } },
            });
        }, 1000);
      }, Math.random() * 1000);
    });
    sockets.push(socket);
  });
}

for (let start = 0; start < count; start += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, count - start) }, (_, offset) => connect(start + offset)),
  );
}
process.on("SIGTERM", () => {
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
