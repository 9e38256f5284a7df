// @ts-check
// Phased texts (issue 15): the mediator drafts clauses grouped by phase (open phases with their
// agenda and trigger), the parties see a phased draft by phase with what it is worth to them,
// and after agreement each phase has a status that mediators set, with "extend phase k" and
// "move to phase k+1" circulated as follow-up drafts. Statuses and follow-up kinds come from the
// server (`GET .../phases`, `vocabulary`); the rules are the server's (409 answers in words).

import { api, h, fill, alertBox, act, label, val, num, optName, fillOnce, calmFill } from '/assets/app.js';

/**
 * @typedef {{issue: string, value: any, wording?: string}} Clause
 * @typedef {{phase: string, day?: number, completed?: string[]}} Trigger
 * @typedef {{name: string, days: number, clauses?: Clause[], open?: {agenda: string[], trigger: Trigger}}} Phase
 * @typedef {{kind: string, phase: number}} FollowUp
 * @typedef {{version: number, phases: Phase[], follow_up: FollowUp|null}} PhasedDraft
 * @typedef {{scenario_phases: Phase[]|null, drafts: PhasedDraft[], statuses: string[]|null,
 *   actions: {statuses: string[], follow_ups: string[]}[]|null, standing_version: number|null, in_round: boolean, may_steer: boolean,
 *   vocabulary: {phase_statuses: string[], follow_ups: string[]}}} PhasesView
 */

/** A status as words: the server's name with spaces ("in_force" -> "in force"). */
const words = (/** @type {string} */ status) => status.replace(/_/g, ' ');

/** An open phase's agenda and trigger in words. */
function openWords(/** @type {Phase} */ p) {
  const o = p.open;
  if (!o) return '';
  const t = o.trigger;
  const when = t.day != null ? `from day ${t.day} of ${t.phase}` : `once ${(t.completed || []).map(label).join(', ')} of ${t.phase} ${(t.completed || []).length > 1 ? 'are' : 'is'} completed`;
  return `To be negotiated: ${o.agenda.map(label).join(', ')}; talks start ${when}.`;
}

/** A phased text by phase, read-only. */
export function phasedText(/** @type {Phase[]} */ phases, /** @type {string[]|null} */ statuses) {
  return h('ol', { class: 'phases' }, phases.map((p, k) => h('li', { class: 'phase' },
    h('h4', {}, `Phase ${k + 1}: ${p.name}`, h('span', { class: 'muted' }, ` · ${p.days} days`),
      statuses && statuses[k] ? h('span', { class: `badge phase-${statuses[k]}` }, ` ${words(statuses[k])}`) : null),
    p.clauses
      ? h('ul', { class: 'package' }, p.clauses.map((c) => h('li', {}, h('span', { class: 'muted' }, label(c.issue), ': '), val(c.value))))
      : h('p', { class: 'open-phase' }, openWords(p)))));
}

/**
 * The phased-text panel of the desk (`mediator`) or the room.
 * @param {{id: string, n: any}} ctx
 * @param {{mediator: boolean}} opts
 */
