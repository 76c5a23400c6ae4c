import { CliUsageError, isHelpRequested } from "@paddler/cli-flags";
import { describe, expect, it } from "vitest";
import { type BalancerConfig, balancerFlags, balancerHelp, parseBalancerConfig } from "./balancer-config.js";

const hardeningDefaults = {
  inferenceApiKeys: [],
  managementToken: null,
  agentJoinSecret: null,
  maxRequestBodyBytes: 10 * 1024 * 1024,
  maxPromptChars: 1024 * 1024,
  maxConversationMessages: 4096,
  maxEmbeddingDocuments: 4096,
  maxWebSocketFrameBytes: 50 * 1024 * 1024,
  maxWebSocketConnections: 1024,
  requestTimeoutMs: 30_000,
  requestHeadersTimeoutMs: 10_000,
  shutdownGracePeriodMs: 30_000,
  circuitBreakerFailures: 5,
  circuitBreakerWindowMs: 60_000,
  circuitBreakerCooldownMs: 30_000,
  autoscalingTargetUtilization: 0.8,
  autoscalingSlotsPerAgent: 4,
  autoscalingScaleUpWaitMs: 2000,
} satisfies Partial<BalancerConfig>;

const defaults: BalancerConfig = {
  ...hardeningDefaults,
  inferenceAddr: { host: "127.0.0.1", port: 8061 },
  managementAddr: { host: "127.0.0.1", port: 8060 },
  webAdminPanelAddr: null,
  compatOpenaiAddr: null,
  stateDatabase: "memory://",
  fleetFile: null,
  maxBufferedRequests: 30,
  bufferedRequestTimeoutMs: 10_000,
  inferenceItemTimeoutMs: 30_000,
  inferenceCorsAllowedHosts: [],
  managementCorsAllowedHosts: [],
  statsdAddr: null,
  statsdPrefix: "paddler_",
  statsdReportingIntervalMs: 10_000,
  logLevel: "info",
  logFormat: "auto",
};

