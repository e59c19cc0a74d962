/**
 * Regexes in conditions, refused on save when they could hang the matcher.
 *
 * V8 backtracks, and nothing can interrupt a running `RegExp.test`: `(a+)+$` takes 0.3 s on 24
 * `a`s and a `!`, twice that for each more `a` (Node 20). So every pattern goes through this static checker, on save (the zod schema) and
 * again when the matcher compiles it (configs stored before a rule existed are refused there too,
 * as a failed condition), and the subject is capped. Refused:
 *   1. backreferences (`\1`, `\k<name>`);
 *   2. a repeated group containing a quantifier that leaves a choice (`(a+)+`, `(a?){30}`); exact
 *      counts stay allowed (`(\d{3}-)+`), and so do bounded repeats with at most 10,000 ways to
 *      split the text (`(\d{1,3}\.){3}`);
 *   3. a repeated alternation whose branches can match the same text (`(a|aa)+`, `(\w|\d)*`):
 *      inside a repeated group, branches must be plain text, none a prefix of another (`(foo|bar)+`);
 *   4. polynomial backtracking beyond quadratic: chains of unbounded quantifiers that can take turns
 *      matching the same text (`\d+\d+x`, `.*foo.*bar` unanchored, `.*.*.*x`). The unanchored search
 *      (V8 retries at every start position) counts as one link.
 * The cost of the worst chain, in steps, is estimated as L^degree × constant for a subject of L
 * characters; a pattern is accepted when that stays within 2^{@link COST_BUDGET_BITS} for
 * L = {@link REGEX_SUBJECT_LIMIT}, and each pattern gets the longest subject (up to
 * {@link REGEX_SUBJECT_MAX}) that keeps it there: linear patterns see whole values, quadratic ones
 * (`a+b` unanchored, `^.*foo.*bar`) the first 4,096 characters.
 * Measured on Node 20 before these rules: `\d+\d+x` on 4,000 digits took 22 s, `.*.*.*x` on 1,000
 * characters 83 s; `a+b` on 4,096 `a`s takes about 12 ms.
 */

/** Regexes that may backtrack quadratically test at least (and exactly) this many leading characters. */
export const REGEX_SUBJECT_LIMIT = 4096;
/** Regexes that cannot backtrack test at most this many leading characters. */
export const REGEX_SUBJECT_MAX = 1 << 20;
/** Longest accepted pattern. */
export const REGEX_PATTERN_LIMIT = 1000;

const LOG2_LIMIT = Math.log2(REGEX_SUBJECT_LIMIT); // 12
/** About 2^25 backtracking steps: tens of milliseconds at worst. */
const COST_BUDGET_BITS = 2 * LOG2_LIMIT + 1;
/** Most ways a bounded repeated group may split its text (`(\d{1,3}){3}`: 27). */
const MAX_NESTED_WAYS = 10_000;
const CASE_INSENSITIVE_PREFIX = '(?i)';

/** A checked pattern: the compiled regex and how many leading characters of a value it may test. */
export interface SafeRegex {
  regex: RegExp;
  limit: number;
}
export type RegexCheck = ({ ok: true } & SafeRegex) | { ok: false; message: string };

/**
 * Compiles a condition pattern, or says why it is refused. A leading `(?i)` makes it
 * case-insensitive (JavaScript has no inline flags; RE2, Go, PCRE and Python users expect it).
 */
export function checkRegex(pattern: string): RegexCheck {
  if (pattern.length > REGEX_PATTERN_LIMIT) return { ok: false, message: `regular expression is longer than ${REGEX_PATTERN_LIMIT} characters` };
  const ci = pattern.startsWith(CASE_INSENSITIVE_PREFIX);
  const source = ci ? pattern.slice(CASE_INSENSITIVE_PREFIX.length) : pattern;
  let regex: RegExp;
  try {
    regex = new RegExp(source, ci ? 'i' : '');
  } catch (e) {
    return { ok: false, message: `invalid regular expression: ${(e as Error).message}` };
  }
  const verdict = new Analyzer(source, ci).run();
  if (typeof verdict === 'string') return { ok: false, message: `unsafe regular expression: ${verdict}` };
  return { ok: true, regex, limit: verdict };
}

/** Tests a checked regex against the first `limit` characters of a value. */
export function testCapped(r: SafeRegex, value: string): boolean {
  return r.regex.test(value.length > r.limit ? value.slice(0, r.limit) : value);
}

// ---- character sets: 128 ASCII bits plus one bucket for everything else (conservative) --------

