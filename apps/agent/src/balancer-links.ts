import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Logger } from "@paddler/logger";

export interface BalancerAddr {
  host: string;
  port: number;
}

/** One live connection to one balancer address; what `BalancerLinks` opens and closes. */
export interface BalancerLink {
  deregister(): void;
  close(): Promise<void>;
}

export interface BalancerLinksOptions {
  /** Every `--management-addr`; a name may resolve to several balancers. */
  addrs: readonly BalancerAddr[];
  /** Opens the link to one resolved `ip:port` (also its key). */
  open(key: string, addr: BalancerAddr): BalancerLink;
  logger: Logger;
  /** How often names are resolved again, so balancers that come and go behind one name are followed. */
  resolveIntervalMs?: number;
  resolveAll?: (host: string) => Promise<string[]>;
}

/** IPv4 first: a name such as `localhost` also resolves to ::1, which would count one balancer twice. */
async function resolveAllAddresses(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true });
  const v4 = found.filter((entry) => entry.family === 4).map((entry) => entry.address);
  return v4.length > 0 ? v4 : found.map((entry) => entry.address);
}

/**
 * The agent serves every balancer it is given: one link per resolved address, keyed `ip:port`.
 * Names are resolved again every few seconds; a new address gets a link, a vanished one loses it.
 * A failed lookup keeps the links there are.
 */
export class BalancerLinks {
  readonly #options: BalancerLinksOptions;
  readonly #links = new Map<string, BalancerLink>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;
  #resolving: Promise<void> = Promise.resolve();

  constructor(options: BalancerLinksOptions) {
    this.#options = options;
    this.#resolving = this.#resolve();
    this.#timer = setInterval(() => {
      this.#resolving = this.#resolving.then(() => this.#resolve());
    }, options.resolveIntervalMs ?? 10_000);
    this.#timer.unref();
  }

  /** Resolves once the first lookup has run (links may still be connecting). */
  ready(): Promise<void> {
    return this.#resolving;
  }

  get keys(): string[] {
    return [...this.#links.keys()];
  }

  async #resolve(): Promise<void> {
    const resolveAll = this.#options.resolveAll ?? resolveAllAddresses;
    const wanted = new Map<string, BalancerAddr>();
    let complete = true;
    for (const addr of this.#options.addrs) {
      if (isIP(addr.host) !== 0) {
        wanted.set(`${addr.host}:${addr.port}`, addr);
        continue;
      }
      try {
        for (const ip of await resolveAll(addr.host))
          wanted.set(`${ip}:${addr.port}`, { host: ip, port: addr.port });
      } catch (error) {
        complete = false;
        this.#options.logger.warn("cannot resolve the balancer address; trying again", {
          host: addr.host,
          reason: (error as Error).message,
        });
      }
    }
    if (this.#closed) return;
    for (const [key, addr] of wanted) {
      if (this.#links.has(key)) continue;
      this.#options.logger.info("serving a balancer", { balancer: key });
      this.#links.set(key, this.#options.open(key, addr));
    }
    // Only a complete lookup may drop links: a DNS hiccup must not cut balancers off.
    if (!complete) return;
    for (const [key, link] of [...this.#links]) {
      if (wanted.has(key)) continue;
      this.#options.logger.info("a balancer address went away; closing its link", { balancer: key });
      this.#links.delete(key);
      void link.close();
    }
  }

  deregister(): void {
    for (const link of this.#links.values()) link.deregister();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#resolving.catch(() => undefined);
    await Promise.all([...this.#links.values()].map((link) => link.close()));
    this.#links.clear();
  }
}
