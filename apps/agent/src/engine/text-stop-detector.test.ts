import { describe, expect, it } from "vitest";
import { createTextStopDetector } from "./text-stop-detector.js";

describe("text stop detector", () => {
  it("holds back a partial stop string and cuts before the full one", () => {
    const detector = createTextStopDetector(["END"]);
    expect(detector.push("abc E")).toEqual({ text: "abc ", stopped: false });
    expect(detector.push("N")).toEqual({ text: "", stopped: false });
    expect(detector.push("Dzz")).toEqual({ text: "", stopped: true, matched: "END" });
  });

  it("releases held-back text that turned out not to be a stop string", () => {
    const detector = createTextStopDetector(["END"]);
    expect(detector.push("xE").text).toBe("x");
    expect(detector.push("x").text).toBe("Ex");
    expect(detector.push("EN").text).toBe("");
    expect(detector.flush().text).toBe("EN");
  });
});
