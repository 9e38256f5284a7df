// Accord workbench: shared helpers (API calls, DOM building, formatting, live events) and the
// negotiation page's entry point, which loads the mediator's desk, the party's room or a
// read-only view for observers. No framework; every page works with the session cookie.

/** Calls the JSON API; throws an Error carrying the server's message, `status` and `code`. */
export async function api(method, path, body) {
  const opt = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    opt.headers['content-type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  let r;
  const t0 = Date.now();
  try {
    r = await fetch(path, opt);
  } catch (e) {
    throw Object.assign(new Error('The server cannot be reached. Check the connection and try again.'), { status: 0 });
  }
  const text = await r.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!r.ok) {
    const msg = (data && data.error && data.error.message) || `${r.status} ${r.statusText}`;
    throw Object.assign(new Error(msg), { status: r.status, code: data && data.error && data.error.code });
  }
  // The negotiation view carries the server's clock: deadlines count down in its time.
  if (method === 'GET' && /^\/api\/negotiations\/[^/?]+$/.test(path) && data && typeof data.now === 'number') {
    skew = data.now - (t0 + Date.now()) / 2;
  }
  return data;
}

let skew = 0; // server clock minus browser clock (ms), from the last negotiation view read
/** The server's time now (Unix ms), estimated from the browser's clock. */
export const serverNow = () => Date.now() + skew;

/** An error about one field: `act` moves the focus to that field. */
export function invalid(message, field) {
  return Object.assign(new Error(message), { field });
}

/** Builds an element: h('p', {class: 'x', onclick: f}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A fresh element id with a readable prefix. */
export const newId = (prefix) => `${prefix}-${++uid}`;

/** An alert region for a control's errors; `.show(msg)` / `.clear()`. */
export function alertBox() {
  const el = h('p', { class: 'alert', role: 'alert', hidden: true });
  el.show = (msg) => { el.textContent = msg; el.hidden = !msg; };
  el.clear = () => el.show('');
  return el;
}

/** A polite status line for successes. */
export function statusLine() {
  const el = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  el.show = (msg) => { el.textContent = msg; };
  return el;
}

/** Runs an async action from a button: disables it meanwhile, shows errors in `alert`. A
 * disabled button loses the focus (to the body): it is given back, or on an error moved to the
 * invalid field when known (`invalid()`); `after()` names where the focus goes when the action
 * removed the button itself (a form answered, a page re-rendered). */
