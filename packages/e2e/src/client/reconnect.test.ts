import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import {
  type AgentsResponse,
  collectText,
  createPaddlerClient,
  type InferenceClientMessage,
  type PaddlerClient,
} from "@paddler/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import {
  clientFor,
  contentToken,
  expectPaddlerError,
  iterateUntilError,
  longStory,
  nextMatching,
  waitForIdleSlots,
} from "./client-helpers.js";

function parseAddress(address: string | undefined): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address ?? "");
  if (!match?.[1] || !match[2]) throw new Error(`bad address ${address}`);
  return { host: match[1], port: Number(match[2]) };
}

/** A TCP proxy in front of `target` whose client connections can all be reset at once. */
async function startResettableProxy(target: { host: string; port: number }) {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    open.add(client);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    resetAll: () => {
      for (const socket of open) socket.resetAndDestroy();
    },
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Drops every connection by closing the balancer, then starts a new one on the same ports
 * (its state database is in memory, so the desired state is stored again). Agents reconnect
 * by themselves every second.
 */
async function restartBalancer(cluster: TestCluster, previous: RunningBalancer): Promise<RunningBalancer> {
  const inferenceAddr = parseAddress(previous.addresses.inference);
  const managementAddr = parseAddress(previous.addresses.management);
  await previous.close();
  const balancer = await startBalancer({
    logger: cluster.logger.child({ service: "balancer-restarted" }),
    config: {
      inferenceAddr,
      managementAddr,
      webAdminPanelAddr: null,
      compatOpenaiAddr: null,
      stateDatabase: "memory://",
      maxBufferedRequests: 30,
      bufferedRequestTimeoutMs: 20_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
    },
  });
  expect(balancer.addresses.inference).toBe(previous.addresses.inference);
  expect(balancer.addresses.management).toBe(previous.addresses.management);
  // Pooled keep-alive connections to the old balancer may still look alive to undici for a turn
  // ("other side closed"): poll until a request goes through, then store the desired state.
  await waitUntil(async () => {
    try {
      await cluster.putDesiredState(testDesiredState());
      return true;
    } catch {
      return false;
    }
  });
  return balancer;
}

describe("@paddler/client across a balancer restart (dropped connections)", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  let balancer: RunningBalancer;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 1, name: "survivor" }] });
    await cluster.waitForSlots(1);
    balancer = cluster.balancer;
    paddler = clientFor(cluster);
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close(); // Closes the agents and the first balancer (a second close is a no-op).
    await balancer?.close();
  });

  it("a dropped inference socket fails the in-flight request with `socket_closed`; the next request reconnects", async () => {
    // A proxy resets the socket's TCP connection mid-stream (a crashed balancer or a cut network):
    // a graceful restart would not do, since the balancer then ends the stream with an in-band
    // error line, or lets a short stream finish, before it closes the socket.
    const proxy = await startResettableProxy(parseAddress(balancer.addresses.inference));
    const viaProxy = createPaddlerClient({
      inferenceUrl: proxy.url,
      managementUrl: cluster.managementUrl,
      WebSocket,
    });
    try {
      // Warm the socket so the drop hits an established connection.
      expect(
        await viaProxy.inference.socket.continueFromRawPrompt({ raw_prompt: "Hi", max_tokens: 3 }).text(),
      ).not.toBe("");
      const { tokens, error } = await iterateUntilError(
        viaProxy.inference.socket.continueFromRawPrompt(longStory),
        3,
        () => proxy.resetAll(),
      );
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      const failure = expectPaddlerError(error, "socket_closed");
      expect(failure.url).toContain("/api/v1/inference_socket");

      // The balancer sees its client go away and frees the slot; the next request reconnects.
      await waitForIdleSlots(paddler);
      const text = await viaProxy.inference.socket
        .continueFromRawPrompt({ raw_prompt: "Once upon a time", max_tokens: 10 })
        .text();
      expect(text.length).toBeGreaterThan(0);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it("a balancer restart ends a socket stream with its in-band error (typed), and the socket reconnects", async () => {
    const seen: InferenceClientMessage[] = [];
    const failure = await collectText(
      (async function* () {
        let tokens = 0;
        for await (const message of paddler.inference.socket.continueFromRawPrompt(longStory)) {
          seen.push(message);
          yield message;
          if (contentToken(message) !== undefined && ++tokens === 3) {
            balancer = await restartBalancer(cluster, balancer);
          }
        }
      })(),
    ).then(
      () => new Error("the stream completed"),
      (error: unknown) => error,
    );
    const typed = expectPaddlerError(failure, "inference_error");
    expect(typed.status).toBe(503);
    expect(typed.message).toContain("shutting down");
    await cluster.waitForSlots(1);
    await waitForIdleSlots(paddler);
    expect(
      await paddler.inference.socket.continueFromRawPrompt({ raw_prompt: "Tom", max_tokens: 5 }).text(),
    ).not.toBe("");
  });

  it("a balancer restart ends an HTTP inference stream with its in-band error line: a typed PaddlerError", async () => {
    // The restart cuts the running stream at the end of the shutdown grace period with one
    // in-band `Error` line (not silence), which the client turns into an `inference_error`.
    const seen: InferenceClientMessage[] = [];
    let tokens = 0;
    const restartAfterTokens = async function* (stream: AsyncIterable<InferenceClientMessage>) {
      for await (const message of stream) {
        seen.push(message);
        yield message;
        if (contentToken(message) !== undefined && ++tokens === 3) {
          balancer = await restartBalancer(cluster, balancer);
        }
      }
    };
    const failure = await collectText(
      restartAfterTokens(paddler.inference.continueFromRawPrompt(longStory)),
    ).then(
      () => new Error("the stream completed"),
      (error: unknown) => error,
    );
    expect(tokens).toBeGreaterThanOrEqual(3);
    const typed = expectPaddlerError(failure, "inference_error");
    expect(typed.status).toBe(503);
    expect(typed.message).toContain("shutting down");
    expect("Error" in (seen.at(-1) ?? {})).toBe(true);
    await cluster.waitForSlots(1);
    expect(
      await paddler.inference.continueFromRawPrompt({ raw_prompt: "Tom", max_tokens: 5 }).text(),
    ).not.toBe("");
  });

  it("an HTTP inference stream whose TCP connection drops fails with a typed PaddlerError", async () => {
    // A proxy in front of the balancer destroys the client's connection mid-stream (what a crashed
    // balancer or a cut network does): no in-band line can come, and the client says so, typed.
    const proxy = await startResettableProxy(parseAddress(balancer.addresses.inference));
    const viaProxy = createPaddlerClient({
      inferenceUrl: proxy.url,
      managementUrl: cluster.managementUrl,
      WebSocket,
    });
    try {
      const { tokens, error } = await iterateUntilError(
        viaProxy.inference.continueFromRawPrompt(longStory),
        3,
        () => proxy.resetAll(),
      );
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      const failure = expectPaddlerError(error, "network_error");
      expect(failure.url).toContain("/api/v1/continue_from_raw_prompt");
      // The balancer sees its client go away and frees the slot.
      await waitForIdleSlots(paddler);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it("agentsStream keeps yielding after the balancer restarts", async () => {
    const live = new AbortController();
    const iterator = paddler.management.agentsStream({ signal: live.signal })[Symbol.asyncIterator]();
    const before = await nextMatching(iterator, (snapshot: AgentsResponse) =>
      snapshot.agents.some((agent) => agent.name === "survivor"),
    );
    expect(before.agents.map((agent) => agent.name)).toEqual(["survivor"]);

    balancer = await restartBalancer(cluster, balancer);
    // Only the new balancer ever sees this agent: seeing it proves the stream reconnected.
    await cluster.addAgent({ slots: 1, name: "after-restart" });
    const after = await nextMatching(iterator, (snapshot: AgentsResponse) =>
      snapshot.agents.some((agent) => agent.name === "after-restart"),
    );
    expect(after.agents.map((agent) => agent.name)).toContain("after-restart");
    // The surviving agent comes back to the new balancer too.
    await nextMatching(iterator, (snapshot: AgentsResponse) =>
      snapshot.agents.some((agent) => agent.name === "survivor" && agent.slots_total === 1),
    );
    live.abort();
    expect((await iterator.next()).done).toBe(true);
  });
});
