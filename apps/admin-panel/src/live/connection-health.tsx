import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";

export interface ConnectionHealthSnapshot {
  /** null until the first answer. */
  connected: boolean | null;
  /** When `connected` last changed (ms). */
  changedAt: number;
  /** When live data last arrived (ms), or null. */
  lastDataAt: number | null;
  /** Whether the stream dropped at least once since the page opened (to say "back"). */
  droppedBefore: boolean;
}

export interface ConnectionHealth {
  subscribe(listener: () => void): () => void;
  snapshot(): ConnectionHealthSnapshot;
  setConnected(connected: boolean): void;
  dataArrived(): void;
}

/** Whether the panel's live streams reach the balancer, for the stream-drop banner and stale data. */
export function createConnectionHealth(now: () => number = Date.now): ConnectionHealth {
  let state: ConnectionHealthSnapshot = {
    connected: null,
    changedAt: now(),
    lastDataAt: null,
    droppedBefore: false,
  };
  const listeners = new Set<() => void>();
  const set = (next: ConnectionHealthSnapshot) => {
    state = next;
    for (const listener of listeners) listener();
  };
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => state,
    setConnected: (connected) => {
      if (state.connected === connected) return;
      set({
        ...state,
        connected,
        changedAt: now(),
        droppedBefore: state.droppedBefore || (state.connected === true && !connected),
      });
    },
    dataArrived: () => {
      state = { ...state, lastDataAt: now() };
    },
  };
}

const ConnectionHealthContext = createContext<ConnectionHealth | null>(null);

export function ConnectionHealthProvider({
  value,
  children,
}: {
  value: ConnectionHealth;
  children: ReactNode;
}) {
  return <ConnectionHealthContext value={value}>{children}</ConnectionHealthContext>;
}

export function useConnectionHealthStore(): ConnectionHealth {
  const health = useContext(ConnectionHealthContext);
  if (!health) throw new Error("useConnectionHealthStore() outside <ConnectionHealthProvider>");
  return health;
}

export function useConnectionHealth(): ConnectionHealthSnapshot {
  const health = useConnectionHealthStore();
  return useSyncExternalStore(health.subscribe, health.snapshot);
}
