import { describe, expect, it, vi } from "vitest";
import { type CredentialStorage, createCredentialStore, storageKeys } from "./credential-store.js";

function memoryStorage(
  initial: Record<string, string> = {},
): CredentialStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe("createCredentialStore", () => {
  it("starts from what this tab kept, asking for nothing", () => {
    const store = createCredentialStore(memoryStorage({ [storageKeys.management]: "tok" }));
    expect(store.get().management).toEqual({ credential: "tok", required: false, version: 0 });
    expect(store.get().inference).toEqual({ credential: null, required: false, version: 0 });
  });

  it("keeps a sign-in in storage, clears `required` and bumps the version", () => {
    const storage = memoryStorage();
    const store = createCredentialStore(storage);
    const listener = vi.fn();
    store.subscribe(listener);
    store.markRequired("management");
    expect(store.get().management.required).toBe(true);
    store.signIn("management", "tok");
    expect(store.get().management).toEqual({ credential: "tok", required: false, version: 1 });
    expect(storage.data.get(storageKeys.management)).toBe("tok");
    store.signIn("management", "tok");
    expect(store.get().management.version).toBe(2);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it("marks `required` once, keeping the refused credential", () => {
    const store = createCredentialStore(memoryStorage({ [storageKeys.inference]: "old" }));
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.get();
    store.markRequired("inference");
    store.markRequired("inference");
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.get().inference).toEqual({ credential: "old", required: true, version: 0 });
    expect(store.get().management).toBe(before.management);
  });

  it("signs out of both, asking again where a credential was kept", () => {
    const storage = memoryStorage({ [storageKeys.management]: "tok", [storageKeys.inference]: "key" });
    const store = createCredentialStore(storage);
    store.signOut();
    expect(storage.data.size).toBe(0);
    expect(store.get().management).toEqual({ credential: null, required: true, version: 1 });
    expect(store.get().inference).toEqual({ credential: null, required: true, version: 1 });
  });

  it("works in memory when storage throws or is missing", () => {
    const throwing: CredentialStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    for (const storage of [throwing, null]) {
      const store = createCredentialStore(storage);
      store.signIn("management", "tok");
      expect(store.get().management.credential).toBe("tok");
      store.signOut();
      expect(store.get().management.credential).toBeNull();
    }
  });
});
