import { lexTemplate } from "./lex-template.js";
import { TemplateSyntaxError } from "./template-errors.js";
import { type ActionToken, tokenizeAction } from "./tokenize-action.js";

export type Operand =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "field"; path: string[] }
  | { kind: "variable"; name: string; path: string[] }
  | { kind: "function"; name: string }
  | { kind: "pipeline"; pipeline: Pipeline };

export interface Pipeline {
  declare: { names: string[]; assign: boolean } | null;
  commands: Operand[][];
}

export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "output"; pipeline: Pipeline; line: number }
  | { kind: "if"; branches: { pipeline: Pipeline; body: TemplateNode[] }[]; otherwise: TemplateNode[] }
  | { kind: "with"; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[] }
  | { kind: "range"; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[] }
  | { kind: "template"; name: string; pipeline: Pipeline | null; line: number };

export interface ParsedTemplate {
  body: TemplateNode[];
  /** `{{ define "name" }}` blocks, hoisted as Go does (they share one namespace per template set). */
  defines: Map<string, TemplateNode[]>;
}

/** Keywords of Go's template language this renderer leaves out: a chart using them is refused. */
const unsupportedKeywords = new Set(["block", "break", "continue", "else with"]);

interface ParseContext {
  templateName: string;
  functions: ReadonlySet<string>;
  defines: Map<string, TemplateNode[]>;
}

function parsePipeline(tokens: ActionToken[], context: ParseContext, line: number): Pipeline {
  const fail = (detail: string): never => {
    throw new TemplateSyntaxError(context.templateName, line, detail);
  };
  let rest = tokens;
  let declare: Pipeline["declare"] = null;
  const first = rest[0];
  if (first?.kind === "variable" && first.path.length === 0) {
    const second = rest[1];
    const third = rest[2];
    const fourth = rest[3];
    if (second?.kind === "punct" && (second.value === ":=" || second.value === "=")) {
      declare = { names: [first.name], assign: second.value === "=" };
      rest = rest.slice(2);
    } else if (
      second?.kind === "punct" &&
      second.value === "," &&
      third?.kind === "variable" &&
      fourth?.kind === "punct" &&
      fourth.value === ":="
    ) {
      declare = { names: [first.name, third.name], assign: false };
      rest = rest.slice(4);
    }
  }

  let index = 0;
  const parseCommands = (closing: ")" | null): Operand[][] => {
    const commands: Operand[][] = [[]];
    while (index < rest.length) {
      const token = rest[index] as ActionToken;
      index += 1;
      const current = commands[commands.length - 1] as Operand[];
      if (token.kind === "punct") {
        if (token.value === "|") {
          if (current.length === 0) fail("missing command before |");
          commands.push([]);
        } else if (token.value === "(") {
          const nested = parseCommands(")");
          current.push({ kind: "pipeline", pipeline: { declare: null, commands: nested } });
        } else if (token.value === ")") {
          if (closing !== ")") fail("unexpected )");
          if (current.length === 0) fail("empty command");
          return commands;
        } else {
          fail(`unexpected "${token.value}"`);
        }
      } else if (token.kind === "identifier") {
        if (!context.functions.has(token.name))
          fail(
            `function "${token.name}" not defined (this renderer supports: ${[...context.functions].sort().join(", ")})`,
          );
        if (current.length > 0) fail(`function "${token.name}" must start a command or be parenthesized`);
        current.push({ kind: "function", name: token.name });
      } else if (token.kind === "field") {
        current.push({ kind: "field", path: token.path });
      } else if (token.kind === "variable") {
        current.push({ kind: "variable", name: token.name, path: token.path });
      } else if (token.kind === "nil") {
        current.push({ kind: "literal", value: null });
      } else {
        current.push({ kind: "literal", value: token.value });
      }
    }
    if (closing === ")") fail("unclosed left paren");
    if ((commands[commands.length - 1] as Operand[]).length === 0) fail("missing command");
    return commands;
  };
  const commands = parseCommands(null);
  return { declare, commands };
}

interface Cursor {
  index: number;
}

type Terminator = { keyword: "end" | "else"; tokens: ActionToken[]; line: number } | null;

