import { CliUsageError, isHelpRequested } from "@paddler/cli-flags";
import { describe, expect, it } from "vitest";
import { agentFlags, agentHelp, parseAgentConfig } from "./agent-config.js";

const required = ["--management-addr", "127.0.0.1:8060", "--slots", "4"];

function usageError(argv: string[]): CliUsageError {
  try {
    parseAgentConfig(argv, {}, { availableCores: 8 });
  } catch (error) {
    if (error instanceof CliUsageError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

describe("parseAgentConfig", () => {
  it("takes one --management-addr per balancer", () => {
    const config = parseAgentConfig(
      ["--management-addr", "b1:8060", "--management-addr", "b2:8060", "--slots", "2"],
      {},
      { availableCores: 2 },
    );
    expect(config.managementAddr).toEqual({ host: "b1", port: 8060 });
    expect(config.managementAddrs).toEqual([
      { host: "b1", port: 8060 },
      { host: "b2", port: 8060 },
    ]);
  });

  it("applies defaults: no name, half the cores as threads, info logs", () => {
    expect(parseAgentConfig(required, {}, { availableCores: 8 })).toEqual({
      managementAddr: { host: "127.0.0.1", port: 8060 },
      managementAddrs: [{ host: "127.0.0.1", port: 8060 }],
      name: null,
      slots: 4,
      threads: 4,
      logLevel: "info",
      logFormat: "auto",
      agentJoinSecret: null,
      shutdownGracePeriodMs: 30_000,
      pool: "default",
      engine: { kind: "LlamaCpp" },
      drainTimeoutMs: 30_000,
    });
    expect(parseAgentConfig(required, {}, { availableCores: 1 }).threads).toBe(1);
    expect(parseAgentConfig(required, {}, { availableCores: 3 }).threads).toBe(1);
    expect(parseAgentConfig(required, {}).threads).toBeGreaterThanOrEqual(1);
  });

  it("reads every flag", () => {
    expect(
      parseAgentConfig(
        [
          "--management-addr=balancer:8060",
          "--name",
          "gpu-1",
          "--slots=16",
          "--threads",
          "6",
          "--log-level",
          "warn",
          "--agent-join-secret",
          "s3cret",
          "--shutdown-grace-period=500",
          "--pool",
          "embed",
          "--drain-timeout=2500",
        ],
        { PADDLER_LOG_LEVEL: "debug" },
        { availableCores: 8 },
      ),
    ).toEqual({
      managementAddr: { host: "balancer", port: 8060 },
      managementAddrs: [{ host: "balancer", port: 8060 }],
      name: "gpu-1",
      slots: 16,
      threads: 6,
      logLevel: "warn",
      logFormat: "auto",
      agentJoinSecret: "s3cret",
      shutdownGracePeriodMs: 500,
      pool: "embed",
      engine: { kind: "LlamaCpp" },
      drainTimeoutMs: 2500,
    });
    expect(parseAgentConfig(required, { PADDLER_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(parseAgentConfig(required, { PADDLER_POOL: "chat" }).pool).toBe("chat");
    expect(parseAgentConfig(required, { PADDLER_AGENT_JOIN_SECRET: "e" }).agentJoinSecret).toBe("e");
  });

  it.each([
    [["--slots", "4"], "--management-addr is required; see --help"],
    [["--management-addr", "127.0.0.1:8060"], "--slots is required; see --help"],
    [[...required.slice(0, 2), "--slots", "abc"], "--slots: expected an integer ≥ 1, got 'abc'"],
    [[...required.slice(0, 2), "--slots", "0"], "--slots: expected an integer ≥ 1, got '0'"],
    [[...required, "--threads", "0"], "--threads: expected an integer ≥ 1, got '0'"],
    [
      ["--management-addr", "8060", "--slots", "4"],
      "--management-addr: expected host:port with a port from 0 to 65535, got '8060'",
    ],
    [[...required, "--name="], "--name: expected a non-empty name, got ''"],
    [[...required, "--foo"], "--foo: unknown flag; see --help"],
    [[...required, "--inference-addr", "x:1"], "--inference-addr: unknown flag; see --help"],
    [[...required, "--slots", "5"], "--slots: given more than once"],
    [
      [...required, "--llamacpp-addr", "127.0.0.1:8080", "--openai-upstream", "http://x/v1"],
      "--llamacpp-addr and --openai-upstream choose different engines; give one",
    ],
    [
      [...required, "--local-llamacpp-host", "127.0.0.1"],
      "--local-llamacpp-host and --local-llamacpp-port go together",
    ],
    [
      [...required, "--openai-upstream", "ftp://x"],
      "--openai-upstream: expected an http(s) URL, got 'ftp://x'",
    ],
    [
      [...required, "--openai-upstream", "http://x", "--openai-api-key-file", "/nonexistent/key"],
      "--openai-api-key-file: cannot read /nonexistent/key: ENOENT: no such file or directory, open '/nonexistent/key'",
    ],
  ])("refuses %j", (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toBe(message);
    expect(error.code).toBe("CLI_USAGE");
  });
});

describe("engine flags", () => {
  const management = ["--management-addr", "127.0.0.1:8060"];

  it("serves through an external llama-server, its slots as the server has them (Paddler 1.x spellings too)", () => {
    const external = parseAgentConfig([...management, "--llamacpp-addr", "127.0.0.1:8080"], {});
    expect(external.engine).toEqual({ kind: "LlamaServerExternal", addr: { host: "127.0.0.1", port: 8080 } });
    expect(external.slots).toBe(0);
    const paddler1 = parseAgentConfig(
      [...management, "--local-llamacpp-host", "10.0.0.5", "--local-llamacpp-port", "8088", "--slots", "2"],
      {},
    );
    expect(paddler1.engine).toEqual({ kind: "LlamaServerExternal", addr: { host: "10.0.0.5", port: 8088 } });
    expect(paddler1.slots).toBe(2);
  });

  it("starts llama-server itself from a binary named by flag or environment", () => {
    expect(parseAgentConfig([...required, "--llama-server-binary", "/opt/llama-server"], {}).engine).toEqual({
      kind: "LlamaServerManaged",
      binary: "/opt/llama-server",
    });
    expect(parseAgentConfig(required, { PADDLER_LLAMA_SERVER_BINARY: "/bin/ls" }).engine.kind).toBe(
      "LlamaServerManaged",
    );
  });

  it("serves through an OpenAI-compatible server with a key from the environment", () => {
    expect(
      parseAgentConfig([...required, "--openai-upstream", "http://vllm:8000/v1"], {
        PADDLER_OPENAI_API_KEY: "sk-x",
      }).engine,
    ).toEqual({ kind: "OpenAIUpstream", url: "http://vllm:8000/v1", apiKey: "sk-x" });
  });
});

describe("agent --help", () => {
  it("lists every flag with its default", () => {
    for (const flag of agentFlags) {
      expect(agentHelp).toContain(`--${flag.name}`);
    }
    expect(agentHelp).toMatch(/--management-addr <host:port> .*\(required; repeatable\)/);
    expect(agentHelp).toMatch(/--slots <count> .*required except with --llamacpp-addr/);
    expect(agentHelp).toMatch(/--threads <count> .*\(default: half the CPU cores, at least 1\)/);
    expect(agentHelp).toMatch(/--name <name> .*\(default: unset\)/);
    expect(agentHelp).toMatch(/--log-level <level> .*\(default: info; env: PADDLER_LOG_LEVEL\)/);
  });

  it("is recognised even when required flags are missing", () => {
    expect(isHelpRequested(["--help"], agentFlags)).toBe(true);
  });
});
