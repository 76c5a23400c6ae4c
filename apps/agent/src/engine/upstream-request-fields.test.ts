import { describe, expect, it } from "vitest";
import { effectiveSampling } from "./upstream-request-fields.js";

describe("effectiveSampling (the fields sent to llama-server)", () => {
  it("passes typical_p and ignore_eos through when the request asks for them", () => {
    const sampling = effectiveSampling(null, { typical_p: 0.5, ignore_eos: true });
    expect(sampling).toMatchObject({ typical_p: 0.5, ignore_eos: true });
  });

  it("leaves them to llama-server's defaults otherwise", () => {
    const sampling = effectiveSampling(null, undefined);
    expect(sampling).not.toHaveProperty("typical_p");
    expect(sampling).not.toHaveProperty("ignore_eos");
  });
});
