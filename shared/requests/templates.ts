import { BUILT_IN_TEMPLATES, PEERING_VOCABULARY, type TemplateContent } from './peering-templates';
import {
  type CompiledTemplate,
  compileTemplate,
  TemplateSyntaxError,
} from '../platform/email/template-engine';
import { type ErrorDetail, NotFoundError, ValidationError } from '../platform/errors';
import { templatesRepository } from './templates-store';

export interface TemplateView extends TemplateContent {
  name: string;
  /** A built-in template exists under this name (a custom one may replace it). */
  built_in: boolean;
  customized: boolean;
  modified: string | null;
  modified_by: string | null;
}

export interface CompiledContent {
  subject: CompiledTemplate;
  text: CompiledTemplate;
  html: CompiledTemplate | null;
}

function builtInView(name: string, content: TemplateContent): TemplateView {
  return { name, ...content, built_in: true, customized: false, modified: null, modified_by: null };
}

export async function listTemplates(): Promise<TemplateView[]> {
  const custom = new Map((await templatesRepository.list()).map((t) => [t.name, t]));
  const names = new Set([...Object.keys(BUILT_IN_TEMPLATES), ...custom.keys()]);
  return [...names].sort().map((name) => {
    const stored = custom.get(name);
    const builtIn = Object.hasOwn(BUILT_IN_TEMPLATES, name);
    if (!stored) return builtInView(name, BUILT_IN_TEMPLATES[name] as TemplateContent);
    return { ...stored, built_in: builtIn, customized: true };
  });
}

export async function getTemplate(name: string): Promise<TemplateView> {
  const stored = await templatesRepository.get(name);
  if (stored) return { ...stored, built_in: Object.hasOwn(BUILT_IN_TEMPLATES, name), customized: true };
  const builtIn = Object.hasOwn(BUILT_IN_TEMPLATES, name) ? BUILT_IN_TEMPLATES[name] : undefined;
  if (!builtIn) throw new NotFoundError(`No template named ${name}`);
  return builtInView(name, builtIn);
}

/** Compiles every part; a problem in any part is a 422 naming the part (so it fails on save, not on send). */
export function compileContent(content: TemplateContent, prefix = 'body'): CompiledContent {
  const details: ErrorDetail[] = [];
  const compile = (source: string, field: string) => {
    try {
      return compileTemplate(source, PEERING_VOCABULARY);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      details.push(...err.problems.map((message) => ({ path: `${prefix}.${field}`, message })));
      return undefined;
    }
  };
  const subject = compile(content.subject, 'subject');
  const text = compile(content.text, 'text');
  const html = content.html === null ? null : compile(content.html, 'html');
  if (details.length > 0 || !subject || !text || html === undefined) {
    throw new ValidationError('The template does not compile', details);
  }
  return { subject, text, html };
}

export async function saveTemplate(
  name: string,
  content: TemplateContent,
  user: string,
): Promise<TemplateView> {
  compileContent(content);
  const stored = { name, ...content, modified: new Date().toISOString(), modified_by: user };
  await templatesRepository.put(stored);
  return { ...stored, built_in: Object.hasOwn(BUILT_IN_TEMPLATES, name), customized: true };
}

/** Deletes a custom template; a built-in of the same name is in effect again. */
export async function deleteTemplate(name: string): Promise<void> {
  if (!(await templatesRepository.remove(name))) {
    const hint = Object.hasOwn(BUILT_IN_TEMPLATES, name) ? ': the built-in one is already in effect' : '';
    throw new NotFoundError(`No custom template named ${name}${hint}`);
  }
}
