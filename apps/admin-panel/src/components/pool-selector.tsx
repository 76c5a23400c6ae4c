import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { usePanel } from "../config/panel-context.js";
import { useSelectedPool } from "../pools/use-selected-pool.js";
import { DEFAULT_POOL, poolsQueryOptions } from "../queries/pools.js";

/** Picks the pool the model and prompt pages work on; hidden while the fleet has only the default pool. */
export function PoolSelector() {
  const { client } = usePanel();
  const pools = useQuery(poolsQueryOptions(client));
  const [pool, select] = useSelectedPool();
  const id = useId();
  const names = pools.data?.pools.map((entry) => entry.name) ?? [DEFAULT_POOL];
  if (names.length <= 1 && pool === DEFAULT_POOL) return null;
  return (
    <div className="pool-selector">
      <label htmlFor={id}>Pool</label>
      <select id={id} value={pool} onChange={(event) => select(event.target.value)}>
        {(names.includes(pool) ? names : [...names, pool]).map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
