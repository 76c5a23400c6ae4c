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
  it("applies defaults: no name, half the cores as threads, info logs", () => {
    expect(parseAgentConfig(required, {}, { availableCores: 8 })).toEqual({
      managementAddr: { host: "127.0.0.1", port: 8060 },
      name: null,
      slots: 4,
      threads: 4,
      logLevel: "info",
      logFormat: "auto",
      agentJoinSecret: null,
      shutdownGracePeriodMs: 30_000,
      pool: "default",
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
        ],
        { PADDLER_LOG_LEVEL: "debug" },
        { availableCores: 8 },
      ),
    ).toEqual({
      managementAddr: { host: "balancer", port: 8060 },
      name: "gpu-1",
      slots: 16,
      threads: 6,
      logLevel: "warn",
      logFormat: "auto",
      agentJoinSecret: "s3cret",
      shutdownGracePeriodMs: 500,
      pool: "embed",
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
  ])("refuses %j", (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toBe(message);
    expect(error.code).toBe("CLI_USAGE");
  });
});

describe("agent --help", () => {
  it("lists every flag with its default", () => {
    for (const flag of agentFlags) {
      expect(agentHelp).toContain(`--${flag.name}`);
    }
    expect(agentHelp).toMatch(/--management-addr <host:port> .*\(required\)/);
    expect(agentHelp).toMatch(/--slots <count> .*\(required\)/);
    expect(agentHelp).toMatch(/--threads <count> .*\(default: half the CPU cores, at least 1\)/);
    expect(agentHelp).toMatch(/--name <name> .*\(default: unset\)/);
    expect(agentHelp).toMatch(/--log-level <level> .*\(default: info; env: PADDLER_LOG_LEVEL\)/);
  });

  it("is recognised even when required flags are missing", () => {
    expect(isHelpRequested(["--help"], agentFlags)).toBe(true);
  });
});
