export const paddlerHelp = `Usage: paddler <command> [flags]

Paddler: an LLM load balancer and serving platform for llama.cpp.

Commands:
  balancer   Run the balancer (see: paddler balancer --help)
  agent      Run an agent that serves a balancer (see: paddler agent --help)
  start      Start a local first-look cluster: a balancer on 127.0.0.1:8060-8063 and one agent
             serving the bundled test model
  help       Print this help

Logs are JSON lines on stderr; set the level with --log-level or PADDLER_LOG_LEVEL.
`;
