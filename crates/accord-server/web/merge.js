// @ts-check
// Three-way merge of drafts, clause by clause (issue 14, several mediators). A mediator edits
// from one draft (the base); meanwhile another mediator circulates a newer one (theirs). The
// edits (mine) are re-applied on top of theirs: a clause only one side changed takes that
// side's text, a clause both changed alike takes it once, and a clause both changed differently
// is a conflict that keeps both texts for the mediator to choose. Nothing is lost. Wording is
// part of a clause: the same value with other wording is another clause.
//
// Pure (no DOM, no server): the desk calls it, `e2e/merge.test.mjs` tests it under Node.

/**
 * @typedef {{issue: string, value: string | number, wording?: string | null}} Clause
 * @typedef {'unchanged' | 'mine' | 'theirs' | 'both' | 'conflict'} Outcome
 *   unchanged: neither side changed it; mine / theirs: only that side did; both: both made
 *   the same change; conflict: both changed it differently.
 * @typedef {{issue: string, outcome: Outcome, base: Clause | null, mine: Clause | null,
 *   theirs: Clause | null, clause: Clause | null}} Merged
 *   `clause` is the merged text (null for a conflict until a side is chosen).
 */

/** A clause's wording as compared: missing and blank wording are the same, and so is the
 * whitespace around it (the editor trims what it sends).
 * @param {Clause} c */
function wordingOf(c) {
  return c.wording == null ? '' : String(c.wording).trim();
}

/** Whether two clauses say the same thing: the same value (`2` and `"2"` alike, as a form
 * gives numbers back as text) and the same wording. Two missing clauses are the same.
 * @param {Clause | null | undefined} a
 * @param {Clause | null | undefined} b */
export function sameClause(a, b) {
  if (!a || !b) return !a && !b;
  return String(a.value) === String(b.value) && wordingOf(a) === wordingOf(b);
}

/** Merges `mine` and `theirs`, both edited from `base`, clause by clause (clauses are matched by
 * issue; the order is theirs, then any issue only mine has).
 * @param {Clause[]} base
 * @param {Clause[]} mine
 * @param {Clause[]} theirs
 * @returns {Merged[]} */
export function mergeDrafts(base, mine, theirs) {
  /** @param {Clause[]} list */
  const byIssue = (list) => new Map(list.map((c) => [c.issue, c]));
  const b = byIssue(base), m = byIssue(mine), t = byIssue(theirs);
  const issues = [...t.keys()];
  for (const k of [...b.keys(), ...m.keys()]) if (!issues.includes(k)) issues.push(k);
  return issues.map((issue) => {
    const [bc, mc, tc] = [b.get(issue) || null, m.get(issue) || null, t.get(issue) || null];
    const iChanged = !sameClause(bc, mc);
    const theyChanged = !sameClause(bc, tc);
    /** @type {Outcome} */
    let outcome;
    /** @type {Clause | null} */
    let clause;
    if (!iChanged && !theyChanged) [outcome, clause] = ['unchanged', tc];
    else if (iChanged && !theyChanged) [outcome, clause] = ['mine', mc];
    else if (!iChanged) [outcome, clause] = ['theirs', tc];
    else if (sameClause(mc, tc)) [outcome, clause] = ['both', tc];
    else [outcome, clause] = ['conflict', null];
    return { issue, outcome, base: bc, mine: mc, theirs: tc, clause };
  });
}
