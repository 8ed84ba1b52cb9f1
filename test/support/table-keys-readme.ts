import { KEYS, type EntityName, SLOT_KINDS } from '../../shared/platform/storage/keys';
import { ACCESS_PATTERNS, type AccessPattern } from '../../shared/platform/storage/access-patterns';

export const README_START = '<!-- table-keys:start (generated from shared/platform/storage/keys.ts) -->';
export const README_END = '<!-- table-keys:end -->';

const INDEXES = ['table', 'gsi1', 'gsi2', 'gsi3'] as const;
const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => (s === '' ? '' : `\`${cell(s)}\``);

function sortText(pattern: AccessPattern): string {
  const s = pattern.sort;
  if (s.kind === 'all') return 'whole partition';
  if (s.kind === 'equals') return pattern.operation === 'get' ? 'the key' : `= ${s.on}`;
  if (s.kind === 'begins_with') return `begins with ${s.on}`;
  if (s.kind === 'between') return `between two ${s.on} bounds`;
  return `after ${s.on}`;
}

/** The README's section on the table's keys, rendered from the key map. */
export function tableKeysSection(): string {
  const lines: string[] = [
    README_START,
    '',
    '| Entity | `entity` | Index | Partition key | Sort key |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [name, entity] of Object.entries(KEYS)) {
    for (const index of INDEXES) {
      const pair = (
        entity.keys as Record<string, { pk: { shape: string }; sk: { shape: string } } | undefined>
      )[index];
      if (!pair) continue;
      lines.push(
        `| ${name} | ${entity.entity} | ${index} | ${code(pair.pk.shape)} | ${code(pair.sk.shape)} |`,
      );
    }
  }
  lines.push(
    '',
    '| Access pattern | Entity | Index | Key shape | Sort condition | Used by |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const p of ACCESS_PATTERNS) {
    const first = KEYS[p.entities[0] as EntityName].keys as Record<
      string,
      { pk: { shape: string } } | undefined
    >;
    const shape = (first[p.index]?.pk.shape ?? '?') + (p.perEntity ? ' (one per entity)' : '');
    const op = p.operation === 'get' ? 'get' : 'query';
    lines.push(
      `| ${p.name} (${op}) | ${p.entities.join(', ')} | ${p.index} | ${p.perEntity ? `${code(shape.replace(' (one per entity)', ''))} (one per entity)` : code(shape)} | ${cell(sortText(p))} | ${p.usedBy.map(cell).join('; ')} |`,
    );
  }
  lines.push('', '| Slot kind | Holds |', '| --- | --- |');
  for (const [kind, { meaning }] of Object.entries(SLOT_KINDS)) lines.push(`| ${kind} | ${cell(meaning)} |`);
  lines.push('', README_END);
  return lines.join('\n');
}
