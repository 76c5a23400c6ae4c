import type { ModelPoolSummary, PoolPolicy } from "@paddler/client";
import { agentDesiredModelToUri, defaultBalancerDesiredState, modelPoolNameSchema } from "@paddler/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link } from "wouter";
import { usePanel } from "../config/panel-context.js";
import { usePageTitle } from "../live/use-page-title.js";
import {
  createPoolMutationOptions,
  DEFAULT_POOL,
  deletePoolMutationOptions,
  poolDesiredStateQueryOptions,
  poolsQueryOptions,
  setPoolPolicyMutationOptions,
} from "../queries/pools.js";
import { RoutingEditor } from "../routing/routing-editor.js";

const policies: { value: PoolPolicy; label: string }[] = [
  { value: "least_busy", label: "Least busy" },
  { value: "sticky", label: "Sticky sessions" },
  { value: "prefix_affinity", label: "Prefix affinity" },
];

const modelHref = (pool: string) =>
  pool === DEFAULT_POOL ? "/model" : `/model?pool=${encodeURIComponent(pool)}`;

/**
 * Every model pool: its model, policy, agents and buffer; create one, change its policy, delete it;
 * and the model-name routing (aliases, rules, fallback) over them.
 */
export function PoolsPage() {
  usePageTitle("Pools");
  const { client } = usePanel();
  const pools = useQuery(poolsQueryOptions(client));
  const list = pools.data?.pools ?? [];
  return (
    <>
      <h1>Pools</h1>
      <p className="lead">
        A pool is a model with the agents that serve it. OpenAI requests pick a pool by <code>model</code>,
        native requests by the <code>X-Paddler-Pool</code> header. The default pool is Paddler&apos;s one
        desired state.
      </p>
      {pools.isError ? (
        <p className="error" role="alert">
          Lost the pools stream: {pools.error.message}
        </p>
      ) : pools.isPending ? (
        <p className="muted">Connecting to the pools stream…</p>
      ) : (
        <table className="pools" aria-label="Pools">
          <thead>
            <tr>
              <th scope="col">Pool</th>
              <th scope="col">Model</th>
              <th scope="col">Policy</th>
              <th scope="col">Agents</th>
              <th scope="col">Slots busy</th>
              <th scope="col">Buffered</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((pool) => (
              <PoolRow key={pool.name} pool={pool} />
            ))}
          </tbody>
        </table>
      )}
      <CreatePoolForm existing={list.map((pool) => pool.name)} />
      {pools.isSuccess ? (
        <RoutingEditor pools={list.filter((pool) => pool.desired_state !== null).map((pool) => pool.name)} />
      ) : null}
    </>
  );
}

function PoolRow({ pool }: { pool: ModelPoolSummary }) {
  const { client } = usePanel();
  const setPolicy = useMutation(setPoolPolicyMutationOptions(client));
  const remove = useMutation(deletePoolMutationOptions(client));
  const [confirming, setConfirming] = useState(false);
  const policyId = useId();
  const model = pool.desired_state ? agentDesiredModelToUri(pool.desired_state.model) : null;
  return (
    <tr data-pool={pool.name}>
      <th scope="row">
        {pool.name}
        {pool.aliases.length > 0 ? <span className="muted"> (also {pool.aliases.join(", ")})</span> : null}
      </th>
      <td>
        {model === null ? (
          <span className="muted">not configured</span>
        ) : model === "" ? (
          <span className="muted">none</span>
        ) : (
          <code className="wrap">{model}</code>
        )}
      </td>
      <td>
        <label htmlFor={policyId} className="visually-hidden">
          Policy of {pool.name}
        </label>
        <select
          id={policyId}
          value={pool.policy}
          disabled={pool.desired_state === null || setPolicy.isPending}
          onChange={(event) =>
            setPolicy.mutate({ pool: pool.name, policy: event.target.value as PoolPolicy })
          }
        >
          {policies.map((policy) => (
            <option key={policy.value} value={policy.value}>
              {policy.label}
            </option>
          ))}
        </select>
        {setPolicy.isError ? <span className="error"> {setPolicy.error.message}</span> : null}
      </td>
      <td data-testid="pool-agents">{pool.agents}</td>
      <td>
        {pool.slots_processing} of {pool.slots_total}
      </td>
      <td data-testid="pool-buffered">{pool.buffered_requests}</td>
      <td>
        <div className="pool-actions">
          <Link href={modelHref(pool.name)}>Model</Link>
          {pool.name === DEFAULT_POOL ? null : confirming ? (
            <fieldset className="confirm">
              <legend className="visually-hidden">Confirm deleting {pool.name}</legend>
              <span>Delete pool {pool.name}? Requests for it will get 404.</span>{" "}
              <button
                type="button"
                className="danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate(pool.name, { onSuccess: () => setConfirming(false) })}
              >
                Yes, delete {pool.name}
              </button>{" "}
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </fieldset>
          ) : (
            <button
              type="button"
              onClick={() => {
                remove.reset();
                setConfirming(true);
              }}
            >
              Delete
            </button>
          )}
          {remove.isError ? (
            <p className="error" role="alert">
              Not deleted: {remove.error.message}
            </p>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** A new pool starts as a copy of another pool's settings (or empty); its model page edits it. */
function CreatePoolForm({ existing }: { existing: readonly string[] }) {
  const { client } = usePanel();
  const queryClient = useQueryClient();
  const create = useMutation(createPoolMutationOptions(client));
  const [name, setName] = useState("");
  const [copyFrom, setCopyFrom] = useState("");
  const [error, setError] = useState<string | null>(null);
  const source = useQuery({
    ...poolDesiredStateQueryOptions(client, copyFrom || DEFAULT_POOL),
    enabled: copyFrom !== "",
  });
  const nameId = useId();
  const copyId = useId();
  const errorId = useId();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = modelPoolNameSchema.safeParse(name.trim());
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Not a valid pool name");
      return;
    }
    if (existing.includes(parsed.data)) {
      setError(`A pool named ${parsed.data} exists already`);
      return;
    }
    setError(null);
    const state = copyFrom === "" ? defaultBalancerDesiredState : source.data;
    if (!state) {
      setError(`Still reading the settings of ${copyFrom}; try again`);
      return;
    }
    create.mutate(
      { pool: parsed.data, state },
      {
        onSuccess: () => {
          setName("");
          return queryClient.invalidateQueries({ queryKey: ["pools"] });
        },
      },
    );
  };

  return (
    <form className="card create-pool" onSubmit={onSubmit} noValidate aria-labelledby={`${nameId}-heading`}>
      <h2 id={`${nameId}-heading`}>Create a pool</h2>
      <div className="field">
        <label htmlFor={nameId}>Pool name</label>
        <input
          id={nameId}
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            setError(null);
            create.reset();
          }}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          placeholder="e.g. embeddings"
        />
        {error !== null ? (
          <p id={errorId} className="field-error">
            {error}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={copyId}>Start from</label>
        <select id={copyId} value={copyFrom} onChange={(event) => setCopyFrom(event.target.value)}>
          <option value="">No model yet</option>
          {existing.map((pool) => (
            <option key={pool} value={pool}>
              A copy of {pool}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create pool"}
        </button>
        <output aria-live="polite" data-testid="create-status">
          {create.isError ? (
            <span className="error">Not created: {create.error.message}</span>
          ) : create.isSuccess ? (
            <span className="ok">
              Created. Start agents with <code>--pool</code> to serve it.
            </span>
          ) : null}
        </output>
      </div>
    </form>
  );
}
