import type { Socket } from "node:net";

const corked = new WeakSet<Socket>();

/**
 * Corks a `ws` WebSocket's TCP socket until the end of this event-loop turn, so the frames sent
 * meanwhile (tokens that arrived together) leave in one write instead of one syscall each.
 */
export function corkForThisTurn(ws: unknown): void {
  // ws keeps its net.Socket in `_socket`; without one (closed, or another WebSocket) nothing is corked.
  const socket = (ws as { _socket?: Socket } | null | undefined)?._socket;
  if (!socket || socket.destroyed || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  setImmediate(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
