import fc from "fast-check";
import { type RequestEnd, type RequestSpec, runClientRequest } from "./client-requests.js";
import type { ClusterUnderTest } from "./cluster-under-test.js";

/** What the model expects of the cluster; the commands keep it in step with what they did. */
interface Model {
  requests: number;
  reloadContext: boolean;
}

interface LedgerEntry {
  spec: RequestSpec;
  /** A balancer restart came while it ran: a cut connection is then a clear end, not silence. */
  crossedBalancerRestart: boolean;
  end: RequestEnd | null;
  done: Promise<void>;
}

/** Totals for the soak report. */
export interface RunTotals {
  operations: number;
  requests: number;
  cancels: number;
  reloads: number;
  stateChangesWithoutReload: number;
  /** Full garbage collections run in an agent's process. */
  garbageCollections: number;
  kills: number;
  balancerRestarts: number;
  tinyItemTimeoutRequests: number;
}

export function emptyTotals(): RunTotals {
  return {
    operations: 0,
    requests: 0,
    cancels: 0,
    reloads: 0,
    stateChangesWithoutReload: 0,
    garbageCollections: 0,
    kills: 0,
    balancerRestarts: 0,
    tinyItemTimeoutRequests: 0,
  };
}

interface Real {
  cluster: ClusterUnderTest;
  ledger: LedgerEntry[];
  totals: RunTotals;
  tinyItemTimeout: boolean;
}

type Command = fc.AsyncCommand<Model, Real>;

class RequestCommand implements Command {
  constructor(
    readonly spec: RequestSpec,
    readonly pauseMs: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    model.requests++;
    real.totals.operations++;
    real.totals.requests++;
    if (this.spec.cancel !== "none") real.totals.cancels++;
    if (real.tinyItemTimeout) real.totals.tinyItemTimeoutRequests++;
    const entry: LedgerEntry = {
      spec: this.spec,
      crossedBalancerRestart: false,
      end: null,
      done: Promise.resolve(),
    };
    entry.done = runClientRequest(this.spec, {
      inference: real.cluster.inferenceUrl,
      openai: real.cluster.openaiUrl,
    }).then((end) => {
      entry.end = end;
    });
    real.ledger.push(entry);
    await sleep(this.pauseMs);
  }
  toString = () => `request(${JSON.stringify(this.spec)}, pause ${this.pauseMs})`;
}

class DesiredStateCommand implements Command {
  constructor(readonly reload: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.totals.operations++;
    const current = real.cluster.desiredState;
    const parameters = { ...current.inference_parameters };
    if (this.reload) {
      model.reloadContext = !model.reloadContext;
      parameters.context_size = parameters.context_size === 2048 ? 1024 : 2048;
      real.totals.reloads++;
    } else {
      parameters.temperature = parameters.temperature === 0 ? 0.5 : 0;
      real.totals.stateChangesWithoutReload++;
    }
    await real.cluster.putDesiredState({ ...current, inference_parameters: parameters });
  }
  toString = () => `desiredState(${this.reload ? "reload" : "no reload"})`;
}

class KillAgentCommand implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.totals.operations++;
    real.totals.kills++;
    await real.cluster.killAgent(this.index);
  }
  toString = () => `killAgent(${this.index})`;
}

class CollectAgentGarbageCommand implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.totals.operations++;
    real.totals.garbageCollections++;
    real.cluster.collectAgentGarbage(this.index);
  }
  toString = () => `collectAgentGarbage(${this.index})`;
}

class RestartBalancerCommand implements Command {
  constructor(readonly tinyItemTimeout: boolean) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.totals.operations++;
    real.totals.balancerRestarts++;
    for (const entry of real.ledger) if (entry.end === null) entry.crossedBalancerRestart = true;
    real.tinyItemTimeout = this.tinyItemTimeout;
    await real.cluster.restartBalancer(this.tinyItemTimeout ? 1 : 30_000);
  }
  toString = () => `restartBalancer(${this.tinyItemTimeout ? "1 ms item timeout" : "normal"})`;
}

const requestSpec: fc.Arbitrary<RequestSpec> = fc
  .record({
    route: fc.constantFrom("native", "socket", "openai-completions", "openai-chat"),
    stream: fc.boolean(),
    maxTokens: fc.constantFrom("zero", "one", "small", "past-context"),
    cancel: fc.constantFrom("none", "none", "abort", "half-close", "stop"),
    cancelAfterMs: fc.integer({ min: 0, max: 1500 }),
  })
  .map((spec): RequestSpec => {
    // Cancels only where they exist: half-close on HTTP, StopRespondingTo on the socket.
    const cancel =
      (spec.cancel === "half-close" && spec.route !== "native") ||
      (spec.cancel === "stop" && spec.route !== "socket")
        ? "abort"
        : spec.cancel;
    // A generation past the context with no cancel would hold a slot for minutes on a busy machine.
    const maxTokens = spec.maxTokens === "past-context" && cancel === "none" ? "small" : spec.maxTokens;
    return {
      ...spec,
      stream: spec.route === "native" || spec.route === "socket" ? true : spec.stream,
      cancel,
      maxTokens,
    };
  });

const request = fc
  .tuple(requestSpec, fc.integer({ min: 0, max: 400 }))
  .map(([spec, pause]): Command => new RequestCommand(spec, pause));

/**
 * Sequences of 10 to 14 operations, mostly requests. A plain array rather than fc.commands: with
 * one run per seed, fc.commands draws its smallest sizes first, and a real cluster has no time to
 * shrink anyway.
 */
