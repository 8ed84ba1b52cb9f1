/**
 * Reading a parsed NETCONF reply: every element is an array (of one, mostly), so that a reader
 * never has to ask whether a list came back with one entry. No parser here: this module is light
 * enough for any import graph (the parser is ./xml).
 */

/** Text for an element's content or an attribute value: every character XML reads as syntax escaped. */
export function escapeXml(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A parsed element: its children by local name, its attributes as `@_name`, its text as `#text`. */
export type XmlNode = { readonly [key: string]: XmlNode[] | string | undefined } | string;

/** The children of `node` named `name` (local name, any namespace). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const value = node[name];
  return Array.isArray(value) ? value : [];
}

/** The first child named `name`, or undefined. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Follows a path of child names from `node`, taking the first of each. */
export function path(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let at = node;
  for (const name of names) at = child(at, name);
  return at;
}

/** An element's text, trimmed; '' for an element with none; undefined for no element. */
export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

/** The text of the first child named `name`. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  return text(child(node, name));
}

/** An attribute's value. */
export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** The local names of an element's children, in no particular order. */
export function childNames(node: XmlNode | undefined): string[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');
}