interface CharSet {
  w: [number, number, number, number];
  other: boolean;
}
const emptySet = (): CharSet => ({ w: [0, 0, 0, 0], other: false });
function addCode(s: CharSet, c: number, ci: boolean): void {
  if (c >= 128) {
    s.other = true;
    return;
  }
  s.w[c >> 5] |= 1 << (c & 31);
  if (ci && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) {
    const o = c ^ 32;
    s.w[o >> 5] |= 1 << (o & 31);
  }
}
function addRange(s: CharSet, lo: number, hi: number, ci: boolean): void {
  for (let c = lo; c <= Math.min(hi, 127); c++) addCode(s, c, ci);
  if (hi >= 128) s.other = true;
}
function union(a: CharSet, b: CharSet): CharSet {
  return { w: [a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]], other: a.other || b.other };
}
/** The characters in both sets, or null when there are none. */
function intersection(a: CharSet, b: CharSet): CharSet | null {
  const s: CharSet = { w: [a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]], other: a.other && b.other };
  return s.w[0] || s.w[1] || s.w[2] || s.w[3] || s.other ? s : null;
}
function intersects(a: CharSet, b: CharSet): boolean {
  return (a.w[0] & b.w[0]) !== 0 || (a.w[1] & b.w[1]) !== 0 || (a.w[2] & b.w[2]) !== 0 || (a.w[3] & b.w[3]) !== 0 || (a.other && b.other);
}
function complement(s: CharSet): CharSet {
  return { w: [~s.w[0], ~s.w[1], ~s.w[2], ~s.w[3]], other: true };
}
function classSet(letter: string): CharSet {
  const s = emptySet();
  const lower = letter.toLowerCase();
  if (lower === 'd') addRange(s, 48, 57, false);
  else if (lower === 'w') {
    addRange(s, 48, 57, false);
    addRange(s, 65, 90, false);
    addRange(s, 97, 122, false);
    addCode(s, 95, false);
  } else {
    addRange(s, 9, 13, false);
    addCode(s, 32, false);
    s.other = true; // Unicode spaces
  }
  return letter === lower ? s : complement(s);
}
const ANY: CharSet = { w: [-1, -1, -1, -1], other: true };
const DOT: CharSet = (() => {
  const s = complement(emptySet());
  s.w[0] &= ~((1 << 10) | (1 << 13));
  return s;
})();

// ---- syntax tree -------------------------------------------------------------------------------

type Node =
  | { kind: 'char'; set: CharSet; lit: string | null }
  | { kind: 'anchor'; start: boolean }
  | { kind: 'group'; look: boolean; body: Node }
  | { kind: 'alt'; branches: Node[]; src: string }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'quant'; min: number; max: number; body: Node; src: string; at: number };

class Unsafe extends Error {}

/** A quantifier (or the search loop) and the chain of earlier ones it can take turns with. */
interface Origin {
  set: CharSet;
  /** Unbounded links in the chain: the cost grows as L^deg. */
  deg: number;
  /** log2 of the constant factor (bounded quantifiers, ambiguous alternations). */
  bits: number;
  label: string;
  prev: Origin | null;
}
/** The characters each mandatory atom after an origin can share with it (newest first). */
interface Mid {
  set: CharSet;
  next: Mid | null;
  len: number;
}
/** An origin that could still be matching at this point of the pattern. */
interface Live {
  origin: Origin;
  mids: Mid | null;
}
const work = (o: Origin) => o.deg * LOG2_LIMIT + o.bits;

/** Parses a pattern that `new RegExp` already accepted (so the syntax is valid), then checks it. */
class Analyzer {
  private i = 0;
  private worst: Origin | null = null;
  private readonly origins: Origin[] = [];

  constructor(
    private readonly src: string,
    private readonly ci: boolean,
  ) {}

  /** The subject limit for an accepted pattern, or why it is refused. */
  run(): number | string {
    try {
      const tree = this.alternation();
      this.checkRepeats(tree);
      const search: Origin = { set: ANY, deg: 1, bits: 0, label: 'the unanchored start', prev: null };
      this.walk(tree, [{ origin: search, mids: null }]);
      if (this.worst && work(this.worst) > COST_BUDGET_BITS) return this.polynomialMessage(this.worst);
      // The longest subject every chain can afford (each has at least the minimum, as it passed above).
      let limit = REGEX_SUBJECT_MAX;
      for (const o of this.origins) if (o.deg > 0) limit = Math.min(limit, 2 ** Math.floor((COST_BUDGET_BITS - o.bits) / o.deg));
      return limit;
    } catch (e) {
      if (e instanceof Unsafe) return e.message;
      throw e;
    }
  }

