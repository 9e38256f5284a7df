// @ts-check
// Rules as a delegate reads them (issue 13): conditions built from the negotiation's issues and
// options (only valid choices are offered), every rule said in words by the server from the
// labels (POST .../rules/check, `Rule::describe`), and the party's bonuses and penalties (the
// scenario format's `terms`) shown and edited as "a penalty of 0.20 when fuel tax is raise",
// never as the rule's code.

import { api, h, fill, label, val, num, newId, optName, alertBox, invalid, debounce } from '/assets/app.js';

/**
 * @typedef {{ name: string, options?: any[], min?: number, max?: number, type?: string, resolution?: number }} Issue
 * @typedef {{ when: string, value: number }} Term
 * @typedef {{ valid: boolean, rule?: string, sentence?: string, message?: string }} Checked
 * @typedef {'red_line' | 'condition'} Kind
 */

/**
 * The server's reading of rules, asked once per rule text and kind (`red_line`: "must be";
 * `condition`: "is", the "when" of a bonus or penalty).
 * @param {string} base the negotiation's API path
 */
export function ruleWords(base) {
  /** @type {Map<string, Promise<Checked | null>>} */
  const cache = new Map();
  return {
    /** @param {string} rule @param {Kind} [kind] @returns {Promise<Checked | null>} */
    check(rule, kind = 'red_line') {
      const key = `${kind}\u0000${rule}`;
      let p = cache.get(key);
      if (!p) {
        p = api('POST', `${base}/rules/check`, { rule, kind }).catch(() => null);
        cache.set(key, p);
      }
      return p;
    },
  };
}

/** @typedef {ReturnType<typeof ruleWords>} RuleWords */

/**
 * One condition on one issue, from choices only: the issue, how (is / is not / at least / at
 * most) and the option(s) or value. `rule()` is its text in the rule language (never shown),
 * or null while incomplete; `problem()` says what is missing, in words.
 * @param {Issue[]} issues
 * @param {boolean} must say "must be" (a red line) rather than "is" (a condition)
 * @param {() => void} onChange
 */
export function conditionPicker(issues, must, onChange) {
  const issueId = newId('cond-issue');
  const opId = newId('cond-op');
  const issueSel = h('select', { id: issueId }, issues.map((i) => h('option', { value: i.name }, label(i.name))));
  const how = must
    ? [['in', 'must be'], ['not in', 'must not be'], ['>=', 'must be at least'], ['<=', 'must be at most']]
    : [['in', 'is'], ['not in', 'is not'], ['>=', 'is at least'], ['<=', 'is at most']];
  const opSel = h('select', { id: opId }, how.map(([v, t]) => h('option', { value: v }, t)));
  const valuesBox = h('fieldset', { class: 'choices' });
  const issue = () => /** @type {Issue} */ (issues.find((i) => i.name === issueSel.value));
  /** @param {string} x */
  const q = (x) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(x) ? x : `'${x.replace(/'/g, "\\'")}'`);
  let lastWasNumeric = /** @type {boolean | null} */ (null);
  const setValues = () => {
    const i = issue();
    // Numbers are mostly bounded ("at most 30"); options mostly required or excluded.
    if (lastWasNumeric !== !i.options) opSel.value = i.options ? 'in' : '<=';
    lastWasNumeric = !i.options;
    const numId = newId('cond-num');
    fill(valuesBox, h('legend', {}, i.options ? 'Option(s)' : 'Value'),
      i.options ? i.options.map((o) => {
        const cid = newId('cond-opt');
        return h('span', { class: 'check' }, h('input', { type: 'checkbox', id: cid, value: optName(o) }), h('label', { for: cid }, val(optName(o))));
      }) : [h('label', { for: numId, class: 'sr-only' }, 'Value'),
        h('input', { id: numId, type: 'number', min: i.min, max: i.max, step: i.resolution || (i.type === 'real' ? 'any' : 1) }),
        h('span', { class: 'muted' }, ` from ${num(i.min)} to ${num(i.max)}`)]);
    onChange();
  };
  issueSel.addEventListener('change', setValues);
  opSel.addEventListener('change', onChange);
  valuesBox.addEventListener('input', onChange);
  valuesBox.addEventListener('change', onChange);
  setValues();
  /** @returns {string[]} */
  const chosen = () => {
    if (issue().options) return [...valuesBox.querySelectorAll('input:checked')].map((c) => q(/** @type {HTMLInputElement} */ (c).value));
    const x = /** @type {HTMLInputElement} */ (valuesBox.querySelector('input')).value;
    return x === '' ? [] : [x];
  };
  return {
    el: [h('div', { class: 'row wrap' },
      h('div', { class: 'field' }, h('label', { for: issueId }, 'Issue'), issueSel),
      h('div', { class: 'field' }, h('label', { for: opId }, 'Condition'), opSel)),
    valuesBox],
    /** @returns {string | null} */
    rule() {
      const vals = chosen();
      if (!vals.length) return null;
      const name = q(issue().name);
      const op = opSel.value;
      if (op === '>=' || op === '<=') return vals.length === 1 ? `${name} ${op} ${vals[0]}` : null;
      if (vals.length === 1) return `${name} ${op === 'in' ? '=' : '!='} ${vals[0]}`;
      return `${name} ${op} {${vals.join(', ')}}`;
    },
    /** What is missing, in words. */
    problem() {
      if (!issue().options) return `${label(issue().name)}: enter a value.`;
      return opSel.value.length === 2 ? `${label(issue().name)}: choose exactly one option for “at least” or “at most”.`
        : `${label(issue().name)}: choose at least one option.`;
    },
    first: () => issueSel,
    reset: setValues,
  };
}

