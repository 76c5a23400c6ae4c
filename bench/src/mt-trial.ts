import { runMultiTurnChatBench } from "./benches/multi-turn-chat-bench.js";

const rows = await runMultiTurnChatBench({
  agentCounts: (process.argv[2] ?? "2").split(",").map(Number),
  slotsPerAgent: Number(process.argv[5] ?? 4),
  usersPerAgent: Number(process.argv[3] ?? 4),
  turns: Number(process.argv[4] ?? 4),
  maxTokens: 16,
  thinkMs: Number(process.argv[6] ?? 2000),
  policies: ["least_busy", "sticky", "prefix_affinity"],
  log: (line) => console.log(line),
});
console.log(JSON.stringify(rows));