  // -- parser (JavaScript syntax, non-unicode mode with the web-compatibility annex) ------------

  private alternation(): Node {
    const start = this.i;
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0] : { kind: 'alt', branches, src: this.src.slice(start, this.i) };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const at = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, at));
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private quantified(atom: Node, at: number): Node {
    const s = this.src;
    let min: number;
    let max: number;
    const c = s[this.i];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i, this.i + 24));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (s[this.i] === '?') this.i++; // lazy: same worst case
    return { kind: 'quant', min, max, body: atom, src: s.slice(at, this.i), at };
  }

  private atom(): Node {
    const s = this.src;
    const c = s[this.i++];
    if (c === '(') {
      let look = false;
      if (s[this.i] === '?') {
        const next = s[this.i + 1];
        if (next === ':') this.i += 2;
        else if (next === '=' || next === '!') [this.i, look] = [this.i + 2, true];
        else if (next === '<' && (s[this.i + 2] === '=' || s[this.i + 2] === '!')) [this.i, look] = [this.i + 3, true];
        else if (next === '<') this.i = s.indexOf('>', this.i) + 1; // named group
      }
      const body = this.alternation();
      this.i++; // ')'
      return { kind: 'group', look, body };
    }
    if (c === '[') return { kind: 'char', set: this.charClass(), lit: null };
    if (c === '.') return { kind: 'char', set: DOT, lit: null };
    if (c === '^') return { kind: 'anchor', start: true };
    if (c === '$') return { kind: 'anchor', start: false };
    if (c === '\\') return this.escape();
    return this.literal(c.charCodeAt(0));
  }

  private literal(code: number): Node {
    const set = emptySet();
    addCode(set, code, this.ci);
    const ch = String.fromCharCode(code);
    return { kind: 'char', set, lit: this.ci ? ch.toLowerCase() : ch };
  }

  private escape(): Node {
    const s = this.src;
    const at = this.i - 1;
    const c = s[this.i++];
    if (c === 'b' || c === 'B') return { kind: 'anchor', start: false };
    if (/[dDwWsS]/.test(c)) return { kind: 'char', set: classSet(c), lit: null };
    if (/[1-9]/.test(c) || (c === 'k' && s[this.i] === '<')) {
      const end = c === 'k' ? s.indexOf('>', this.i) + 1 : this.i;
      throw new Unsafe(
        `the backreference "${s.slice(at, end || this.i)}" at position ${at} is not allowed (backreferences can take exponential time); match the text itself instead`,
      );
    }
    return this.literal(this.escapedCode(c));
  }

  /** The character an escape such as `\n`, `\x41`, `\u0041`, `\cJ` or `\.` stands for. */
  private escapedCode(c: string): number {
    const s = this.src;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };
    if (c === 'x' && /^[0-9a-f]{2}$/i.test(s.slice(this.i, this.i + 2))) return parseInt(s.slice(this.i, (this.i += 2)), 16);
    if (c === 'u' && /^[0-9a-f]{4}$/i.test(s.slice(this.i, this.i + 4))) return parseInt(s.slice(this.i, (this.i += 4)), 16);
    if (c === 'c' && /[a-z]/i.test(s[this.i] ?? '')) return s.charCodeAt(this.i++) % 32;
    if (c in simple) return simple[c];
    return c.charCodeAt(0);
  }

  private charClass(): CharSet {
    const s = this.src;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    let set = emptySet();
    while (this.i < s.length && s[this.i] !== ']') {
      const lo = this.classAtom();
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const hi = this.classAtom();
        if (typeof lo === 'number' && typeof hi === 'number') addRange(set, lo, hi, this.ci);
        else {
          // `[\d-z]`: the annex reads the dash literally.
          for (const x of [lo, hi]) set = typeof x === 'number' ? (addCode(set, x, this.ci), set) : union(set, x);
          addCode(set, 45, false);
        }
      } else if (typeof lo === 'number') addCode(set, lo, this.ci);
      else set = union(set, lo);
    }
    this.i++; // ']'
    return negated ? complement(set) : set;
  }

  private classAtom(): number | CharSet {
    const s = this.src;
    const c = s[this.i++];
    if (c !== '\\') return c.charCodeAt(0);
    const e = s[this.i++];
    if (/[dDwWsS]/.test(e)) return classSet(e);
    if (e === 'b') return 8;
    return this.escapedCode(e);
  }

  // -- rules 2 and 3: what a repeated group may contain ----------------------------------------

  private checkRepeats(n: Node): void {
    if (n.kind === 'seq') n.items.forEach((x) => this.checkRepeats(x));
    else if (n.kind === 'alt') n.branches.forEach((x) => this.checkRepeats(x));
    else if (n.kind === 'group') this.checkRepeats(n.body);
    else if (n.kind === 'quant') {
      this.checkRepeats(n.body);
      if (n.max <= 1) return;
      const ways = innerWays(n.body);
      if (ways > 1 && (n.max === Infinity || ways ** n.max > MAX_NESTED_WAYS))
        throw new Unsafe(
          `"${n.src}" at position ${n.at} repeats a group that itself contains a quantifier, which can take exponential time on a value that almost matches (ReDoS); repeat a single character or class instead (e.g. "(a+)+" becomes "a+")`,
        );
      const alt = ambiguousAlternation(n.body, this.ci);
      if (alt)
        throw new Unsafe(
          `"${n.src}" at position ${n.at} repeats the alternation "${alt}" whose branches can match the same text, which can take exponential time (ReDoS); inside a repeated group use plain words none of which starts another (e.g. "(foo|bar)+"), or a character class`,
        );
    }
  }

  // -- rule 4: chains of quantifiers that can take turns matching the same text ----------------

  /**
   * Follows the pattern left to right. Two unbounded quantifiers X and Q can split the same text
   * many ways (polynomial backtracking) when some text can be read by X's loop, by the mandatory
   * atoms between them and by Q's loop: each atom in between must share a character with X and Q.
   */
  private walk(n: Node, live: Live[]): Live[] {
    switch (n.kind) {
      case 'char': {
        const out: Live[] = [];
        for (const l of live) {
          const shared = intersection(l.origin.set, n.set);
          if (shared) out.push({ origin: l.origin, mids: { set: shared, next: l.mids, len: (l.mids?.len ?? 0) + 1 } });
        }
        return out;
      }
      case 'anchor':
        // Without the m flag `^` only matches at 0: whatever came before matched nothing.
        return n.start ? [] : live;
      case 'seq':
        return n.items.reduce((acc, item) => this.walk(item, acc), live);
      case 'group': {
        const out = this.walk(n.body, live);
        return n.look ? live : out;
      }
      case 'alt': {
        const outs = n.branches.flatMap((b) => this.walk(b, live));
        if (!deterministic(n.branches)) outs.push(this.chain(live, allChars(n), false, Math.log2(n.branches.length), `"${n.src}"`));
        return merge(outs);
      }
      case 'quant': {
        const bodyOut = this.walk(n.body, live);
        const after = n.min >= 1 ? bodyOut : merge([...live, ...bodyOut]);
        if (n.max === n.min) return after;
        const unbounded = n.max === Infinity;
        // A bounded repeat of a body with choices (rule 2 keeps them under MAX_NESTED_WAYS) multiplies them.
        const bits = unbounded ? 0 : Math.log2(n.max - n.min + 1) + (n.max >= 2 ? n.max * Math.log2(innerWays(n.body)) : 0);
        return merge([...after, this.chain(after, allChars(n.body), unbounded, bits, `"${n.src}" at position ${n.at}`)]);
      }
    }
  }

  private chain(live: Live[], set: CharSet, unbounded: boolean, bits: number, label: string): Live {
    let prev: Origin | null = null;
    for (const l of live) {
      if (!intersects(l.origin.set, set)) continue;
      let shares = true;
      for (let m = l.mids; m && shares; m = m.next) shares = intersects(m.set, set);
      if (shares && (!prev || work(l.origin) > work(prev))) prev = l.origin;
    }
    const origin: Origin = { set, deg: (prev?.deg ?? 0) + (unbounded ? 1 : 0), bits: (prev?.bits ?? 0) + bits, label, prev };
    this.origins.push(origin);
    if (!this.worst || work(origin) > work(this.worst)) this.worst = origin;
    return { origin, mids: null };
  }

  private polynomialMessage(worst: Origin): string {
    let labels: string[] = [];
    for (let o: Origin | null = worst; o; o = o.prev) labels.unshift(o.label);
    if (labels.length > 4) labels = [labels[0], labels[1], '…', ...labels.slice(-2)];
    return `${labels.join(', ')} can take turns matching the same text, so a value that almost matches takes polynomial time (an estimated 2^${Math.round(work(worst))} steps on ${REGEX_SUBJECT_LIMIT} characters, limit 2^${COST_BUDGET_BITS}); anchor the pattern with ^, use a narrower class (e.g. [^,]* instead of .*), or split it into two conditions`;
  }
}

