/**
 * AS-SET names as RPSL (RFC 2622, 4.2 and 5.1) defines them, read strictly: whatever reaches a query
 * line to the IRR server or a router's config is one of these, and nothing else.
 *
 * - A set name is `AS-` followed by letters, digits, `_` and `-`, ending in a letter or digit;
 *   hierarchical names join components with `:` (`AS65000:AS-CUSTOMERS`, `AS-FOO:AS-BAR`): each is a
 *   set name or an AS number, and at least one is a set name.
 * - A bare AS number (`AS65000`) also stands for a peer's routes: bgpq4 takes one the same way.
 * - A source prefix (`RIPE::AS-FOO`, as PeeringDB users write it) names the registry to look the set
 *   up in: letters, digits and `-`, starting with a letter.
 * Names are case-insensitive; they are kept uppercase. No space, newline, `!`, `,` or any other
 * character can be part of one.
 */

export const MAX_AS_SET_NAME_LENGTH = 80;
export const MAX_SOURCE_LENGTH = 32;
/** How many sets one peer's list may name. */
export const MAX_AS_SETS = 10;

const SET_COMPONENT = /^AS-(?:[A-Z0-9_-]*[A-Z0-9])?$/;
const ASN_COMPONENT = /^AS(0|[1-9]\d{0,9})$/;
const SOURCE = /^[A-Z][A-Z0-9-]*$/;

export interface AsSetRef {
  /** The registry named before `::`, if any. */
  source: string | null;
  /** The set name, or `AS<n>` for a bare AS number. */
  name: string;
  /** Whether the name is a bare AS number rather than a set. */
  isAsn: boolean;
}

function asnOk(component: string): boolean {
  const m = ASN_COMPONENT.exec(component);
  return m !== null && Number(m[1]) <= 4_294_967_295;
}

/** Why the text is not one AS-SET name (with an optional source), or null when it is one. */
export function asSetNameProblem(text: string): string | null {
  if (text.length === 0) return 'is empty';
  if (text.length > MAX_AS_SET_NAME_LENGTH + MAX_SOURCE_LENGTH + 2) return 'is too long';
  const upper = text.toUpperCase();
  const parts = upper.split('::');
  if (parts.length > 2) return 'names more than one source';
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const source = parts[0]!;
    if (source.length === 0 || source.length > MAX_SOURCE_LENGTH || !SOURCE.test(source)) {
      return `has a source that is not a registry name (letters, digits and "-", at most ${MAX_SOURCE_LENGTH})`;
    }
  }
  if (name.length === 0 || name.length > MAX_AS_SET_NAME_LENGTH) {
    return `must be 1 to ${MAX_AS_SET_NAME_LENGTH} characters`;
  }
  const components = name.split(':');
  if (components.length === 1 && asnOk(name)) return null;
  let sets = 0;
  for (const c of components) {
    if (SET_COMPONENT.test(c)) sets++;
    else if (!asnOk(c)) {
      return 'is not an RPSL as-set name (AS-<letters, digits, "_" or "-">, components joined by ":")';
    }
  }
  return sets > 0 ? null : 'names no set (one component must start with "AS-")';
}

/** One name, checked; throws on a bad one (callers check first with `asSetNameProblem`). */
export function asSetRef(text: string): AsSetRef {
  const problem = asSetNameProblem(text);
  if (problem) throw new Error(`AS-SET name ${JSON.stringify(text.slice(0, 120))} ${problem}`);
  const upper = text.toUpperCase();
  const [source, name] = upper.includes('::') ? upper.split('::') : [null, upper];
  return { source: source ?? null, name: name!, isAsn: asnOk(name!) };
}

/** The text form: `SOURCE::NAME` or `NAME`. */
export const refText = (ref: AsSetRef) => (ref.source ? `${ref.source}::${ref.name}` : ref.name);

/** A list of names as stored: the names, uppercase, separated by one space. */
export const refsText = (refs: readonly AsSetRef[]) => refs.map(refText).join(' ');

/** Values PeeringDB users write for "no AS-SET". */
const NONE = new Set(['', '-', 'NONE', 'N/A', 'NA', 'NULL', 'UNKNOWN', 'TBD']);

export type ParsedAsSets = { ok: true; refs: AsSetRef[] } | { ok: false; problem: string };

/**
 * The sets of a free-text field such as PeeringDB's `irr_as_set`: names separated by spaces, commas
 * or semicolons (`AS-FOO AS-BAR`, `RIPE::AS-FOO, RADB::AS-BAR`); `AS-FOO@RIPE` is read as
 * `RIPE::AS-FOO`; newlines, tabs and other control characters are refused; repeats are dropped. Placeholders ("none", "-") mean no set. One bad name makes the
 * whole field unusable: a partial list would filter a peer's routes by half its sets.
 */
export function parseAsSetList(text: string): ParsedAsSets {
  // Only spaces, commas and semicolons separate names: a newline, a tab or any other control
  // character makes the field unusable, whatever surrounds it.
  if (/[^\x20-\x7e]/.test(text))
    return { ok: false, problem: 'holds a character that is not printable ASCII' };
  const tokens = text
    .trim()
    .split(/[ ,;]+/)
    .filter((t) => t.length > 0);
  if (tokens.length === 0 || (tokens.length === 1 && NONE.has(tokens[0]!.toUpperCase()))) {
    return { ok: true, refs: [] };
  }
  if (tokens.length > MAX_AS_SETS) return { ok: false, problem: `names more than ${MAX_AS_SETS} sets` };
  const refs: AsSetRef[] = [];
  const seen = new Set<string>();
  for (const raw of tokens) {
    const at = /^([^@]+)@([^@]+)$/.exec(raw);
    const token = at ? `${at[2]}::${at[1]}` : raw;
    const problem = asSetNameProblem(token);
    if (problem) return { ok: false, problem: `${JSON.stringify(raw.slice(0, 120))} ${problem}` };
    const ref = asSetRef(token);
    const key = refText(ref);
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(ref);
    }
  }
  return { ok: true, refs };
}

/** Sources for the `!s` query: registry names joined by commas (RADB-style: `RADB,RIPE,ARIN`). */
export function sourcesProblem(text: string): string | null {
  const list = text.split(',');
  if (list.length > 30) return 'names more than 30 sources';
  for (const s of list) {
    if (!SOURCE.test(s) || s.length > MAX_SOURCE_LENGTH)
      return `has ${JSON.stringify(s)}, not a registry name`;
  }
  return null;
}