/** "A penalty of 0.20 when fuel tax is raise and farm support is not raise." */
function termSentence(/** @type {number} */ value, /** @type {string} */ condition) {
  const c = condition.charAt(0).toLowerCase() + condition.slice(1);
  return `${value < 0 ? 'A penalty' : 'A bonus'} of ${num(Math.abs(value))} when ${c}.`;
}

/**
 * The party's bonuses and penalties: each said in words, its kind and amount editable, removable;
 * new ones built from choices ("when" one condition, and another, ...). `read()` gives the
 * scenario format's `terms` to save, or throws an error about the field concerned.
 * @param {{ issues: Issue[], words: RuleWords, status: { show(msg: string): void } }} opts
 */
export function termsEditor({ issues, words, status }) {
  /** @type {Term[]} */
  let terms = [];
  const list = h('ul', { class: 'terms' });
  /** @type {{amount: HTMLInputElement, kind: HTMLSelectElement}[]} */
  let rows = [];

  function render() {
    rows = [];
    fill(list, terms.length ? terms.map(row) : h('li', { class: 'muted' }, 'No bonus or penalty.'));
  }

  /** @param {Term} t @param {number} k */
  function row(t, k) {
    const sentence = h('p', { class: 'rule-words', 'aria-live': 'polite' }, termSentence(t.value, '…'));
    const kindId = newId('term-kind');
    const amountId = newId('term-amount');
    const kind = /** @type {HTMLSelectElement} */ (h('select', { id: kindId },
      h('option', { value: 'bonus', selected: t.value >= 0 }, 'A bonus'),
      h('option', { value: 'penalty', selected: t.value < 0 }, 'A penalty')));
    const amount = /** @type {HTMLInputElement} */ (h('input', { id: amountId, type: 'number', min: 0, max: 1, step: 0.05, inputmode: 'decimal', value: String(Math.abs(t.value)) }));
    let condition = '';
    const say = () => {
      const x = Number(amount.value);
      if (condition && amount.value !== '' && Number.isFinite(x)) sentence.textContent = termSentence(kind.value === 'penalty' ? -x : x, condition);
    };
    words.check(t.when, 'condition').then((r) => {
      if (r && r.valid && r.sentence) { condition = r.sentence; say(); }
      else sentence.textContent = 'This bonus or penalty depends on options the negotiation no longer has: remove it.';
    });
    const changed = () => { say(); status.show('Bonus or penalty changed: save to keep the change.'); };
    kind.addEventListener('change', changed);
    amount.addEventListener('input', changed);
    rows.push({ amount, kind });
    const rm = h('button', { type: 'button', class: 'secondary small' }, 'Remove');
    rm.addEventListener('click', () => {
      terms = readRows(false);
      terms.splice(k, 1);
      render();
      status.show('Bonus or penalty removed: save to keep the change.');
    });
    return h('li', {}, h('fieldset', { class: 'term' }, h('legend', {}, `Bonus or penalty ${k + 1}`), sentence,
      h('div', { class: 'row wrap' },
        h('div', { class: 'field' }, h('label', { for: kindId }, 'Kind'), kind),
        h('div', { class: 'field' }, h('label', { for: amountId }, 'Amount (0 to 1)'), amount), rm)));
  }

  /** The terms as edited; `strict` refuses an amount out of range (else keeps the old one). */
  function readRows(strict = true) {
    return terms.map((t, k) => {
      const { amount, kind } = rows[k];
      const x = Number(amount.value);
      if (amount.value === '' || !(x > 0 && x <= 1)) {
        if (strict) throw invalid(`Bonus or penalty ${k + 1}: the amount is a number above 0 and at most 1 (the whole scale from your worst text to your best).`, amount);
        return t;
      }
      return { when: t.when, value: kind.value === 'penalty' ? -x : x };
    });
  }

  // ---- A new bonus or penalty, from choices ----
  const alert = alertBox();
  const preview = h('p', { class: 'hint', 'aria-live': 'polite' });
  const newKindId = newId('term-new-kind');
  const newAmountId = newId('term-new-amount');
  const newKind = /** @type {HTMLSelectElement} */ (h('select', { id: newKindId }, h('option', { value: 'bonus' }, 'A bonus'), h('option', { value: 'penalty' }, 'A penalty')));
  const newAmount = /** @type {HTMLInputElement} */ (h('input', { id: newAmountId, type: 'number', min: 0, max: 1, step: 0.05, inputmode: 'decimal', value: '0.1' }));
  const conditionsBox = h('div', { class: 'conditions' });
  /** @type {ReturnType<typeof conditionPicker>[]} */
  let pickers = [];
  const rule = () => {
    const parts = pickers.map((p) => p.rule());
    return parts.every((x) => x) ? parts.join(' and ') : null;
  };
  const update = debounce(async () => {
    const r = rule();
    const x = Number(newAmount.value);
    if (!r) { preview.textContent = 'Choose the option(s) or value each condition is about.'; return; }
    const checked = await words.check(r, 'condition');
    if (r !== rule()) return;
    preview.textContent = checked && checked.valid && checked.sentence
      ? `This means: ${termSentence(newKind.value === 'penalty' ? -x : x, checked.sentence)}` : (checked && checked.message) || '';
  }, 150);
  const addPicker = () => {
    const p = conditionPicker(issues, false, update);
    pickers.push(p);
    const box = h('fieldset', { class: 'condition' }, h('legend', {}, pickers.length === 1 ? 'When' : 'And when'), p.el);
    conditionsBox.append(box);
    return p;
  };
  const resetPickers = () => { pickers = []; fill(conditionsBox); addPicker(); update(); };
  const more = h('button', { type: 'button', class: 'link small' }, 'Add another condition (and)');
  more.addEventListener('click', () => { addPicker().first().focus(); update(); });
  newKind.addEventListener('change', update);
  newAmount.addEventListener('input', update);
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add bonus or penalty');
  add.addEventListener('click', async () => {
    alert.clear();
    const x = Number(newAmount.value);
    if (newAmount.value === '' || !(x > 0 && x <= 1)) {
      alert.show('Amount: a number above 0 and at most 1 (the whole scale from your worst text to your best).');
      newAmount.focus();
      return;
    }
    const missing = pickers.find((p) => !p.rule());
    if (missing) { alert.show(missing.problem()); missing.first().focus(); return; }
    const r = /** @type {string} */ (rule());
    const checked = await words.check(r, 'condition');
    if (!checked || !checked.valid || !checked.rule) { alert.show(`Not added: ${(checked && checked.message) || 'the condition could not be checked.'}`); return; }
    terms = [...readRows(false), { when: checked.rule, value: newKind.value === 'penalty' ? -x : x }];
    render();
    status.show(`Added: ${termSentence(newKind.value === 'penalty' ? -x : x, checked.sentence || '')} Save to keep it.`);
    resetPickers();
  });
  resetPickers();

  const el = h('div', { class: 'terms-editor' },
    h('h3', {}, 'Bonuses and penalties'),
    h('p', { class: 'hint' }, 'For combinations worth more, or less, to you than their parts: the amount is added to (a bonus) or taken from (a penalty) your utility for every text where the condition holds.'),
    list,
    h('fieldset', { class: 'builder' }, h('legend', {}, 'Add a bonus or penalty'),
      h('div', { class: 'row wrap' },
        h('div', { class: 'field' }, h('label', { for: newKindId }, 'Kind'), newKind),
        h('div', { class: 'field' }, h('label', { for: newAmountId }, 'Amount (0 to 1)'), newAmount)),
      conditionsBox, more, preview, alert, add));

  return {
    el,
    /** @param {Term[]} ts */
    set(ts) { terms = ts.map((t) => ({ when: t.when, value: t.value })); render(); },
    read: () => readRows(true),
  };
}
