import pg from "pg";

export interface PostgresChangeListenerOptions {
  connectionString: string;
  channel: string;
  reconnectDelayMs: number;
  onNotification(payload: string): void;
  /** The listener is (again) subscribed; changes made meanwhile were not heard and must be read. */
  onConnected(): void;
  onDisconnected(reason: string): void;
}

/**
 * One connection that LISTENs on the state channel and comes back by itself: a pooled connection
 * cannot LISTEN (notices go to the connection that asked). While it is away, no notice is heard, so
 * each reconnect is reported and the owner re-reads everything.
 */
export class PostgresChangeListener {
  readonly #options: PostgresChangeListenerOptions;
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #connected = false;
  #closed = false;

  constructor(options: PostgresChangeListenerOptions) {
    this.#options = options;
    void this.#connect();
  }

  get connected(): boolean {
    return this.#connected;
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
    this.#client = client;
    let lost = false;
    const onLost = (reason: string) => {
      if (lost) return;
      lost = true;
      const wasConnected = this.#connected;
      this.#connected = false;
      this.#client = null;
      client.removeAllListeners("notification");
      void client.end().catch(() => undefined);
      if (this.#closed) return;
      if (wasConnected) this.#options.onDisconnected(reason);
      this.#timer = setTimeout(() => void this.#connect(), this.#options.reconnectDelayMs);
      this.#timer.unref();
    };
    client.on("error", (error) => onLost(error.message));
    client.on("end", () => onLost("the connection to the state database ended"));
    client.on("notification", (message) => {
      if (message.channel === this.#options.channel && message.payload)
        this.#options.onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.#options.channel)}`);
    } catch (error) {
      // Reported on every failed attempt: the owner's health ignores repeats.
      if (!this.#closed) this.#options.onDisconnected((error as Error).message);
      onLost((error as Error).message);
      return;
    }
    if (lost || this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#connected = true;
    this.#options.onConnected();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    this.#connected = false;
    await client?.end().catch(() => undefined);
  }
}
