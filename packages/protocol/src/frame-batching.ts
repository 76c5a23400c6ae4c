/**
 * Frame batching, an extension to Paddler's agent protocol. An agent offers it with this header
 * (value "1") on its WebSocket upgrade; a balancer that accepts echoes the header on the 101. From
 * then on the agent may send several messages in one text frame, one JSON message per line (JSON
 * never holds a raw newline, so a line break can only separate messages). Paddler's own
 * balancer ignores the header and answers without it, so the agent keeps one message per frame.
 */
export const FRAME_BATCHING_HEADER = "x-paddler-frame-batching";
