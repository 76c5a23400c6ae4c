import type { Socket } from "node:net";
import WebSocket from "ws";

/**
 * What an agent sends on one socket. Without frame batching each message is its own frame, and
 * the frames of one event-loop turn leave in one socket write (cork); with it (negotiated, see
 * FRAME_BATCHING_HEADER) the messages of one turn leave as one frame, a line each.
 */
export class FrameOutbox {
  readonly #socket: WebSocket;
  #batching = false;
  #lines: string[] = [];
  #scheduled = false;
  #corked: Socket | null = null;

  constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  enableBatching(): void {
    this.#batching = true;
  }

  send(text: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    if (this.#batching) {
      this.#lines.push(text);
      return;
    }
    if (!this.#corked) {
      // ws keeps its TCP socket in `_socket`.
      const tcp = (this.#socket as unknown as { _socket?: Socket })._socket;
      if (tcp && !tcp.destroyed) {
        tcp.cork();
        this.#corked = tcp;
      }
    }
    this.#socket.send(text);
  }

  /** Sends what waits now (also before a close, so nothing queued is lost). */
  flush(): void {
    if (!this.#scheduled) return;
    this.#scheduled = false;
    this.#corked?.uncork();
    this.#corked = null;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n");
    this.#lines = [];
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(text);
  }
}