/** Ways one pass of a repeated body can split its text: the product of its quantifiers' choices. */
function innerWays(n: Node): number {
  switch (n.kind) {
    case 'seq':
      return n.items.reduce((w, x) => w * innerWays(x), 1);
    case 'alt':
      return n.branches.reduce((w, x) => Math.max(w, innerWays(x)), 1);
    case 'group':
      return innerWays(n.body);
    case 'quant':
      return (n.max - n.min + 1) * innerWays(n.body) ** Math.min(n.max, 64);
    default:
      return 1;
  }
}

/** The source of the first alternation in `n` whose branches are not plain, prefix-free text. */
function ambiguousAlternation(n: Node, ci: boolean): string | null {
  switch (n.kind) {
    case 'seq':
      for (const x of n.items) {
        const a = ambiguousAlternation(x, ci);
        if (a) return a;
      }
      return null;
    case 'group':
      return ambiguousAlternation(n.body, ci);
    case 'quant':
      return ambiguousAlternation(n.body, ci);
    case 'alt': {
      const words = n.branches.map(literalText);
      if (words.some((w) => w === null || w === '')) return n.src;
      const ws = words as string[];
      for (let a = 0; a < ws.length; a++) for (let b = 0; b < ws.length; b++) if (a !== b && ws[b].startsWith(ws[a])) return n.src;
      return null;
    }
    default:
      return null;
  }
}

