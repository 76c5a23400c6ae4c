import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { AuthState, CredentialStore } from "./credential-store.js";

const AuthContext = createContext<CredentialStore | null>(null);

export function AuthProvider({ store, children }: { store: CredentialStore; children: ReactNode }) {
  return <AuthContext value={store}>{children}</AuthContext>;
}

export function useCredentialStore(): CredentialStore {
  const store = useContext(AuthContext);
  if (!store) throw new Error("useCredentialStore() outside <AuthProvider>");
  return store;
}

/** The credentials and whether each service asked for one; re-renders on every change. */
export function useAuth(): AuthState {
  const store = useCredentialStore();
  return useSyncExternalStore(store.subscribe, store.get);
}
