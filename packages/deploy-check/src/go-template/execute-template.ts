import { formatValue, isMap, isTrue, type TemplateValue } from "./go-values.js";
import type { Operand, Pipeline, TemplateNode } from "./parse-template.js";
import { TemplateExecutionError } from "./template-errors.js";

export interface TemplateRuntime {
  /** Renders a named template (a `define`) with the given dot, as Helm's `include` does. */
  include(name: string, data: TemplateValue): string;
}

export type TemplateFunction = (args: TemplateValue[], runtime: TemplateRuntime) => TemplateValue;

interface Scope {
  variables: Map<string, TemplateValue>;
}

interface ExecutionContext {
  templateName: string;
  templates: ReadonlyMap<string, TemplateNode[]>;
  functions: Readonly<Record<string, TemplateFunction>>;
  depth: number;
}

/** Nested includes deeper than this are a loop (Go's own limit is 100000; charts stay far below). */
const maxDepth = 100;

class Executor {
  private readonly scopes: Scope[];

  constructor(
    private readonly context: ExecutionContext,
    root: TemplateValue,
  ) {
    this.scopes = [{ variables: new Map([["$", root]]) }];
  }

  private fail(detail: string, cause?: unknown): never {
    throw new TemplateExecutionError(this.context.templateName, detail, { cause });
  }

  private lookupVariable(name: string): TemplateValue {
    for (let index = this.scopes.length - 1; index >= 0; index -= 1) {
      const variables = this.scopes[index]?.variables;
      if (variables?.has(name)) return variables.get(name);
    }
    return this.fail(`undefined variable: ${name}`);
  }

