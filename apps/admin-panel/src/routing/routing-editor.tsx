import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { usePanel } from "../config/panel-context.js";
import { DEFAULT_POOL, fleetSettingsQueryOptions, saveRoutingMutationOptions } from "../queries/pools.js";
import {
  type AliasRow,
  describeProblem,
  draftProblems,
  moveRow,
  problemRow,
  type RoutingDraft,
  type RoutingProblem,
  type RuleRow,
  routingDraftOf,
  savingProblems,
} from "./routing-draft.js";

/** A pool select that still shows a pool the draft names after it went away. */
function PoolSelect({
  label,
  value,
  pools,
  onChange,
  none,
}: {
  label: string;
  value: string;
  pools: readonly string[];
  onChange(pool: string): void;
  none?: string;
}) {
  const options = value === "" || pools.includes(value) ? pools : [...pools, value];
  return (
    <select aria-label={label} value={value} onChange={(event) => onChange(event.target.value)}>
      {none === undefined ? null : <option value="">{none}</option>}
      {options.map((pool) => (
        <option key={pool} value={pool}>
          {pool}
        </option>
      ))}
    </select>
  );
}

/**
 * Model-name routing, edited as a whole and saved through `PUT /api/v1/fleet_settings`: aliases,
 * ordered rules (regular expressions over the whole name, first match wins) and the fallback pool.
 * The balancer's refusal (a bad regex, an alias that is a pool's name) shows against its row.
 */