export function phasesPanel(ctx, { mediator }) {
  const base = `/api/negotiations/${encodeURIComponent(ctx.id)}`;
  const body = h('div');
  const statusSlot = h('div');
  const draftSlot = h('div');
  const editorSlot = h('div');
  const section = h('section', { class: 'card phased', 'aria-labelledby': 'phases-h', hidden: true },
    h('h2', { id: 'phases-h' }, 'Phased text'), body, statusSlot, draftSlot, editorSlot);
  /** @type {any} */
  let n = ctx.n;
  /** @type {PhasesView|null} */
  let view = null;
  /** The follow-up being drafted: {kind, phase (from 1)} or null. */
  let followUp = null;

  const current = () => view && view.drafts.find((d) => d.version === n.current_version);
  const standing = () => view && view.drafts.find((d) => d.version === view.standing_version);

  async function update(/** @type {any} */ next) {
    n = next;
    try {
      view = await api('GET', `${base}/phases`);
    } catch (e) {
      fillOnce(body, `error:${e.message}`, () => h('p', { class: 'alert', role: 'alert' }, e.message));
      return;
    }
    if (!view) return;
    section.hidden = !view.scenario_phases && view.drafts.length === 0;
    if (section.hidden) return;
    renderStatuses();
    await renderDraft();
    if (mediator) renderEditor();
  }

  // ---- The agreed text's phases and their statuses ----
  function renderStatuses() {
    if (!view) return;
    const v = view;
    const agreed = standing();
    if (!v.statuses || !agreed) { fill(statusSlot); return; }
    const statuses = v.statuses;
    const key = JSON.stringify([statuses, v.standing_version, v.in_round, n.status, followUp]);
    fillOnce(statusSlot, key, () => {
      const alert = alertBox();
      const rows = agreed.phases.map((p, k) => {
        const s = statuses[k];
        const buttons = [];
        // What the rules allow now, as the server says (the buttons offer nothing else).
        const allowed = (v.actions && v.actions[k]) || { statuses: [], follow_ups: [] };
        if (mediator && v.may_steer) {
          for (const to of allowed.statuses) {
            const b = h('button', { type: 'button', class: to === 'failed' ? 'secondary danger' : 'secondary' }, `Mark phase ${k + 1} ${words(to)}`);
            b.addEventListener('click', () => act(b, alert, async () => {
              await api('POST', `${base}/phases/${k + 1}/status`, { status: to });
              await update(n);
            }));
            buttons.push(b);
          }
          if (allowed.follow_ups.includes('extend') && n.status === 'agreed') {
            const days = h('input', { type: 'number', min: String(p.days + 1), step: '1', value: String(p.days + 14), id: `extend-days-${k + 1}`, class: 'days' });
            const extend = h('button', { type: 'button' }, `Extend phase ${k + 1}`);
            extend.addEventListener('click', () => act(extend, alert, async () => {
              const phases = structuredClone(agreed.phases);
              phases[k].days = Number(days.value);
              await circulate(phases, { kind: 'extend', phase: k + 1 });
            }));
            buttons.push(h('span', { class: 'extend' }, h('label', { for: days.id }, `Phase ${k + 1} lasts (days) `), days, ' ', extend));
            if (allowed.follow_ups.includes('move_on')) {
              const move = h('button', { type: 'button' }, `Move to phase ${k + 2}`);
              move.addEventListener('click', () => {
                followUp = { kind: 'move_on', phase: k + 1 };
                renderEditor(true);
                editorSlot.querySelector('select, input')?.focus();
              });
              buttons.push(move);
            }
          }
        }
        return h('tr', {},
          h('th', { scope: 'row' }, `Phase ${k + 1}: ${p.name}`),
          h('td', {}, `${p.days} days`),
          h('td', {}, h('span', { class: `badge phase-${s}` }, words(s))),
          mediator ? h('td', { class: 'phase-actions' }, buttons) : null);
      });
      const round = v.in_round ? roundNotice(alert) : null;
      return [h('h3', {}, `Phases of the agreed text (draft ${v.standing_version})`),
        h('div', { class: 'table-scroll' }, h('table', { class: 'phase-statuses', 'aria-label': 'Phase statuses' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Length'), h('th', { scope: 'col' }, 'Status'), mediator ? h('th', { scope: 'col' }, 'Actions') : null)),
          h('tbody', {}, rows))),
        round, alert];
    });
  }

  function roundNotice(/** @type {any} */ alert) {
    const out = [h('p', { class: 'notice' }, `A follow-up is being answered: the agreed text of draft ${view && view.standing_version} stands until every party accepts the follow-up.`)];
    if (mediator) {
      const end = h('button', { type: 'button', class: 'secondary' }, 'End the follow-up round');
      end.addEventListener('click', () => act(end, alert, async () => {
        await api('POST', `${base}/follow-up/end`, {});
        followUp = null;
        await update(await api('GET', base));
      }));
      out.push(end);
    }
    return out;
  }

  // ---- The current draft, by phase, and (for a party) what it is worth ----
  async function renderDraft() {
    const d = current();
    if (!d) { fill(draftSlot); return; }
    /** @type {any} */
    let figure = null;
    if (!mediator && n.you && n.you.role === 'party') {
      try {
        const a = await api('GET', `${base}/seats/${encodeURIComponent(n.you.seat)}/phased-assessment`);
        figure = h('div', { class: 'phased-figure' },
          h('p', {}, 'What this phased text is worth to you: ', h('strong', { class: 'phased-utility' }, num(a.utility, 3)),
            h('span', { class: 'muted' }, ` (expected utility, with your trust of ${num(a.trust)} that each next phase is carried out; your walk-away point: ${a.reservation == null ? 'none' : num(a.reservation, 3)})`)),
          h('ul', { class: 'stops' }, a.stops.map((s, k) => h('li', {},
            `If it stops after phase ${k + 1} (${s.phase}): ${num(s.value, 3)}`, s.open ? h('span', { class: 'muted' }, ' (open: your value for it)') : null))),
          a.within_red_lines ? null : h('p', { class: 'no' }, 'It crosses one of your red lines in some phase.'),
          h('p', { class: 'hint' }, 'The utility shown with the draft above is that of the package in force now (phase 1); this figure weighs every phase by how likely you think it is to be carried out.'));
      } catch (e) {
        figure = h('p', { class: 'notice' }, e.message);
      }
    }
    const f = d.follow_up;
    const what = f ? (f.kind === 'extend' ? `a follow-up: extend phase ${f.phase}` : `a follow-up: move to phase ${f.phase + 1}`) : 'a phased text';
    calmFill(draftSlot, () => [h('h3', {}, `Draft ${d.version} is ${what}`), phasedText(d.phases, null), figure]);
  }

  // ---- The mediator's phased-draft editor ----
  /** @param {boolean} [force] */
  function renderEditor(force = false) {
    if (!view) return;
    const v = view;
    const open = n.status === 'open' && !v.in_round;
    const moving = followUp && n.status === 'agreed';
    if (!open && !moving) { followUp = null; fill(editorSlot); editorSlot.onceKey = null; return; }
    const last = v.drafts.length ? v.drafts[v.drafts.length - 1].phases : null;
    /** @type {Phase[]} */
    let template = structuredClone(moving ? (standing() || {}).phases : (last || v.scenario_phases)) || [];
    if (moving && followUp) {
      // Phase k+1's agenda filled: it starts from the package of the last fixed phase before it.
      const k = followUp.phase;
      const before = template.slice(0, k).reverse().find((p) => p.clauses);
      template[k] = { name: template[k].name, days: template[k].days, clauses: structuredClone(before ? before.clauses : []) };
    }
    const key = JSON.stringify([moving ? followUp : null, n.current_version, template.map((p) => p.name)]);
    if (!force && editorSlot.onceKey === key) return;
    editorSlot.onceKey = key;
    const alert = alertBox();
    /** Reads each phase back from the fields. */
    const readers = template.map((p, k) => phaseFields(p, k, moving && followUp ? k === followUp.phase : true));
    const heading = moving && followUp ? `Move to phase ${followUp.phase + 1}: its clauses` : 'Draft a phased text';
    const button = h('button', { type: 'submit' }, moving && followUp ? `Circulate the follow-up: move to phase ${followUp.phase + 1}` : `Circulate phased draft ${n.current_version + 1}`);
    const form = h('form', { class: 'phased-editor', 'aria-label': heading },
      h('h3', {}, heading),
      h('p', { class: 'hint' }, moving ? 'The other phases stay as agreed. The parties answer the follow-up like any draft; the agreed text stands until every party accepts it.'
        : 'Clauses grouped by phase: each fixed phase sets every clause for its duration; an open phase is negotiated later, from its trigger. The parties answer it like any draft.'),
      readers.map((r) => r.el), alert, h('div', { class: 'row' }, button,
        moving ? cancelButton() : null));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(button, alert, async () => {
        const phases = readers.map((r) => r.read());
        await circulate(phases, moving ? followUp : null);
      });
    });
    fill(editorSlot, form);
  }

  function cancelButton() {
    const b = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    b.addEventListener('click', () => { followUp = null; renderEditor(true); });
    return b;
  }

  /** One phase's fields: its length, and its clauses (fixed) or its agenda and trigger (open). */
  function phaseFields(/** @type {Phase} */ p, /** @type {number} */ k, /** @type {boolean} */ editable) {
    const days = h('input', { type: 'number', min: '1', step: '1', value: String(p.days), id: `phase-${k + 1}-days`, class: 'days', disabled: !editable });
    /** @type {Map<string, HTMLSelectElement|HTMLInputElement>} */
    const fields = new Map();
    const issues = /** @type {any[]} */ (n.issues);
    const clauses = p.clauses
      ? h('div', { class: 'phase-clauses' }, issues.map((issue) => {
        const c = (p.clauses || []).find((x) => x.issue === issue.name);
        const fid = `phase-${k + 1}-${issue.name}`;
        /** @type {HTMLSelectElement|HTMLInputElement} */
        let field;
        if (issue.options) {
          field = /** @type {HTMLSelectElement} */ (h('select', { id: fid, disabled: !editable }, issue.options.map((o) => {
            const name = optName(o);
            return h('option', { value: name, selected: c && c.value === name }, val(name));
          })));
        } else {
          field = /** @type {HTMLInputElement} */ (h('input', { id: fid, type: 'number', value: c ? String(c.value) : '', disabled: !editable }));
        }
        fields.set(issue.name, field);
        return h('div', { class: 'field' }, h('label', { for: fid }, label(issue.name)), field);
      }))
      : h('p', { class: 'open-phase' }, openWords(p));
    const el = h('fieldset', { class: 'phase' }, h('legend', {}, `Phase ${k + 1}: ${p.name}`),
      h('div', { class: 'field' }, h('label', { for: days.id }, 'Length (days)'), days), clauses);
    return {
      el,
      /** @returns {Phase} */
      read() {
        const out = { name: p.name, days: Number(days.value) };
        if (!p.clauses) return { ...out, open: p.open };
        return {
          ...out,
          clauses: issues.map((issue) => {
            const f = fields.get(issue.name);
            const raw = f ? f.value : '';
            return { issue: issue.name, value: issue.options ? raw : Number(raw) };
          }),
        };
      },
    };
  }

  async function circulate(/** @type {Phase[]} */ phases, /** @type {FollowUp|null} */ follow) {
    /** @type {any} */
    const req = { base_version: n.current_version, phases };
    if (follow) req.follow_up = follow;
    await api('POST', `${base}/phased-drafts`, req);
    followUp = null;
    await update(await api('GET', base));
  }

  return { section, update };
}