export async function act(button, alert, work, { after } = {}) {
  if (alert) alert.clear();
  if (button) button.disabled = true;
  let failed = null;
  try {
    return await work();
  } catch (e) {
    failed = e;
    if (alert) alert.show(e.message);
    else console.error(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    const shown = (el) => el && el.isConnected && el.getClientRects().length > 0;
    const field = failed && failed.field;
    if (shown(field)) {
      field.setAttribute('aria-invalid', 'true');
      field.addEventListener('input', () => field.removeAttribute('aria-invalid'), { once: true });
      field.focus();
    } else if (lost && shown(button)) button.focus();
    else if (lost && after) {
      const el = after();
      if (shown(el)) el.focus();
    }
  }
}

/** Re-renders `el` with `render()` (children), unless it holds the focus: then it waits until
 * the focus leaves, so that live updates never take a field (and its caret) from under the
 * user. `force` re-renders at once (the content no longer applies). */
export function calmFill(el, render, force = false) {
  el.calmRender = render;
  const a = document.activeElement;
  if (force || !a || a === document.body || !el.contains(a)) {
    el.onceKey = null;
    fill(el, render());
    return;
  }
  if (el.calmWaiting) return;
  el.calmWaiting = true;
  el.addEventListener('focusout', function later(e) {
    if (e.relatedTarget && el.contains(e.relatedTarget)) return;
    el.removeEventListener('focusout', later);
    el.calmWaiting = false;
    setTimeout(() => { if (el.calmRender) calmFill(el, el.calmRender); }, 0);
  });
}

/** Re-renders `el` only when `key` changed since its last render: alerts inside are created
 * (and announced) once per new message, not on every live refresh. */
export function fillOnce(el, key, render) {
  if (el.onceKey === key) return false;
  el.onceKey = key;
  el.calmRender = null; // a pending calm re-render no longer applies
  fill(el, render());
  return true;
}

/** Makes `el`'s children exactly `nodes` (in order) without detaching the ones it keeps: a kept
 * node holding the focus keeps it. */
export function syncChildren(el, nodes) {
  const keep = new Set(nodes);
  for (const c of [...el.children]) if (!keep.has(c)) c.remove();
  nodes.forEach((node, k) => { if (el.children[k] !== node) el.insertBefore(node, el.children[k] || null); });
}

// ---- Formatting -------------------------------------------------------------------------

/** "withdrawal_language" -> "Withdrawal language" (the scenario's own names, made readable). */
export function label(name) {
  const s = String(name).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** An option or value as text ("not_addressed" -> "not addressed"). */
export function val(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return num(v);
  return String(v).replace(/_/g, ' ');
}

/** A number rounded sensibly: 0.6000000001 -> "0.60". */
export function num(x, digits = 2) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return String(x ?? '—');
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(digits);
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** A time: "14:05:12" today, "3 Mar, 14:05" otherwise. */
export function when(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  return d.toDateString() === new Date(serverNow()).toDateString() ? timeFmt.format(d) : dateFmt.format(d);
}

/** A duration in words: "2 h 05 min", "4 min 09 s", "7 s". */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  const p = (x) => String(x).padStart(2, '0');
  if (d) return `${d} d ${hh} h`;
  if (hh) return `${hh} h ${p(mm)} min`;
  if (mm) return `${mm} min ${p(ss)} s`;
  return `${ss} s`;
}

// ---- Deadlines ---------------------------------------------------------------------------

const clocks = new Set();
setInterval(() => {
  for (const c of clocks) {
    if (!c.isConnected) clocks.delete(c);
    else c.tick();
  }
}, 1000);

/** A live countdown to `deadline` (ms, server time); `open` false means the draft is no longer
 * open. The server closes a draft: until it does, a draft at its deadline is still open.
 * `paused` (ms): the negotiation is adjourned and the draft had this much time left. */
export function countdown(deadline, open = true, paused = null) {
  const el = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
  el.tick = () => {
    const left = deadline - serverNow();
    if (open && typeof paused === 'number') {
      el.className = 'countdown paused';
      el.textContent = `Deadline paused while the negotiation is adjourned: ${duration(paused)} left when it reopens`;
    } else if (!open) {
      el.className = 'countdown closed';
      // A draft every party answered (or that the negotiation's end closed) closes early.
      el.textContent = left > 0 ? `Closed for responses before its deadline (${when(deadline)})` : `Deadline was ${when(deadline)}`;
    } else if (left > 0) {
      el.className = 'countdown' + (left < 60000 ? ' urgent' : '');
      el.textContent = `Responses due by ${when(deadline)} — ${duration(left)} left`;
    } else {
      el.className = 'countdown passed';
      el.textContent = `Deadline reached (${when(deadline)}); waiting for the server to close the draft`;
    }
  };
  el.tick();
  clocks.add(el);
  return el;
}

// ---- Shared views --------------------------------------------------------------------------

export const STATUS_TEXT = {
  open: 'open for responses', accepted: 'accepted by every party', rejected: 'not accepted',
  superseded: 'replaced by a later draft', expired: 'deadline passed',
  withdrawn: 'closed with the negotiation', polled: 'straw poll complete (binds nobody)',
};

/** The mediator seat that circulated a draft, in words. */
const seatName = (seat) => (seat ? label(seat) : 'a mediator');

/** Position of an issue (clause number, 1-based). */
export function clauseNo(issues, issue) {
  return issues.findIndex((i) => i.name === issue) + 1;
}

/** A draft's clauses as an ordered list with their wording. */
export function clauseList(issues, clauses) {
  return h('ol', { class: 'clauses' }, clauses.map((c) =>
    h('li', {},
      h('span', { class: 'clause-head' }, h('strong', {}, label(c.issue)), ': ', h('span', { class: 'value' }, val(c.value))),
      c.wording ? h('span', { class: 'wording' }, c.wording) : null)));
}

/** A package (clause list without wording) in one line. */
export function packageLine(clauses) {
  return h('ul', { class: 'package' }, clauses.map((c) =>
    h('li', {}, h('span', { class: 'muted' }, label(c.issue), ': '), val(c.value))));
}

/** One response in words. */
export function responseText(issues, r) {
  if (r.verdict === 'accept') return 'accepts the draft';
  if (r.verdict === 'reject') return 'rejects the draft';
  const a = r.amendment || {};
  return `proposes an amendment to clause ${clauseNo(issues, a.issue)} (${label(a.issue || '')})${inPhase(a)}: ${val(a.value)}`;
}

/** Where an amendment of a phased draft applies (issue 15): " in phase 2", or nothing. */
export function inPhase(/** @type {{phase?: string}} */ a) {
  return a && a.phase ? ` in ${a.phase}` : '';
}

function ownResponseText(issues, r) {
  if (r.verdict === 'accept') return 'accepted the draft';
  if (r.verdict === 'reject') return 'rejected the draft';
  const a = r.amendment || {};
  return `proposed an amendment to clause ${clauseNo(issues, a.issue)} (${label(a.issue || '')})${inPhase(a)}: ${val(a.value)}`;
}

/** A draft's status in words. */
export function draftStatus(n, d) {
  if (d.status === 'withdrawn' && d.withdrawn_reason) return { cls: 'closed', text: 'withdrawn by the mediators' };
  if (d.status === 'open' && n.status === 'adjourned') return { cls: 'paused', text: 'paused: the negotiation is adjourned' };
  return { cls: d.status === 'withdrawn' ? 'closed' : d.status, text: STATUS_TEXT[d.status] || d.status };
}

/** A status badge for a draft. */
export function statusBadge(n, d) {
  const s = draftStatus(n, d);
  return h('span', { class: `badge ${s.cls}` }, s.text);
}

/** The history of drafts, newest first, with clause-level changes and visible responses. */
export function historyView(n, { you } = {}) {
  const issues = n.issues;
  if (!n.drafts.length) return h('p', { class: 'muted' }, 'No draft has been circulated yet.');
  return h('ol', { class: 'history', reversed: true }, [...n.drafts].reverse().map((d) => {
    const changes = d.changes.length
      ? h('ul', { class: 'changes' }, d.changes.map((c) => changeItem(issues, c)))
      : h('p', { class: 'muted' }, d.version === 1 ? 'First draft.' : 'No clause changed.');
    const gone = d.missed || [];
    return h('li', { class: 'draft-hist' },
      h('h3', {}, `Draft ${d.version}`, ' ', statusBadge(n, d)),
      h('p', { class: 'meta' }, `Circulated by ${seatName(d.by)} ${when(d.created_at)} · responses due ${when(d.deadline_at)}`),
      d.corrects ? h('p', { class: 'corrects' }, `Corrects draft ${d.corrects}.`) : null,
      d.withdrawn_reason ? h('p', { class: 'reason' }, h('span', { class: 'muted' }, 'Withdrawn by the mediators: '), d.withdrawn_reason) : null,
      d.note ? h('p', { class: 'note' }, h('span', { class: 'muted' }, 'Note: '), d.note) : null,
      changes,
      d.responses.length ? h('ul', { class: 'hist-responses' }, d.responses.map((r) =>
        h('li', {}, h('strong', {}, r.seat === you ? 'You' : label(r.seat)), ' ',
          r.seat === you ? ownResponseText(issues, r) : responseText(issues, r),
          r.changed_at ? h('span', { class: 'muted' }, ` (answer changed ${when(r.changed_at)})`) : null,
          r.comment ? h('q', {}, r.comment) : null))) : null,
      gone.length ? h('p', { class: 'missed' }, gone.includes(you)
        ? 'You did not respond before the deadline.'
        : `Missed the deadline: ${gone.map(label).join(', ')}.`) : null);
  }));
}

function changeItem(issues, c) {
  const head = `Clause ${clauseNo(issues, c.issue)} · ${label(c.issue)}: `;
  if (c.change === 'value' || c.change === 'value_and_wording') {
    return h('li', {}, h('strong', {}, head), `value changed from ${val(c.from.value)} to ${val(c.to.value)}`,
      c.from.wording !== c.to.wording ? wordingDiff(c) : null);
  }
  return h('li', {}, h('strong', {}, head), 'wording changed', wordingDiff(c));
}

function wordingDiff(c) {
  return h('div', { class: 'wording-diff' },
    h('p', {}, h('span', { class: 'muted' }, 'Before: '), h('del', {}, c.from.wording || '(none)')),
    h('p', {}, h('span', { class: 'muted' }, 'Now: '), h('ins', {}, c.to.wording || '(none)')));
}

/** The outcome banner: agreement or failure, else null. */
export function outcomeBanner(n) {
  printDocument(n);
  if (n.status === 'agreed') {
    const d = n.drafts.find((x) => x.version === n.agreement_version);
    return h('section', { class: 'banner agreed', 'aria-labelledby': 'outcome-h' },
      h('h2', { id: 'outcome-h', tabindex: -1 }, `Agreement reached on draft ${n.agreement_version}`),
      h('p', {}, 'Every party accepted this text.'),
      d ? clauseList(n.issues, d.clauses) : null,
      documentLinks(n));
  }
  if (n.status === 'failed') {
    const reason = n.closed_reason;
    return h('section', { class: 'banner failed', 'aria-labelledby': 'outcome-h' },
      h('h2', { id: 'outcome-h', tabindex: -1 }, 'Closed without agreement'),
      h('p', {}, 'The mediators ended the negotiation without agreement.'),
      reason ? h('p', { class: 'reason' }, h('span', { class: 'muted' }, 'Reason given: '), reason) : null,
      documentLinks(n));
  }
  if (n.status === 'adjourned') {
    const reason = n.adjourned_reason;
    return h('section', { class: 'banner adjourned', 'aria-labelledby': 'outcome-h' },
      h('h2', { id: 'outcome-h', tabindex: -1 }, 'Adjourned'),
      h('p', {}, 'The mediators adjourned the negotiation: no draft is circulated or answered until they reopen it. The deadline of an open draft is paused; it resumes with the time it had left when the negotiation reopens.'),
      reason ? h('p', { class: 'reason' }, h('span', { class: 'muted' }, 'Reason given: '), reason) : null,
      documentLinks(n));
  }
  return documentLinks(n);
}

/**
 * The version the document shows by default: the agreement's, else the current draft's (0: the
 * scenario's draft, not circulated).
 * @param {any} n the negotiation view
 * @returns {number}
 */
function documentVersion(n) {
  return n.agreement_version || n.current_version || 0;
}

/**
 * Links to the document (PDF, Markdown) and a Print button: "Download the agreement" once
 * agreed, "Document of this draft" otherwise. The server builds the files from what every seat
 * sees (`GET /api/negotiations/{id}/document`).
 * @param {any} n the negotiation view
 * @returns {HTMLElement | null}
 */
function documentLinks(n) {
  const version = documentVersion(n);
  if (!version && !n.scenario_draft) return null;
  const url = (format) => `/api/negotiations/${encodeURIComponent(n.id)}/document?format=${format}` + (version ? `&version=${version}` : '');
  const agreed = n.status === 'agreed';
  return h('p', { class: 'doc-links' },
    h('span', { class: 'muted' }, agreed ? 'Download the agreement: ' : version ? `Document of this draft (draft ${version}): ` : 'Document of the scenario\'s draft: '),
    h('a', { href: url('pdf'), download: '' }, 'PDF'), ' · ',
    h('a', { href: url('md'), download: '' }, 'Markdown'), ' · ',
    h('button', { type: 'button', class: 'link', onclick: () => window.print() }, 'Print'));
}

/**
 * Keeps the printable document (a direct child of <body>, shown only when printing: see
 * app.css) in step with the page: title, standing, date, parties, mediators, clauses with their
 * wording, the drafts' history and a signature block. Only what every seat sees: never
 * preferences, responses or comments, so printing the room never prints the preference form.
 * @param {any} n the negotiation view
 */
function printDocument(n) {
  let el = document.getElementById('print-document');
  if (!el) {
    el = h('article', { id: 'print-document', class: 'print-document', 'aria-hidden': 'true' });
    document.body.append(el);
  }
  const version = documentVersion(n);
  const d = version ? n.drafts.find((x) => x.version === version) : null;
  const clauses = d ? d.clauses : (n.scenario_draft || []);
  const agreed = n.status === 'agreed' && version === n.agreement_version;
  const names = (role) => n.seats.filter((x) => x.role === role).map((x) => x.name);
  const list = (xs) => xs.length ? xs.join('; ') : 'none';
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const standing = agreed ? `Agreement: every party accepted draft ${version}, set out below.`
    : version ? `Draft ${version}, for discussion: it is not an agreement and binds no one.`
      : 'Draft for discussion, not yet circulated: it is not an agreement and binds no one.';
  const signers = [...names('party').map((x) => [x, 'party']), ...names('mediator').map((x) => [x, 'mediator'])];
  fill(el,
    h('h1', {}, n.title),
    h('p', {}, standing),
    h('dl', { class: 'doc-meta' },
      h('dt', {}, 'Date'), h('dd', {}, day(n.now || Date.now())),
      h('dt', {}, 'Version'), h('dd', {}, version ? `draft ${version}` : 'the scenario\'s draft (not circulated)'),
      h('dt', {}, 'Parties'), h('dd', {}, list(names('party'))),
      h('dt', {}, 'Mediators'), h('dd', {}, list(names('mediator')))),
    h('h2', {}, 'Clauses'),
    h('ol', { class: 'doc-clauses' }, clauses.map((c) => h('li', {},
      h('strong', {}, `${c.issue}: ${c.value}`),
      c.wording ? h('p', {}, c.wording) : null))),
    h('h2', {}, 'History'),
    n.drafts.length
      ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Draft'), h('th', {}, 'Circulated'), h('th', {}, 'Outcome'))),
        h('tbody', {}, n.drafts.map((x) => h('tr', {}, h('td', {}, String(x.version)), h('td', {}, day(x.created_at)), h('td', {}, x.status)))))
      : h('p', {}, 'No draft has been circulated yet.'),
    h('h2', {}, 'Signatures'),
    signers.map(([name, role]) => h('div', { class: 'doc-sign' },
      h('p', {}, h('strong', {}, `${name} (${role})`)),
      h('p', { class: 'doc-sign-lines' }, h('span', {}, 'Signature'), h('span', {}, 'Date')))),
    h('p', { class: 'doc-foot' }, 'Prepared with Accord from the text every participant sees. It holds no participant\'s confidential preferences.'));
}