export function RoutingEditor({ pools }: { pools: readonly string[] }) {
  const { client } = usePanel();
  const queryClient = useQueryClient();
  const settings = useQuery(fleetSettingsQueryOptions(client));
  const save = useMutation(saveRoutingMutationOptions(client, queryClient));
  const [edited, setEdited] = useState<RoutingDraft | null>(null);
  const [localProblems, setLocalProblems] = useState<RoutingProblem[]>([]);
  const headingId = useId();

  if (settings.isPending) return <p className="muted">Reading the routing settings…</p>;
  if (settings.isError)
    return (
      <p className="error" role="alert">
        Could not read the routing settings: {settings.error.message}
      </p>
    );

  const draft = edited ?? routingDraftOf(settings.data);
  const firstPool = pools[0] ?? DEFAULT_POOL;
  const edit = (next: RoutingDraft) => {
    setEdited(next);
    setLocalProblems([]);
    save.reset();
  };
  const setAlias = (index: number, row: Partial<AliasRow>) =>
    edit({
      ...draft,
      aliases: draft.aliases.map((alias, i) => (i === index ? { ...alias, ...row } : alias)),
    });
  const setRule = (index: number, row: Partial<RuleRow>) =>
    edit({ ...draft, rules: draft.rules.map((rule, i) => (i === index ? { ...rule, ...row } : rule)) });

  const problems = localProblems.length > 0 ? localProblems : save.isError ? savingProblems(save.error) : [];
  const invalid = (kind: "rule" | "alias", index: number) =>
    problems.some((problem) => {
      const row = problemRow(problem.field, draft);
      return row !== null && row.kind === kind && row.index === index;
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = draftProblems(draft);
    setLocalProblems(found);
    if (found.length > 0) return;
    save.mutate(draft, { onSuccess: () => setEdited(null) });
  };

  return (
    <form className="card routing" onSubmit={onSubmit} noValidate aria-labelledby={headingId}>
      <h2 id={headingId}>Routing</h2>
      <p className="muted">
        OpenAI and Anthropic requests pick a pool by <code>model</code>: a pool&apos;s own name, then an
        alias, then the first rule whose regular expression matches the whole name, then the fallback pool;
        otherwise they get 404 <code>model_not_found</code>.
      </p>

      <h3>Aliases</h3>
      {draft.aliases.length === 0 ? <p className="muted">No aliases.</p> : null}
      <table className="routing-table" aria-label="Aliases" hidden={draft.aliases.length === 0}>
        <thead>
          <tr>
            <th scope="col">Model name</th>
            <th scope="col">Pool</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.aliases.map((alias, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity while their name is edited
            <tr key={index} data-alias-row={index}>
              <td>
                <input
                  aria-label={`Alias ${index + 1} model name`}
                  value={alias.name}
                  aria-invalid={invalid("alias", index)}
                  placeholder="e.g. gpt-4o-mini"
                  onChange={(event) => setAlias(index, { name: event.target.value })}
                />
              </td>
              <td>
                <PoolSelect
                  label={`Alias ${index + 1} pool`}
                  value={alias.pool}
                  pools={pools}
                  onChange={(pool) => setAlias(index, { pool })}
                />
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => edit({ ...draft, aliases: draft.aliases.filter((_, i) => i !== index) })}
                >
                  Remove<span className="visually-hidden"> alias {index + 1}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => edit({ ...draft, aliases: [...draft.aliases, { name: "", pool: firstPool }] })}
      >
        Add alias
      </button>

      <h3>Rules</h3>
      {draft.rules.length === 0 ? <p className="muted">No rules.</p> : null}
      <table className="routing-table" aria-label="Routing rules" hidden={draft.rules.length === 0}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Pattern (whole name)</th>
            <th scope="col">Pool</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.rules.map((rule, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rule's place in the list is what it is
            <tr key={index} data-rule-row={index}>
              <td>{index + 1}</td>
              <td>
                <input
                  aria-label={`Rule ${index + 1} pattern`}
                  className="pattern"
                  value={rule.pattern}
                  aria-invalid={invalid("rule", index)}
                  placeholder="e.g. text-embedding-.*"
                  spellCheck={false}
                  onChange={(event) => setRule(index, { pattern: event.target.value })}
                />
              </td>
              <td>
                <PoolSelect
                  label={`Rule ${index + 1} pool`}
                  value={rule.pool}
                  pools={pools}
                  onChange={(pool) => setRule(index, { pool })}
                />
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  disabled={index === 0}
                  onClick={() => edit({ ...draft, rules: moveRow(draft.rules, index, -1) })}
                >
                  Up<span className="visually-hidden"> rule {index + 1}</span>
                </button>
                <button
                  type="button"
                  disabled={index === draft.rules.length - 1}
                  onClick={() => edit({ ...draft, rules: moveRow(draft.rules, index, 1) })}
                >
                  Down<span className="visually-hidden"> rule {index + 1}</span>
                </button>
                <button
                  type="button"
                  onClick={() => edit({ ...draft, rules: draft.rules.filter((_, i) => i !== index) })}
                >
                  Remove<span className="visually-hidden"> rule {index + 1}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => edit({ ...draft, rules: [...draft.rules, { pattern: "", pool: firstPool }] })}
      >
        Add rule
      </button>

      <div className="field">
        <h3>Fallback</h3>
        <PoolSelect
          label="Fallback pool"
          value={draft.fallback}
          pools={pools}
          none="None: unmatched models get 404"
          onChange={(fallback) => edit({ ...draft, fallback })}
        />
      </div>

      {problems.length > 0 || save.isError ? (
        <div className="error routing-problems" role="alert">
          <p>Not saved{save.isError && localProblems.length === 0 ? `: ${save.error.message}` : ""}</p>
          {problems.length > 0 ? (
            <ul>
              {problems.map((problem) => (
                <li key={`${problem.field}:${problem.reason}`}>{describeProblem(problem, draft)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending || edited === null}>
          {save.isPending ? "Saving…" : "Save routing"}
        </button>
        <button
          type="button"
          disabled={edited === null}
          onClick={() => {
            setEdited(null);
            setLocalProblems([]);
            save.reset();
          }}
        >
          Discard changes
        </button>
        <output aria-live="polite" data-testid="routing-status">
          {save.isSuccess && edited === null ? <span className="ok">Saved.</span> : null}
        </output>
      </div>
    </form>
  );
}
