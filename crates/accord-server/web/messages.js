// @ts-check
// Messages (issue 14) for the mediator's desk and the party's room: the threads this seat may
// read (a caucus between the mediators and one party, notes among mediators, notes to every
// seat), each read a page at a time and kept up to date from the live stream; a form where the
// seat may write; and the links that export the timeline. Which threads a seat reads and writes
// is the server's decision (GET/POST /api/negotiations/{id}/messages): the page only offers
// what that policy allows.

import { api, h, fill, alertBox, act, label, when, invalid } from '/assets/app.js';

/**
 * @typedef {{thread: 'everyone' | 'mediators' | 'caucus', seat: string | null, n: number, from: string, text: string, at: number}} Message
 * @typedef {{thread: 'everyone' | 'mediators' | 'caucus', seat: string | null, title: string, canWrite: boolean}} Thread
 */

/** A thread's key: kind and, for a caucus, the party. */
const keyOf = (/** @type {{thread: string, seat?: string | null}} */ t) => `${t.thread}:${t.seat || ''}`;

/**
 * The messages panel.
 * @param {{id: string, n: any}} ctx the negotiation's id and view (`n.you`, `n.seats`)
 * @returns {{section: HTMLElement, onEvent: (data: any) => void}}
 */
export function messagesPanel(ctx) {
  const { id, n } = ctx;
  const base = `/api/negotiations/${encodeURIComponent(id)}`;
  const mediator = n.you.role === 'mediator';
  const parties = n.seats.filter((/** @type {any} */ s) => s.role === 'party').map((/** @type {any} */ s) => s.name);
  /** @type {Thread[]} */
  const threads = mediator
    ? [...parties.map((/** @type {string} */ p) => ({ thread: /** @type {const} */ ('caucus'), seat: p, title: `Caucus with ${label(p)}`, canWrite: true })),
      { thread: 'mediators', seat: null, title: 'Mediators only', canWrite: true },
      { thread: 'everyone', seat: null, title: 'Every seat', canWrite: true }]
    // An observer reads the notes to every seat only (the server's viewer policy).
    : n.you.role === 'observer' ? [{ thread: 'everyone', seat: null, title: 'From the mediators to every seat', canWrite: false }]
      : [{ thread: 'caucus', seat: n.you.seat, title: 'Caucus with the mediators', canWrite: true },
        { thread: 'everyone', seat: null, title: 'From the mediators to every seat', canWrite: false }];
  /** @type {Map<string, {messages: Message[], moreBefore: boolean, loaded: boolean, unread: number}>} */
  const state = new Map(threads.map((t) => [keyOf(t), { messages: [], moreBefore: false, loaded: false, unread: 0 }]));
  let current = threads[0];

  const alert = alertBox();
  const picker = h('select', { id: 'msg-thread' });
  const who = h('p', { class: 'hint' });
  const list = h('ol', { class: 'thread', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages in this thread' });
  const older = h('button', { type: 'button', class: 'link small', hidden: true }, 'Show older messages');
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'msg-text', rows: 3, maxlength: 4000 }));
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send message');
  const form = h('form', { class: 'message-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'msg-text' }, 'Message'), text), alert, send);
  const section = h('section', { class: 'card messages', 'aria-labelledby': 'msg-h' },
    h('h2', { id: 'msg-h' }, 'Messages'),
    h('div', { class: 'field' }, h('label', { for: 'msg-thread' }, 'Thread'), picker),
    who, older, list, form,
    timelineLinks(id));

  /** Who reads the thread shown, in words. */
  const readers = (/** @type {Thread} */ t) => t.thread === 'caucus'
    ? (mediator ? `Only the mediators and ${label(t.seat || '')} read this caucus; the other parties never see it.`
      : 'Only you and the mediators read this caucus; the other parties never see it.')
    : t.thread === 'mediators' ? 'Only the mediators read these notes.' : 'Every seat reads these notes.';

  function renderPicker() {
    const chosen = keyOf(current);
    fill(picker, threads.map((t) => {
      const s = state.get(keyOf(t));
      const unread = s && s.unread ? ` (${s.unread} new)` : '';
      return h('option', { value: keyOf(t), selected: keyOf(t) === chosen }, t.title + unread);
    }));
  }

  function renderList() {
    const s = state.get(keyOf(current));
    if (!s) return;
    who.textContent = readers(current);
    older.hidden = !s.moreBefore;
    form.hidden = !current.canWrite;
    fill(list, s.messages.length ? s.messages.map((m) => h('li', { class: m.from === n.you.seat ? 'mine' : '' },
      h('p', { class: 'meta' }, h('strong', {}, m.from === n.you.seat ? 'You' : label(m.from)), ` · ${when(m.at)}`),
      h('p', { class: 'text' }, m.text)))
      : h('li', { class: 'muted' }, 'No message in this thread yet.'));
    list.scrollTop = list.scrollHeight;
  }

  /** Reads the newest page of the thread shown, or the page before its first message. */
  async function load(/** @type {boolean} */ earlier = false) {
    const s = state.get(keyOf(current));
    if (!s) return;
    const q = new URLSearchParams({ thread: current.thread });
    if (current.seat) q.set('seat', current.seat);
    if (earlier && s.messages.length) q.set('before', String(s.messages[0].n));
    const page = await api('GET', `${base}/messages?${q}`);
    const known = new Set(s.messages.map((m) => m.n));
    const fresh = page.messages.filter((/** @type {Message} */ m) => !known.has(m.n));
    s.messages = [...fresh, ...s.messages].sort((x, y) => x.n - y.n);
    if (earlier || !s.loaded) s.moreBefore = page.more_before;
    s.loaded = true;
    s.unread = 0;
    renderPicker();
    renderList();
    markRead();
  }

  /** @type {Map<string, number>} the read mark sent for each thread */
  const marked = new Map();
  /** Tells the server the thread shown is read up to its newest message: the home page counts
   * only the messages after it as new. */
  function markRead() {
    const k = keyOf(current);
    const s = state.get(k);
    if (!s || !s.messages.length) return;
    const last = s.messages[s.messages.length - 1].n;
    if ((marked.get(k) || 0) >= last) return;
    marked.set(k, last);
    /** @type {Record<string, any>} */
    const body = { thread: current.thread, up_to: last };
    if (current.seat) body.seat = current.seat;
    api('POST', `${base}/messages/read`, body).catch(() => marked.delete(k));
  }

  picker.addEventListener('change', () => {
    current = threads.find((t) => keyOf(t) === /** @type {HTMLSelectElement} */ (picker).value) || threads[0];
    alert.clear();
    act(null, alert, () => load());
  });
  older.addEventListener('click', () => act(older, alert, () => load(true)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(send, alert, async () => {
      const body = text.value.trim();
      if (!body) throw invalid('Message: write something to send.', text);
      /** @type {Record<string, string>} */
      const req = { thread: current.thread, text: body };
      if (current.seat) req.seat = current.seat;
      const m = await api('POST', `${base}/messages`, req);
      text.value = '';
      add(m);
    });
  });

  /** Adds a message (sent here or arrived live) to its thread once. */
  function add(/** @type {Message} */ m) {
    const k = keyOf(m);
    const s = state.get(k);
    if (!s) return;
    if (s.messages.some((x) => x.n === m.n)) return;
    s.messages.push(m);
    s.messages.sort((x, y) => x.n - y.n);
    if (k === keyOf(current)) { renderList(); markRead(); } else { s.unread += 1; renderPicker(); }
  }

  renderPicker();
  renderList();
  act(null, alert, () => load());
  return {
    section,
    /** A live `message` event's data ({seq, kind, payload, at}). */
    onEvent(data) {
      if (data && data.payload) add(data.payload);
    },
  };
}

/**
 * Links that download the timeline of everything this seat may see.
 * @param {string} id the negotiation
 * @returns {HTMLElement}
 */
export function timelineLinks(id) {
  const url = (/** @type {string} */ format) => `/api/negotiations/${encodeURIComponent(id)}/timeline?format=${format}`;
  return h('p', { class: 'doc-links timeline-links' },
    h('span', { class: 'muted' }, 'Export timeline (CSV/JSON): '),
    h('a', { href: url('csv'), download: '', 'aria-label': 'Export timeline (CSV)' }, 'CSV'), ' · ',
    h('a', { href: url('json'), download: '', 'aria-label': 'Export timeline (JSON)' }, 'JSON'),
    h('span', { class: 'hint' }, ' (everything you may see, in order)'));
}
