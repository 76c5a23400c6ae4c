import { parse as renderWithGo } from "@evertdespiegeleer/go-template";
import { describe, expect, it } from "vitest";
import type { TemplateValue } from "./go-values.js";
import { renderTemplateString } from "./render-template-string.js";

// Differential test: the same templates through Go's own text/template (Go 1.25 compiled to
// WebAssembly, shipped by @evertdespiegeleer/go-template) and through this renderer. That package
// has only Go's predefined functions, so the cases keep to them; Helm's functions are tested in
// helm-functions.test.ts against their documented behaviour. That build runs with
// missingkey=error, so a missing map key is tested in go-template.test.ts instead (Helm runs with
// missingkey=zero and blanks the "<no value>" it prints).
const data: TemplateValue = {
  name: "paddler",
  port: 8060,
  ratio: 0.75,
  big: 120000,
  enabled: true,
  disabled: false,
  empty: "",
  zero: 0,
  list: ["a", "b", "c"],
  emptyList: [],
  map: { z: 1, a: "x", m: true },
  nested: { inner: { value: "deep" }, nothing: null },
  pools: [
    { pool: "default", agents: 2 },
    { pool: "gpu", agents: 0 },
  ],
};

const cases: [string, string][] = [
  ["plain field", "Hello {{ .name }}!"],
  ["numbers as float64", "{{ .port }} {{ .ratio }} {{ .big }} {{ .zero }}"],
  ["nil value", "[{{ .nested.nothing }}]"],
  ["trim markers", "a  \n  {{- .name -}}  \n  b\n{{- /* comment */ -}}\n  c {{/* kept spaces */}} d"],
  ["dash without space is a number", "{{ -3 }} {{3}}"],
  ["if else-if else", "{{ if .disabled }}1{{ else if .empty }}2{{ else if .list }}3{{ else }}4{{ end }}"],
  [
    "truthiness",
    "{{ if .zero }}z{{ end }}{{ if .emptyList }}e{{ end }}{{ if .map }}m{{ end }}{{ if .nested.nothing }}n{{ end }}",
  ],
  ["with and else", "{{ with .nested.inner }}{{ .value }}{{ end }}{{ with .empty }}x{{ else }}none{{ end }}"],
  ["range over a list", "{{ range .list }}<{{ . }}>{{ end }}"],
  ["range index and value", "{{ range $i, $v := .list }}{{ $i }}={{ $v }};{{ end }}"],
  ["range over a map is sorted", "{{ range $k, $v := .map }}{{ $k }}:{{ $v }} {{ end }}"],
  ["range else", "{{ range .emptyList }}x{{ else }}empty{{ end }}"],
  ["range with $ and fields", "{{ range .pools }}{{ $.name }}/{{ .pool }}={{ .agents }} {{ end }}"],
  ["variables and assignment", '{{ $x := "a" }}{{ if .enabled }}{{ $x = "b" }}{{ end }}{{ $x }}'],
  [
    "variable scope ends with the block",
    "{{ $x := 1 }}{{ with .name }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}",
  ],
  [
    "and or not return values",
    "{{ and .name .port }} {{ or .empty .zero .name }} {{ not .list }} {{ and .empty .name }}",
  ],
  [
    "eq ne lt",
    '{{ eq .name "paddler" }} {{ eq .name "a" "paddler" }} {{ ne .port 8060.0 }} {{ lt .zero .port }} {{ ge .ratio 0.75 }}',
  ],
  [
    "len and index",
    '{{ len .list }} {{ len .map }} {{ len .name }} {{ index .list 1 }} {{ index .map "a" }} {{ index .pools 0 "pool" }}',
  ],
  ["printf verbs", '{{ printf "%s-%v-%q-%%" .name .port .name }} {{ printf "%v" .ratio }}'],
  ["pipelines", '{{ .name | printf "%s!" }} {{ .name | printf "%s:%v" "x" }}'],
  ["parentheses", '{{ printf "%v" (len .list) }} {{ if (and .enabled (not .disabled)) }}ok{{ end }}'],
  ["print", '{{ print .name .port .port "x" .enabled }}'],
  ["collections printed", "{{ .list }} {{ .map }}"],
  [
    "define and template",
    '{{ define "t" }}[{{ .pool }}]{{ end }}{{ range .pools }}{{ template "t" . }}{{ end }}',
  ],
  ["strings with escapes", '{{ "a\\"b\\nc" }} {{ `raw {{ }}` }}'],
];

describe("this renderer and Go's text/template agree", () => {
  it.each(cases)("%s", async (_title, template) => {
    const expected = await renderWithGo(template, data);
    expect(renderTemplateString(template, data)).toBe(expected);
  });

  const failing: [string, string][] = [
    ["field of nil", "{{ .nested.nothing.value }}"],
    ["field of a string", "{{ .name.value }}"],
    ["undefined variable", "{{ $nope }}"],
    ["template with nil data reading a field", '{{ define "t" }}{{ .pool }}{{ end }}{{ template "t" }}'],
    ["index out of range", "{{ index .list 5 }}"],
    ["argument to a non-function", "{{ .name | .port }}"],
  ];
  it.each(failing)("both refuse: %s", async (_title, template) => {
    await expect(renderWithGo(template, data)).rejects.toThrow();
    expect(() => renderTemplateString(template, data)).toThrow();
  });
});
