// The party's room: its own confidential preferences, the current draft with what it means to
// this party, its response (accept, reject, amend one clause) and the deadline.

import {
  api, h, fill, alertBox, statusLine, act, label, val, num, when, countdown, historyView,
  outcomeBanner, pageHead, scenarioDetails, live, debounce, optName, newId, statusBadge,
  invalid, calmFill, fillOnce, serverNow,
  inPhase,
} from '/assets/app.js';
import { messagesPanel } from '/assets/messages.js';
import { elicitation } from '/assets/elicit.js';
import { ruleWords, conditionPicker, termsEditor } from '/assets/rules.js';
import { oneTextNotice, comparisonField, comparisonText } from '/assets/suggest.js';
import { phasesPanel } from '/assets/phases.js';

export function start(ctx) {
  const { id, main } = ctx;
  let n = ctx.n;
  const seat = n.you.seat;
  const base = `/api/negotiations/${encodeURIComponent(id)}`;
  const words = ruleWords(base);
  const seatBase = `${base}/seats/${encodeURIComponent(seat)}`;
  let assessment = null;
  let assessmentError = null;
  let formCache = null;
  // The draft whose answer this party is changing (a form replaces its answer), or null.
  let changing = null;

  const banner = h('div');
  // The draft panel in parts, so that a live refresh leaves alone the part holding the focus:
  // the draft itself (with the amendment shortcuts), this party's own response or missed
  // deadline, and the response form (kept, with what is typed in it, for the same draft).
  const draftTop = h('div');
  const draftOwn = h('div');
  const formSlot = h('div');
  const draftBox = h('div', {}, draftTop, draftOwn, formSlot);
  const history = h('div');
  const prefs = preferencesForm();
  // Issue 13: preferences from rankings, words and questions about texts, saved once confirmed.
  const elicit = elicitation({ seatBase, issues: n.issues, onSaved: async () => {
    await prefs.load();
    await refreshAssessment();
    renderDraft();
  } });
  const liveSlot = h('div');
  const headSlot = h('div');
  let shownVersion = null;
  let shownForm = null;
  const messages = messagesPanel(ctx);
  // Issue 15: a phased draft by phase with what it is worth to this party; phase statuses.
  const phased = phasesPanel(ctx, { mediator: false });

  fill(main, headSlot, banner,
    h('div', { class: 'columns room' },
      h('div', { class: 'col-main' },
        h('section', { class: 'card', 'aria-labelledby': 'draft-h' }, draftBox),
        phased.section,
        messages.section,
        h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, 'History of drafts'), history)),
      h('div', { class: 'col-side' }, elicit, prefs.section, scenarioDetails(n))));

  // ---- The current draft and what it means ----
  function renderDraft() {
    const d = n.drafts[n.drafts.length - 1];
    if (!d) {
      calmFill(draftTop, () => [h('h2', { id: 'draft-h' }, 'Current draft'),
        h('p', { class: 'muted' }, 'The mediators have not circulated a draft yet. Meanwhile, check your confidential preferences: they decide what each draft means for you.')]);
      return;
    }
    const mine = d.responses.find((r) => r.seat === seat);
    const missed = (d.missed || []).includes(seat);
    const a = assessment && assessment.draft;
    const byIssue = new Map((a ? a.clauses : []).map((c) => [c.issue, c]));
    // The server decides when a draft closes (its deadline is in the server's time): the form
    // stays while the draft is open; the countdown says when the deadline is reached.
    // An answer may be changed while the draft is open: before its deadline and before every
    // party has answered (the last answer settles the draft).
    const canChange = d.status === 'open' && !!mine && n.status === 'open';
    if (!canChange) changing = null;
    const change = canChange && changing === d.version;
    const canRespond = d.status === 'open' && n.status === 'open' && (!mine || change);
    // Keep the form (and what is typed in it) across live refreshes of the same draft.
    if (canRespond && (!formCache || formCache.version !== d.version || formCache.change !== change)) {
      formCache = { version: d.version, change, form: responseForm(d, change) };
    }
    const form = canRespond ? formCache.form : null;
    // A new draft, or the form coming or going, changes the whole panel: re-render it at once.
    const force = shownVersion !== d.version || shownForm !== form;
    shownVersion = d.version;
    shownForm = form;
    const topFocused = draftTop.contains(document.activeElement);
    calmFill(draftTop, () => [
      h('h2', { id: 'draft-h', tabindex: -1 }, `Current draft: ${d.version}`, ' ', statusBadge(n, d)),
      h('p', { class: 'meta' }, `Circulated by ${d.by ? label(d.by) : 'the mediators'} ${when(d.created_at)}`),
      countdown(d.deadline_at, d.status === 'open', d.remaining_ms),
      d.corrects ? h('p', { class: 'corrects' }, `This draft corrects draft ${d.corrects}.`) : null,
      oneTextNotice(n, d),
      d.note ? h('p', { class: 'note' }, h('span', { class: 'muted' }, 'Note from the mediators: '), d.note) : null,
      meaning(a),
      h('ol', { class: 'clauses assess' }, d.clauses.map((c, k) => {
        const m = byIssue.get(c.issue);
        return h('li', {},
          h('span', { class: 'clause-head' }, h('strong', {}, label(c.issue)), ': ', h('span', { class: 'value' }, val(c.value))),
          c.wording ? h('span', { class: 'wording' }, c.wording) : null,
          m ? h('span', { class: 'for-you' }, adviceText(m, a)) : null,
          form ? form.amendButton(c.issue, k + 1) : null);
      }))], force);
    if (topFocused && !draftTop.contains(document.activeElement)) document.getElementById('draft-h').focus();
    fillOnce(draftOwn, JSON.stringify([d.version, d.status, n.status, mine || null, missed, !!form, change]), () => [
      mine ? h('div', { class: `own-response ${mine.verdict}`, id: 'own-response', tabindex: -1 }, h('h3', {}, 'Your response'),
        h('p', {}, mine.verdict === 'accept' ? 'You accepted this draft.' : mine.verdict === 'reject' ? 'You rejected this draft.'
          : `You proposed to amend ${label(mine.amendment.issue)}${inPhase(mine.amendment)} to ${val(mine.amendment.value)}.`, ` (${when(mine.at)})`,
          mine.changed_at ? ` You changed your answer at ${when(mine.changed_at)}.` : '',
          mine.comparison ? ` You found it ${comparisonText(mine.comparison, d.version)}.` : ''),
        mine.comment ? h('p', {}, h('span', { class: 'muted' }, 'Your comment: '), mine.comment) : null,
        canChange && !change ? changeButton(d) : null,
        canChange && !change ? h('p', { class: 'hint' }, 'You can change your answer until the deadline, as long as the draft is open: once every party has answered, the draft is settled.') : null) : null,
      missed ? h('p', { class: 'missed', role: 'alert' }, `You missed the deadline for draft ${d.version}: no response was recorded.`) : null,
      !mine && !missed && !form && d.status !== 'open' ? h('p', { class: 'muted' }, 'This draft is closed for responses.') : null]);
    const el = form ? form.el : null;
    if (formSlot.firstChild !== el) {
      const focused = formSlot.contains(document.activeElement);
      fill(formSlot, el);
      // The form went (the draft closed) while in use: the focus goes to the draft's heading.
      if (focused) (document.getElementById('own-response') || document.getElementById('draft-h')).focus();
    }
  }

  /** One clause's advice: the change that clears most of this party's red lines, then raises its
   * utility most; said plainly, with both effects. */
  function adviceText(m, a) {
    const b = m.best_change;
    if (!b) return a.red_lines_crossed
      ? 'For you: no other option here clears any of your red lines or raises your utility.'
      : 'For you: no other option here would be better.';
    const cleared = a.red_lines_crossed - b.red_lines_crossed;
    const same = num(b.utility) === num(a.utility);
    const utility = same ? `keep your utility at ${num(a.utility)}`
      : `${b.utility > a.utility ? 'raise' : 'lower'} your utility to ${num(b.utility)} (now ${num(a.utility)})`;
    if (cleared > 0) {
      const which = b.red_lines_crossed === 0 ? 'would respect all your red lines' : `would clear ${cleared} of the ${a.red_lines_crossed} red lines this draft crosses`;
      return `For you: ${val(b.value)} instead ${which} and ${utility}.`;
    }
    return `For you: ${val(b.value)} instead would ${utility}.`;
  }

  function meaning(a) {
    if (assessmentError) return h('p', { class: 'notice' }, assessmentError);
    if (!a) return null;
    return h('div', { class: 'meaning' },
      h('h3', {}, 'What this draft means for you'),
      h('dl', { class: 'summary' },
        h('div', {}, h('dt', {}, 'Your utility, from 0 (your worst text) to 1 (your best)'), h('dd', { class: 'big' }, num(a.utility))),
        h('div', {}, h('dt', {}, 'Your walk-away point'), h('dd', {}, assessment.reservation == null ? 'not set (0)' : num(assessment.reservation))),
        h('div', {}, h('dt', {}, 'Within your red lines'), h('dd', { class: a.within_red_lines ? 'yes' : 'no' }, a.within_red_lines ? 'yes' : 'no')),
        h('div', {}, h('dt', {}, 'Better than no agreement'), h('dd', { class: a.above_reservation ? 'yes' : 'no' }, a.above_reservation ? 'yes' : 'no'))),
      assessment.red_lines.length ? h('ul', { class: 'redline-status' }, assessment.red_lines.map((r) =>
        h('li', { class: r.crossed ? 'no' : 'yes' }, r.crossed ? 'Crossed: ' : 'Respected: ', r.sentence || r.rule))) : null);
  }

  function changeButton(d) {
    const b = h('button', { type: 'button', class: 'secondary', id: 'change-answer' }, 'Change my answer');
    b.addEventListener('click', () => {
      changing = d.version;
      renderDraft();
      const first = formSlot.querySelector('input[name=verdict]');
      if (first) first.focus();
    });
    return b;
  }

  function responseForm(d, change = false) {
    const alert = alertBox();
    const f = h('form', { class: 'respond', 'aria-labelledby': 'resp-h', novalidate: true });
    const radio = (v, text) => {
      const rid = newId('verdict');
      return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'verdict', id: rid, value: v }), h('label', { for: rid }, text));
    };
    const issueSel = h('select', { id: 'am-issue' }, n.issues.map((i, k) => h('option', { value: i.name }, `${k + 1}. ${label(i.name)}`)));
    const valueBox = h('div', { class: 'field' });
    const wording = h('textarea', { id: 'am-wording', rows: 2 });
    // A phased draft (issue 15): which of its phases that fix clauses the amendment is for;
    // shown once the draft's phases are known, when it has more than one.
    const phaseSel = h('select', { id: 'am-phase' });
    const phaseField = h('div', { class: 'field', hidden: true }, h('label', { for: 'am-phase' }, 'In phase'), phaseSel);
    api('GET', `${base}/phases`).then((p) => {
      const mine = (p.drafts || []).find((x) => x.version === d.version);
      const fixed = mine && mine.phases ? mine.phases.filter((x) => x.clauses) : [];
      if (fixed.length < 2) return;
      fill(phaseSel, fixed.map((x) => h('option', { value: x.name }, x.name)));
      phaseField.hidden = false;
    }, () => {});
    const amendBox = h('div', { class: 'amend-box', hidden: true },
      phaseField,
      h('div', { class: 'field' }, h('label', { for: 'am-issue' }, 'Clause to amend'), issueSel),
      valueBox,
      h('div', { class: 'field' }, h('label', { for: 'am-wording' }, 'Proposed wording (optional)'), wording));
    let valueCtl = null;
    const setValues = () => {
      const issue = n.issues.find((i) => i.name === issueSel.value);
      const current = d.clauses.find((c) => c.issue === issue.name);
      const other = issue.options && (issue.options.map(optName).find((o) => o !== String(current && current.value)) || optName(issue.options[0]));
      valueCtl = issue.options
        ? h('select', { id: 'am-value' }, issue.options.map((o) => h('option', { value: optName(o), selected: optName(o) === other }, val(optName(o)))))
        : h('input', { id: 'am-value', type: 'number', min: issue.min, max: issue.max, step: issue.resolution || (issue.type === 'real' ? 'any' : 1), value: current ? current.value : issue.min });
      fill(valueBox, h('label', { for: 'am-value' }, issue.options ? 'Proposed option' : `Proposed value (${num(issue.min)}–${num(issue.max)})`), valueCtl);
    };
    issueSel.addEventListener('change', () => { valueCtl = null; setValues(); });
    setValues();
    const comment = h('textarea', { id: 'resp-comment', rows: 3, maxlength: 4000 });
    // One-text rules: how this draft compares with the one before (issue 16).
    const comparison = comparisonField(n, d);
    const submit = h('button', { type: 'submit', class: 'primary' }, change ? 'Send my new answer' : 'Send response');
    const keep = change ? h('button', { type: 'button', class: 'secondary' }, 'Keep my answer') : null;
    if (keep) keep.addEventListener('click', () => { changing = null; renderDraft(); document.getElementById('own-response')?.focus(); });
    fill(f,
      h('h3', { id: 'resp-h' }, change ? `Change your answer to draft ${d.version}` : `Your response to draft ${d.version}`),
      h('fieldset', {}, h('legend', {}, 'Your response'),
        radio('accept', 'Accept the draft'), radio('reject', 'Reject the draft'), radio('amend', 'Propose an amendment to one clause')),
      amendBox,
      comparison.el,
      h('div', { class: 'field' }, h('label', { for: 'resp-comment' }, 'Comment (optional)'), comment),
      alert, h('div', { class: 'row' }, submit, keep));
    f.addEventListener('change', (e) => { if (e.target.name === 'verdict') amendBox.hidden = e.target.value !== 'amend'; });
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      act(submit, alert, async () => {
        const verdict = (f.querySelector('input[name=verdict]:checked') || {}).value;
        if (!verdict) throw invalid('Choose a response: accept, reject or propose an amendment.', f.querySelector('input[name=verdict]'));
        const body = { verdict };
        const compared = comparison.value();
        if (compared) body.comparison = compared;
        if (verdict === 'amend') {
          const issue = n.issues.find((i) => i.name === issueSel.value);
          if (!issue.options && (valueCtl.value === '' || !Number.isFinite(Number(valueCtl.value)))) {
            throw invalid(`Proposed value: enter a number from ${num(issue.min)} to ${num(issue.max)}.`, valueCtl);
          }
          body.amendment = { issue: issue.name, value: issue.options ? valueCtl.value : Number(valueCtl.value) };
          if (wording.value.trim()) body.amendment.wording = wording.value.trim();
          if (!phaseField.hidden) body.amendment.phase = phaseSel.value;
        }
        if (comment.value.trim()) body.comment = comment.value.trim();
        try {
          await api(change ? 'PUT' : 'POST', `${base}/drafts/${d.version}/responses`, body);
        } catch (err) {
          if (['draft_closed', 'deadline_passed', 'adjourned', 'not_answered'].includes(err.code)) await refresh();
          throw err;
        }
        changing = null;
        await refresh();
      }, { after: () => document.getElementById('own-response') || document.getElementById('draft-h') });
    });
    return {
      el: f,
      amendButton(issue, k) {
        const b = h('button', { type: 'button', class: 'link small' }, `Propose a change to clause ${k}`);
        b.addEventListener('click', () => {
          f.querySelector('input[value=amend]').checked = true;
          amendBox.hidden = false;
          issueSel.value = issue;
          valueCtl = null;
          setValues();
          valueCtl.focus();
        });
        return b;
      },
    };
  }

  // ---- Confidential preferences ----
  function preferencesForm() {
    const alert = alertBox();
    const status = statusLine();
    const form = h('form', { class: 'prefs', 'aria-labelledby': 'prefs-h', novalidate: true });
    const section = h('section', { class: 'card', 'aria-labelledby': 'prefs-h' },
      h('h2', { id: 'prefs-h' }, 'Your confidential preferences'),
      h('p', { class: 'hint' }, 'Only you see these, unless you choose to share them with the mediators. They decide what each draft means for you; the other parties never see them.'),
      form);
    let p = {};
    let redLines = [];
    const weightIn = new Map();
    // Issue 13: the nonlinear terms, in words and editable ("a penalty of 0.20 when ...").
    const terms = termsEditor({ issues: n.issues, words, status });
    const scoreIn = new Map();
    const reservation = h('input', { id: 'pref-reservation', type: 'number', step: 0.01, inputmode: 'decimal' });
    const consentBox = h('fieldset', { class: 'consent' });
    let consentLevels = [];
    let source = null;
    const redList = h('ul', { class: 'redlines' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save preferences');

    const totalOut = [];
    const updateShares = () => {
      const total = [...weightIn.values()].reduce((s, el) => s + (Number(el.value) || 0), 0);
      for (const [name, out] of totalOut) {
        const w = Number(weightIn.get(name).value) || 0;
        out.textContent = total > 0 ? `${Math.round((100 * w) / total)}% of the total: saved as ${num(w / total)}` : '';
      }
    };

    function issueFieldset(issue) {
      const wid = newId('w');
      const w = h('input', { id: wid, type: 'number', min: 0, step: 0.05, inputmode: 'decimal' });
      w.addEventListener('input', updateShares);
      weightIn.set(issue.name, w);
      const out = h('output', { for: wid, class: 'muted' });
      totalOut.push([issue.name, out]);
      // Stored weights sum to 1; four decimals are plenty to read and to save again (they are
      // shares: saving divides by the total once more).
      w.value = String(Number(Number((p.weights || {})[issue.name] ?? 0).toFixed(4)));
      const s = (p.scores || {})[issue.name];
      const scores = issue.options ? optionScores(issue, s) : numericScores(issue, s);
      scoreIn.set(issue.name, scores.read);
      return h('fieldset', { class: 'issue-prefs' },
        h('legend', {}, label(issue.name)),
        issue.options ? null : h('p', { class: 'hint' }, issue.description ? `${issue.description} ` : '',
          `Values from ${num(issue.min)} to ${num(issue.max)}.`),
        h('div', { class: 'field weight' }, h('label', { for: wid }, 'Weight (importance)'), h('div', { class: 'row' }, w, out)),
        scores.el);
    }

    /** A score per option of a discrete issue. */
    function optionScores(issue, s) {
      const inputs = issue.options.map(optName).map((k) => {
        const sid = newId('s');
        const input = h('input', { id: sid, type: 'number', min: 0, max: 1, step: 0.1, inputmode: 'decimal' });
        if (s && s[k] !== undefined) input.value = s[k];
        return [k, input, h('div', { class: 'field score' }, h('label', { for: sid }, val(k)), input)];
      });
      return {
        el: h('fieldset', { class: 'scores' }, h('legend', {}, 'How good is each option for you? (0 = worst, 1 = best)'),
          h('div', { class: 'score-grid' }, inputs.map((x) => x[2]))),
        read() {
          const sc = {};
          for (const [k, input] of inputs) sc[k] = score01(issue, val(k), input);
          return sc;
        },
      };
    }

    /** The scoring of an integer or real issue: a straight line, lines through a turning point
     * (the format's "triangular"), or a table of values kept as it came (from an import). */
    function numericScores(issue, s) {
      const kind = s && s.type === 'triangular' ? 'triangular' : s && !s.type && Object.keys(s).length ? 'table' : 'linear';
      const step = issue.resolution || (issue.type === 'real' ? 'any' : 1);
      const shape = h('select', { id: newId('shape') },
        h('option', { value: 'linear' }, 'A straight line from the lowest value to the highest'),
        h('option', { value: 'triangular' }, 'Straight lines through a turning point'),
        kind === 'table' ? h('option', { value: 'table' }, 'A score for each value (as imported)') : null);
      shape.value = kind;
      const scoreInput = (v) => h('input', { id: newId('s'), type: 'number', min: 0, max: 1, step: 0.05, inputmode: 'decimal', value: v ?? '' });
      const atMin = scoreInput(s && s.at_min);
      const atMax = scoreInput(s && s.at_max);
      const atPeak = scoreInput(s && s.at_peak);
      const peak = h('input', { id: newId('peak'), type: 'number', min: issue.min, max: issue.max, step, inputmode: 'decimal',
        value: s && s.peak !== undefined ? s.peak : '' });
      const table = kind === 'table' ? Object.keys(s).sort((x, y) => Number(x) - Number(y)).map((k) => [k, scoreInput(s[k])]) : [];
      const fieldOf = (text, input, cls = 'score') => h('div', { class: `field ${cls}` }, h('label', { for: input.id }, text), input);
      const lo = fieldOf(`Score at ${num(issue.min)} (lowest)`, atMin);
      const hi = fieldOf(`Score at ${num(issue.max)} (highest)`, atMax);
      const turn = h('div', { class: 'turn' }, fieldOf('Turning point (a value)', peak, 'score'), fieldOf('Score at the turning point', atPeak));
      const grid = h('div', { class: 'score-grid points' });
      const chart = h('div', { class: 'curve' });
      const layout = () => {
        const k = shape.value;
        if (k === 'linear') fill(grid, lo, hi);
        else if (k === 'triangular') {
          if (peak.value === '') peak.value = issue.type === 'integer' ? Math.round((issue.min + issue.max) / 2) : (issue.min + issue.max) / 2;
          fill(grid, lo, turn, hi);
        } else fill(grid, table.map(([v, input]) => fieldOf(`At ${v}`, input)));
        drawCurve();
      };
      const points = () => {
        const n0 = (x) => (x === '' ? NaN : Number(x));
        const k = shape.value;
        if (k === 'linear') return [[issue.min, n0(atMin.value)], [issue.max, n0(atMax.value)]];
        if (k === 'triangular') return [[issue.min, n0(atMin.value)], [n0(peak.value), n0(atPeak.value)], [issue.max, n0(atMax.value)]];
        return table.map(([v, input]) => [Number(v), n0(input.value)]);
      };
      const drawCurve = () => {
        const pts = points();
        if (pts.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y)) || issue.max <= issue.min) {
          fill(chart, h('p', { class: 'hint' }, 'Fill in the scores to see the curve.'));
          return;
        }
        chart.replaceChildren(curveSvg(issue, pts), h('p', { class: 'curve-axis' },
          h('span', {}, num(issue.min)), h('span', { class: 'muted' }, label(issue.name)), h('span', {}, num(issue.max))));
      };
      shape.addEventListener('change', layout);
      grid.addEventListener('input', drawCurve);
      layout();
      const el = h('fieldset', { class: 'scores' }, h('legend', {}, 'How good is each value for you? (0 = worst, 1 = best)'),
        h('div', { class: 'field' }, h('label', { for: shape.id }, 'Shape'), shape),
        grid, chart);
      return {
        el,
        read() {
          const name = label(issue.name);
          if (shape.value === 'table') {
            const sc = {};
            for (const [v, input] of table) sc[v] = score01(issue, `the value ${v}`, input);
            return sc;
          }
          const sc = { type: shape.value, at_min: score01(issue, `the lowest value (${num(issue.min)})`, atMin) };
          if (shape.value === 'triangular') {
            const x = Number(peak.value);
            if (peak.value === '' || !(x >= issue.min && x <= issue.max)) throw invalid(`${name}: the turning point must be a value from ${num(issue.min)} to ${num(issue.max)}.`, peak);
            sc.peak = x;
            sc.at_peak = score01(issue, 'the turning point', atPeak);
          }
          sc.at_max = score01(issue, `the highest value (${num(issue.max)})`, atMax);
          return sc;
        },
      };
    }

    function score01(issue, what, input) {
      const raw = input.value;
      if (raw === '') throw invalid(`${label(issue.name)}: give a score for ${what}.`, input);
      const x = Number(raw);
      if (!(x >= 0 && x <= 1)) throw invalid(`${label(issue.name)}: the score of ${what} must lie between 0 and 1.`, input);
      return x;
    }

    /** A small picture of a numeric issue's scoring: value (across) against score (up). */
    function curveSvg(issue, pts) {
      const NS = 'http://www.w3.org/2000/svg';
      const W = 240, H = 64, pad = 4;
      const x = (v) => pad + ((v - issue.min) / (issue.max - issue.min)) * (W - 2 * pad);
      const y = (sc) => H - pad - Math.max(0, Math.min(1, sc)) * (H - 2 * pad);
      const el = (tag, attrs) => {
        const e = document.createElementNS(NS, tag);
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
        return e;
      };
      const sorted = [...pts].sort((a, b) => a[0] - b[0]);
      const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
        'aria-label': `Score of ${label(issue.name)}: ${sorted.map(([v, sc]) => `${num(v)} scores ${num(sc)}`).join(', ')}` });
      svg.append(el('rect', { x: pad, y: pad, width: W - 2 * pad, height: H - 2 * pad, class: 'frame' }));
      svg.append(el('line', { x1: pad, x2: W - pad, y1: y(0.5), y2: y(0.5), class: 'mid' }));
      svg.append(el('polyline', { points: sorted.map(([v, sc]) => `${x(v)},${y(sc)}`).join(' '), class: 'line' }));
      for (const [v, sc] of sorted) svg.append(el('circle', { cx: x(v), cy: y(sc), r: 2.5, class: 'dot' }));
      return svg;
    }

    function renderRedLines() {
      fill(redList, redLines.length ? redLines.map((r, k) => {
        const rule = typeof r === 'string' ? r : r.rule;
        const source = typeof r === 'string' ? null : r.source;
        const rm = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove red line ${k + 1}` }, 'Remove');
        rm.addEventListener('click', () => { redLines.splice(k, 1); renderRedLines(); status.show('Red line removed: save to keep the change.'); });
        // Each red line in words (issue 13), never as the rule's code.
        const said = h('p', { class: 'rule-words' }, '…');
        words.check(rule).then((c) => {
          if (c && c.valid && c.sentence) {
            said.textContent = c.sentence;
            rm.setAttribute('aria-label', `Remove red line: ${c.sentence}`);
          } else said.textContent = `Red line ${k + 1} no longer fits the negotiation's issues: remove it.`;
        });
        return h('li', {}, h('div', {}, said, source ? h('p', { class: 'muted' }, source) : null), rm);
      }) : h('li', { class: 'muted' }, 'No red line.'));
    }

    function builder() {
      const source = h('input', { id: 'rl-source', maxlength: 2000 });
      const preview = h('p', { class: 'hint', 'aria-live': 'polite' });
      const ruleAlert = alertBox();
      const add = h('button', { type: 'button', class: 'secondary' }, 'Add red line');
      // The red line in words as it is built (from the labels, by the server), never as code.
      const update = debounce(async () => {
        const r = picker.rule();
        if (!r) { preview.textContent = 'Choose the option(s) or the value the red line is about.'; return; }
        const c = await words.check(r);
        if (r !== picker.rule()) return;
        preview.textContent = c && c.valid ? `This red line means: ${c.sentence}.` : (c && c.message) || '';
      }, 150);
      const picker = conditionPicker(n.issues, true, update);
      add.addEventListener('click', () => act(add, ruleAlert, async () => {
        const r = picker.rule();
        if (!r) throw invalid(picker.problem(), picker.first());
        const c = await words.check(r);
        if (!c || !c.valid || !c.rule) throw new Error(`Not added: ${(c && c.message) || 'the red line could not be checked; try again.'}`);
        redLines.push(source.value.trim() ? { rule: c.rule, source: source.value.trim() } : c.rule);
        source.value = '';
        picker.reset();
        renderRedLines();
        status.show(`Red line added: ${c.sentence}. Save to keep it.`);
      }));
      return h('fieldset', { class: 'builder' }, h('legend', {}, 'Add a red line'),
        h('p', { class: 'hint' }, 'A red line is what must hold in any agreement you can accept.'),
        picker.el, preview,
        h('div', { class: 'field' }, h('label', { for: 'rl-source' }, 'Source or note (optional, stays confidential)'), source),
        ruleAlert, add);
    }

    function advanced() {
      const check = h('p', { class: 'hint rule-check', id: 'rl-free-check', 'aria-live': 'polite' });
      const rule = h('input', { id: 'rl-free', class: 'mono', placeholder: 'hostages = all => ceasefire = permanent', 'aria-describedby': 'rl-free-check' });
      const source = h('input', { id: 'rl-free-source', maxlength: 2000 });
      const add = h('button', { type: 'button', class: 'secondary' }, 'Add rule');
      const a = alertBox();
      // Issue 13: the rule is checked as it is typed; the answer (what it means, or what is
      // wrong, in words) shows next to the field. Labels as shown on screen are accepted.
      const ask = (text) => api('POST', `${base}/rules/check`, { rule: text });
      const validate = debounce(async () => {
        const text = rule.value.trim();
        if (!text) { check.textContent = ''; return; }
        try {
          const r = await ask(text);
          if (rule.value.trim() !== text) return;
          check.textContent = r.valid ? `This rule means: ${r.sentence}.` : r.message;
          check.classList.toggle('invalid', !r.valid);
        } catch (e) { check.textContent = e.message; }
      }, 300);
      rule.addEventListener('input', validate);
      add.addEventListener('click', () => act(add, a, async () => {
        const text = rule.value.trim();
        if (!text) throw invalid('Write a rule first.', rule);
        const r = await ask(text);
        if (!r.valid) throw invalid(`Not added: ${r.message}`, rule);
        redLines.push(source.value.trim() ? { rule: r.rule, source: source.value.trim() } : r.rule);
        rule.value = ''; source.value = ''; check.textContent = '';
        renderRedLines();
        status.show(`Red line added: ${r.sentence}. Save to keep it.`);
      }));
      return h('details', { class: 'advanced' }, h('summary', {}, 'Write a rule yourself (advanced)'),
        h('p', { class: 'hint' }, 'Rules combine comparisons with and, or, not and => (if … then), for example ',
          h('code', {}, 'rafah = no offensive or withdrawal >= partial'), '. Options and issues may be written as they are shown here.'),
        h('div', { class: 'field' }, h('label', { for: 'rl-free' }, 'Rule'), rule, check),
        h('div', { class: 'field' }, h('label', { for: 'rl-free-source' }, 'Source or note for this rule (optional)'), source),
        a, add);
    }

    // Saving is possible only once the stored preferences are loaded: a form left empty by a
    // failed load must never overwrite them.
    let loaded = false;
    async function load() {
      let r;
      try {
        r = await api('GET', `${seatBase}/preferences`);
      } catch (e) {
        loaded = false;
        save.disabled = true;
        const retry = h('button', { type: 'button', class: 'secondary' }, 'Load my preferences again');
        retry.addEventListener('click', async () => {
          retry.disabled = true;
          await load();
          (loaded ? reservation : form.querySelector('button')).focus();
        });
        fill(form, h('p', { class: 'alert', role: 'alert' }, `Your stored preferences could not be loaded: ${e.message}`),
          h('p', { class: 'hint' }, 'Saving is disabled until they are loaded, so that they are not overwritten with an empty form.'),
          h('div', { class: 'row' }, retry, save));
        return;
      }
      loaded = true;
      save.disabled = false;
      p = r.preferences || {};
      source = r.source;
      consentLevels = r.consent_levels || [];
      fill(consentBox, h('legend', {}, 'What may the mediators do with your preferences?'),
        consentLevels.map((c) => {
          const cid = `consent-${c.level}`;
          return h('div', { class: 'radio' },
            h('input', { type: 'radio', name: 'consent', id: cid, value: c.level, checked: source === 'party' && r.consent === c.level }),
            h('label', { for: cid }, h('strong', {}, c.promise.split(':')[0], ':'), c.promise.slice(c.promise.indexOf(':') + 1)));
        }));
      redLines = [...(p.red_lines || [])];
      terms.set(p.terms || []);
      reservation.value = p.reservation ?? '';
      weightIn.clear(); scoreIn.clear(); totalOut.length = 0;
      fill(form,
        source === 'scenario' || source === 'mediator' ? h('p', { class: 'notice', id: 'assumed-notice' }, 'These are the mediators\u2019 assumptions about your preferences (from their scenario file, or set by them for an agent), and the mediators can see them. They are not yours until you save: then you choose below what the mediators may do with them.') : null,
        h('div', { class: 'field' }, h('label', { for: 'pref-reservation' }, 'Walk-away point (reservation value)'), reservation,
          h('p', { class: 'hint' }, 'How good no agreement is for you, from 0 (your worst possible text) to 1 (your best). A draft below it is worse for you than no deal.')),
        h('h3', {}, 'Issues'),
        h('p', { class: 'hint' }, 'Give each issue a weight (how much it matters to you) and score its options. Weights are saved as shares of their total, so they always add up to 1.'),
        n.issues.map(issueFieldset),
        h('h3', {}, 'Red lines'),
        redList, builder(), advanced(),
        terms.el,
        h('div', { class: 'share' }, consentBox,
          h('p', { class: 'hint' }, 'Other parties never see your preferences, whatever you choose.')),
        rescaleSlot, alert, status, save);
      renderRedLines();
      updateShares();
    }

    // Scores typed on another scale (out of 10, out of 100) are offered a rescale rather than
    // only refused (issue 13).
    const rescaleSlot = h('div');
    function offerRescale() {
      const inputs = [...form.querySelectorAll('fieldset.scores input[type=number]')].filter((i) => !i.id.startsWith('peak'));
      const top = Math.max(0, ...inputs.map((i) => Number(i.value) || 0));
      // A 1.5 is a slip (refused below, near its field); a 7 or a 70 is another scale.
      if (!(top >= 2 && top <= 100)) { fill(rescaleSlot); return false; }
      const scale = top <= 10 ? 10 : 100;
      const b = h('button', { type: 'button', class: 'secondary' }, `Divide every score by ${scale}`);
      b.addEventListener('click', () => {
        for (const i of inputs) if (i.value !== '') i.value = String(Number(i.value) / scale);
        fill(rescaleSlot);
        status.show(`Every score was divided by ${scale}: check them, then save.`);
        form.querySelector('fieldset.scores input[type=number]')?.focus();
      });
      fill(rescaleSlot, h('div', { class: 'notice', role: 'alert' },
        h('p', {}, `Your scores go up to ${top}, but here a score runs from 0 (worst) to 1 (best). Did you score out of ${scale}?`), b));
      b.focus();
      return true;
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      status.show('');
      if (!loaded) return;
      if (offerRescale()) return;
      act(save, alert, async () => {
        const out = {};
        if (reservation.value !== '') {
          const x = Number(reservation.value);
          if (!(x >= 0 && x <= 1)) throw invalid('Walk-away point: enter a number from 0 (your worst text) to 1 (your best).', reservation);
          out.reservation = x;
        }

        if (p.discount !== undefined) out.discount = p.discount;
        // The view of phased texts (trust) travels as it is: this form does not edit it.
        if (p.phasing !== undefined) out.phasing = p.phasing;
        out.terms = terms.read();
        out.red_lines = redLines;
        out.weights = {};
        out.scores = {};
        for (const issue of n.issues) {
          const w = Number(weightIn.get(issue.name).value);
          if (!(w >= 0)) throw invalid(`${label(issue.name)}: a weight is 0 or more.`, weightIn.get(issue.name));
          out.weights[issue.name] = w || 0;
          const sc = scoreIn.get(issue.name)();
          out.scores[issue.name] = sc;
        }
        const chosen = form.querySelector('input[name=consent]:checked');
        if (!chosen) throw invalid('Choose what the mediators may do with your preferences.', form.querySelector('input[name=consent]'));
        const saved = await api('PUT', `${seatBase}/preferences`, { preferences: out, consent: chosen.value });
        p = saved.preferences;
        source = 'party';
        // Show what was saved (weights as shares) without redrawing the form being used.
        for (const issue of n.issues) {
          weightIn.get(issue.name).value = String(Number(Number((p.weights || {})[issue.name] ?? 0).toFixed(4)));
        }
        updateShares();
        form.querySelector('#assumed-notice')?.remove();
        const rescaled = saved.weights_rescaled_from != null ? ` Your weights added up to ${num(saved.weights_rescaled_from)}; they were saved as shares of that total.` : '';
        status.show(`Preferences saved at ${when(serverNow())} (${chosen.value}).${rescaled}`);
        await refreshAssessment();
        renderDraft();
      });
    });
    return { section, load };
  }

  // ---- Refreshing ----
  async function refreshAssessment() {
    try {
      assessment = await api('GET', `${seatBase}/assessment`);
      assessmentError = null;
    } catch (e) {
      assessment = null;
      assessmentError = e.message;
    }
  }

  // What this party's assessment depends on: the current draft and its own preferences.
  async function refresh(withAssessment = true) {
    if (withAssessment) [n] = await Promise.all([api('GET', base), refreshAssessment()]);
    else n = await api('GET', base);
    renderAll();
  }

  function renderAll() {
    calmFill(headSlot, () => pageHead(n, `Party's room · your seat: ${label(seat)}`, liveSlot));
    fill(banner, outcomeBanner(n));
    renderDraft();
    fill(history, historyView(n, { you: seat }));
    phased.update(n).catch((e) => console.error(e));
  }

  const assessmentKinds = new Set(['draft', 'preferences_updated']);
  let pendingAssessment = false;
  const onEvents = debounce(() => {
    const withAssessment = pendingAssessment;
    pendingAssessment = false;
    refresh(withAssessment).catch((e) => console.error(e));
  });

  (async () => {
    liveSlot.append(live(id, ctx.after, (kind, data) => {
      if (kind === 'message') { messages.onEvent(data); return; }
      if (assessmentKinds.has(kind)) pendingAssessment = true;
      onEvents();
    }, () => refresh(true)));
    await refreshAssessment();
    renderAll();
    await prefs.load();
  })().catch((e) => fill(banner, h('p', { class: 'alert', role: 'alert' }, e.message)));
}
