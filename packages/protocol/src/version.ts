/** The Paddler protocol version we speak; the balancer announces it to every agent. */
export const PADDLER_PROTOCOL_VERSION = "4.1.0";
