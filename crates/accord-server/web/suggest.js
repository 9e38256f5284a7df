// @ts-check
// The one-text procedure in the workbench (issue 16): what a party is told about a straw poll
// and the comparison it gives, and the mediator's "Suggest the next draft" panel. The rules
// (which drafts ask for a comparison, which comparisons) come from the server's view of the
// negotiation: `rules`, `feedback`, `comparisons`, and each draft's `final_vote` and
// `asks_comparison`.

import { api, h, fill, alertBox, statusLine, act, newId, num, invalid } from '/assets/app.js';

/** @typedef {{ version: number, final_vote?: boolean, asks_comparison?: boolean }} Draft */
/** @typedef {{ rules?: string, feedback?: string|null, comparisons?: string[], status: string, current_version: number, drafts: Draft[] }} Negotiation */

/** Whether the negotiation runs under the one-text rules.
 * @param {Negotiation} n */
export const isOneText = (n) => n.rules === 'one-text';

const COMPARISON_WORDS = {
  much_worse: 'Much worse', worse: 'Worse', about_the_same: 'About the same', better: 'Better', much_better: 'Much better',
};

/** A comparison in words ("better than draft 3").
 * @param {string} c @param {number} version */
export function comparisonText(c, version) {
  const w = /** @type {Record<string, string>} */ (COMPARISON_WORDS)[c] || c;
  return `${w.toLowerCase()} than draft ${version - 1}`;
}

/** What a draft is under the one-text rules, in words for the room and the desk (null under
 * binding rules).
 * @param {Negotiation} n @param {Draft} d */
export function oneTextNotice(n, d) {
  if (!isOneText(n)) return null;
  return d.final_vote
    ? h('p', { class: 'one-text final', id: 'one-text-notice' }, h('strong', {}, 'Final vote: '),
      'this text binds if every party accepts it. Accept or reject it; no comparison is asked.')
    : h('p', { class: 'one-text straw', id: 'one-text-notice' }, h('strong', {}, 'Straw poll: '),
      'this draft does not bind; only the final vote does. Say whether you would accept it rather than no agreement',
      d.asks_comparison ? `, and how it compares with draft ${d.version - 1}.` : '.');
}

/** The comparison a party gives with its answer, when the draft asks for one: radio buttons
 * of the negotiation's comparisons. `value()` is the chosen name, or throws if none is.
 * @param {Negotiation} n @param {Draft} d */
export function comparisonField(n, d) {
  if (!isOneText(n) || !d.asks_comparison) return { el: null, value: () => undefined };
  const name = newId('comparison');
  const radios = (n.comparisons || []).map((c) => {
    const rid = newId('cmp');
    return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id: rid, value: c }),
      h('label', { for: rid }, `${(/** @type {Record<string, string>} */ (COMPARISON_WORDS))[c] || c} than draft ${d.version - 1}`));
  });
  const el = h('fieldset', { class: 'comparison' }, h('legend', {}, `Compared with draft ${d.version - 1}, this draft is`),
    n.feedback === 'graded5'
      ? h('p', { class: 'hint' }, 'For you: about the same means within 0.02 of your utility either way; much better or much worse, a change of 0.1 or more.')
      : null,
    radios);
  return {
    el,
    value() {
      const checked = /** @type {HTMLInputElement|null} */ (el.querySelector('input:checked'));
      if (!checked) throw invalid(`Say how this draft compares with draft ${d.version - 1}.`, el.querySelector('input'));
      return checked.value;
    },
  };
}

/**
 * The desk's "Suggest the next draft" panel (one-text negotiations only).
 * @param {{ base: string, getN: () => Negotiation, editor: { load: (clauses: any[], keepCustom: boolean) => string[], setFinal: (on: boolean) => void, submit: () => void, section: HTMLElement } }} deps
 */
export function suggestPanel({ base, getN, editor }) {
  const alert = alertBox();
  const status = statusLine();
  const reason = h('p', { class: 'suggest-reason', id: 'suggest-reason', role: 'status' });
  const ask = h('button', { type: 'button', class: 'primary', id: 'suggest-next' }, 'Suggest the next draft');
  const callFinal = h('button', { type: 'button', class: 'secondary', id: 'call-final' }, 'Call the final vote');
  const rulesLine = h('p', { class: 'hint' });
  ask.addEventListener('click', () => act(ask, alert, async () => {
    const s = await api('POST', `${base}/suggestion`, {});
    editor.load(s.clauses, true);
    editor.setFinal(!!s.call_final_vote);
    fill(reason, h('strong', {}, s.call_final_vote ? 'Call the final vote: ' : 'Suggested: '), s.reason,
      s.polls ? h('span', { class: 'meta' }, ` (learned from ${s.polls} answered draft${s.polls === 1 ? '' : 's'}; best final text so far: ${num(100 * s.expected_nash_ratio, 0)}% of the best Nash product, ${num(100 * s.acceptance, 0)}% chance every party accepts it)`) : null);
    reason.dataset.final = s.call_final_vote ? 'yes' : 'no';
    status.show(s.call_final_vote
      ? 'The suggested final text is in the draft editor, marked as the final text: review it, then call the final vote.'
      : 'The suggestion is in the draft editor: review the wording, then circulate it.');
  }));
  callFinal.addEventListener('click', () => {
    editor.setFinal(true);
    editor.submit();
  });
  const section = h('section', { class: 'card', 'aria-labelledby': 'suggest-h', id: 'suggest' },
    h('h2', { id: 'suggest-h' }, 'One-text procedure'), rulesLine,
    h('div', { class: 'row' }, ask, callFinal), reason, alert, status);
  return {
    section,
    sync() {
      const n = getN();
      section.hidden = !isOneText(n) || n.status !== 'open';
      fill(rulesLine, `Drafts are straw polls that bind nobody; only the final vote does. Parties answer each draft `,
        n.feedback === 'graded5' ? 'on five grades (much worse … much better) against the draft before.'
          : n.feedback === 'binary' ? 'better or worse than the draft before.' : 'with their straw poll only.',
        ' Suggestions learn from the answers and amendments alone, never from the parties\u2019 preferences.');
    },
  };
}
