export const paddlerHelp = `Usage: paddler <command> [flags]

Paddler: an LLM load balancer and serving platform for llama.cpp.

Commands:
  balancer   Run the balancer (see: paddler balancer --help)
  agent      Run an agent that serves a balancer (see: paddler agent --help)
  start      Start a local cluster: a balancer on 127.0.0.1:8060-8063 and one agent serving
             the bundled test model, or --model <path|URL|hf://owner/repo/file.gguf>
             (see: paddler start --help)
  help       Print this help

Logs go to stderr: readable lines on a terminal, JSON lines otherwise (--log-format json|pretty,
or PADDLER_LOG_FORMAT); set the level with --log-level or PADDLER_LOG_LEVEL.
`;
