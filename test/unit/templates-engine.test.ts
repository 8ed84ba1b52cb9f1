import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES, PEERING_VOCABULARY } from '../../shared/requests/peering-templates';
import {
  compileTemplate,
  escapeHtml,
  renderTemplate,
  TemplateSyntaxError,
  type Vocabulary,
} from '../../shared/platform/email/template-engine';

const VOCABULARY: Vocabulary = { values: ['name', 'asn'], lists: { rows: ['ip', 'ix'] } };

function problemsOf(source: string): string[] {
  try {
    compileTemplate(source, VOCABULARY);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) return err.problems;
    throw err;
  }
  return [];
}

describe('logic-less template engine', () => {
  it('inserts values and repeats a list once per row, outer values visible inside', () => {
    const t = compileTemplate('{{ name }} AS{{asn}}:{{#rows}} {{ix}}={{ip}}@{{name}}{{/rows}}', VOCABULARY);
    const out = renderTemplate(t, {
      values: { name: 'Ours', asn: '64500' },
      lists: {
        rows: [
          { ix: 'A', ip: '192.0.2.1' },
          { ix: 'B', ip: '192.0.2.2' },
        ],
      },
    });
    expect(out).toBe('Ours AS64500: A=192.0.2.1@Ours B=192.0.2.2@Ours');
  });

  it('drops the lines that hold only a list tag', () => {
    const t = compileTemplate('Exchanges:\n{{#rows}}\n  {{ix}}\n{{/rows}}\nEnd\n', VOCABULARY);
    const out = renderTemplate(t, { values: {}, lists: { rows: [{ ix: 'A' }, { ix: 'B' }] } });
    expect(out).toBe('Exchanges:\n  A\n  B\nEnd\n');
  });

  it('reports every unknown name, stray tag and unbalanced list at once, with lines', () => {
    expect(problemsOf('{{nmae}}\n{{ip}}\n{{#nope}}{{/nope}}\n{{#rows}}')).toEqual([
      "line 1: unknown variable 'nmae'",
      "line 2: unknown variable 'ip'",
      "line 3: unknown list 'nope'",
      'line 4: {{#rows}} is never closed',
    ]);
    expect(problemsOf('{{/rows}}')).toEqual(['line 1: {{/rows}} closes nothing']);
    expect(problemsOf('{{#rows}}{{/name}}')[0]).toContain('closes {{#rows}}');
  });

  it('refuses anything that looks like code, a lookup or an unescaped insert', () => {
    for (const source of [
      '{{name.length}}',
      '{{constructor}}',
      '{{__proto__}}',
      '{{ process.env }}',
      '{{> partial}}',
      '{{!comment}}',
      '{{{name}}}',
      '{{&name}}',
      '{{name',
      'name}}',
      '{{toString}}',
    ]) {
      expect(problemsOf(source), source).not.toEqual([]);
    }
  });

  it('never reads inherited properties of the context', () => {
    const t = compileTemplate('[{{name}}]{{#rows}}[{{ix}}]{{/rows}}', VOCABULARY);
    const out = renderTemplate(t, { values: Object.create({ name: 'inherited' }), lists: { rows: [{}] } });
    expect(out).toBe('[][]');
  });

  it('escapes every inserted value when given the HTML escaper, and only the values', () => {
    const t = compileTemplate('<b>{{name}}</b>', VOCABULARY);
    const out = renderTemplate(
      t,
      { values: { name: `<img src=x onerror="a('b')">&` }, lists: {} },
      escapeHtml,
    );
    expect(out).toBe('<b>&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;</b>');
  });

  it('compiles every part of every built-in template against the peering vocabulary', () => {
    for (const [name, t] of Object.entries(BUILT_IN_TEMPLATES)) {
      for (const part of [t.subject, t.text, t.html ?? '']) {
        expect(() => compileTemplate(part, PEERING_VOCABULARY), name).not.toThrow();
      }
    }
  });
});
