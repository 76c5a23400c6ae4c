/** The template text is not Go template syntax, or uses a part of it this renderer leaves out. */
export class TemplateSyntaxError extends Error {
  override readonly name = "TemplateSyntaxError";
  readonly code = "template_syntax";
  constructor(
    readonly templateName: string,
    readonly line: number,
    detail: string,
  ) {
    super(`template: ${templateName}:${line}: ${detail}`);
  }
}

/** Executing a template failed (a nil field, a `required` value missing, a function's wrong input). */
export class TemplateExecutionError extends Error {
  override readonly name = "TemplateExecutionError";
  readonly code = "template_execution";
  constructor(
    readonly templateName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`template: ${templateName}: ${detail}`, options);
  }
}