/** The page heading block. */
export function pageHead(n, roleText, liveEl) {
  return h('div', { class: 'page-head' },
    h('div', {},
      h('h1', {}, n.title),
      h('p', { class: 'meta' }, roleText, ' · ', { open: 'Open', adjourned: 'Adjourned', agreed: 'Agreed' }[n.status] || 'Closed')),
    liveEl);
}

/** The scenario's description and issues (public texts). */
export function scenarioDetails(n) {
  return h('details', { class: 'scenario' },
    h('summary', {}, 'Scenario: description and issues'),
    // Scenario files wrap their text by hand: keep the paragraphs, not the line breaks.
    n.description ? n.description.trim().split(/\n\s*\n/).map((para) => h('p', { class: 'desc' }, para.replace(/\s*\n\s*/g, ' '))) : null,
    h('dl', {}, n.issues.map((i, k) => [
      h('dt', {}, `${k + 1}. ${label(i.name)}`),
      h('dd', {}, i.description || '', issueOptions(i)),
    ])));
}

function issueOptions(i) {
  if (i.options) return h('ul', { class: 'opts' }, i.options.map((o) => h('li', {}, val(optName(o)))));
  return h('p', { class: 'muted' }, `${i.type || 'number'} from ${i.min} to ${i.max}`);
}

