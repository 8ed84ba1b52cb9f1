import { formatPrefix, type Family, type Prefix } from './prefixes';

/**
 * A binary radix tree of prefixes that gives the same list as bgpq4 for the same prefixes: the same
 * order (a prefix before the prefixes inside it, lower halves first) and, when asked to aggregate,
 * the same ranges (bgpq4 `-A`). Glue nodes hold the branching points no prefix was given for.
 */
interface Node {
  prefix: Prefix;
  parent: Node | undefined;
  l: Node | undefined;
  r: Node | undefined;
  /** A second entry for the same prefix, holding a range a parent could not merge into its own. */
  son: Node | undefined;
  glue: boolean;
  aggregate: boolean;
  low: number;
  high: number;
}

function newNode(prefix: Prefix, parent?: Node): Node {
  return {
    prefix,
    parent,
    l: undefined,
    r: undefined,
    son: undefined,
    glue: false,
    aggregate: false,
    low: 0,
    high: 0,
  };
}

/** Whether bit `index` (0 = the most significant) of the prefix's address is set. */
function bitAt(p: Prefix, index: number): boolean {
  if (index >= p.bytes.length * 8) return false;
  return (p.bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

/** How many leading bits two prefixes share, at most the shorter length. */
function commonBits(a: Prefix, b: Prefix): number {
  const limit = Math.min(a.length, b.length);
  for (let i = 0; i < a.bytes.length; i++) {
    const diff = a.bytes[i]! ^ b.bytes[i]!;
    if (diff !== 0) return Math.min(i * 8 + Math.clz32(diff) - 24, limit);
    if ((i + 1) * 8 >= limit) return limit;
  }
  return limit;
}

function truncated(p: Prefix, length: number): Prefix {
  const bytes = p.bytes.slice();
  for (let bit = length; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { family: p.family, bytes, length };
}

export class PrefixTree {
  private head: Node | undefined;
  private count = 0;

  constructor(readonly family: Family) {}

  /** How many distinct prefixes were inserted. */
  get size(): number {
    return this.count;
  }

  insert(prefix: Prefix): void {
    if (prefix.family !== this.family) return;
    if (!this.head) {
      this.head = newNode(prefix);
      this.count++;
      return;
    }
    let node = this.head;
    let replace = (n: Node) => {
      this.head = n;
    };
    for (;;) {
      const eb = commonBits(prefix, node.prefix);
      if (eb < prefix.length && eb < node.prefix.length) {
        const glue = newNode(truncated(prefix, eb), node.parent);
        const added = newNode(prefix, glue);
        glue.glue = true;
        if (bitAt(prefix, eb)) {
          glue.l = node;
          glue.r = added;
        } else {
          glue.l = added;
          glue.r = node;
        }
        node.parent = glue;
        replace(glue);
        this.count++;
        return;
      }
      if (eb === prefix.length && eb < node.prefix.length) {
        const added = newNode(prefix, node.parent);
        if (bitAt(node.prefix, eb)) added.r = node;
        else added.l = node;
        node.parent = added;
        replace(added);
        this.count++;
        return;
      }
      if (eb === node.prefix.length && eb < prefix.length) {
        const parent = node;
        if (bitAt(prefix, eb)) {
          if (!parent.r) {
            parent.r = newNode(prefix, parent);
            this.count++;
            return;
          }
          replace = (n) => {
            parent.r = n;
          };
          node = parent.r;
        } else {
          if (!parent.l) {
            parent.l = newNode(prefix, parent);
            this.count++;
            return;
          }
          replace = (n) => {
            parent.l = n;
          };
          node = parent.l;
        }
        continue;
      }
      // The same prefix: a glue node becomes a real one.
      if (node.glue) {
        node.glue = false;
        this.count++;
      }
      return;
    }
  }

  /** Merges neighbouring prefixes into ranges, as bgpq4 `-A` does. */
  aggregate(): void {
    if (this.head) aggregateNode(this.head);
  }

  /** The entries in bgpq4's order: `a/len`, or `a/len{ge,le}` for a range. */
  entries(): string[] {
    const out: string[] = [];
    const visit = (node: Node) => {
      emit(node, out);
      if (node.l) visit(node.l);
      if (node.r) visit(node.r);
    };
    if (this.head) visit(this.head);
    return out;
  }
}

function emit(node: Node | undefined, out: string[]): void {
  for (let n = node; n; n = n.son) {
    if (n.glue) continue;
    const text = formatPrefix(n.prefix);
    if (!n.aggregate) out.push(text);
    else out.push(`${text}{${Math.max(n.low, n.prefix.length)},${n.high}}`);
  }
}

function rangeNode(prefix: Prefix, low: number, high: number): Node {
  const n = newNode(prefix);
  n.aggregate = true;
  n.low = low;
  n.high = high;
  return n;
}

const sameRange = (a: Node, b: Node) => a.high === b.high && a.low === b.low;

/** Bottom-up: two halves that match the same lengths become one range on their parent. */
function aggregateNode(node: Node): void {
  if (node.l) aggregateNode(node.l);
  if (node.r) aggregateNode(node.r);
  const { l, r } = node;
  if (!l || !r) return;
  const halves = l.prefix.length === node.prefix.length + 1 && r.prefix.length === node.prefix.length + 1;

  if (!r.aggregate && !l.aggregate && !r.glue && !l.glue && r.prefix.length === l.prefix.length) {
    if (r.prefix.length === node.prefix.length + 1) {
      node.aggregate = true;
      r.glue = true;
      l.glue = true;
      node.high = r.prefix.length;
      if (node.glue) {
        node.glue = false;
        node.low = r.prefix.length;
      } else node.low = node.prefix.length;
    }
    if (r.son && l.son && r.son.aggregate && l.son.aggregate && sameRange(r.son, l.son) && halves) {
      node.son = rangeNode(node.prefix, r.son.low, r.son.high);
      r.son.glue = true;
      l.son.glue = true;
    }
  } else if (r.aggregate && l.aggregate && sameRange(r, l)) {
    if (!halves) return;
    if (node.glue) {
      r.glue = true;
      l.glue = true;
      node.aggregate = true;
      node.glue = false;
      node.high = r.high;
      node.low = r.low;
    } else if (r.prefix.length === r.low) {
      r.glue = true;
      l.glue = true;
      node.aggregate = true;
      node.high = r.high;
      node.low = node.prefix.length;
    } else {
      node.son = rangeNode(node.prefix, r.low, r.high);
      r.glue = true;
      l.glue = true;
      if (r.son && l.son && sameRange(r.son, l.son)) {
        node.son.son = rangeNode(node.prefix, r.son.low, r.son.high);
        r.son.glue = true;
        l.son.glue = true;
      }
    }
  } else if (l.son && r.aggregate && l.son.aggregate && sameRange(r, l.son)) {
    mergeWithSon(node, r, l.son, halves);
  } else if (r.son && l.aggregate && r.son.aggregate && sameRange(l, r.son)) {
    mergeWithSon(node, l, r.son, halves);
  }
}

/** One half's range and the other half's second range are the same: the parent takes them. */
function mergeWithSon(node: Node, half: Node, otherSon: Node, halves: boolean): void {
  if (!halves) return;
  if (node.glue) {
    half.glue = true;
    otherSon.glue = true;
    node.aggregate = true;
    node.glue = false;
    node.high = half.high;
    node.low = half.low;
  } else {
    node.son = rangeNode(node.prefix, half.low, half.high);
    half.glue = true;
    otherSon.glue = true;
  }
}
