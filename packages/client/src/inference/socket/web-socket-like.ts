/**
 * The part of the WHATWG WebSocket the client uses. The browser's `WebSocket` and the `ws`
 * package's default export both fit (methods, so listener types are checked loosely).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open", listener: (event: unknown) => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export const WEB_SOCKET_OPEN = 1;

/** Text of a message event: a string for text frames, decoded bytes otherwise; undefined if unreadable. */
export function messageText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  if (Array.isArray(data) && data.every((part) => ArrayBuffer.isView(part))) {
    return data.map((part: ArrayBufferView) => new TextDecoder().decode(part)).join("");
  }
  return undefined;
}