function parseList(
  pieces: ReturnType<typeof lexTemplate>,
  cursor: Cursor,
  context: ParseContext,
  topLevel: boolean,
): { nodes: TemplateNode[]; terminator: Terminator } {
  const nodes: TemplateNode[] = [];
  while (cursor.index < pieces.length) {
    const piece = pieces[cursor.index];
    cursor.index += 1;
    if (piece === undefined) break;
    if (piece.kind === "text") {
      nodes.push({ kind: "text", text: piece.text });
      continue;
    }
    const { line } = piece;
    const fail = (detail: string): never => {
      throw new TemplateSyntaxError(context.templateName, line, detail);
    };
    const tokens = tokenizeAction(piece.body, context.templateName, line);
    const head = tokens[0];
    if (head === undefined) fail("missing value for command");
    const keyword = head?.kind === "identifier" ? head.name : null;
    const second = tokens[1];
    const keywordPair = keyword === "else" && second?.kind === "identifier" ? `else ${second.name}` : keyword;
    if (keywordPair !== null && unsupportedKeywords.has(keywordPair)) {
      fail(`"${keywordPair}" is not supported by this renderer`);
    }
    if (keyword === "end" || keyword === "else") {
      if (topLevel) fail(`unexpected {{${keyword}}}`);
      return { nodes, terminator: { keyword, tokens: tokens.slice(1), line } };
    }
    if (keyword === "if" || keyword === "with" || keyword === "range") {
      const pipeline = parsePipeline(tokens.slice(1), context, line);
      if (pipeline.declare !== null && keyword !== "range")
        fail(`variables in {{${keyword}}} are not supported`);
      if (pipeline.declare?.assign) fail("range needs :=");
      const body = parseList(pieces, cursor, context, false);
      if (body.terminator === null) fail(`unexpected EOF in {{${keyword}}}`);
      if (keyword === "if") {
        const branches = [{ pipeline, body: body.nodes }];
        let otherwise: TemplateNode[] = [];
        let terminator = body.terminator;
        while (terminator?.keyword === "else") {
          const elseHead = terminator.tokens[0];
          if (elseHead?.kind === "identifier" && elseHead.name === "if") {
            const elsePipeline = parsePipeline(terminator.tokens.slice(1), context, terminator.line);
            const branch = parseList(pieces, cursor, context, false);
            branches.push({ pipeline: elsePipeline, body: branch.nodes });
            terminator = branch.terminator;
          } else {
            if (terminator.tokens.length > 0) fail("unexpected tokens after else");
            const rest = parseList(pieces, cursor, context, false);
            otherwise = rest.nodes;
            if (rest.terminator?.keyword !== "end") fail("expected {{end}} after {{else}}");
            terminator = rest.terminator;
          }
        }
        if (terminator === null) fail("unexpected EOF in {{if}}");
        nodes.push({ kind: "if", branches, otherwise });
      } else {
        let otherwise: TemplateNode[] = [];
        if (body.terminator?.keyword === "else") {
          if (body.terminator.tokens.length > 0) fail(`"else ..." after {{${keyword}}} is not supported`);
          const rest = parseList(pieces, cursor, context, false);
          if (rest.terminator?.keyword !== "end") fail(`expected {{end}} in {{${keyword}}}`);
          otherwise = rest.nodes;
        }
        nodes.push({ kind: keyword, pipeline, body: body.nodes, otherwise });
      }
      continue;
    }
    if (keyword === "define") {
      if (!topLevel) fail("{{define}} must be at the top level");
      const name = tokens[1];
      if (name?.kind !== "string" || tokens.length !== 2) fail("{{define}} takes one quoted name");
      const body = parseList(pieces, cursor, context, false);
      if (body.terminator?.keyword !== "end") fail("{{define}} needs {{end}}");
      context.defines.set((name as { value: string }).value, body.nodes);
      continue;
    }
    if (keyword === "template") {
      const name = tokens[1];
      if (name?.kind !== "string") fail("{{template}} takes a quoted name");
      const rest = tokens.slice(2);
      nodes.push({
        kind: "template",
        name: (name as { value: string }).value,
        pipeline: rest.length === 0 ? null : parsePipeline(rest, context, line),
        line,
      });
      continue;
    }
    nodes.push({ kind: "output", pipeline: parsePipeline(tokens, context, line), line });
  }
  return { nodes, terminator: null };
}

/** Parses one template file; `functions` are the names it may call, anything else is refused. */
export function parseTemplate(
  source: string,
  options: { templateName: string; functions: ReadonlySet<string> },
): ParsedTemplate {
  const defines = new Map<string, TemplateNode[]>();
  const context: ParseContext = { templateName: options.templateName, functions: options.functions, defines };
  const { nodes } = parseList(lexTemplate(source, options.templateName), { index: 0 }, context, true);
  return { body: nodes, defines };
}
