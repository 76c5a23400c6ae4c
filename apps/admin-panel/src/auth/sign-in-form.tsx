import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useAuth, useCredentialStore } from "./auth-context.js";
import type { AccessResult } from "./check-access.js";
import type { Service } from "./credential-store.js";

const copy: Record<
  Service,
  { title: string; label: string; why: ReactNode; refused: string; storedRefused: string }
> = {
  management: {
    title: "Management token required",
    label: "Management token",
    why: (
      <>
        This balancer protects its management service (<code>--management-token</code>). Enter the token to
        see and change the fleet.
      </>
    ),
    refused: "The balancer refused this token. Check it and try again.",
    storedRefused: "The balancer no longer accepts the token this tab kept. Enter it again.",
  },
  inference: {
    title: "Inference API key required",
    label: "Inference API key",
    why: (
      <>
        This balancer protects its inference service (<code>--inference-api-key</code>). Enter a key to chat
        with the fleet.
      </>
    ),
    refused: "The balancer refused this key. Check it and try again.",
    storedRefused: "The balancer no longer accepts the key this tab kept. Enter it again.",
  },
};

export interface SignInFormProps {
  service: Service;
  /** Checks a credential against the balancer before it is kept. */
  check: (credential: string, signal: AbortSignal) => Promise<AccessResult>;
  headingLevel?: 1 | 2;
}

/**
 * Asks for the management token or an inference API key, checks it with the balancer, and
 * keeps it for this browser tab. Focuses its field when it appears.
 */
export function SignInForm({ service, check, headingLevel = 2 }: SignInFormProps) {
  const store = useCredentialStore();
  const stored = useAuth()[service];
  const text = copy[service];
  const ids = { heading: useId(), input: useId(), error: useId(), note: useId() };
  const inputRef = useRef<HTMLInputElement>(null);
  const pending = useRef<AbortController | null>(null);
  const [value, setValue] = useState("");
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(stored.credential !== null ? text.storedRefused : null);

  useEffect(() => {
    inputRef.current?.focus();
    return () => pending.current?.abort();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const credential = value.trim();
    if (checking) return;
    if (credential === "") {
      setError(`Enter the ${text.label.toLowerCase()}.`);
      inputRef.current?.focus();
      return;
    }
    const controller = new AbortController();
    pending.current = controller;
    setChecking(true);
    setError(null);
    try {
      const result = await check(credential, controller.signal);
      if (controller.signal.aborted) return;
      if (result === "ok") {
        store.signIn(service, credential);
        return;
      }
      setError(text.refused);
    } catch (cause) {
      if (controller.signal.aborted) return;
      setError(`Could not reach the balancer: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    setChecking(false);
    // Back to the field, its content selected, so the next attempt is typed straight away.
    requestAnimationFrame(() => inputRef.current?.select());
  };

  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <section className="sign-in" aria-labelledby={ids.heading} data-testid={`sign-in-${service}`}>
      <Heading id={ids.heading}>{text.title}</Heading>
      <p>{text.why}</p>
      <form onSubmit={submit} noValidate>
        <div className={`field${error ? " field-invalid" : ""}`}>
          <label htmlFor={ids.input}>{text.label}</label>
          <input
            ref={inputRef}
            id={ids.input}
            name={service === "management" ? "management_token" : "inference_api_key"}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${ids.error} ${ids.note}` : ids.note}
            onChange={(event) => setValue(event.target.value)}
          />
          <span id={ids.note} className="small muted">
            Kept for this browser tab (sessionStorage) until you sign out or close the tab.
          </span>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={checking}>
            {checking ? "Checking…" : "Sign in"}
          </button>
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        </div>
      </form>
    </section>
  );
}
