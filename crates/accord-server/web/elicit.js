// @ts-check
// The party's room: "Build my preferences without weights" (issue 13). A delegate ranks the
// issues, says in a word how good each option is, confirms which "unacceptable" options are red
// lines, and answers "would you accept this text rather than no agreement?" a few times. Every
// step shows what the answers mean in sentences; nothing is saved until the delegate confirms,
// then the usual preferences endpoint saves them. The server does the arithmetic (see
// docs/serve.md, "Preferences without weights"); this page only asks and shows.

import { api, h, fill, alertBox, statusLine, act, label, val, num, vocabulary, optName } from '/assets/app.js';

/** The word scale, worst first (the server's `Word`). */
const WORDS = ['unacceptable', 'poor', 'acceptable', 'good', 'best'];
/** Walk-away questions asked at most. */
const QUESTIONS = 6;

/**
 * @typedef {{ name: string, options?: (string | {name: string})[] }} Issue
 * @typedef {{ issue: string, issue_label: string, value: any, value_label: string, wording?: string }} Clause
 * @typedef {{ values: Object<string, any>, clauses: Clause[], summary: string, utility?: number }} Text
 */

/**
 * The flow, as a card for the room's side column.
 * @param {{ seatBase: string, issues: Issue[], onSaved: () => Promise<void> }} opts
 * @returns {HTMLElement}
 */
