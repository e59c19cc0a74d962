import { evaluateConditions } from '../../../shared/commands/evaluate-conditions';
import { checkRegex, REGEX_SUBJECT_LIMIT, REGEX_SUBJECT_MAX, testCapped } from '../../../shared/commands/safe-regex';
import type { Conditions } from '../../../shared/model/conditions';
import { WebhookCreate } from '../../../shared/model/webhook';
import { ctx } from './payloads';
import { cpuMs } from '../../support/cpu-time';

const webhookWithRegex = (value: string) => ({
  name: 'GH',
  provider: 'github',
  commands: [{ trigger: 'issues.opened', action: 'comment', conditions: { all: [{ field: 'issue.title', op: 'regex', value }] } }],
});
const issues = (value: string) => {
  const r = WebhookCreate.safeParse(webhookWithRegex(value));
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};
const refusal = (pattern: string) => {
  const r = checkRegex(pattern);
  return r.ok ? null : r.message;
};
const ms = cpuMs;

describe('regexes are validated on save and cannot hang the matcher', () => {
  it('refuses (a+)+$ on save, at the field path, with the reason', () => {
    expect(issues('(a+)+$')).toEqual([
      {
        path: 'commands.0.conditions.all.0.value',
        message: expect.stringMatching(/^unsafe regular expression: "\(a\+\)\+" at position 0 repeats a group that itself contains a quantifier.*ReDoS/),
      },
    ]);
  });

  it('evaluates a stored (a+)+$ (saved before the check existed) in milliseconds: the condition fails', () => {
    const stored = { all: [{ field: 'issue.title', op: 'regex', value: '(a+)+$' }] } as Conditions;
    const event = ctx('github', 'issues.opened', { issue: { title: `${'a'.repeat(30)}!` } });
    let result: ReturnType<typeof evaluateConditions> | undefined;
    expect(ms(() => (result = evaluateConditions(stored, event)))).toBeLessThan(50);
    expect(result).toEqual({ matched: false, reason: expect.stringContaining('all.0: issue.title regex "(a+)+$": the pattern is refused (unsafe regular expression') });
  });

  it('still refuses invalid syntax at the same path', () => {
    expect(issues('(')).toEqual([{ path: 'commands.0.conditions.all.0.value', message: expect.stringMatching(/^invalid regular expression: /) }]);
  });

  it.each([
    ['nested quantifiers', '(a*)*b', /repeats a group that itself contains a quantifier/],
    ['nested quantifiers in a classic email check', '^([a-zA-Z0-9]+\\s?)*$', /repeats a group that itself contains a quantifier/],
    ['a bounded repeat with too many ways to split', '(a?){30}a{30}', /repeats a group that itself contains a quantifier/],
    ['overlapping alternatives under repetition', '(a|aa)+$', /repeats the alternation "a\|aa"/],
    ['overlapping classes under repetition', '^(\\w|\\d)+$', /repeats the alternation/],
    ['a backreference', '(\\w+)-\\1', /backreference "\\1" at position 6/],
    ['a named backreference', '(?<w>x)\\k<w>', /backreference "\\k<w>"/],
    ['adjacent overlapping quantifiers, unanchored', '\\d+\\d+x', /"\\d\+" at position 0, "\\d\+" at position 3 can take turns matching the same text/],
    ['three wildcards (83 s on 1,000 characters before the check)', '.*.*.*x', /polynomial time/],
    ['an unanchored .*foo.*bar', '.*error.*timeout', /anchor the pattern with \^/],
    ['an over-long pattern', `a{1001 times}`, /longer than 1000 characters/],
  ])('refuses %s: %s', (_, pattern, message) => {
    if (pattern === 'a{1001 times}') pattern = 'a'.repeat(1001);
    expect(refusal(pattern)).toMatch(message);
  });

  it.each([
    'urgent',
    '(?i)^\\[(bug|feature)\\]',
    '^v\\d+\\.\\d+\\.\\d+$',
    '(\\d{1,3}\\.){3}\\d{1,3}',
    '(foo|bar)+',
    '(\\d{3}-)+\\d{4}',
    '\\bfix(es|ed)?\\s+#\\d+',
    '^[\\w.+-]+@[\\w-]+\\.[\\w.-]+$',
    '^(?!.*\\bWIP\\b)',
    '^.*error.*timeout',
    'release/.*',
    '@agent\\b',
  ])('accepts the everyday pattern %s', (pattern) => {
    expect(refusal(pattern)).toBeNull();
  });

  it('makes (?i) case-insensitive', () => {
    const r = checkRegex('(?i)^urgent');
    expect(r.ok && r.regex.test('URGENT: prod down')).toBe(true);
    expect(r.ok && r.regex.flags).toBe('i');
  });

  it('lets linear patterns see whole values and quadratic ones the first 4,096 characters', () => {
    const linear = checkRegex('deploy to (prod|staging)$');
    const quadratic = checkRegex('a+b');
    expect(linear.ok && linear.limit).toBe(REGEX_SUBJECT_MAX);
    expect(quadratic.ok && quadratic.limit).toBe(REGEX_SUBJECT_LIMIT);
    const long = `${'x'.repeat(10_000)} ab`;
    expect(quadratic.ok && testCapped(quadratic, long)).toBe(false);
    expect(linear.ok && testCapped(linear, `${'x'.repeat(10_000)} deploy to prod`)).toBe(true);
  });

  it('says in the reason when a long value was only partly tested', () => {
    const conditions = { all: [{ field: 'comment.body', op: 'regex', value: 'a+b' }] } as Conditions;
    const event = ctx('github', 'issue_comment.created', { comment: { body: `${'x'.repeat(5000)}ab` } });
    expect(evaluateConditions(conditions, event).reason).toMatch(/\(tested its first 4096 characters\)$/);
  });

  it.each([
    // The worst cases the checker lets through, on the longest values they test, built to backtrack
    // (about 12-35 ms each here); anything after the first 4,096 characters is never scanned.
    ['a+b', 'a'],
    ['^.*foo.*bar', 'foo'],
    ['^\\d+\\d+$', '1'],
    ['^\\w{2,}[ab]([ab]){2,}\\d*?$', 'aab'],
    ['[^x]{2,}(?=a)', 'b'],
    ['\\w*?(?!b)+$', 'b'],
  ])('finishes the accepted pattern %s within 250 ms of CPU on a value that almost matches', (pattern, unit) => {
    const r = checkRegex(pattern);
    if (!r.ok) throw new Error(r.message);
    const almost = `${unit.repeat(r.limit).slice(0, r.limit - 1)}!`;
    expect(ms(() => testCapped(r, almost))).toBeLessThan(250);
    expect(ms(() => testCapped(r, almost.repeat(50)))).toBeLessThan(250);
  });
});
