/**
 * Logic-less templates: `{{name}}` inserts a value, `{{#list}}...{{/list}}` repeats its content once
 * per row of a list. Nothing else: no expressions, no helpers, no partials, no lookups beyond the
 * names the caller declares, so a stored template can never run code or reach other data.
 */
export interface Vocabulary {
  values: readonly string[];
  /** List name -> the names each row provides (the outer values stay visible inside). */
  lists: Readonly<Record<string, readonly string[]>>;
}

export interface TemplateContext {
  values: Readonly<Record<string, string>>;
  lists: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>>;
}

type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: string }
  | { kind: 'list'; name: string; children: TemplateNode[] };

export interface CompiledTemplate {
  nodes: TemplateNode[];
}

export class TemplateSyntaxError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'TemplateSyntaxError';
  }
}

const TAG = /\{\{([^{}]*)\}\}/g;
const TAG_BODY = /^\s*([#/]?)\s*([a-z][a-z0-9_]*)\s*$/;
// A section tag alone on its line takes the line with it, so lists do not leave blank lines behind.
const STANDALONE_SECTION = /^[ \t]*(\{\{\s*[#/]\s*[a-z][a-z0-9_]*\s*\}\})[ \t]*\r?\n/gm;

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses and checks a template against the names it may use; every problem is reported at once. */
export function compileTemplate(raw: string, vocabulary: Vocabulary): CompiledTemplate {
  const source = raw.replace(STANDALONE_SECTION, '$1');
  const problems: string[] = [];
  const root: TemplateNode[] = [];
  const stack: { name: string; children: TemplateNode[]; line: number }[] = [];
  const current = () => stack.at(-1)?.children ?? root;
  const known = (name: string) => {
    if (vocabulary.values.includes(name)) return true;
    return stack.some((open) => vocabulary.lists[open.name]?.includes(name));
  };
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const at = match.index ?? 0;
    if (at > last) current().push({ kind: 'text', text: source.slice(last, at) });
    last = at + match[0].length;
    const line = lineOf(source, at);
    const tag = TAG_BODY.exec(match[1] ?? '');
    if (!tag) {
      problems.push(`line ${line}: unsupported tag ${match[0]}`);
      continue;
    }
    const [, sigil, name = ''] = tag;
    if (sigil === '#') {
      if (!Object.hasOwn(vocabulary.lists, name)) problems.push(`line ${line}: unknown list '${name}'`);
      const node: TemplateNode = { kind: 'list', name, children: [] };
      current().push(node);
      stack.push({ name, children: node.children, line });
    } else if (sigil === '/') {
      const open = stack.pop();
      if (!open) problems.push(`line ${line}: {{/${name}}} closes nothing`);
      else if (open.name !== name) {
        problems.push(`line ${line}: {{/${name}}} closes {{#${open.name}}} opened on line ${open.line}`);
      }
    } else if (!known(name)) {
      problems.push(`line ${line}: unknown variable '${name}'`);
    } else {
      current().push({ kind: 'value', name });
    }
  }
  if (last < source.length) current().push({ kind: 'text', text: source.slice(last) });
  for (const open of stack) problems.push(`line ${open.line}: {{#${open.name}}} is never closed`);
  // Stray braces mean a tag that did not parse; report it instead of mailing it verbatim.
  const leftover = source.replace(TAG, '');
  if (leftover.includes('{{') || leftover.includes('}}')) problems.push('unbalanced {{ or }}');
  // Triple braces mean "unescaped" elsewhere; here no value ever goes out unescaped.
  if (source.includes('{{{') || source.includes('}}}')) problems.push('unsupported tag {{{ }}}');
  if (problems.length > 0) throw new TemplateSyntaxError(problems);
  return { nodes: root };
}

/** Renders a compiled template; `escapeValue` is applied to every inserted value (HTML escaping for HTML). */
export function renderTemplate(
  template: CompiledTemplate,
  context: TemplateContext,
  escapeValue: (value: string) => string = (v) => v,
): string {
  const out: string[] = [];
  const walk = (nodes: TemplateNode[], scopes: readonly Readonly<Record<string, string>>[]) => {
    for (const node of nodes) {
      if (node.kind === 'text') out.push(node.text);
      else if (node.kind === 'value') {
        const scope = scopes.find((s) => Object.hasOwn(s, node.name));
        out.push(escapeValue(scope?.[node.name] ?? ''));
      } else {
        const rows = Object.hasOwn(context.lists, node.name) ? (context.lists[node.name] ?? []) : [];
        for (const row of rows) walk(node.children, [row, ...scopes]);
      }
    }
  };
  walk(template.nodes, [context.values]);
  return out.join('');
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