/** An option's name and wording, whichever form it has. */
export const optName = (o) => (typeof o === 'string' ? o : o.name);
export const optWording = (o) => (typeof o === 'string' ? null : o.wording || null);

/** The default wording for a value of an issue. */
export function defaultWording(issue, value) {
  const o = (issue.options || []).find((x) => optName(x) === value);
  return o ? optWording(o) : null;
}

// ---- Live updates -------------------------------------------------------------------------

let vocabularyOnce = null;
/** The server's names (event kinds, statuses, verdicts, consent levels, voters), read once:
 * the pages take these contracts from the server instead of copying them. */
export function vocabulary() {
  vocabularyOnce = vocabularyOnce || api('GET', '/api/vocabulary');
  return vocabularyOnce;
}

/** Listens to the negotiation's events after `after`; calls `onEvent(kind, data)`. Returns the
 * indicator. The stream closes with the page (pagehide); a page restored from the back/forward
 * cache calls `onReopen()` (which re-reads the negotiation), then resumes after the last event
 * seen. A stream the server refused (signed out, no longer a member) says so, with a reload. */
export function live(id, after, onEvent, onReopen) {
  const text = h('p', { class: 'live', role: 'status' }, 'Connecting…');
  const reload = h('button', { type: 'button', class: 'link small', hidden: true }, 'Reload the page');
  reload.addEventListener('click', () => location.reload());
  const ind = h('div', { class: 'live-box' }, text, reload);
  const show = (msg, cls) => {
    if (text.textContent !== msg) text.textContent = msg;
    text.className = `live ${cls}`;
  };
  let last = after;
  let es = null;
  const open = async () => {
    reload.hidden = true;
    let kinds;
    try {
      kinds = (await vocabulary()).event_kinds;
    } catch (e) {
      vocabularyOnce = null;
      show('Live updates stopped: reload the page to see changes', 'off');
      reload.hidden = false;
      return;
    }
    es = new EventSource(`/api/negotiations/${encodeURIComponent(id)}/events?after=${last}`);
    es.onopen = () => show('Live updates on', 'on');
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        show('Live updates stopped: reload the page to see changes', 'off');
        reload.hidden = false;
      } else show('Reconnecting…', 'off');
    };
    for (const k of kinds) {
      es.addEventListener(k, (e) => {
        let d = null;
        try { d = JSON.parse(e.data); } catch { /* keep null */ }
        const seq = Number(e.lastEventId || (d && d.seq));
        if (Number.isInteger(seq) && seq > last) last = seq;
        onEvent(k, d);
      });
    }
  };
  window.addEventListener('pagehide', () => { if (es) es.close(); es = null; });
  window.addEventListener('pageshow', async (e) => {
    if (!e.persisted || es) return;
    show('Connecting…', 'off');
    try { if (onReopen) await onReopen(); } catch (err) { console.error(err); }
    if (!es) open();
  });
  open();
  return ind;
}