export const commands = fc.array(
  fc.oneof(
    { arbitrary: request, weight: 6 },
    { arbitrary: fc.boolean().map((reload): Command => new DesiredStateCommand(reload)), weight: 2 },
    {
      arbitrary: fc.integer({ min: 0, max: 1 }).map((index): Command => new KillAgentCommand(index)),
      weight: 1,
    },
    { arbitrary: fc.boolean().map((tiny): Command => new RestartBalancerCommand(tiny)), weight: 1 },
    {
      arbitrary: fc
        .integer({ min: 0, max: 1 })
        .map((index): Command => new CollectAgentGarbageCommand(index)),
      weight: 1,
    },
  ),
  { minLength: 10, maxLength: 14 },
);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown when the cluster breaks an invariant; the message says which and with what. */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

/**
 * Runs one drawn command sequence on the cluster, then waits for it to go quiet and checks:
 * every request ended exactly once (a reply or a clear error, never silence); no slot is busy on
 * any agent (its engine, its report) nor in the balancer's count; every agent has applied the
 * desired state within the drain deadline plus load time; what each agent reports matches its engine.
 */
export async function runAndCheck(
  cluster: ClusterUnderTest,
  drawn: Iterable<Command>,
  totals: RunTotals,
  options: { settleMs: number; quietMs: number },
): Promise<void> {
  const real: Real = { cluster, ledger: [], totals, tinyItemTimeout: false };
  await fc.asyncModelRun(() => ({ model: { requests: 0, reloadContext: false }, real }), drawn);
  const unsettled = await settle(real.ledger, options.settleMs);
  // Back to a normal item timeout (after the requests settled, so none is cut by this restart),
  // so the quiet check measures the cluster and not the mode.
  if (real.tinyItemTimeout) {
    for (const entry of real.ledger) if (entry.end === null) entry.crossedBalancerRestart = true;
    await cluster.restartBalancer(30_000);
    totals.balancerRestarts++;
  }
  if (unsettled.length > 0) {
    throw new InvariantError(
      `${unsettled.length} request(s) never ended (silence): ${unsettled.map((entry) => JSON.stringify(entry.spec)).join("; ")}`,
    );
  }
  for (const entry of real.ledger) {
    const end = entry.end;
    if (!end) continue;
    const cut = end.kind === "network-error" && entry.crossedBalancerRestart;
    if (end.kind === "silence" || (end.kind === "network-error" && !cut)) {
      throw new InvariantError(`a request ended in silence: ${JSON.stringify(entry.spec)} → ${end.detail}`);
    }
    if ((end.kind === "reply" || end.kind === "error") && end.terminals !== 1) {
      throw new InvariantError(
        `a request ended ${end.terminals} times: ${JSON.stringify(entry.spec)} → ${end.detail}`,
      );
    }
  }
  await expectQuiet(cluster, options.quietMs);
}

async function settle(ledger: LedgerEntry[], settleMs: number): Promise<LedgerEntry[]> {
  const deadline = Date.now() + settleMs;
  await Promise.race([Promise.all(ledger.map((entry) => entry.done)), sleep(settleMs)]);
  while (Date.now() < deadline && ledger.some((entry) => entry.end === null)) await sleep(50);
  return ledger.filter((entry) => entry.end === null);
}

/** Waits until every agent is registered, applied, idle and in agreement with its engine. */
async function expectQuiet(cluster: ClusterUnderTest, quietMs: number): Promise<void> {
  const deadline = Date.now() + quietMs;
  let last = "";
  for (;;) {
    const problem = await quietProblem(cluster).catch((error: unknown) => `unreachable: ${String(error)}`);
    if (problem === null) return;
    last = problem;
    if (Date.now() > deadline) throw new InvariantError(`the cluster did not go quiet: ${last}`);
    await sleep(250);
  }
}

async function quietProblem(cluster: ClusterUnderTest): Promise<string | null> {
  const { agents } = await cluster.agentsSnapshot();
  if (agents.length !== cluster.agentCount)
    return `${agents.length} of ${cluster.agentCount} agents registered`;
  for (const agent of agents) {
    if (agent.state_application_status !== "Applied")
      return `${agent.name} is ${agent.state_application_status} (a reload that did not finish)`;
    if (agent.slots_total !== cluster.options.slotsPerAgent)
      return `${agent.name} has ${agent.slots_total} slots`;
    if (agent.slots_processing !== 0)
      return `the balancer counts ${agent.slots_processing} busy slots on ${agent.name}`;
  }
  for (const [index, view] of (await cluster.agentViews()).entries()) {
    if (!view) return `agent ${index + 1} does not answer`;
    const { slots, status, report, errorLines } = view;
    // An agent that logged an error hid a failure the other invariants may not see, such as an
    // old model that could not be freed on a reload.
    if (errorLines.length > 0) return `agent ${index + 1} logged an error: ${errorLines[0]}`;
    if (!slots.engine) return `agent ${index + 1} has no engine`;
    if (slots.running.length > 0) return `agent ${index + 1} still runs ${slots.running.join(", ")}`;
    if (slots.engine.slotsProcessing !== 0)
      return `agent ${index + 1}'s engine holds ${slots.engine.slotsProcessing} sequences`;
    if (status.slots_processing !== 0)
      return `agent ${index + 1} reports ${status.slots_processing} busy slots`;
    if (status.slots_total !== slots.engine.slotsTotal)
      return `agent ${index + 1} reports ${status.slots_total} slots, its engine has ${slots.engine.slotsTotal}`;
    if (report.drain !== null) return `agent ${index + 1} still reports a drain`;
    if (report.running_request_ids.length > 0) return `agent ${index + 1} reports running requests`;
  }
  return null;
}
