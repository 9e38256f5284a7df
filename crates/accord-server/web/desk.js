// The mediator's desk: seats and invitations, the draft editor, the responses to the current
// draft as they arrive, the analysis, the utility-space picture and the history of drafts.

import {
  api, h, fill, alertBox, statusLine, act, label, val, num, when, countdown, clauseList, packageLine,
  historyView, outcomeBanner, pageHead, scenarioDetails, live, debounce, clauseNo, optName,
  defaultWording, newId, statusBadge, responseText, invalid, calmFill, fillOnce, syncChildren, vocabulary,
  inPhase,
} from '/assets/app.js';
import { messagesPanel } from '/assets/messages.js';
import { mergeDrafts } from '/assets/merge.js';
import { suggestPanel, oneTextNotice, comparisonText, isOneText } from '/assets/suggest.js';
import { phasesPanel } from '/assets/phases.js';

export function start(ctx) {
  const { id, main } = ctx;
  const base = `/api/negotiations/${encodeURIComponent(id)}`;
  let n = ctx.n;
  let lastAnalysis = null;

  // ---- Layout (built once; panels re-render in place) ----
  const banner = h('div', { class: 'banner-slot' });
  const responses = h('div', { class: 'responses' });
  // What screen readers hear as it happens: one line per new response (not the whole matrix).
  const announcer = h('p', { class: 'sr-only', role: 'status' });
  const responsesHead = h('h2', { id: 'resp-h' }, 'Responses');
  const responsesClock = h('div');
  // The current draft's deadline and withdrawal (or its correction), under its responses.
  const draftActionsSlot = h('div', { class: 'draft-actions' });
  const history = h('div');
  const seatTable = h('div', { class: 'table-scroll' });
  const seatBoxes = h('div');
  const seats = h('div', {}, seatTable, seatBoxes);
  const analysis = h('div');
  const picture = h('div', { class: 'picture' });
  // Issue 14: while this desk holds unsent edits, the other mediators' desks say so. A lease on
  // the server, renewed at a third of its length (the server says how long) and ended when the
  // draft is circulated, the edits dropped or the page left.
  const presence = (() => {
    let active = false;
    let timer = null;
    const url = `${base}/editing`;
    const renew = () => api('POST', url, {}).catch(() => { /* a courtesy: the version check is what counts */ });
    window.addEventListener('pagehide', () => {
      if (active) fetch(url, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {});
    });
    return {
      start() {
        if (active) return;
        active = true;
        api('POST', url, {}).then((r) => {
          if (active && !timer) timer = setInterval(renew, Math.max(5, Number(r.lease_seconds) / 3 || 20) * 1000);
        }).catch(() => { active = false; });
      },
      stop(tell) {
        if (!active) return;
        active = false;
        clearInterval(timer);
        timer = null;
        if (tell) api('DELETE', url).catch(() => {});
      },
    };
  })();
  const editor = draftEditor();
  // Issue 16: under the one-text rules, "Suggest the next draft" and "Call the final vote".
  const suggester = suggestPanel({ base, getN: () => n, editor });
  const closer = closeForm();
  const adjourner = adjournForm();
  const liveSlot = h('div');
  const messages = messagesPanel(ctx);
  // Issue 15: phased drafts, the agreed phases' statuses, follow-ups (web/phases.js).
  const phased = phasesPanel(ctx, { mediator: true });

  fill(main,
    h('div', { class: 'page-head-slot' }),
    banner,
    h('div', { class: 'columns desk' },
      h('div', { class: 'col-main' },
        h('section', { class: 'card', 'aria-labelledby': 'resp-h' }, responsesHead, responsesClock, responses, draftActionsSlot),
        messages.section,
        suggester.section,
        editor.section,
        phased.section,
        h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, 'History of drafts'), history)),
      h('aside', { class: 'col-side', 'aria-label': 'Analysis and seats' },
        h('section', { class: 'card', 'aria-labelledby': 'an-h' }, h('h2', { id: 'an-h' }, 'Analysis'), analysis),
        h('section', { class: 'card', 'aria-labelledby': 'pic-h' }, h('h2', { id: 'pic-h' }, 'Utility space'), picture),
        h('section', { class: 'card', 'aria-labelledby': 'seats-h' }, h('h2', { id: 'seats-h', tabindex: -1 }, 'Seats'), seats),
        scenarioDetails(n),
        adjourner.section,
        closer.section)),
    announcer);

  function renderHead() {
    calmFill(main.querySelector('.page-head-slot'), () => pageHead(n, `Mediator's desk · your seat: ${label(n.you.seat)}`, liveSlot));
  }

  // ---- Seats and invitations ----
  const invites = new Map(); // seat -> link shown on this page (the server keeps only a hash)
  const holder = (s) => {
    if (s.agent) return s.agent_failed ? h('span', { class: 'no' }, `an agent (${s.agent_spec}), failed`) : `an agent (${s.agent_spec})`;
    // The account's name (the server shows it to mediators, issue 14).
    if (s.held) return s.holder || 'a person';
    if (s.invitation_pending) return h('span', { class: 'waiting' }, 'invited, waiting');
    return h('span', { class: 'muted' }, 'free');
  };
  // Each free seat's actions are kept while they stay the same (a live refresh must not take
  // the focus from the invitation link or its copy button).
  const seatBoxCache = new Map(); // seat -> {key, el}
  function renderSeats() {
    fill(seatTable, h('table', { class: 'seats' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Seat'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Held by'), h('th', { scope: 'col' }, 'Preferences'), h('th', { scope: 'col' }, 'Consent'))),
      h('tbody', {}, n.seats.map((s) => h('tr', {},
        h('th', { scope: 'row' }, label(s.name), s.name === n.you.seat ? h('span', { class: 'muted' }, ' (you)') : null),
        h('td', {}, s.role),
        h('td', {}, holder(s)),
        h('td', {}, preferencesCell(s)),
        h('td', {}, consentCell(s)))))));
    syncChildren(seatBoxes, (n.status === 'open' || n.status === 'adjourned' ? n.seats.filter((s) => !s.held || s.agent) : []).map((s) => {
      const link = invites.get(s.name) || null;
      const key = JSON.stringify([s.role, s.preferences_source, !!s.invitation_pending || !!link, link, s.agent_spec, s.agent_failed]);
      let c = seatBoxCache.get(s.name);
      if (!c || c.key !== key) seatBoxCache.set(s.name, c = { key, el: s.agent ? agentActions(s) : seatActions(s) });
      return c.el;
    }));
  }

  /** What the mediators know of a seat's preferences, in words. */
  function preferencesCell(s) {
    if (s.role !== 'party') return '—';
    if (s.preferences_source === 'scenario') return 'your assumptions (from the scenario file)';
    if (s.preferences_source === 'mediator') return 'your assumptions (set for an agent)';
    if (s.preferences_source !== 'party') return 'none yet';
    if (s.agent) return 'set for the agent';
    return { private: 'given, kept private', aggregate: 'given, used in the analysis only', shared: 'given, shared with you' }[s.consent] || 'given';
  }

  /** A party's consent level (what the mediators may do with its preferences), once it gave
   * its own: the level's name from the server's vocabulary, with its promise as a tooltip. */
  function consentCell(s) {
    if (s.role !== 'party') return '—';
    if (s.preferences_source !== 'party') return h('span', { class: 'muted' }, 'not chosen yet');
    const level = (vocab.consent_levels || []).find((c) => c.level === s.consent);
    return h('span', { title: level ? level.promise : '' }, label(s.consent));
  }

  function seatActions(s) {
    const alert = alertBox();
    const box = h('div', { class: 'seat-actions' });
    const link = invites.get(s.name);
    const pending = s.invitation_pending || !!link;
    const inv = pending
      ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Create a new invitation link for the ${s.name} seat` }, 'New invitation link')
      : h('button', { type: 'button', 'aria-label': `Invite someone to the ${s.name} seat` }, `Invite to ${label(s.name)}`);
    inv.addEventListener('click', () => act(inv, alert, async () => {
      const r = await api('POST', `${base}/invitations`, { seat: s.name });
      invites.set(s.name, `${location.origin}/#invitation=${encodeURIComponent(r.token)}`);
      renderSeats();
      document.getElementById(`inv-${s.name}`)?.focus();
    }));
    box.append(h('p', { class: 'seat-name' }, h('strong', {}, label(s.name)), ' ',
      pending ? h('span', { class: 'waiting' }, 'invited, waiting for the invitee') : h('span', { class: 'muted' }, 'free')));
    const row = h('div', { class: 'row wrap' }, inv);
    if (s.role === 'party' && s.preferences_source) {
      const sid = newId('voter');
      const pick = h('select', { id: sid }, voters.map((v) => h('option', { value: v.name, title: v.about }, v.name)));
      const ag = h('button', { type: 'button', class: 'secondary' }, `Seat an agent`);
      ag.setAttribute('aria-label', `Seat an agent in the ${s.name} seat`);
      ag.addEventListener('click', () => act(ag, alert, async () => {
        await api('POST', `${base}/agents`, { seat: s.name, voter: pick.value });
        await refresh();
      }, { after: () => document.getElementById('seats-h') }));
      const about = h('p', { class: 'hint' });
      const explain = () => { about.textContent = (voters.find((v) => v.name === pick.value) || {}).about || ''; };
      pick.addEventListener('change', explain);
      explain();
      row.append(h('div', { class: 'field' }, h('label', { for: sid }, 'Agent strategy'), pick), ag);
      box.append(row, about);
      box.append(alert);
      appendInvite(box, s);
      return box;
    }
    box.append(row);
    appendInvite(box, s);
    box.append(alert);
    return box;
  }

  function appendInvite(box, s) {
    const link = invites.get(s.name);
    const pending = s.invitation_pending || !!link;
    if (link) {
      const input = h('input', { id: `inv-${s.name}`, readonly: true, value: link, class: 'mono' });
      const copied = statusLine();
      const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy link');
      copy.setAttribute('aria-label', `Copy the invitation link for ${s.name}`);
      copy.addEventListener('click', async () => {
        input.select();
        try { await navigator.clipboard.writeText(link); copied.show('Copied.'); } catch { copied.show('Selected: press Ctrl+C to copy.'); }
      });
      box.append(h('div', { class: 'field' }, h('label', { for: `inv-${s.name}` }, `Invitation link for ${label(s.name)}`),
        h('div', { class: 'row' }, input, copy), copied,
        h('p', { class: 'hint' }, 'Send this link to the person who takes the seat. It works once, for 14 days.')));
    } else if (pending) {
      // Issue 14: a pending invitation's link is shown again on request (mediators only).
      const alert = alertBox();
      const show = h('button', { type: 'button', class: 'secondary' }, 'Show the invitation link');
      show.setAttribute('aria-label', `Show the invitation link for the ${s.name} seat`);
      show.addEventListener('click', () => act(show, alert, async () => {
        const r = await api('GET', `${base}/invitations`);
        for (const i of r.invitations) {
          if (i.token) invites.set(i.seat, `${location.origin}/#invitation=${encodeURIComponent(i.token)}`);
        }
        if (!invites.has(s.name)) throw new Error('This invitation was made before links were kept, so it cannot be shown: create a new one (the old link then stops working).');
        renderSeats();
        document.getElementById(`inv-${s.name}`)?.focus();
      }));
      box.append(h('div', { class: 'row wrap' }, show), alert,
        h('p', { class: 'hint' }, 'If the link may have reached the wrong person, create a new one instead: the new link replaces the old, which stops working.'));
    }
  }

  /** An agent's seat: its strategy, why it failed if it did, and a way to take it out. */
  function agentActions(s) {
    const alert = alertBox();
    const rm = h('button', { type: 'button', class: 'secondary' }, 'Remove the agent');
    rm.setAttribute('aria-label', `Remove the agent from the ${s.name} seat`);
    rm.addEventListener('click', () => act(rm, alert, async () => {
      await api('DELETE', `${base}/agents/${encodeURIComponent(s.name)}`);
      await refresh();
    }, { after: () => document.getElementById('seats-h') }));
    return h('div', { class: 'seat-actions' },
      h('p', { class: 'seat-name' }, h('strong', {}, label(s.name)), ' ', h('span', { class: 'muted' }, `agent: ${s.agent_spec}`)),
      s.agent_failed ? h('p', { class: 'alert', role: 'alert' }, `The agent cannot answer drafts: ${s.agent_failed}. Remove it and seat another strategy or invite a person.`) : null,
      h('div', { class: 'row wrap' }, rm), alert);
  }

  // ---- Responses to the current draft ----
  function renderResponses() {
    const d = n.drafts[n.drafts.length - 1];
    const parties = n.seats.filter((s) => s.role === 'party');
    announceResponses(d);
    if (!d) {
      responsesHead.textContent = 'Responses';
      fill(responsesClock);
      fill(responses, h('p', { class: 'muted' }, 'No draft has been circulated yet. Write the first one in the editor below.'));
      fill(draftActionsSlot);
      return;
    }
    responsesHead.textContent = `Responses to draft ${d.version}`;
    fill(responsesClock, h('p', { class: 'meta' }, statusBadge(n, d),
      ` · circulated by ${d.by ? label(d.by) : 'a mediator'} ${when(d.created_at)}`,
      d.corrects ? ` · corrects draft ${d.corrects}` : ''), countdown(d.deadline_at, d.status === 'open', d.remaining_ms), oneTextNotice(n, d));
    renderDraftActions(d);
    const by = new Map(d.responses.map((r) => [r.seat, r]));
    const missed = new Set(d.missed || []);
    const cell = (r, issue) => {
      if (!r) return h('td', { class: 'muted' }, '…');
      if (r.verdict === 'accept') return h('td', { class: 'yes' }, 'accepts');
      if (r.verdict === 'reject') return h('td', { class: 'no' }, 'rejects');
      return r.amendment && r.amendment.issue === issue
        ? h('td', { class: 'amending' }, `amend${inPhase(r.amendment)} → ${val(r.amendment.value)}`)
        : h('td', { class: 'muted' }, 'no change');
    };
    fill(responses,
      h('table', { class: 'matrix' },
        h('caption', { class: 'sr-only' }, `Responses per party and clause to draft ${d.version}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Clause'), parties.map((p) => h('th', { scope: 'col' }, label(p.name))))),
        h('tbody', {}, d.clauses.map((c, k) => h('tr', {},
          h('th', { scope: 'row' }, `${k + 1}. ${label(c.issue)}: `, h('span', { class: 'value' }, val(c.value))),
          parties.map((p) => cell(by.get(p.name), c.issue)))))),
      h('ul', { class: 'response-list' }, parties.map((p) => {
        const r = by.get(p.name);
        return h('li', { class: r ? `resp ${r.verdict}` : 'resp waiting' },
          h('strong', {}, label(p.name)), ' ',
          r ? [responseWords(r), h('span', { class: 'meta' }, ` · ${when(r.at)}`),
            r.changed_at ? h('span', { class: 'meta changed' }, ` · answer changed ${when(r.changed_at)}`) : null,
            r.amendment && r.amendment.wording ? h('p', { class: 'wording' }, 'Proposed wording: ', r.amendment.wording) : null,
            r.comment ? h('p', { class: 'comment' }, h('span', { class: 'muted' }, 'Comment: '), r.comment) : null]
            : missed.has(p.name) ? h('span', { class: 'no' }, 'missed the deadline') : h('span', { class: 'muted' }, 'has not responded yet'));
      })));
  }

  // Announces what changed since the last render: new responses, missed deadlines.
  let heard = null;
  function announceResponses(d) {
    const now = new Map();
    if (d) {
      for (const r of d.responses) now.set(`${d.version}:${r.seat}`, `${label(r.seat)} ${responseText(n.issues, r)}.`);
      for (const s of d.missed || []) now.set(`${d.version}:${s}:missed`, `${label(s)} missed the deadline for draft ${d.version}.`);
    }
    const fresh = heard ? [...now].filter(([k]) => !heard.has(k)).map(([, text]) => text) : [];
    heard = new Set([...(heard || []), ...now.keys()]);
    if (fresh.length) announcer.textContent = fresh.join(' ');
  }

  function responseWords(r) {
    const d = n.drafts.find((x) => x.version === r.version) || n.drafts[n.drafts.length - 1];
    const compared = r.comparison && d ? `; finds it ${comparisonText(r.comparison, d.version)}` : '';
    const straw = isOneText(n) && d && !d.final_vote ? ' (straw poll)' : '';
    if (r.verdict === 'accept') return `accepts the draft${straw}${compared}`;
    if (r.verdict === 'reject') return `rejects the draft${straw}${compared}`;
    const a = r.amendment || {};
    return `proposes to amend clause ${clauseNo(n.issues, a.issue)} (${label(a.issue || '')})${inPhase(a)} to ${val(a.value)}${compared}`;
  }

  // ---- The current draft: extend its deadline, withdraw it, correct it ----
  function renderDraftActions(d) {
    const over = n.status === 'agreed' || n.status === 'failed';
    const key = JSON.stringify([d.version, d.status, n.status]);
    if (draftActionsSlot.onceKey === key) return;
    calmFill(draftActionsSlot, () => {
      draftActionsSlot.onceKey = key;
      if (over) return [];
      if (d.status === 'open') return [extendForm(d), withdrawForm(d)];
      if (n.status !== 'open') return [];
      // A closed draft (withdrawn, expired, not accepted): the next draft may correct it.
      const fix = h('button', { type: 'button', class: 'secondary' }, `Correct draft ${d.version}`);
      fix.addEventListener('click', () => {
        editor.correct(d);
        editor.section.scrollIntoView({ block: 'start' });
        editor.firstControl().focus({ preventScroll: true });
      });
      return [h('div', { class: 'row wrap' }, fix),
        h('p', { class: 'hint' }, `Loads draft ${d.version} into the editor as a correction: the parties see that the next draft corrects it.`)];
    });
  }

  function extendForm(d) {
    const alert = alertBox();
    const status = statusLine();
    const amount = h('input', { id: 'ext-amount', type: 'number', min: 1, step: 1, value: 1, inputmode: 'numeric' });
    const unit = h('select', { id: 'ext-unit' }, [['3600', 'hours'], ['86400', 'days'], ['60', 'minutes']]
      .map(([v, t]) => h('option', { value: v }, t)));
    const btn = h('button', { type: 'submit', class: 'secondary' }, 'Extend the deadline');
    const form = h('form', { class: 'extend', novalidate: true, 'aria-labelledby': 'ext-h' },
      h('h3', { id: 'ext-h' }, `Extend the deadline of draft ${d.version}`),
      h('div', { class: 'row wrap' },
        h('div', { class: 'field' }, h('label', { for: 'ext-amount' }, 'By'), amount),
        h('div', { class: 'field' }, h('label', { for: 'ext-unit' }, 'Unit'), unit), btn),
      alert, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(btn, alert, async () => {
        const x = Number(amount.value);
        if (!(x > 0)) throw invalid('Extend by: enter a number greater than 0.', amount);
        const r = await api('POST', `${base}/drafts/${d.version}/deadline`, { by_seconds: x * Number(unit.value) });
        status.show(r.remaining_ms != null
          ? `Deadline extended: ${x} ${unit.selectedOptions[0].textContent} more, counted once the negotiation reopens.`
          : `Deadline extended to ${when(r.deadline_at)}.`);
        await refresh();
      });
    });
    return form;
  }

  function withdrawForm(d) {
    const alert = alertBox();
    const reason = h('input', { id: 'wd-reason', maxlength: 2000 });
    const btn = h('button', { type: 'submit', class: 'danger' }, 'Withdraw this draft');
    const form = h('form', { class: 'withdraw', novalidate: true, 'aria-labelledby': 'wd-h' },
      h('h3', { id: 'wd-h' }, `Withdraw draft ${d.version}`),
      h('p', { class: 'hint' }, 'The parties can no longer answer it; the negotiation goes on, and you can circulate a corrected draft.'),
      h('div', { class: 'field' }, h('label', { for: 'wd-reason' }, 'Reason (required, visible to every seat)'), reason),
      alert, btn);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(btn, alert, async () => {
        if (!reason.value.trim()) throw invalid('Reason: say why the draft is withdrawn.', reason);
        await api('POST', `${base}/drafts/${d.version}/withdraw`, { reason: reason.value.trim() });
        await refresh();
      }, { after: () => document.getElementById('resp-h') });
    });
    return form;
  }

  // ---- Adjourning and reopening ----
  function adjournForm() {
    const alert = alertBox();
    const body = h('div');
    const section = h('section', { class: 'card', 'aria-labelledby': 'adj-h' },
      h('h2', { id: 'adj-h', tabindex: -1 }, 'Adjourn'), body);
    let shown = null;
    function render() {
      if (shown === n.status) return;
      shown = n.status;
      if (n.status === 'adjourned') {
        const btn = h('button', { type: 'button', class: 'primary' }, 'Reopen');
        btn.addEventListener('click', () => act(btn, alert, async () => {
          await api('POST', `${base}/reopen`, {});
          await refresh();
        }, { after: () => document.getElementById('adj-h') }));
        fill(body, h('p', { class: 'hint' }, 'The negotiation is adjourned: nothing can be circulated or answered, and the open draft\u2019s deadline is paused. Reopening resumes it with the time it had left.'),
          alert, btn);
        return;
      }
      const reason = h('input', { id: 'adj-reason', maxlength: 2000 });
      const btn = h('button', { type: 'submit', class: 'secondary' }, 'Adjourn');
      const form = h('form', { novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'adj-reason' }, 'Reason (optional, visible to every seat)'), reason),
        alert, btn);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        act(btn, alert, async () => {
          await api('POST', `${base}/adjourn`, reason.value.trim() ? { reason: reason.value.trim() } : {});
          await refresh();
        }, { after: () => document.getElementById('adj-h') });
      });
      fill(body, h('p', { class: 'hint' }, 'Pauses the negotiation: no draft can be circulated or answered, and the open draft\u2019s deadline waits until you reopen.'), form);
    }
    return {
      section,
      sync() {
        section.hidden = n.status !== 'open' && n.status !== 'adjourned';
        if (!section.contains(document.activeElement) || shown !== n.status) render();
      },
    };
  }

  // ---- Analysis and picture ----
  async function refreshAnalysis() {
    try {
      const a = await api('GET', `${base}/analysis`);
      if (lastAnalysis && lastAnalysis.zone.exists !== a.zone.exists) {
        announcer.textContent = a.zone.exists ? 'Analysis updated: there is now a zone of agreement.' : 'Analysis updated: the zone of agreement is gone.';
      }
      lastAnalysis = a;
      calmFill(analysis, () => analysisView(a));
    } catch (e) {
      lastAnalysis = null;
      // The same message again (waiting for preferences, say) is left as it is, not re-announced.
      fillOnce(analysis, `error:${e.message}`, () => h('p', { class: e.code === 'waiting_for_preferences' ? 'notice' : 'alert', role: 'alert' }, e.message));
    }
    try {
      const r = await fetch(`${base}/picture.svg`, { credentials: 'same-origin' });
      const text = await r.text();
      if (r.ok) {
        calmFill(picture, () => [h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`, alt: 'Utility-space picture: the possible packages and every draft so far, plotted by the utility of the first two parties.' }),
          h('p', { class: 'hint' }, h('a', { href: `${base}/picture.svg`, target: '_blank', rel: 'noopener' }, 'Open the picture at full size'), ' (opens a new tab).')]);
      } else {
        let msg = text;
        try { msg = JSON.parse(text).error.message; } catch { /* plain text */ }
        calmFill(picture, () => [h('p', { class: 'notice' }, msg.charAt(0).toUpperCase() + msg.slice(1), '.'),
          h('p', { class: 'hint' }, 'It appears when every party shares its preferences with the mediators (or they are still your assumptions from the scenario file).')]);
      }
    } catch (e) {
      fillOnce(picture, `error:${e.message}`, () => h('p', { class: 'alert', role: 'alert' }, e.message));
    }
  }

  function analysisView(a) {
    const count = a.zone.count;
    const zone = a.zone.exists
      ? h('p', { class: 'zone ok' }, h('strong', {}, 'A zone of agreement exists: '), count == null
        ? 'packages respecting every party\u2019s red lines and reservation value exist (too many to count).'
        : `${count} package${String(count) === '1' ? '' : 's'} respect every party's red lines and reservation value.`)
      : h('p', { class: 'zone none' }, h('strong', {}, 'No zone of agreement: '), 'no package respects every party\u2019s red lines and reservation value.');
    const blocking = (a.blocking || []).length ? h('div', {},
      h('h3', {}, 'What blocks agreement, and what would have to give'),
      h('ol', { class: 'blocking' }, a.blocking.map((b) => h('li', {},
        h('p', {}, 'If ', [
          ...b.red_lines.map((r) => r.rule ? `${label(r.party)}'s red line \u201c${r.rule}\u201d` : `a red line of ${label(r.party)} (not shared)`),
          ...b.reservations.map((p) => `${label(p)}'s reservation value`),
        ].join(' and '), ' gave way, the best deal would be:'),
        packageLine(b.best_deal))))) : null;
    const st = a.draft && a.draft.standing && a.draft.standing.length ? h('div', {},
      h('h3', {}, 'Standing on the current draft'),
      h('table', { class: 'standing' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Party'), h('th', { scope: 'col' }, 'Within its red lines'), h('th', { scope: 'col' }, 'Above its reservation value'))),
        h('tbody', {}, a.draft.standing.map((s) => h('tr', {}, h('th', { scope: 'row' }, label(s.party)),
          yesNo(s.within_red_lines), yesNo(s.above_reservation)))))) : null;
    const imp = a.draft && a.draft.improvements;
    const crossesText = (list) => list.map((r) => r.rule ? `${label(r.party)}'s red line \u201c${r.rule}\u201d` : `a red line of ${label(r.party)} (not shared)`).join('; ');
    const improvements = imp ? h('div', {},
      h('h3', {}, 'Improvements on the current draft'),
      imp.count && imp.count !== '0' ? [h('p', {}, imp.count == null ? 'Packages every analysed party prefers to the current draft (too many to count). The best:'
        : `${imp.count} package${imp.count === '1' ? '' : 's'} every analysed party prefers to the current draft. The best, those within every red line first:`),
        h('ol', { class: 'improvements' }, (imp.best || []).slice(0, 3).map((p, k) => h('li', {}, packageLine(p.clauses),
          p.within_red_lines ? h('p', { class: 'yes' }, 'Within every analysed party\u2019s red lines.')
            : h('p', { class: 'no' }, 'Still crosses ', crossesText(p.crosses), '.'),
          useButton(p.clauses, `Put improvement ${k + 1} in the editor`, 'secondary'))))]
        : h('p', { class: 'muted' }, 'No package is better for every analysed party than the current draft.')) : null;
    const scope = (a.left_out || []).length ? h('p', { class: 'notice' },
      `This analysis covers ${a.parties.map(label).join(' and ')}. `,
      `${a.left_out.map(label).join(' and ')} keep${a.left_out.length === 1 ? 's' : ''} their preferences private: nothing here accounts for them except their standing on the current draft.`) : null;
    const nash = h('div', {}, h('h3', {}, 'Nash suggestion'),
      a.nash ? [h('p', { class: 'hint' }, 'The package that maximises the product of the parties\u2019 gains over their reservation values.'),
        packageLine(a.nash), useButton(a.nash, 'Use Nash suggestion', 'primary')]
        : h('p', { class: 'muted' }, 'None: without a zone of agreement there is no Nash suggestion.'));
    return [scope, zone, nash, st, improvements, blocking];
  }

  const yesNo = (b) => h('td', { class: b ? 'yes' : 'no' }, b ? 'yes' : 'no');

  function useButton(pkg, text, cls) {
    // Nothing to draft once the negotiation has ended.
    if (n.status !== 'open') return null;
    const b = h('button', { type: 'button', class: cls }, text);
    b.addEventListener('click', () => {
      const replaced = editor.load(pkg, true);
      editor.status.show(`${text.replace(/^Use |^Put /, '').replace(/ in the editor$/, '')} loaded into the draft editor: review the wording, then circulate.`
        + (replaced.length ? ` Your own wording of ${replaced.join(', ')} was written for another option and was replaced by the new option\u2019s wording.` : ''));
      editor.section.scrollIntoView({ block: 'start' });
      editor.firstControl().focus({ preventScroll: true });
    });
    return b;
  }

  // ---- Draft editor ----
  function draftEditor() {
    const alert = alertBox();
    const status = statusLine();
    const rows = new Map(); // issue -> {value, wording, issue}
    let baseVersion = n.current_version;
    let dirty = false; // edited since the last circulated draft was loaded
    // The text the edits started from (issue 14): on a version conflict, what each side changed
    // is told apart against it (see merge.js).
    let startedFrom = [];
    // Clauses both this mediator and the newer draft changed, differently: issue -> {x, choice}.
    const conflicts = new Map();
    const heading = h('h2', { id: 'ed-h' }, 'Draft editor');
    // "Qatar is editing the next draft": the other mediators with unsent edits (live).
    const othersEditing = h('p', { class: 'editing-sign', role: 'status', hidden: true });
    const conflictBox = h('div', { class: 'conflicts', hidden: true });
    const form = h('form', { class: 'editor', 'aria-labelledby': 'ed-h', novalidate: true });
    const clauses = n.issues.map((issue, k) => {
      const vid = newId('ed-val'), wid = newId('ed-word');
      const value = issue.options
        ? h('select', { id: vid }, issue.options.map((o) => h('option', { value: optName(o) }, val(optName(o)))))
        : h('input', { id: vid, type: 'number', min: issue.min, max: issue.max, step: issue.resolution || (issue.type === 'real' ? 'any' : 1) });
      const wording = h('textarea', { id: wid, rows: 2 });
      const row = { value, wording, issue, previous: null };
      value.addEventListener('change', () => {
        // Follow the option's own wording unless the mediator has written their own. The value
        // before the change is remembered here (not on focus: a value can change without it).
        const old = defaultWording(issue, row.previous);
        if (!wording.value.trim() || wording.value === old) wording.value = defaultWording(issue, value.value) || '';
        row.previous = value.value;
      });
      rows.set(issue.name, row);
      return h('fieldset', { class: 'clause' },
        h('legend', {}, `Clause ${k + 1}: ${label(issue.name)}`),
        issue.description ? h('p', { class: 'hint' }, issue.description) : null,
        h('div', { class: 'clause-grid' },
          h('div', { class: 'field' }, h('label', { for: vid }, issue.options ? 'Option' : `Value (${issue.min}–${issue.max})`), value),
          h('div', { class: 'field' }, h('label', { for: wid }, 'Wording'), wording)));
    });
    const within = h('input', { id: 'ed-within', type: 'number', min: 1, step: 1, value: 1, inputmode: 'numeric' });
    const unit = h('select', { id: 'ed-unit' }, [['1', 'seconds'], ['60', 'minutes'], ['3600', 'hours'], ['86400', 'days']]
      .map(([v, t]) => h('option', { value: v, selected: v === '86400' }, t)));
    const note = h('input', { id: 'ed-note', maxlength: 2000 });
    // A corrected draft says which one it corrects (the draft it follows).
    const corrects = h('input', { id: 'ed-corrects', type: 'checkbox' });
    const correctsLabel = h('label', { for: 'ed-corrects' });
    const correctsBox = h('div', { class: 'check', hidden: true }, corrects, correctsLabel);
    // One-text rules: circulate as the final text, put to the binding vote (issue 16).
    const finalVote = h('input', { id: 'ed-final', type: 'checkbox' });
    const finalBox = h('div', { class: 'check', hidden: true }, finalVote,
      h('label', { for: 'ed-final' }, 'Circulate as the final text: the final vote, which binds if every party accepts it'));
    finalVote.addEventListener('change', () => updateSubmit());
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Circulate draft');
    const reload = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load the current draft and start again');
    // A wording mismatch the mediator has seen and confirms: circulate the text as it stands.
    let keepWording = false;
    const confirmWording = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Circulate with this wording anyway');
    confirmWording.addEventListener('click', () => { keepWording = true; confirmWording.hidden = true; form.requestSubmit(); });
    reload.addEventListener('click', () => act(reload, alert, async () => {
      await refresh();
      baseVersion = n.current_version;
      loadCurrent();
      clearConflicts();
      dirty = false;
      presence.stop(true);
      reload.hidden = true;
      status.show('');
      updateSubmit();
    }, { after: () => editor.firstControl() }));
    fill(form, clauses,
      h('div', { class: 'draft-meta' },
        h('div', { class: 'field grow' }, h('label', { for: 'ed-note' }, 'Note to the parties (optional)'), note),
        h('fieldset', { class: 'inline' }, h('legend', {}, 'Respond within'),
          h('label', { for: 'ed-within', class: 'sr-only' }, 'Respond within (amount)'), within,
          h('label', { for: 'ed-unit', class: 'sr-only' }, 'Unit'), unit)),
      correctsBox,
      finalBox,
      conflictBox,
      alert, status,
      h('div', { class: 'row' }, submit, confirmWording, reload));
    form.addEventListener('input', (e) => {
      // Choosing a side of a conflict is handled by its own control.
      if (e.target instanceof HTMLInputElement && e.target.type === 'radio' && conflictBox.contains(e.target)) return;
      markDirty();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      status.show('');
      act(submit, alert, async () => {
        const amount = Number(within.value);
        if (!(amount > 0)) throw invalid('Respond within: enter a number greater than 0.', within);
        const open = [...conflicts.values()].filter((c) => !c.choice);
        if (open.length) {
          throw invalid(`Choose yours or theirs for ${open.map((c) => `clause ${clauseNo(n.issues, c.x.issue)} (${label(c.x.issue)})`).join(' and ')} first: both you and the newer draft changed ${open.length === 1 ? 'it' : 'them'}.`,
            conflictBox.querySelector('input[type=radio]'));
        }
        const body = {
          base_version: baseVersion,
          clauses: n.issues.map((i) => {
            const r = rows.get(i.name);
            const c = { issue: i.name, value: i.options ? r.value.value : Number(r.value.value) };
            if (r.wording.value.trim()) c.wording = r.wording.value.trim();
            return c;
          }),
          respond_within_seconds: amount * Number(unit.value),
        };
        if (note.value.trim()) body.note = note.value.trim();
        if (corrects.checked && baseVersion > 0) body.corrects = baseVersion;
        if (keepWording) body.keep_wording = n.issues.map((i) => i.name);
        if (isOneText(n) && finalVote.checked) body.final_vote = true;
        keepWording = false;
        confirmWording.hidden = true;
        try {
          const r = await api('POST', `${base}/drafts`, body);
          baseVersion = r.version;
          dirty = false;
          startedFrom = current();
          clearConflicts();
          reload.hidden = true;
          presence.stop(false); // the server ends the sign with the draft
          note.value = '';
          corrects.checked = false;
          finalVote.checked = false;
          within.value = 1;
          unit.value = '86400'; // a short deadline is a one-off: back to the default of one day
          status.show(r.final_vote ? `Draft ${r.version} circulated as the final text: the final vote.` : `Draft ${r.version} circulated to the parties.`);
          await refresh();
        } catch (err) {
          if (err.code === 'wording_mismatch') {
            confirmWording.hidden = false;
            throw new Error(`Not circulated: ${err.message}`);
          }
          if (err.code === 'version_conflict') {
            await mergeNewer();
            reload.hidden = false;
            return;
          }
          throw err;
        }
      });
    });
    /** The editor's text as clauses, wording as shown (the option's own when none is written). */
    function current() {
      return n.issues.map((i) => {
        const r = rows.get(i.name);
        return { issue: i.name, value: r.value.value, wording: r.wording.value.trim() };
      });
    }
    /** A circulated draft's clauses as the editor would show them. */
    function shown(clauses) {
      return clauses.map((c) => {
        const issue = n.issues.find((i) => i.name === c.issue);
        return { issue: c.issue, value: String(c.value), wording: (c.wording || (issue && defaultWording(issue, String(c.value))) || '').trim() };
      });
    }
    function setRow(c) {
      const r = rows.get(c.issue);
      if (!r) return;
      r.value.value = String(c.value);
      r.previous = r.value.value;
      r.wording.value = c.wording || '';
    }
    function markDirty() {
      dirty = true;
      if (n.status === 'open' || n.status === 'adjourned') presence.start();
    }
    function clearConflicts() {
      conflicts.clear();
      fill(conflictBox);
      conflictBox.hidden = true;
    }
    /** A newer draft was circulated while this mediator edited: re-apply the edits on top of it,
     * clause by clause; clauses both changed differently are shown side by side to choose. */
    async function mergeNewer() {
      await refresh();
      const d = n.drafts[n.drafts.length - 1];
      if (!d) return;
      const by = d.by ? label(d.by) : 'another mediator';
      const theirs = shown(d.clauses);
      const merged = mergeDrafts(startedFrom, current(), theirs);
      clearConflicts();
      const no = (x) => `${clauseNo(n.issues, x.issue)} (${label(x.issue)})`;
      const list = (xs) => xs.map(no).join(', ');
      for (const x of merged) {
        if (x.outcome === 'conflict') conflicts.set(x.issue, { x, choice: null });
        else if (x.clause) setRow(x.clause);
      }
      startedFrom = theirs;
      baseVersion = d.version;
      const mine = merged.filter((x) => x.outcome === 'mine');
      const taken = merged.filter((x) => x.outcome === 'theirs');
      const clash = merged.filter((x) => x.outcome === 'conflict');
      status.show([`Draft ${d.version} was circulated by ${by} while you edited. Your changes are re-applied on top of it, clause by clause.`,
        mine.length ? `Yours: clause ${list(mine)}.` : 'No clause edit of yours to re-apply.',
        taken.length ? `From draft ${d.version}: clause ${list(taken)}.` : '',
        clash.length ? `Changed by both: clause ${list(clash)}; choose below.` : '',
        'Your note and deadline stay as you set them.'].filter(Boolean).join(' '));
      renderConflicts(d, by);
      updateSubmit();
      markDirty();
    }
    function sideView(title, c) {
      return h('div', { class: 'side' }, h('p', { class: 'side-head' }, title),
        h('p', { class: 'value' }, val(c ? c.value : '—')),
        h('p', { class: 'wording' }, c && c.wording ? c.wording : h('span', { class: 'muted' }, '(no wording)')));
    }
    function renderConflicts(d, by) {
      if (!conflicts.size) { clearConflicts(); return; }
      conflictBox.hidden = false;
      fill(conflictBox, h('h3', {}, `Changed by you and in draft ${d.version}: choose each clause`),
        [...conflicts.values()].map((c) => {
          const k = clauseNo(n.issues, c.x.issue);
          const name = newId('conflict');
          const choose = (side, text) => {
            const id = newId('conflict-side');
            const input = h('input', { type: 'radio', name, id, value: side });
            input.addEventListener('change', () => {
              c.choice = side;
              setRow(side === 'mine' ? c.x.mine : c.x.theirs);
              dirty = true;
            });
            return h('div', { class: 'check' }, input, h('label', { for: id }, text));
          };
          return h('fieldset', { class: 'conflict' },
            h('legend', {}, `Changed by both: clause ${k} (${label(c.x.issue)})`),
            h('div', { class: 'side-by-side' },
              h('div', {}, sideView('Yours', c.x.mine), choose('mine', `Keep yours for clause ${k}`)),
              h('div', {}, sideView(`Theirs (draft ${d.version}, ${by})`, c.x.theirs), choose('theirs', `Take theirs for clause ${k}`))));
        }));
    }
    function updateSubmit() {
      finalBox.hidden = !isOneText(n);
      submit.textContent = isOneText(n) && finalVote.checked
        ? `Circulate draft ${baseVersion + 1} as the final text` : `Circulate draft ${baseVersion + 1}`;
      submit.disabled = n.status !== 'open';
      heading.textContent = baseVersion ? `Draft editor: draft ${baseVersion + 1}` : 'Draft editor: first draft';
      correctsBox.hidden = !baseVersion;
      correctsLabel.textContent = `This draft corrects draft ${baseVersion}`;
    }
    /** Loads a package into the editor. With `keepCustom` (a suggestion), custom wording is kept
     * only on clauses whose value stays the same: wording written for another option never
     * travels with a new one. Returns the clauses whose custom wording was replaced. */
    function load(pkg, keepCustom) {
      if (keepCustom) markDirty(); else dirty = false;
      const replaced = [];
      for (const c of pkg) {
        const r = rows.get(c.issue);
        if (!r) continue;
        const oldValue = r.value.value;
        const oldDefault = defaultWording(r.issue, oldValue);
        r.value.value = String(c.value);
        r.previous = r.value.value;
        const custom = keepCustom && r.wording.value && r.wording.value !== oldDefault;
        const sameValue = oldValue === r.value.value;
        if (c.wording) r.wording.value = c.wording;
        else if (custom && sameValue) { /* the mediator's own wording for this very option */ }
        else {
          if (custom) replaced.push(label(c.issue));
          r.wording.value = defaultWording(r.issue, r.value.value) || '';
        }
      }
      return replaced;
    }
    function loadCurrent() {
      const d = n.drafts[n.drafts.length - 1];
      if (d) load(d.clauses);
      else if (n.scenario_draft) load(n.scenario_draft);
      else load(n.issues.map((i) => ({ issue: i.name, value: i.options ? optName(i.options[0]) : i.min })));
      startedFrom = current();
    }
    loadCurrent();
    updateSubmit();
    const section = h('section', { class: 'card', 'aria-labelledby': 'ed-h' }, heading, othersEditing,
      h('p', { class: 'hint' }, 'One clause per issue: choose the option and adjust its wording. The parties see the wording.'), form);
    return {
      section, status, load, firstControl: () => rows.values().next().value.value,
      /** Marks (or unmarks) the next draft as the final text (one-text rules). */
      setFinal(on) { finalVote.checked = on; updateSubmit(); },
      /** Circulates the editor's text (as the buttons below it do). */
      submit() { form.requestSubmit(); },
      /** Loads draft `d` (the current one) to be corrected. */
      correct(d) {
        load(d.clauses);
        markDirty();
        corrects.checked = true;
        status.show(`Draft ${d.version} loaded as a correction: change what needs correcting, then circulate.`);
      },
      sync() {
        section.hidden = n.status !== 'open';
        // A draft circulated by another mediator: follow it unless this editor holds unsent
        // edits (those meet a clear version conflict when sent, and are kept).
        if (baseVersion !== n.current_version && reload.hidden && !dirty) { baseVersion = n.current_version; loadCurrent(); }
        if (n.status !== 'open' && n.status !== 'adjourned') presence.stop(true);
        updateSubmit();
      },
      /** The other mediators editing the next draft (from the live stream's `editing` event). */
      showEditors(editors) {
        const who = editors.map((e) => {
          const s = n.seats.find((x) => x.name === e.seat);
          return s && s.holder ? `${label(e.seat)} (${s.holder})` : label(e.seat);
        });
        othersEditing.hidden = !who.length;
        othersEditing.textContent = who.length
          ? `${who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]} are` : `${who[0]} is`} editing the next draft.`
          : '';
      },
    };
  }

  // ---- Closing without agreement ----
  function closeForm() {
    const alert = alertBox();
    const reason = h('input', { id: 'close-reason', maxlength: 2000 });
    const btn = h('button', { type: 'submit', class: 'danger' }, 'Close without agreement');
    const form = h('form', { novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'close-reason' }, 'Reason (optional, visible to every seat)'), reason),
      alert, btn);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!window.confirm('End this negotiation without agreement? This cannot be undone.')) return;
      act(btn, alert, async () => {
        await api('POST', `${base}/close`, reason.value.trim() ? { reason: reason.value.trim() } : {});
        await refresh();
      }, { after: () => document.getElementById('outcome-h') });
    });
    const section = h('section', { class: 'card', 'aria-labelledby': 'close-h' },
      h('h2', { id: 'close-h' }, 'End the negotiation'),
      h('p', { class: 'hint' }, 'Records the negotiation as ended without agreement.'), form);
    return { section, sync() { section.hidden = n.status !== 'open' && n.status !== 'adjourned'; } };
  }

  // The voters an agent seat can run, and the consent levels' promises, from the server.
  let voters = [];
  let vocab = { consent_levels: [] };

  // ---- Refreshing ----
  async function refresh() {
    n = await api('GET', base);
    renderAll();
  }

  function renderAll() {
    renderHead();
    fill(banner, outcomeBanner(n));
    renderResponses();
    renderSeats();
    fill(history, historyView(n));
    editor.sync();
    suggester.sync();
    closer.sync();
    adjourner.sync();
    phased.update(n).catch((e) => console.error(e));
  }

  const slowKinds = new Set(['draft', 'preferences_updated', 'joined', 'agent_seated', 'agent_removed', 'agent_failed', 'agreement', 'failed', 'adjourned', 'reopened', 'phase_status', 'follow_up_ended']);
  let pendingAnalysis = false;
  const onEvents = debounce(async () => {
    try {
      await refresh();
      if (pendingAnalysis) { pendingAnalysis = false; await refreshAnalysis(); }
    } catch (e) { console.error(e); }
  });

  (async () => {
    liveSlot.append(live(id, ctx.after, (kind, data) => {
      if (kind === 'message') { messages.onEvent(data); return; }
      if (kind === 'editing') { editor.showEditors((data && data.payload && data.payload.editors) || []); return; }
      if (slowKinds.has(kind)) pendingAnalysis = true;
      onEvents();
    }, async () => { await refresh(); await refreshAnalysis(); }));
    [voters, vocab] = await Promise.all([api('GET', '/api/voters'), vocabulary()]);
    const warnKey = `accord-warnings-${id}`;
    const warnings = JSON.parse(sessionStorage.getItem(warnKey) || '[]');
    sessionStorage.removeItem(warnKey);
    if (warnings.length) {
      main.querySelector('.page-head-slot').after(h('div', { class: 'notice', role: 'status', id: 'scenario-warnings' },
        h('p', {}, h('strong', {}, 'About the scenario file:')), h('ul', {}, warnings.map((w) => h('li', {}, w)))));
    }
    renderAll();
    await refreshAnalysis();
  })().catch((e) => fill(banner, h('p', { class: 'alert', role: 'alert' }, e.message)));
  void num; void clauseList;
}
