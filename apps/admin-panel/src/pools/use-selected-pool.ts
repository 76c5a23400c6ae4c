import { useLocation, useSearch } from "wouter";
import { DEFAULT_POOL } from "../queries/pools.js";

/**
 * The pool the panel shows, from `?pool=` in the address (so a link or a reload keeps it), and a
 * setter that keeps the current page. The default pool has no parameter, as before pools.
 */
export function useSelectedPool(): [string, (pool: string) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const pool = new URLSearchParams(search).get("pool") || DEFAULT_POOL;
  const select = (next: string) => {
    const params = new URLSearchParams(search);
    if (next === DEFAULT_POOL) params.delete("pool");
    else params.set("pool", next);
    const query = params.toString();
    navigate(query ? `${location}?${query}` : location);
  };
  return [pool, select];
}