function usageError(argv: string[], env: Record<string, string> = {}): CliUsageError {
  try {
    parseBalancerConfig(argv, env);
  } catch (error) {
    if (error instanceof CliUsageError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

describe("parseBalancerConfig", () => {
  it("applies Paddler's defaults", () => {
    expect(parseBalancerConfig([], {})).toEqual(defaults);
  });

  it("reads every flag", () => {
    const config = parseBalancerConfig(
      [
        "--inference-addr=0.0.0.0:9061",
        "--management-addr",
        "balancer.internal:9060",
        "--web-admin-panel-addr",
        "localhost:9062",
        "--compat-openai-addr",
        "[::1]:9063",
        "--fleet-file",
        "/etc/paddler/fleet.json",
        "--state-database",
        "file:///var/lib/paddler/state.json",
        "--max-buffered-requests",
        "0",
        "--buffered-request-timeout",
        "0",
        "--inference-item-timeout",
        "45000",
        "--inference-cors-allowed-host",
        "http://a.example",
        "--inference-cors-allowed-host",
        "http://b.example",
        "--management-cors-allowed-host",
        "http://c.example",
        "--statsd-addr",
        "127.0.0.1:8125",
        "--statsd-prefix",
        "lb_",
        "--statsd-reporting-interval",
        "500",
        "--log-level",
        "debug",
        "--help",
      ],
      {},
    );
    expect(config).toEqual({
      inferenceAddr: { host: "0.0.0.0", port: 9061 },
      managementAddr: { host: "balancer.internal", port: 9060 },
      webAdminPanelAddr: { host: "localhost", port: 9062 },
      compatOpenaiAddr: { host: "::1", port: 9063 },
      stateDatabase: "file:///var/lib/paddler/state.json",
      fleetFile: "/etc/paddler/fleet.json",
      maxBufferedRequests: 0,
      bufferedRequestTimeoutMs: 0,
      inferenceItemTimeoutMs: 45_000,
      inferenceCorsAllowedHosts: ["http://a.example", "http://b.example"],
      managementCorsAllowedHosts: ["http://c.example"],
      statsdAddr: { host: "127.0.0.1", port: 8125 },
      statsdPrefix: "lb_",
      statsdReportingIntervalMs: 500,
      logLevel: "debug",
      logFormat: "auto",
      ...hardeningDefaults,
    } satisfies BalancerConfig);
  });

  it("takes the log level from PADDLER_LOG_LEVEL unless the flag is given", () => {
    expect(parseBalancerConfig([], { PADDLER_LOG_LEVEL: "warn" }).logLevel).toBe("warn");
    expect(parseBalancerConfig(["--log-level", "error"], { PADDLER_LOG_LEVEL: "warn" }).logLevel).toBe(
      "error",
    );
    expect(usageError([], { PADDLER_LOG_LEVEL: "loud" }).message).toBe(
      "PADDLER_LOG_LEVEL: expected one of debug, info, warn, error, got 'loud'",
    );
  });

  it.each([
    [["--max-buffered-requests", "abc"], "--max-buffered-requests: expected an integer ≥ 0, got 'abc'"],
    [["--max-buffered-requests", "-1"], "--max-buffered-requests: expected an integer ≥ 0, got '-1'"],
    [["--buffered-request-timeout", "1.5"], "--buffered-request-timeout: expected an integer ≥ 0, got '1.5'"],
    [
      ["--inference-item-timeout", "9999999999"],
      "--inference-item-timeout: expected an integer from 0 to 2147483647, got '9999999999'",
    ],
    [["--statsd-reporting-interval", "0"], "--statsd-reporting-interval: expected an integer ≥ 1, got '0'"],
    [
      ["--inference-addr", "127.0.0.1"],
      "--inference-addr: expected host:port with a port from 0 to 65535, got '127.0.0.1'",
    ],
    [
      ["--management-addr", "host:65536"],
      "--management-addr: expected host:port with a port from 0 to 65535, got 'host:65536'",
    ],
    [
      ["--statsd-addr", "bad host:1"],
      "--statsd-addr: expected host:port with a port from 0 to 65535, got 'bad host:1'",
    ],
    [
      ["--state-database", "file://state.json"],
      "--state-database: expected memory://, file:///absolute/path.json or postgres://user:password@host:port/database, got 'file://state.json'",
    ],
    [
      ["--state-database", "redis://x"],
      "--state-database: expected memory://, file:///absolute/path.json or postgres://user:password@host:port/database, got 'redis://x'",
    ],
    [["--log-level", "trace"], "--log-level: expected one of debug, info, warn, error, got 'trace'"],
    [
      ["--inference-cors-allowed-host", "http://a", "--inference-cors-allowed-host="],
      "--inference-cors-allowed-host: expected a non-empty origin, got ''",
    ],
    [["--foo"], "--foo: unknown flag; see --help"],
    [["-x"], "-x: unknown flag; see --help"],
    [["--slots", "4"], "--slots: unknown flag; see --help"],
    [["--statsd-addr"], "--statsd-addr: expected a value (host:port)"],
    [
      ["--statsd-prefix", "--log-level", "debug"],
      expect.stringMatching(/^--statsd-prefix: expected a value \(prefix\), got the flag '--log-level'/),
    ],
    [["--inference-addr", "a:1", "--inference-addr", "b:2"], "--inference-addr: given more than once"],
    [["--help=yes"], "--help: takes no value, got 'yes'"],
    [["serve"], "unexpected argument 'serve'; see --help"],
  ])("refuses %j", (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toEqual(message);
    expect(error).toMatchObject({ name: "CliUsageError", code: "CLI_USAGE" });
  });

  it("names the flag on the error", () => {
    expect(usageError(["--max-buffered-requests", "x"]).flag).toBe("--max-buffered-requests");
  });

  it("accepts a statsd prefix that is empty when written inline", () => {
    expect(parseBalancerConfig(["--statsd-prefix="], {}).statsdPrefix).toBe("");
  });
});

describe("balancer --help", () => {
  it("lists every flag with its default", () => {
    for (const flag of balancerFlags) {
      expect(balancerHelp).toContain(`--${flag.name}`);
    }
    expect(balancerHelp).toMatch(
      /--inference-addr <host:port> +Inference service address \(default: 127\.0\.0\.1:8061\)/,
    );
    expect(balancerHelp).toMatch(
      /--state-database <url> .*\(default: memory:\/\/; env: PADDLER_STATE_DATABASE\)/,
    );
    expect(balancerHelp).toMatch(/--max-buffered-requests <count> .*\(default: 30\)/);
    expect(balancerHelp).toMatch(/--statsd-prefix <prefix> .*\(default: paddler_\)/);
    expect(balancerHelp).toMatch(/--web-admin-panel-addr <host:port> .*\(default: unset\)/);
    expect(balancerHelp).toMatch(/--inference-cors-allowed-host <origin> .*\(repeatable\)/);
  });

  it("is recognised before validation", () => {
    expect(isHelpRequested(["--max-buffered-requests", "x", "--help"], balancerFlags)).toBe(true);
    expect(isHelpRequested(["-h"], balancerFlags)).toBe(true);
    expect(isHelpRequested(["--statsd-prefix=--help"], balancerFlags)).toBe(false);
    expect(isHelpRequested([], balancerFlags)).toBe(false);
  });

  describe("security and limits", () => {
    const files: Record<string, string> = {
      "/run/keys": "# inference keys\nk-one\n\n  k-two  \r\nk-one\n",
      "/run/token": "mgmt-token\n",
      "/run/two-lines": "a\nb\n",
    };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
      return text;
    };

    it("gathers inference keys from flags, the env and a file, without duplicates", () => {
      const config = parseBalancerConfig(
        [
          "--inference-api-key",
          "k-flag",
          "--inference-api-key=k-one",
          "--inference-api-keys-file",
          "/run/keys",
        ],
        {},
        { readFile },
      );
      expect(config.inferenceApiKeys).toEqual(["k-flag", "k-one", "k-two"]);
      expect(parseBalancerConfig([], { PADDLER_INFERENCE_API_KEYS: "a,b , c" }).inferenceApiKeys).toEqual([
        "a",
        "b",
        "c",
      ]);
    });

    it("reads the management token and the join secret from a flag, the env or a file", () => {
      expect(
        parseBalancerConfig(["--management-token-file", "/run/token"], {}, { readFile }).managementToken,
      ).toBe("mgmt-token");
      expect(parseBalancerConfig([], { PADDLER_MANAGEMENT_TOKEN: "t" }).managementToken).toBe("t");
      expect(parseBalancerConfig(["--agent-join-secret", "s"], {}).agentJoinSecret).toBe("s");
      expect(parseBalancerConfig([], { PADDLER_AGENT_JOIN_SECRET: "e" }).agentJoinSecret).toBe("e");
    });

    it("names the flag, never the secret, when a secret file is wrong", () => {
      const refuse = (argv: string[]) => {
        try {
          parseBalancerConfig(argv, {}, { readFile });
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error("expected a usage error");
      };
      expect(refuse(["--inference-api-keys-file", "/missing"])).toBe(
        "--inference-api-keys-file: cannot read '/missing' (ENOENT)",
      );
      expect(refuse(["--management-token-file", "/run/two-lines"])).toBe(
        "--management-token-file: expected exactly one non-empty line in '/run/two-lines'",
      );
      expect(refuse(["--agent-join-secret", "x", "--agent-join-secret-file", "/run/token"])).toBe(
        "--agent-join-secret and --agent-join-secret-file: give only one",
      );
    });

    it("reads the limits, the grace period and the circuit breaker", () => {
      const config = parseBalancerConfig(
        [
          "--max-request-body-size=1000",
          "--max-prompt-length=10",
          "--max-conversation-messages=2",
          "--max-embedding-documents=3",
          "--max-websocket-frame-size=4096",
          "--max-websocket-connections=5",
          "--request-timeout=2000",
          "--request-headers-timeout=5000",
          "--shutdown-grace-period=0",
          "--circuit-breaker-failures=0",
        ],
        {},
      );
      expect(config).toMatchObject({
        maxRequestBodyBytes: 1000,
        maxPromptChars: 10,
        maxConversationMessages: 2,
        maxEmbeddingDocuments: 3,
        maxWebSocketFrameBytes: 4096,
        maxWebSocketConnections: 5,
        requestTimeoutMs: 2000,
        requestHeadersTimeoutMs: 2000,
        shutdownGracePeriodMs: 0,
        circuitBreakerFailures: 0,
      });
      expect(usageError(["--max-request-body-size", "0"]).message).toBe(
        "--max-request-body-size: expected an integer ≥ 1, got '0'",
      );
    });

    it("lists the new flags in --help", () => {
      for (const flag of [
        "--inference-api-key",
        "--management-token",
        "--agent-join-secret",
        "--shutdown-grace-period",
      ])
        expect(balancerHelp).toContain(flag);
    });
  });
});

describe("balancer --state-database", () => {
  const url = "postgres://paddler:s3cret@db:5432/paddler";

  it("takes a PostgreSQL URL from the flag, PADDLER_STATE_DATABASE or a file", () => {
    expect(parseBalancerConfig(["--state-database", url], {}).stateDatabase).toBe(url);
    expect(parseBalancerConfig([], { PADDLER_STATE_DATABASE: url }).stateDatabase).toBe(url);
    const readFile = (path: string) => (path === "/run/secrets/db" ? `${url}\n` : "");
    expect(
      parseBalancerConfig(["--state-database-file", "/run/secrets/db"], {}, { readFile }).stateDatabase,
    ).toBe(url);
  });

  it("never echoes a password when it refuses a URL", () => {
    const error = usageError(["--state-database", "postgres://paddler:s3cret@/db"]);
    expect(error.message).not.toContain("s3cret");
    const fromFile = (() => {
      try {
        parseBalancerConfig(["--state-database-file", "/f"], {}, { readFile: () => "mysql://u:s3cret@h/db" });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected a usage error");
    })();
    expect(fromFile.message).toBe(
      "--state-database-file: expected memory://, file:///absolute/path.json or postgres://user:password@host:port/database, got the first line of '/f'",
    );
  });

  it("refuses the flag and the file together", () => {
    expect(usageError(["--state-database", url, "--state-database-file", "/f"]).message).toBe(
      "--state-database and --state-database-file: give only one",
    );
  });
});

describe("balancer autoscaling flags", () => {
  it("reads the rule's inputs and refuses a utilization outside (0, 1]", () => {
    const config = parseBalancerConfig(
      [
        "--autoscaling-target-utilization",
        "0.5",
        "--autoscaling-slots-per-agent",
        "8",
        "--autoscaling-scale-up-wait",
        "500",
      ],
      {},
    );
    expect(config).toMatchObject({
      autoscalingTargetUtilization: 0.5,
      autoscalingSlotsPerAgent: 8,
      autoscalingScaleUpWaitMs: 500,
    });
    expect(usageError(["--autoscaling-target-utilization", "1.5"]).message).toBe(
      "--autoscaling-target-utilization: expected a number above 0 and at most 1, got '1.5'",
    );
  });
});