/** The text a branch matches if it is plain text (literal characters only), else null. */
function literalText(n: Node): string | null {
  if (n.kind === 'char') return n.lit;
  if (n.kind === 'seq') {
    let out = '';
    for (const x of n.items) {
      const t = literalText(x);
      if (t === null) return null;
      out += t;
    }
    return out;
  }
  if (n.kind === 'group' && !n.look) return literalText(n.body);
  return null;
}

/** Branches that cannot start with the same character (and none is empty): one is tried, no backtracking between them. */
function deterministic(branches: Node[]): boolean {
  const firsts: CharSet[] = [];
  for (const b of branches) {
    const f = first(b);
    if (f.nullable) return false;
    if (firsts.some((x) => intersects(x, f.set))) return false;
    firsts.push(f.set);
  }
  return true;
}

function first(n: Node): { set: CharSet; nullable: boolean } {
  switch (n.kind) {
    case 'char':
      return { set: n.set, nullable: false };
    case 'anchor':
      return { set: emptySet(), nullable: true };
    case 'group':
      return n.look ? { set: emptySet(), nullable: true } : first(n.body);
    case 'quant': {
      const f = first(n.body);
      return { set: f.set, nullable: f.nullable || n.min === 0 };
    }
    case 'alt':
      return n.branches.map(first).reduce((a, b) => ({ set: union(a.set, b.set), nullable: a.nullable || b.nullable }));
    case 'seq': {
      let set = emptySet();
      for (const x of n.items) {
        const f = first(x);
        set = union(set, f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}

function allChars(n: Node): CharSet {
  switch (n.kind) {
    case 'char':
      return n.set;
    case 'anchor':
      return emptySet();
    case 'group':
      return n.look ? emptySet() : allChars(n.body);
    case 'quant':
      return allChars(n.body);
    case 'alt':
      return n.branches.map(allChars).reduce(union, emptySet());
    case 'seq':
      return n.items.map(allChars).reduce(union, emptySet());
  }
}

/** One entry per origin; two paths' atoms merge to those they share, which keeps every interaction (conservative). */
function merge(live: Live[]): Live[] {
  if (live.length < 2) return live;
  const byOrigin = new Map<Origin, Live>();
  for (const l of live) {
    const seen = byOrigin.get(l.origin);
    byOrigin.set(l.origin, seen ? { origin: l.origin, mids: commonTail(seen.mids, l.mids) } : l);
  }
  return byOrigin.size === live.length ? live : [...byOrigin.values()];
}

function commonTail(a: Mid | null, b: Mid | null): Mid | null {
  while (a && b && a.len > b.len) a = a.next;
  while (a && b && b.len > a.len) b = b.next;
  while (a && b && a !== b) [a, b] = [a.next, b.next];
  return a && b ? a : null;
}