/** The number of the last audit entry this viewer sees: where its live stream starts. Read
 * once per page; live events then carry everything that changes. */
export async function lastSeq(id) {
  const log = await api('GET', `/api/negotiations/${encodeURIComponent(id)}/audit`);
  return log.length ? log[log.length - 1].seq : 0;
}

/** Coalesces bursts of calls into one (events often come in groups). */
export function debounce(f, ms = 120) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => f(...a), ms); };
}

// ---- Account header ---------------------------------------------------------------------------

export async function currentUser() {
  try {
    return (await api('GET', '/api/me')).user;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export function renderAccount(user) {
  const nav = document.getElementById('account');
  if (!nav) return;
  if (!user) { nav.replaceChildren(); return; }
  const alert = alertBox();
  const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => act(out, alert, async () => {
    await api('DELETE', '/api/sessions');
    location.href = '/';
  }));
  fill(nav, h('span', { class: 'who' }, 'Signed in as ', h('strong', {}, user.name)), out, alert);
}

// ---- The negotiation page ---------------------------------------------------------------------

async function bootNegotiation() {
  const main = document.getElementById('main');
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  try {
    const me = await currentUser();
    if (!me) {
      fill(main, h('section', { class: 'card narrow' }, h('h1', {}, 'Please sign in'),
        h('p', {}, 'This negotiation is only shown to the people who hold a seat in it. ',
          h('a', { href: '/' }, 'Sign in on the home page'), ' and open it again.')));
      return;
    }
    renderAccount(me);
    // Where the live stream starts, read before the negotiation itself so that nothing
    // happening in between is missed.
    const after = await lastSeq(id);
    const n = await api('GET', `/api/negotiations/${encodeURIComponent(id)}`);
    document.title = `${n.title} · Accord`;
    const ctx = { id, me, n, main, after };
    if (n.you.role === 'mediator') (await import('/assets/desk.js')).start(ctx);
    else if (n.you.role === 'party') (await import('/assets/room.js')).start(ctx);
    else await startObserver(ctx);
  } catch (e) {
    fill(main, h('section', { class: 'card narrow' }, h('h1', {}, 'This negotiation cannot be shown'),
      h('p', { role: 'alert', class: 'alert' }, e.message), h('p', {}, h('a', { href: '/' }, 'Back to my negotiations'))));
  }
}

/** Observers: a read-only view of the current text, its history and the notes to every seat. */
async function startObserver(ctx) {
  const { id, n, main, after } = ctx;
  const base = `/api/negotiations/${encodeURIComponent(id)}`;
  const { messagesPanel } = await import('/assets/messages.js');
  const messages = messagesPanel(ctx);
  const view = h('div');
  fill(main, view, messages.section);
  const update = async () => render(await api('GET', base));
  const onEvents = debounce(() => update().catch((e) => console.error(e)));
  const liveEl = live(id, after, (kind, data) => {
    if (kind === 'message') { messages.onEvent(data); return; }
    onEvents();
  }, update);
  function render(n) {
    const d = n.drafts[n.drafts.length - 1];
    calmFill(view, () => [
      pageHead(n, `You observe as ${label(n.you.seat)} (read only)`, liveEl),
      outcomeBanner(n),
      h('div', { class: 'columns' },
        h('section', { class: 'card', 'aria-labelledby': 'cur-h' }, h('h2', { id: 'cur-h' }, d ? `Current draft: ${d.version}` : 'Current draft'),
          d ? [countdown(d.deadline_at, d.status === 'open', d.remaining_ms), clauseList(n.issues, d.clauses)] : h('p', { class: 'muted' }, 'No draft yet.')),
        h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, 'History of drafts'), historyView(n))),
      scenarioDetails(n)]);
  }
  render(n);
}

if (document.body && document.body.dataset.page === 'negotiation') bootNegotiation();