export function elicitation({ seatBase, issues, onSaved }) {
  const discrete = issues.filter((i) => i.options);
  const body = h('div', { class: 'elicit-body' });
  const section = h('section', { class: 'card elicit', 'aria-labelledby': 'elicit-h' },
    h('h2', { id: 'elicit-h' }, 'Build my preferences without weights'),
    h('p', { class: 'hint' }, 'Rank the issues, say in a word how good each option is, and answer a few questions about texts. You see what your answers mean before anything is saved.'),
    body);
  if (discrete.length !== issues.length) {
    fill(body, h('p', { class: 'muted' }, 'This negotiation has issues with a range of numbers: set your preferences with the form below.'));
    return section;
  }
  const begin = h('button', { type: 'button', class: 'primary' }, 'Start');
  begin.addEventListener('click', () => { rankForm(); body.querySelector('select')?.focus(); });
  fill(body, begin);

  /** @type {{importance: Object<string, number>, ratings: Object<string, Object<string, string>>, confirm_red_lines: string[]}} */
  let rating = { importance: {}, ratings: {}, confirm_red_lines: [] };
  /** @type {any} */ let proposal = null;
  /** @type {{text: Object<string, any>, accept: boolean}[]} */ let answers = [];
  /** @type {any} */ let walk = null;
  /** @type {any[]} */ let compared = [];

  /** A text, clause by clause, in labels and wording. @param {Text} t */
  const textList = (t) => h('ul', { class: 'text-clauses' }, t.clauses.map((c) =>
    h('li', {}, h('strong', {}, label(c.issue_label)), ': ', c.value_label, c.wording ? h('span', { class: 'wording' }, ` — ${c.wording}`) : null)));

  // ---- Step 1: rank and rate ----
  function rankForm() {
    const alert = alertBox();
    const n = issues.length;
    const rank = new Map();
    const words = new Map();
    const form = h('form', { class: 'rank-rate', 'aria-label': 'Rank and rate', novalidate: true },
      h('h3', {}, '1. How much does each issue matter to you?'),
      h('p', { class: 'hint' }, '1 is the issue that matters most. Give two issues the same number if they matter as much.'),
      h('div', { class: 'score-grid' }, issues.map((issue, k) => {
        const id = `el-rank-${k}`;
        const sel = h('select', { id }, Array.from({ length: n }, (_, r) =>
          h('option', { value: String(r + 1), selected: (rating.importance[issue.name] ?? k + 1) === r + 1 }, r === 0 ? '1 (matters most)' : String(r + 1))));
        rank.set(issue.name, sel);
        return h('div', { class: 'field' }, h('label', { for: id }, `Importance of ${label(issue.name)}`), sel);
      })),
      h('h3', {}, '2. How good is each option for you?'),
      h('p', { class: 'hint' }, '“Unacceptable” means you would not sign a text with it: you will be asked whether to make it a red line.'),
      issues.map((issue, k) => h('fieldset', { class: 'scores' },
        h('legend', {}, `${label(issue.name)}: how good is each option?`),
        h('div', { class: 'score-grid' }, (issue.options || []).map(optName).map((o, j) => {
          const id = `el-word-${k}-${j}`;
          const sel = h('select', { id }, WORDS.map((w) =>
            h('option', { value: w, selected: ((rating.ratings[issue.name] || {})[o] || 'acceptable') === w }, w)));
          words.set(`${issue.name}\u0000${o}`, sel);
          return h('div', { class: 'field' }, h('label', { for: id }, val(o)), sel);
        })))),
      alert);
    const show = h('button', { type: 'submit', class: 'primary' }, 'Show what this means');
    form.append(h('div', { class: 'row' }, show));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(show, alert, async () => {
        rating = { importance: {}, ratings: {}, confirm_red_lines: rating.confirm_red_lines };
        for (const issue of issues) {
          rating.importance[issue.name] = Number(rank.get(issue.name).value);
          rating.ratings[issue.name] = {};
          for (const o of (issue.options || []).map(optName)) rating.ratings[issue.name][o] = words.get(`${issue.name}\u0000${o}`).value;
        }
        proposal = await api('POST', `${seatBase}/elicitation/rating`, rating);
        answers = [];
        walk = null;
        showProposal();
      }, { after: () => document.getElementById('el-proposal-h') });
    });
    fill(body, form);
  }

  // ---- Step 2: what it means; red lines to confirm ----
  function showProposal() {
    const alert = alertBox();
    const redLines = proposal.proposed_red_lines.map((/** @type {any} */ r, /** @type {number} */ k) => {
      const id = `el-red-${k}`;
      const box = h('input', { type: 'checkbox', id, checked: r.confirmed });
      box.addEventListener('change', () => act(null, alert, async () => {
        const set = new Set(rating.confirm_red_lines);
        if (box.checked) set.add(r.issue); else set.delete(r.issue);
        rating.confirm_red_lines = [...set];
        proposal = await api('POST', `${seatBase}/elicitation/rating`, rating);
        showProposal();
        document.getElementById(id)?.focus();
      }));
      return h('div', { class: 'check' }, box, h('label', { for: id }, `Make this a red line: ${r.sentence}`));
    });
    const again = h('button', { type: 'button', class: 'secondary' }, 'Change my answers');
    again.addEventListener('click', () => { rankForm(); body.querySelector('select')?.focus(); });
    const next = h('button', { type: 'button', class: 'primary' }, 'Find my walk-away point');
    next.addEventListener('click', () => act(next, alert, async () => { answers = []; await ask(); }));
    const compare = h('button', { type: 'button', class: 'secondary' }, 'Refine by comparing texts');
    compare.addEventListener('click', () => act(compare, alert, async () => { compared = []; await askCompare(); }));
    fill(body,
      h('h3', { id: 'el-proposal-h', tabindex: -1 }, 'What your answers mean'),
      h('ul', { class: 'sentences' }, proposal.implications.sentences.map((/** @type {string} */ s) => h('li', {}, s))),
      redLines.length ? h('fieldset', { class: 'choices' }, h('legend', {}, 'Red lines: a text with these options is one you would never sign'), redLines) : null,
      h('h4', {}, 'Your best texts'),
      h('ol', { class: 'best-texts' }, proposal.implications.best.map((/** @type {Text} */ t) =>
        h('li', {}, t.summary.replace(/_/g, ' '), h('span', { class: 'muted' }, ` (utility ${num(t.utility)})`)))),
      alert, h('div', { class: 'row wrap' }, again, next, compare));
  }

  // ---- Step 3: the walk-away point as texts ----
  async function ask() {
    walk = await api('POST', `${seatBase}/elicitation/walk-away`, { preferences: proposal.preferences, answers, questions: QUESTIONS });
    if (walk.question) question(); else confirm();
  }

  function question() {
    const alert = alertBox();
    const q = walk.question;
    const answer = (/** @type {boolean} */ accept) => {
      const b = h('button', { type: 'button', class: accept ? 'primary' : 'secondary' },
        accept ? 'Yes, I would accept it' : 'No, I would rather have no agreement');
      b.addEventListener('click', () => act(b, alert, async () => {
        answers.push({ text: q.text.values, accept });
        await ask();
      }, { after: () => document.getElementById('el-q-h') || document.getElementById('el-confirm-h') }));
      return b;
    };
    const back = h('button', { type: 'button', class: 'link small' }, 'Back to my last answer');
    back.addEventListener('click', () => act(back, alert, async () => { answers.pop(); await ask(); }));
    fill(body,
      h('h3', { id: 'el-q-h', tabindex: -1 }, `Question ${answers.length + 1} of at most ${walk.questions}`),
      h('p', { class: 'question' }, q.prompt),
      textList(q.text),
      alert,
      h('div', { class: 'row wrap' }, answer(true), answer(false), answers.length ? back : null));
  }

  // ---- Or: compare texts (the rating as the starting point), then walk-away questions ----
  async function askCompare() {
    const state = await api('POST', `${seatBase}/elicitation/comparisons`, { rating, answers: compared });
    if (!state.question) {
      walk = { ...state, reservation: state.preferences.reservation ?? 0, questions: state.walk_away_budget };
      await confirm();
      document.getElementById('el-confirm-h')?.focus();
      return;
    }
    const alert = alertBox();
    const q = state.question;
    /** @param {string} text @param {any} answer */
    const choice = (text, answer, primary = false) => {
      const b = h('button', { type: 'button', class: primary ? 'primary' : 'secondary' }, text);
      b.addEventListener('click', () => act(b, alert, async () => {
        compared.push(q.kind === 'compare' ? { a: q.a.values, b: q.b.values, answer } : { text: q.text.values, accept: answer });
        await askCompare();
      }, { after: () => document.getElementById('el-c-h') || document.getElementById('el-confirm-h') }));
      return b;
    };
    const enough = h('button', { type: 'button', class: 'link small' }, 'Enough comparisons');
    enough.addEventListener('click', () => act(enough, alert, async () => {
      const s2 = await api('POST', `${seatBase}/elicitation/comparisons`, { rating, answers: compared, stop_comparing: true });
      proposal = { ...proposal, preferences: s2.preferences };
      answers = [];
      await ask();
    }));
    const n = state.compared + state.walk_away_answered + 1;
    fill(body,
      h('h3', { id: 'el-c-h', tabindex: -1 }, `Question ${n}`),
      h('p', { class: 'question' }, q.prompt),
      q.kind === 'compare'
        ? h('div', { class: 'columns' },
          h('div', {}, h('h4', {}, 'Text A'), textList(q.a)),
          h('div', {}, h('h4', {}, 'Text B'), textList(q.b)))
        : textList(q.text),
      state.inconsistencies.map((/** @type {{sentence: string}} */ i) => h('p', { class: 'notice' }, i.sentence)),
      alert,
      q.kind === 'compare'
        ? h('div', { class: 'row wrap' }, choice('I would rather sign text A', 'a'), choice('I would rather sign text B', 'b'), choice('About the same', 'same'), enough)
        : h('div', { class: 'row wrap' }, choice('Yes, I would accept it', true, true), choice('No, I would rather have no agreement', false)));
  }

  // ---- Step 4: confirm and save ----
  async function confirm() {
    const alert = alertBox();
    const status = statusLine();
    const voc = await vocabulary();
    const consent = h('fieldset', { class: 'consent' }, h('legend', {}, 'What may the mediators do with these preferences?'),
      voc.consent_levels.map((/** @type {{level: string, promise: string}} */ c) => {
        const id = `el-consent-${c.level}`;
        return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'el-consent', id, value: c.level }),
          h('label', { for: id }, h('strong', {}, c.promise.split(':')[0], ':'), c.promise.slice(c.promise.indexOf(':') + 1)));
      }));
    const save = h('button', { type: 'button', class: 'primary' }, 'Save these preferences');
    const back = h('button', { type: 'button', class: 'secondary' }, 'Change my answers');
    back.addEventListener('click', () => { rankForm(); body.querySelector('select')?.focus(); });
    save.addEventListener('click', () => act(save, alert, async () => {
      const chosen = /** @type {HTMLInputElement | null} */ (consent.querySelector('input:checked'));
      if (!chosen) throw Object.assign(new Error('Choose what the mediators may do with your preferences.'), { field: consent.querySelector('input') });
      await api('PUT', `${seatBase}/preferences`, { preferences: walk.preferences, consent: chosen.value });
      await onSaved();
      status.show(`Saved (${chosen.value}). These are now your preferences: the form below shows them as numbers, and the draft shows what it means for you.`);
    }));
    const imp = walk.implications;
    fill(body,
      h('h3', { id: 'el-confirm-h', tabindex: -1 }, 'Check before you save'),
      h('p', {}, `Your walk-away point: ${num(walk.reservation)} (0 is your worst text, 1 your best). A text below it is worse for you than no agreement.`),
      h('ul', { class: 'sentences' }, imp.sentences.map((/** @type {string} */ s) => h('li', {}, s))),
      imp.accepted.length ? h('div', {}, h('h4', {}, 'Just good enough: you would accept this rather than no agreement'), textList(imp.accepted[0])) : null,
      imp.refused.length ? h('div', {}, h('h4', {}, 'Just not good enough: you would rather have no agreement'), textList(imp.refused[0])) : null,
      walk.inconsistencies.map((/** @type {{sentence: string}} */ i) => h('p', { class: 'notice' }, i.sentence)),
      consent, alert, status, h('div', { class: 'row' }, save, back));
  }

  return section;
}
