/**
 * Pure text work on config files, shared by the drivers: pointing a main config's include at a
 * staged candidate, and joining an operator's base with peerflow's managed part.
 */

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `main` with its `include "<managedPath>"` statement(s) pointing at `candidatePath` instead (BIRD
 * and OpenBGPD write it the same way; BIRD ends it with `;`). Null when `main` has no such
 * statement at the start of a line: then the daemon does not read the managed file, and a
 * candidate there would change nothing.
 */
export function retargetInclude(main: string, managedPath: string, candidatePath: string): string | null {
  const statement = new RegExp(`^([ \\t]*include[ \\t]+")${escapeRegExp(managedPath)}(")`, 'gm');
  if (!statement.test(main)) return null;
  return main.replace(statement, (_all, open: string, close: string) => `${open}${candidatePath}${close}`);
}

/** The operator's base followed by peerflow's managed part, a newline between them when the base lacks one. */
export function joinBaseAndManaged(base: string, managed: string): string {
  if (base === '' || base.endsWith('\n')) return `${base}${managed}`;
  return `${base}\n${managed}`;
}

/** The lines of `output` that are not blank, trimmed at the end. */
export function meaningfulLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}
