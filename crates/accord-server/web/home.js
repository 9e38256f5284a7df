// Home page: sign in / create an account, my negotiations, a new negotiation, and accepting an
// invitation opened as /#invitation=TOKEN (a fragment: browsers never send it to any server or
// proxy; the token travels only in the body of the accepting request).

import { api, h, fill, alertBox, act, currentUser, renderAccount, label, newId } from '/assets/app.js';

const main = document.getElementById('main');
const invitation = new URLSearchParams(location.hash.slice(1)).get('invitation')
  || new URLSearchParams(location.search).get('invitation');

function field(text, attrs) {
  const id = newId('f');
  return h('div', { class: 'field' }, h('label', { for: id }, text), h('input', { id, ...attrs }));
}

async function acceptInvitation(alert) {
  const r = await api('POST', '/api/invitations/accept', { token: invitation });
  location.href = `/negotiations/${encodeURIComponent(r.negotiation)}`;
}

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
      await api('POST', '/api/sessions', { name: signIn.elements.name.value, password: signIn.elements.password.value });
      await afterSignIn(siAlert);
    });
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
      const cred = { name: signUp.elements.name.value, password: signUp.elements.password.value };
      await api('POST', '/api/accounts', cred);
      await api('POST', '/api/sessions', cred);
      await afterSignIn(suAlert);
    });
  });
  return [signIn, signUp];
}

async function afterSignIn(alert) {
  if (invitation) {
    await acceptInvitation(alert);
    return;
  }
  await render();
}

function invitationNotice(user) {
  const alert = alertBox();
  if (!user) {
    return h('section', { class: 'banner invite', 'aria-labelledby': 'inv-h' },
      h('h2', { id: 'inv-h' }, 'You have been invited to a negotiation'),
      h('p', {}, 'Sign in, or create an account if you have none: the invitation is accepted right after, and the negotiation opens.'));
  }
  const btn = h('button', { type: 'button', class: 'primary' }, 'Accept the invitation');
  btn.addEventListener('click', () => act(btn, alert, () => acceptInvitation(alert)));
  return h('section', { class: 'banner invite', 'aria-labelledby': 'inv-h' },
    h('h2', { id: 'inv-h' }, 'You have been invited to a negotiation'),
    h('p', {}, `Accept it to take your seat as ${user.name}. An invitation can be used once.`),
    btn, alert);
}

async function myNegotiations() {
  const list = await api('GET', '/api/negotiations');
  const sec = h('section', { class: 'card', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, 'My negotiations'));
  if (!list.length) sec.append(h('p', { class: 'muted' }, 'You hold no seat in any negotiation yet. Create one, or open an invitation link you received.'));
  else {
    sec.append(h('ul', { class: 'neg-list' }, list.map((n) =>
      h('li', {},
        h('a', { href: `/negotiations/${encodeURIComponent(n.id)}` }, n.title),
        h('span', { class: 'meta' }, `your seat: ${label(n.seat)} · `, h('span', { class: `badge ${n.status}` }, n.status))))));
  }
  return sec;
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
  fill(form,
    h('h2', { id: 'new-h' }, 'New negotiation'),
    h('p', { class: 'hint' }, 'You take the mediator seat of the new negotiation and invite the parties from its desk.'),
    h('div', { class: 'field' }, h('label', { for: 'new-scenario' }, 'Scenario'), sel),
    fileField,
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
      if (sel.value) body.scenario = sel.value;
      else {
        const f = fileIn.files[0];
        if (!f) throw new Error('Choose a scenario file to upload.');
        body.toml = await f.text();
      }
      const r = await api('POST', '/api/negotiations', body);
      location.href = `/negotiations/${encodeURIComponent(r.id)}`;
    });
  });
  return form;
}

async function render() {
  try {
    const user = await currentUser();
    renderAccount(user);
    if (!user) {
      fill(main,
        h('h1', {}, 'Mediation workbench'),
        h('p', { class: 'lead' }, 'A single negotiating text, drafted by mediators and answered by the parties, with each party\u2019s preferences kept confidential.'),
        invitation ? invitationNotice(null) : null,
        h('div', { class: 'columns even' }, authForms()));
      return;
    }
    fill(main,
      h('h1', {}, 'Mediation workbench'),
      invitation ? invitationNotice(user) : null,
      h('div', { class: 'columns even' }, await myNegotiations(), await newNegotiation()));
  } catch (e) {
    fill(main, h('h1', {}, 'Mediation workbench'), h('p', { class: 'alert', role: 'alert' }, e.message));
  }
}

render();
