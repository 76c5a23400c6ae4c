import { describe, expect, it } from "vitest";
import { adminPanelOrigins } from "./admin-panel-origins.js";

describe("the admin panel's origins", () => {
  it("are the bound address and the name it was asked for", () => {
    expect(
      adminPanelOrigins({ bound: "127.0.0.1:8062", configuredHost: "localhost", configuredPort: 8062 }),
    ).toEqual(["http://127.0.0.1:8062", "http://localhost:8062"]);
    // Port 0: only the bound address is known.
    expect(
      adminPanelOrigins({ bound: "127.0.0.1:41234", configuredHost: "127.0.0.1", configuredPort: 0 }),
    ).toEqual(["http://127.0.0.1:41234"]);
  });

  it("add the loopback names for a panel bound to every interface (a browser never shows 0.0.0.0)", () => {
    expect(
      adminPanelOrigins({ bound: "0.0.0.0:8062", configuredHost: "0.0.0.0", configuredPort: 8062 }),
    ).toEqual(["http://0.0.0.0:8062", "http://localhost:8062", "http://127.0.0.1:8062", "http://[::1]:8062"]);
    expect(adminPanelOrigins({ bound: ":::8062", configuredHost: "::", configuredPort: 0 })).toContain(
      "http://localhost:8062",
    );
  });
});
