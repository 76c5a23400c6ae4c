/** The two services the panel may need a credential for. */
export type Service = "management" | "inference";

export interface ServiceAuth {
  /** The token or key the panel sends, or `null` to send none. */
  credential: string | null;
  /** A 401 came back for the current credential: the panel asks for one. */
  required: boolean;
  /** Bumped on every sign-in and sign-out, so re-entering the same credential still reconnects. */
  version: number;
}

export type AuthState = Readonly<Record<Service, Readonly<ServiceAuth>>>;

/** The part of `Storage` the store uses (sessionStorage in the browser). */
export type CredentialStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface CredentialStore {
  get(): AuthState;
  subscribe(listener: () => void): () => void;
  /** Keeps the credential (in storage too) and clears `required`; the panel retries with it. */
  signIn(service: Service, credential: string): void;
  /** Forgets both credentials; a service that had one is marked `required` again. */
  signOut(): void;
  /** Records that the service answered 401 to the current credential. */
  markRequired(service: Service): void;
}

export const storageKeys: Record<Service, string> = {
  management: "paddler-admin-panel.management-token",
  inference: "paddler-admin-panel.inference-api-key",
};

/**
 * The credentials the panel sends, kept in sessionStorage: they stay for this browser tab (a
 * reload keeps them) and go when the tab closes or the user signs out. Storage that throws
 * (disabled, private mode quotas) leaves them in memory only.
 */
export function createCredentialStore(storage: CredentialStorage | null): CredentialStore {
  const read = (service: Service): string | null => {
    try {
      const value = storage?.getItem(storageKeys[service]) ?? null;
      return value === "" ? null : value;
    } catch {
      return null;
    }
  };
  const write = (service: Service, value: string | null) => {
    try {
      if (value === null) storage?.removeItem(storageKeys[service]);
      else storage?.setItem(storageKeys[service], value);
    } catch {
      // Kept in memory for this page only.
    }
  };

  let state: AuthState = {
    management: { credential: read("management"), required: false, version: 0 },
    inference: { credential: read("inference"), required: false, version: 0 },
  };
  const listeners = new Set<() => void>();
  const update = (service: Service, patch: Partial<ServiceAuth>) => {
    state = { ...state, [service]: { ...state[service], ...patch } };
  };
  const emit = () => {
    for (const listener of [...listeners]) listener();
  };

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(service, credential) {
      write(service, credential);
      update(service, { credential, required: false, version: state[service].version + 1 });
      emit();
    },
    signOut() {
      for (const service of ["management", "inference"] as const) {
        if (state[service].credential === null) continue;
        write(service, null);
        update(service, { credential: null, required: true, version: state[service].version + 1 });
      }
      emit();
    },
    markRequired(service) {
      if (state[service].required) return;
      update(service, { required: true });
      emit();
    },
  };
}

/** sessionStorage when the page may use it; `null` otherwise (reading it can throw). */
export function sessionStorageOrNull(): CredentialStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}
