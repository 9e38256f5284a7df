// Unit test of the desk's three-way merge of drafts (crates/accord-server/web/merge.js): run by
// run.sh before the browser test (so `cargo test --release --test browser` and CI run it), or
// alone: node --test merge.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeDrafts, sameClause } from '../crates/accord-server/web/merge.js';

const c = (issue, value, wording) => ({ issue, value, wording });

test('the merge: mine, theirs, both, conflict, nothing lost', () => {
  const base = [c('hostages', 'some', 'Some hostages.'), c('ceasefire', 'pause', 'A pause.'),
    c('withdrawal', 'none', null), c('language', 'possibility', 'May withdraw.'), c('rafah', 'not_addressed', '')];
  // Mine: clause 2 value and wording, clause 4 wording, clause 5 value.
  const mine = [c('hostages', 'some', 'Some hostages.'), c('ceasefire', 'permanent', 'A permanent end.'),
    c('withdrawal', 'none', null), c('language', 'possibility', 'Shall consider withdrawing.'), c('rafah', 'no_offensive', '')];
  // Theirs: clause 1 value, clause 4 wording (differently), clause 5 the same as mine.
  const theirs = [c('hostages', 'all', 'All hostages.'), c('ceasefire', 'pause', 'A pause.'),
    c('withdrawal', 'none', ''), c('language', 'possibility', 'Will withdraw.'), c('rafah', 'no_offensive', null)];
  const m = mergeDrafts(base, mine, theirs);
  // By hand: who changed what.
  assert.deepEqual(m.map((x) => [x.issue, x.outcome]), [
    ['hostages', 'theirs'], ['ceasefire', 'mine'], ['withdrawal', 'unchanged'], ['language', 'conflict'], ['rafah', 'both']]);
  assert.deepEqual(m[0].clause, theirs[0]);
  assert.deepEqual(m[1].clause, mine[1]);
  // The conflict keeps both texts, and the base they came from.
  assert.equal(m[3].clause, null);
  assert.equal(m[3].mine.wording, 'Shall consider withdrawing.');
  assert.equal(m[3].theirs.wording, 'Will withdraw.');
  assert.equal(m[3].base.wording, 'May withdraw.');
});

test('wording is part of a clause; blank, missing and padded wording are the same; numbers as text', () => {
  assert.ok(sameClause(c('a', 'x', null), c('a', 'x', '')));
  assert.ok(sameClause(c('a', 'x', undefined), c('a', 'x', '  ')));
  assert.ok(sameClause(c('a', 'x', ' Text. '), c('a', 'x', 'Text.')));
  assert.ok(!sameClause(c('a', 'x', 'Text.'), c('a', 'x', 'Other text.')));
  assert.ok(!sameClause(c('a', 'x', 'Text.'), c('a', 'y', 'Text.')));
  assert.ok(sameClause(c('n', 40, null), c('n', '40', null)));
  assert.ok(sameClause(null, undefined));
  assert.ok(!sameClause(null, c('a', 'x', null)));
  // A wording-only edit against a value-only edit of the same clause: a conflict.
  const [x] = mergeDrafts([c('a', 'x', 'W')], [c('a', 'x', 'W2')], [c('a', 'y', 'W')]);
  assert.equal(x.outcome, 'conflict');
});

test('every combination of three texts per clause, against a reference written as a table', () => {
  // Each side's clause is one of three texts; a brute force over all 27 combinations of
  // (base, mine, theirs) for each of two clauses (729 drafts), checked against the rule as a
  // table of equalities rather than as the module's branches.
  const texts = [['x', 'W'], ['x', 'V'], ['y', 'W']];
  const reference = (b, m, t) => {
    if (m === b && t === b) return 'unchanged';
    if (t === b) return 'mine';
    if (m === b) return 'theirs';
    return m === t ? 'both' : 'conflict';
  };
  let conflicts = 0;
  for (let code = 0; code < 729; code++) {
    const digits = [...code.toString(3).padStart(6, '0')].map(Number);
    const pick = (k, side) => { const [v, w] = texts[digits[k * 3 + side]]; return c(`i${k}`, v, w); };
    const base = [pick(0, 0), pick(1, 0)], mine = [pick(0, 1), pick(1, 1)], theirs = [pick(0, 2), pick(1, 2)];
    const merged = mergeDrafts(base, mine, theirs);
    for (const [k, x] of merged.entries()) {
      const [b, m, t] = [digits[k * 3], digits[k * 3 + 1], digits[k * 3 + 2]];
      const want = reference(b, m, t);
      assert.equal(x.outcome, want, `clause ${k}: base ${b}, mine ${m}, theirs ${t}`);
      // Nothing lost: whatever a side changed is in the merged clause, or kept for the choice.
      if (m !== b) assert.ok(sameClause(x.clause, mine[k]) || (x.outcome === 'conflict' && x.mine === mine[k]));
      if (t !== b) assert.ok(sameClause(x.clause, theirs[k]) || (x.outcome === 'conflict' && x.theirs === theirs[k]));
      if (want === 'conflict') conflicts += 1;
      // Symmetric: swapping the sides swaps mine and theirs.
      const swapped = mergeDrafts(base, theirs, mine)[k].outcome;
      assert.equal(swapped, { mine: 'theirs', theirs: 'mine' }[want] || want);
    }
  }
  // By hand: per clause, conflicts are base ≠ mine ≠ theirs ≠ base: 3·2·1 = 6 of 27; two clauses
  // over 27 combinations of the other: 2 · 6 · 27 = 324.
  assert.equal(conflicts, 324);
});

test('an issue only one side has is kept', () => {
  const m = mergeDrafts([c('a', 'x', null)], [c('a', 'x', null), c('b', 'y', null)], [c('a', 'z', null)]);
  assert.deepEqual(m.map((x) => [x.issue, x.outcome, x.clause.value]), [['a', 'theirs', 'z'], ['b', 'mine', 'y']]);
});
