import { describe, expect, it } from "vitest";
import { helmFunctions } from "../helm/helm-functions.js";
import { builtinFunctions } from "./builtin-functions.js";
import { renderTemplateString } from "./render-template-string.js";
import { TemplateExecutionError, TemplateSyntaxError } from "./template-errors.js";

const helm = { ...builtinFunctions, ...helmFunctions };
const render = (template: string, data: Parameters<typeof renderTemplateString>[1] = {}) =>
  renderTemplateString(template, data, helm);

describe("the Helm functions the chart uses", () => {
  it("include renders a define with the given dot, so its output can be piped", () => {
    expect(
      render('{{ define "l" }}a: {{ .x }}\nb: 2{{ end }}k:{{ include "l" . | nindent 2 }}', { x: 1 }),
    ).toBe("k:\n  a: 1\n  b: 2");
  });

  it("toYaml writes sorted keys without the final newline; nindent and indent pad every line", () => {
    expect(render("{{ toYaml . }}", { b: [1, "x"], a: { "nvidia.com/gpu": 1 } })).toBe(
      "a:\n  nvidia.com/gpu: 1\nb:\n  - 1\n  - x",
    );
    expect(render("{{ .v | toYaml | indent 4 }}", { v: { cpu: "2", memory: "8Gi" } })).toBe(
      '    cpu: "2"\n    memory: 8Gi',
    );
  });

  it("default takes the fallback for empty values (nil, '', 0, false, empty collections) only", () => {
    expect(
      render(
        '{{ default "d" .missing }} {{ default "d" "" }} {{ default "d" 0 }} {{ default "d" "v" }} {{ default "d" .l }}',
        { l: [] },
      ),
    ).toBe("d d d v d");
  });

  it("quote writes Go's quoted string of any value", () => {
    expect(render("{{ quote .s }} {{ .n | quote }} {{ quote .b }}", { s: 'a"b\\', n: 120000, b: true })).toBe(
      '"a\\"b\\\\" "120000" "true"',
    );
  });

  it("required fails with its message on a missing or empty value", () => {
    expect(() => render('{{ required "url is required" .url }}', { url: "" })).toThrow(/url is required/);
    expect(() => render('{{ required "url is required" .url }}')).toThrow(TemplateExecutionError);
    expect(render('{{ required "m" .url }}', { url: "postgres://x" })).toBe("postgres://x");
  });

  it("trunc and trimSuffix, as the fullname helper uses them", () => {
    expect(
      render('{{ printf "%s-%s" .a .b | trunc 63 | trimSuffix "-" }}', { a: "r".repeat(62), b: "paddler" }),
    ).toBe("r".repeat(62));
    expect(render('{{ trunc -3 "abcdef" }}')).toBe("def");
  });

  it("a missing value prints Go's <no value> (Helm blanks it), a field of it fails", () => {
    expect(render("[{{ .a }}]")).toBe("[<no value>]");
    expect(() => render("{{ .a.b }}")).toThrow(/nil pointer evaluating interface \{\}\.b/);
  });
});

describe("anything outside the documented subset is refused, not guessed", () => {
  it.each([
    ["an unknown function", '{{ tpl "x" . }}', /function "tpl" not defined/],
    ["lookup", '{{ lookup "v1" "Secret" "ns" "name" }}', /function "lookup" not defined/],
    ["block", '{{ block "x" . }}{{ end }}', /"block" is not supported/],
    ["break", "{{ range .l }}{{ break }}{{ end }}", /"break" is not supported/],
    ["else with", "{{ with .a }}{{ else with .b }}{{ end }}", /"else with" is not supported/],
    ["a character constant", "{{ 'a' }}", /character constants/],
    ["a method call on a function result", "{{ (index .l 0).x }}", /parenthesized value/],
    ["%d of a float64 value", '{{ printf "%d" 3 }}', /verb %d is not supported/],
    ["an unclosed action", "{{ .a ", /unclosed action/],
    ["an if without end", "{{ if .a }}x", /unexpected EOF/],
  ])("%s", (_title, template, message) => {
    expect(() => render(template, { l: [1] })).toThrow(message);
  });

  it("a syntax error names the template and the line", () => {
    try {
      render("a\nb\n{{ if }}");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect((error as Error).message).toMatch(/^template: tpl:3: /);
    }
  });
});