  private assignVariable(name: string, value: TemplateValue): void {
    for (let index = this.scopes.length - 1; index >= 0; index -= 1) {
      const variables = this.scopes[index]?.variables;
      if (variables?.has(name)) {
        variables.set(name, value);
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private walkPath(start: TemplateValue, path: string[], startName: string): TemplateValue {
    let value = start;
    let described = startName;
    for (const key of path) {
      if (value === null || value === undefined) this.fail(`nil pointer evaluating interface {}.${key}`);
      if (!isMap(value))
        this.fail(
          `can't evaluate field ${key} in type ${Array.isArray(value) ? "[]interface {}" : typeof value} (${described})`,
        );
      value = value[key];
      described = `${described}.${key}`;
    }
    return value;
  }

  private evaluateOperand(operand: Operand, dot: TemplateValue): TemplateValue {
    switch (operand.kind) {
      case "literal":
        return operand.value;
      case "field":
        return this.walkPath(dot, operand.path, ".");
      case "variable":
        return this.walkPath(this.lookupVariable(operand.name), operand.path, operand.name);
      case "pipeline":
        return this.evaluatePipeline(operand.pipeline, dot);
      case "function":
        return this.callFunction(operand.name, [], dot, undefined);
    }
  }

  private callFunction(
    name: string,
    argOperands: Operand[],
    dot: TemplateValue,
    piped: TemplateValue | undefined,
  ) {
    // and/or stop at the first deciding argument and return it, as Go's do (since 1.18).
    if (name === "and" || name === "or") {
      const operands: (() => TemplateValue)[] = argOperands.map(
        (operand) => () => this.evaluateOperand(operand, dot),
      );
      if (piped !== undefined) operands.push(() => piped);
      if (operands.length === 0) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let last: TemplateValue = null;
      for (const operand of operands) {
        last = operand();
        if (name === "and" ? !isTrue(last) : isTrue(last)) return last;
      }
      return last;
    }
    const implementation = this.context.functions[name];
    if (implementation === undefined) this.fail(`function "${name}" not defined`);
    const args = argOperands.map((operand) => this.evaluateOperand(operand, dot));
    if (piped !== undefined) args.push(piped);
    try {
      return implementation(args, {
        include: (templateName, data) => this.renderNamed(templateName, data),
      });
    } catch (error) {
      if (error instanceof TemplateExecutionError) throw error;
      return this.fail(
        `error calling ${name}: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  }

  private evaluatePipeline(pipeline: Pipeline, dot: TemplateValue): TemplateValue {
    let piped: TemplateValue | undefined;
    let first = true;
    for (const command of pipeline.commands) {
      const [head, ...rest] = command;
      if (head === undefined) this.fail("empty command");
      if (head.kind === "function") {
        piped = this.callFunction(head.name, rest, dot, first ? undefined : piped);
      } else {
        if (rest.length > 0) this.fail("can't give argument to non-function");
        if (!first) this.fail("can't give argument to non-function");
        piped = this.evaluateOperand(head, dot);
      }
      first = false;
    }
    return piped;
  }

  private declare(pipeline: Pipeline, value: TemplateValue): void {
    const declaration = pipeline.declare;
    if (declaration === null) return;
    const [name] = declaration.names;
    if (name === undefined) return;
    if (declaration.assign) this.assignVariable(name, value);
    else this.scopes[this.scopes.length - 1]?.variables.set(name, value);
  }

  private withScope(run: () => string): string {
    this.scopes.push({ variables: new Map() });
    try {
      return run();
    } finally {
      this.scopes.pop();
    }
  }

  renderNamed(name: string, data: TemplateValue): string {
    const nodes = this.context.templates.get(name);
    if (nodes === undefined)
      this.fail(`no template "${name}" associated with template "${this.context.templateName}"`);
    if (this.context.depth >= maxDepth) this.fail(`exceeded maximum template depth (${maxDepth})`);
    const nested = new Executor({ ...this.context, templateName: name, depth: this.context.depth + 1 }, data);
    return nested.renderList(nodes ?? [], data);
  }

  renderList(nodes: TemplateNode[], dot: TemplateValue): string {
    let out = "";
    for (const node of nodes) out += this.renderNode(node, dot);
    return out;
  }

  private renderNode(node: TemplateNode, dot: TemplateValue): string {
    switch (node.kind) {
      case "text":
        return node.text;
      case "output": {
        const value = this.evaluatePipeline(node.pipeline, dot);
        if (node.pipeline.declare !== null) {
          this.declare(node.pipeline, value);
          return "";
        }
        return formatValue(value);
      }
      case "if":
        for (const branch of node.branches) {
          if (isTrue(this.evaluatePipeline(branch.pipeline, dot))) {
            return this.withScope(() => this.renderList(branch.body, dot));
          }
        }
        return this.withScope(() => this.renderList(node.otherwise, dot));
      case "with": {
        const value = this.evaluatePipeline(node.pipeline, dot);
        if (isTrue(value)) return this.withScope(() => this.renderList(node.body, value));
        return this.withScope(() => this.renderList(node.otherwise, dot));
      }
      case "range":
        return this.renderRange(node, dot);
      case "template": {
        const data = node.pipeline === null ? null : this.evaluatePipeline(node.pipeline, dot);
        return this.renderNamed(node.name, data);
      }
    }
  }

  private renderRange(node: Extract<TemplateNode, { kind: "range" }>, dot: TemplateValue): string {
    const collection = this.evaluatePipeline({ declare: null, commands: node.pipeline.commands }, dot);
    let entries: [TemplateValue, TemplateValue][];
    if (collection === null || collection === undefined) entries = [];
    else if (Array.isArray(collection)) entries = collection.map((item, index) => [index, item]);
    else if (isMap(collection))
      entries = Object.keys(collection)
        .sort()
        .map((key) => [key, collection[key]]);
    else return this.fail(`range can't iterate over ${formatValue(collection)}`);
    if (entries.length === 0) return this.withScope(() => this.renderList(node.otherwise, dot));
    const names = node.pipeline.declare?.names ?? [];
    let out = "";
    for (const [key, item] of entries) {
      out += this.withScope(() => {
        const variables = this.scopes[this.scopes.length - 1]?.variables;
        if (names.length === 1 && names[0] !== undefined) variables?.set(names[0], item);
        if (names.length === 2 && names[0] !== undefined && names[1] !== undefined) {
          variables?.set(names[0], key);
          variables?.set(names[1], item);
        }
        return this.renderList(node.body, item);
      });
    }
    return out;
  }
}

/** Executes `name` from a set of parsed templates with `data` as dot and `$`. */
export function executeTemplate(options: {
  name: string;
  templates: ReadonlyMap<string, TemplateNode[]>;
  functions: Readonly<Record<string, TemplateFunction>>;
  data: TemplateValue;
}): string {
  const executor = new Executor(
    { templateName: options.name, templates: options.templates, functions: options.functions, depth: 0 },
    options.data,
  );
  return executor.renderNamed(options.name, options.data);
}
