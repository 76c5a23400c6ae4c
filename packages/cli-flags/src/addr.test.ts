import { describe, expect, it } from "vitest";
import { formatAddr, parseAddr } from "./addr.js";

describe("parseAddr / formatAddr", () => {
  it.each([
    ["127.0.0.1:8061", { host: "127.0.0.1", port: 8061 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["balancer-1.internal.example:65535", { host: "balancer-1.internal.example", port: 65535 }],
    ["[::1]:8060", { host: "::1", port: 8060 }],
  ])("reads %s and writes it back", (text, addr) => {
    expect(parseAddr(text)).toEqual(addr);
    expect(formatAddr(addr)).toBe(text);
  });

  it.each([
    "",
    "localhost",
    ":8080",
    "host:",
    "host:65536",
    "host:-1",
    "a b:1",
    "::1:80",
    "host:80:80",
    "-host:80",
  ])("refuses %j", (text) => {
    expect(parseAddr(text)).toBeNull();
  });
});
