// Home page: sign in / create an account, my negotiations, a new negotiation, and accepting an
// invitation opened as /#invitation=TOKEN (a fragment: browsers never send it to any server or
// proxy; the token travels only in the body of the accepting request).

import { api, h, fill, alertBox, act, currentUser, renderAccount, label, newId, invalid, duration } from '/assets/app.js';

const main = document.getElementById('main');
let invitation = null;

/** Takes the invitation token from the fragment (only there: a fragment is never sent to a
 * server), then removes it from the address bar and the history entry. */
function readInvitation() {
  const token = new URLSearchParams(location.hash.slice(1)).get('invitation');
  if (!token) return false;
  invitation = token;
  preview = null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return true;
}

function field(text, attrs) {
  const id = newId('f');
  return h('div', { class: 'field' }, h('label', { for: id }, text), h('input', { id, ...attrs }));
}

async function acceptInvitation() {
  const r = await api('POST', '/api/invitations/accept', { token: invitation });
  location.href = `/negotiations/${encodeURIComponent(r.negotiation)}`;
}

// Where the focus goes once signing in has replaced the forms with the signed-in page.
const afterSignInFocus = { after: () => document.getElementById('inv-h') || document.getElementById('mine-h') };

function authForms() {
  const signIn = h('form', { class: 'card', 'aria-labelledby': 'signin-h', novalidate: true });
  const siAlert = alertBox();
  fill(signIn,
    h('h2', { id: 'signin-h' }, 'Sign in'),
    field('Name', { name: 'name', autocomplete: 'username', required: true }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    siAlert,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  signIn.addEventListener('submit', (e) => {
    e.preventDefault();
    act(signIn.querySelector('button'), siAlert, async () => {
      const { name, password } = signIn.elements;
      if (!name.value.trim()) throw invalid('Enter your name.', name);
      if (!password.value) throw invalid('Enter your password.', password);
      await api('POST', '/api/sessions', { name: name.value, password: password.value });
      await afterSignIn();
    }, afterSignInFocus);
  });

  const signUp = h('form', { class: 'card', 'aria-labelledby': 'signup-h', novalidate: true });
  const suAlert = alertBox();
  fill(signUp,
    h('h2', { id: 'signup-h' }, 'Create an account'),
    field('Name', { name: 'name', autocomplete: 'username', required: true, maxlength: 64 }),
    field('Password (at least 8 characters)', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 }),
    suAlert,
    h('button', { type: 'submit', class: 'primary' }, 'Create account'));
  signUp.addEventListener('submit', (e) => {
    e.preventDefault();
    act(signUp.querySelector('button'), suAlert, async () => {
      const { name, password } = signUp.elements;
      if (!name.value.trim()) throw invalid('Enter a name.', name);
      if ([...password.value].length < 8) throw invalid('The password needs at least 8 characters.', password);
      const cred = { name: name.value, password: password.value };
      await api('POST', '/api/accounts', cred);
      await api('POST', '/api/sessions', cred);
      await afterSignIn();
    }, afterSignInFocus);
  });
  return [signIn, signUp];
}

/** Signed in: accepts the invitation if there is one. If that fails (a used link, a taken
 * seat, a seat already held), the signed-in page shows the error in the invitation banner. */
async function afterSignIn() {
  if (invitation) {
    try {
      await acceptInvitation();
      return;
    } catch (e) {
      await render(e.message);
      return;
    }
  }
  await render();
}

/** What the invitation is for (the negotiation's title, the seat, who invites), asked once; or
 * why it can no longer be used. */
let preview = null;
async function invitationPreview() {
  if (!preview) {
    preview = api('POST', '/api/invitations/preview', { token: invitation })
      .then((p) => ({ p }), (e) => ({ error: e.message }));
  }
  return preview;
}

const ROLE_WORDS = { party: 'a negotiating party', mediator: 'a mediator', observer: 'an observer' };

/** "Mediator Egypt invites you to take the Israel seat (a negotiating party) in “Ceasefire
 * talks”." */
function invitationFacts(r) {
  if (r.error) return h('p', { class: 'alert', role: 'alert' }, r.error);
  const p = r.p;
  const until = new Date(p.expires_at).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
  return h('dl', { class: 'summary invitation-facts' },
    h('div', {}, h('dt', {}, 'Negotiation'), h('dd', {}, p.title)),
    h('div', {}, h('dt', {}, 'Your seat'), h('dd', {}, `${label(p.seat)} (${ROLE_WORDS[p.role] || p.role})`)),
    h('div', {}, h('dt', {}, 'Invited by'), h('dd', {}, p.invited_by || 'a mediator of the negotiation')),
    h('div', {}, h('dt', {}, 'Link valid until'), h('dd', {}, until)));
}

async function invitationNotice(user, error) {
  const alert = alertBox();
  if (error) alert.show(error);
  const facts = invitationFacts(await invitationPreview());
  if (!user) {
    return h('section', { class: 'banner invite', 'aria-labelledby': 'inv-h' },
      h('h2', { id: 'inv-h' }, 'You have been invited to a negotiation'),
      facts,
      h('p', {}, 'Sign in, or create an account if you have none: the invitation is accepted right after, and the negotiation opens.'));
  }
  const btn = h('button', { type: 'button', class: 'primary' }, 'Accept the invitation');
  btn.addEventListener('click', () => act(btn, alert, acceptInvitation));
  return h('section', { class: 'banner invite', 'aria-labelledby': 'inv-h' },
    h('h2', { id: 'inv-h', tabindex: -1 }, 'You have been invited to a negotiation'),
    facts,
    h('p', {}, `Accept it to take your seat as ${user.name}. An invitation can be used once.`),
    btn, alert);
}

async function myNegotiations() {
  // Each negotiation with what is new for this seat (issue 14): one request, filtered by the
  // server's viewer policy.
  const { negotiations: list, now } = await api('GET', '/api/notifications');
  const sec = h('section', { class: 'card', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h', tabindex: -1 }, 'My negotiations'));
  if (!list.length) sec.append(h('p', { class: 'muted' }, 'You hold no seat in any negotiation yet. Create one, or open an invitation link you received.'));
  else {
    sec.append(h('ul', { class: 'neg-list' }, list.map((n) => {
      const news = whatIsNew(n, now);
      return h('li', {},
        h('a', { href: `/negotiations/${encodeURIComponent(n.id)}` }, n.title),
        h('span', { class: 'meta' }, `your seat: ${label(n.seat)} · `, h('span', { class: `badge ${n.status}` }, n.status)),
        news.length ? h('ul', { class: 'news', 'aria-label': `New in ${n.title}` }, news.map((x) => h('li', { class: x.cls }, x.text))) : null);
    })));
  }
  return sec;
}

/** What is new in one negotiation, in words: a draft to answer, unread messages, a deadline
 * within a day. */
function whatIsNew(n, now) {
  const out = [];
  if (n.draft_to_answer != null) out.push({ cls: 'to-answer', text: `Draft ${n.draft_to_answer} waits for your answer` });
  if (n.deadline_soon) {
    const left = n.deadline_soon.at - now;
    out.push({ cls: 'deadline-soon', text: left <= 0 ? `The deadline of draft ${n.deadline_soon.version} has passed`
      : `Deadline of draft ${n.deadline_soon.version} in ${duration(left)}` });
  }
  if (n.unread_messages) out.push({ cls: 'unread', text: n.unread_messages === 1 ? '1 unread message' : `${n.unread_messages} unread messages` });
  return out;
}

async function newNegotiation() {
  const scenarios = await api('GET', '/api/scenarios');
  const alert = alertBox();
  const form = h('form', { class: 'card', 'aria-labelledby': 'new-h', novalidate: true });
  const sel = h('select', { id: 'new-scenario', name: 'scenario' },
    scenarios.map((s) => h('option', { value: s }, label(s))),
    h('option', { value: '' }, 'An uploaded scenario file'));
  const fileIn = h('input', { id: 'new-file', type: 'file', accept: '.toml,text/plain' });
  const fileField = h('div', { class: 'field', hidden: true },
    h('label', { for: 'new-file' }, 'Scenario file (.toml)'), fileIn,
    h('p', { class: 'hint' }, 'The scenario format is described in docs/scenario-format.md. Errors name the line and column.'));
  sel.addEventListener('change', () => { fileField.hidden = sel.value !== ''; });
  // The rules, chosen once (issue 16): binding drafts, or the one-text procedure.
  const rules = h('select', { id: 'new-rules', name: 'rules' },
    h('option', { value: 'binding' }, 'Binding drafts'),
    h('option', { value: 'one-text' }, 'One-text procedure'));
  const rulesHint = h('p', { class: 'hint', id: 'new-rules-hint' });
  const feedback = h('select', { id: 'new-feedback', name: 'feedback' },
    h('option', { value: 'binary' }, 'Better or worse'),
    h('option', { value: 'graded5' }, 'Five grades (much worse to much better)'));
  const feedbackField = h('div', { class: 'field', hidden: true },
    h('label', { for: 'new-feedback' }, 'Parties compare each draft with the one before'), feedback);
  const sayRules = () => {
    rulesHint.textContent = rules.value === 'one-text'
      ? 'Drafts are straw polls that bind nobody; only the final vote, which you call, binds. "Suggest the next draft" learns from the answers.'
      : 'The first draft every party accepts is the agreement.';
  };
  sayRules();
  rules.addEventListener('change', () => { feedbackField.hidden = rules.value !== 'one-text'; sayRules(); });
  fill(form,
    h('h2', { id: 'new-h' }, 'New negotiation'),
    h('p', { class: 'hint' }, 'You take the mediator seat of the new negotiation and invite the parties from its desk.'),
    h('div', { class: 'field' }, h('label', { for: 'new-scenario' }, 'Scenario'), sel),
    fileField,
    h('div', { class: 'field' }, h('label', { for: 'new-rules' }, 'Rules'), rules, rulesHint),
    feedbackField,
    h('div', { class: 'field' }, h('label', { for: 'new-title' }, 'Title (optional)'),
      h('input', { id: 'new-title', name: 'title', maxlength: 200 })),
    alert,
    h('button', { type: 'submit', class: 'primary' }, 'Create negotiation'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(form.querySelector('button[type=submit]'), alert, async () => {
      const body = {};
      const title = form.elements.title.value.trim();
      if (title) body.title = title;
      if (rules.value === 'one-text') { body.rules = 'one-text'; body.feedback = feedback.value; }
      if (sel.value) body.scenario = sel.value;
      else {
        const f = fileIn.files[0];
        if (!f) throw new Error('Choose a scenario file to upload.');
        body.toml = await f.text();
      }
      const r = await api('POST', '/api/negotiations', body);
      // What `accord check` would warn about, shown once on the desk.
      if (r.warnings && r.warnings.length) sessionStorage.setItem(`accord-warnings-${r.id}`, JSON.stringify(r.warnings));
      location.href = `/negotiations/${encodeURIComponent(r.id)}`;
    });
  });
  return form;
}

async function render(inviteError) {
  try {
    const user = await currentUser();
    renderAccount(user);
    if (!user) {
      fill(main,
        h('h1', {}, 'Mediation workbench'),
        h('p', { class: 'lead' }, 'A single negotiating text, drafted by mediators and answered by the parties, with each party\u2019s preferences kept confidential.'),
        invitation ? await invitationNotice(null) : null,
        h('div', { class: 'columns even' }, authForms()));
      return;
    }
    fill(main,
      h('h1', {}, 'Mediation workbench'),
      invitation ? await invitationNotice(user, inviteError) : null,
      h('div', { class: 'columns even' }, await myNegotiations(), await newNegotiation()));
  } catch (e) {
    fill(main, h('h1', {}, 'Mediation workbench'), h('p', { class: 'alert', role: 'alert' }, e.message));
  }
}

readInvitation();
window.addEventListener('hashchange', () => { if (readInvitation()) render(); });
render();
