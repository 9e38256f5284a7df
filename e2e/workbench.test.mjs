// End-to-end test of the mediation workbench in a real Chromium: a mediator and two parties, each
// in its own browser context, run the ceasefire negotiation through the pages only.
//
//   ACCORD_BIN=/path/to/accord node --test workbench.test.mjs     (see run.sh)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, process.env.ACCORD_BIN || '../target/release/accord');
const SHOTS = join(here, 'screenshots');
const ISRAEL_MARKER = 'MARKER-ISRAEL-PRIVATE-7f3a';
const HAMAS_MARKER = 'MARKER-HAMAS-PRIVATE-91c2';
const ISRAEL_RESERVATION = '0.413';
const HAMAS_RESERVATION = '0.357';
const STRONGER = 'The agreement ensures, with an agreed timetable, the withdrawal of Israeli forces from the entire Gaza Strip.';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

async function startServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'accord-e2e-'));
  const env = { ...process.env };
  if (!env.ACCORD_WEB_DIR) delete env.ACCORD_WEB_DIR; // passed through only when set
  const child = spawn(BIN, ['serve', '--port', String(port), '--database', join(dir, 'accord.db')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`accord serve exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${base}/api/scenarios`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > until) { child.kill('SIGKILL'); throw new Error(`accord serve did not start:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop() { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); }, output: () => output };
}

/** Debian's Chromium, headless. */
function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

let shotNo = 0;
async function shot(page, name) {
  const n = String(++shotNo).padStart(2, '0');
  await page.screenshot({ path: join(SHOTS, `${n}-${name}.png`), fullPage: true });
}

/** A page that records every JSON body it receives, for the privacy checks. */
async function openPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.bodies = [];
  page.on('response', async (r) => {
    if (!(r.headers()['content-type'] || '').includes('json')) return;
    try { page.bodies.push({ url: r.url(), text: await r.text() }); } catch { /* page navigated */ }
  });
  page.on('pageerror', (e) => { page.errors = [...(page.errors || []), e.message]; });
  return page;
}

async function signUp(page, name) {
  const form = page.getByRole('form', { name: 'Create an account' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Password (at least 8 characters)').fill('correct horse battery');
  await form.getByRole('button', { name: 'Create account' }).click();
}

function assertPrivate(page, text, forbidden, what) {
  for (const f of forbidden) {
    assert.ok(!text.includes(f), `${what}: page text contains ${f}`);
    for (const b of page.bodies) assert.ok(!b.text.includes(f), `${what}: ${b.url} returned ${f}`);
  }
}

test('mediation workbench: ceasefire from invitations to agreement', { timeout: 180000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    // ---- The mediator signs up with the keyboard only and creates the negotiation. ----
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await med.getByRole('heading', { name: 'Create an account' }).waitFor();
    await shot(med, 'home-signed-out');
    const signupForm = med.getByRole('form', { name: 'Create an account' });
    await signupForm.getByLabel('Name').focus();
    await med.keyboard.type('Mediator Egypt');
    await med.keyboard.press('Tab');
    assert.equal(await med.evaluate(() => document.activeElement.getAttribute('type')), 'password');
    await med.keyboard.type('correct horse battery');
    await med.keyboard.press('Tab');
    assert.equal(await med.evaluate(() => document.activeElement.textContent), 'Create account');
    await med.keyboard.press('Enter');
    await med.getByRole('heading', { name: 'My negotiations' }).waitFor();
    await med.getByLabel('Scenario', { exact: true }).selectOption('ceasefire');
    await med.getByLabel('Title (optional)').fill('Ceasefire talks');
    await shot(med, 'home-signed-in');
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    await med.getByRole('heading', { name: 'Analysis' }).waitFor();
    // Issue 12 (5): the scenario's preferences are the mediator's assumptions, said as such.
    await med.getByRole('region', { name: 'Seats' }).getByText('your assumptions (from the scenario file)').first().waitFor();

    // ---- Invitations. ----
    const links = {};
    for (const seat of ['israel', 'hamas']) {
      await med.getByRole('button', { name: `Invite someone to the ${seat} seat` }).click();
      links[seat] = await med.getByRole('textbox', { name: `Invitation link for ${seat[0].toUpperCase()}${seat.slice(1)}` }).inputValue();
      assert.match(links[seat], /\/#invitation=[0-9a-f]+$/);
    }
    await shot(med, 'desk-invitations');
    // Issue 14 (6): after a reload the pending links are shown again, on request, as they were.
    await med.reload();
    await med.getByRole('button', { name: 'Show the invitation link for the hamas seat' }).click();
    assert.equal(await med.getByRole('textbox', { name: 'Invitation link for Hamas' }).inputValue(), links.hamas);
    await med.getByRole('region', { name: 'Seats' }).getByRole('row', { name: /^Egypt \(you\) mediator Mediator Egypt/ }).waitFor();

    // ---- The parties sign up through their links and take their seats. ----
    const isr = await openPage(browser, server.base);
    const ham = await openPage(browser, server.base);
    for (const [page, name, seat] of [[isr, 'Israel delegate', 'israel'], [ham, 'Hamas delegate', 'hamas']]) {
      await page.goto(links[seat]);
      await page.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
      // Issue 14 (6): what the invitation is for, before accepting it.
      const facts = page.locator('.invitation-facts');
      await facts.getByText('Ceasefire talks', { exact: true }).waitFor();
      await facts.getByText(`${seat[0].toUpperCase()}${seat.slice(1)} (a negotiating party)`, { exact: true }).waitFor();
      await facts.getByText('Mediator Egypt', { exact: true }).waitFor();
      if (seat === 'israel') await shot(page, 'home-invitation-facts');
      await signUp(page, name);
      await page.waitForURL(/\/negotiations\//);
      await page.getByRole('heading', { name: 'Your confidential preferences' }).waitFor();
      await page.getByText(`your seat: ${seat[0].toUpperCase()}${seat.slice(1)}`).waitFor();
    }

    // ---- Israel: walk-away point, weights, a red line from the builder (aggregate consent). ----
    // Issue 12 (5): pre-filled preferences are labelled as the mediators' assumptions, and each
    // consent level is stated exactly.
    await isr.getByText(/mediators\u2019 assumptions about your preferences/).waitFor();
    await isr.getByText(/^Private: the mediators learn only whether each circulated draft/).waitFor();
    // Issue 12 (1): a walk-away point outside 0-1 is refused by the field, in words.
    await isr.getByLabel('Walk-away point (reservation value)').fill('1.5');
    await isr.getByLabel(/^Aggregate:/).check();
    await isr.getByRole('button', { name: 'Save preferences' }).click();
    await isr.getByRole('alert').filter({ hasText: 'Walk-away point: enter a number from 0 (your worst text) to 1 (your best).' }).waitFor();
    await isr.getByLabel('Walk-away point (reservation value)').fill(ISRAEL_RESERVATION);
    // Weights typed on any scale are saved as shares of their total (5/3/2/1/4/0 sums to 15).
    for (const [name, w] of [['Hostages', '5'], ['Ceasefire', '3'], ['Withdrawal', '2'], ['Withdrawal language', '1'], ['Rafah', '4'], ['Humanitarian', '0']]) {
      await isr.getByRole('group', { name, exact: true }).getByLabel('Weight (importance)').fill(w);
    }
    await isr.getByRole('group', { name: 'Rafah', exact: true }).getByText('27% of the total: saved as 0.27').waitFor();
    const builder = isr.getByRole('group', { name: 'Add a red line' });
    await builder.getByLabel('Issue').selectOption('hostages');
    await builder.getByLabel('Condition').selectOption('not in');
    await builder.getByLabel('none', { exact: true }).check();
    // Issue 13: the red line is said in words as it is built, never as the rule's code.
    await builder.getByText('This red line means: Hostages must not be none.').waitFor();
    await builder.getByLabel('Source or note (optional, stays confidential)').fill(`${ISRAEL_MARKER}: internal position paper`);
    await builder.getByRole('button', { name: 'Add red line' }).click();
    await isr.getByRole('button', { name: 'Remove red line: Hostages must not be none' }).waitFor();
    await isr.locator('ul.redlines').getByText('Hostages must not be none', { exact: true }).waitFor();
    await isr.getByRole('button', { name: 'Save preferences' }).click();
    await isr.getByText(/Preferences saved at .* \(aggregate\)\. Your weights added up to 15/).waitFor();
    // The form shows what was saved: the shares, and no more assumptions notice.
    assert.equal(await isr.getByRole('group', { name: 'Rafah', exact: true }).getByLabel('Weight (importance)').inputValue(), '0.2667');
    assert.equal(await isr.getByText(/mediators\u2019 assumptions about your preferences/).count(), 0);
    await shot(isr, 'room-israel-preferences');

    // ---- Hamas: reservation, a free-text rule, and it shares with the mediators. ----
    await ham.getByLabel('Walk-away point (reservation value)').fill(HAMAS_RESERVATION);
    await ham.getByText('Write a rule yourself (advanced)').click();
    await ham.getByLabel('Rule', { exact: true }).fill('humanitarian = expanded');
    await ham.getByLabel('Source or note for this rule (optional)').fill(`${HAMAS_MARKER}: delegation brief`);
    await ham.getByRole('button', { name: 'Add rule' }).click();
    await ham.getByRole('button', { name: 'Remove red line: Humanitarian must be expanded' }).waitFor();
    await ham.getByLabel(/^Shared:/).check();
    await ham.getByRole('button', { name: 'Save preferences' }).click();
    await ham.getByText(/Preferences saved at .* \(shared\)/).waitFor();
    // Issue 13: a typed rule is checked as it is typed, in words next to the field (no internal
    // path), and a bad one is not added; labels as shown on screen are read as names.
    const hamasRedLines = await ham.locator('ul.redlines li').count();
    await ham.getByLabel('Rule', { exact: true }).fill('hostages = everyone');
    await ham.getByText('After “hostages =”: “hostages” has no option “everyone” (options: none, some, all)', { exact: true }).waitFor();
    await ham.getByRole('button', { name: 'Add rule' }).click();
    await ham.getByRole('alert').filter({ hasText: 'Not added: After “hostages =”' }).waitFor();
    assert.equal(await ham.locator('ul.redlines li').count(), hamasRedLines, 'a rule with an error was added');
    await ham.getByLabel('Rule', { exact: true }).fill('rafah = no offensive');
    await ham.getByText('This rule means: Rafah must be no offensive.').waitFor();
    await ham.getByLabel('Rule', { exact: true }).fill('');
    assert.ok(!(await ham.locator('body').innerText()).includes('parties['), 'an internal path on the page');
    await shot(ham, 'room-hamas-preferences');

    // ---- The mediator's analysis updates live: a zone exists now; the picture waits for Israel. ----
    await med.evaluate(() => { window.__sameDocument = true; });
    await med.getByText('A zone of agreement exists').waitFor();
    await med.getByText(/Israel has not shared them with the mediators/i).waitFor();
    await med.getByRole('region', { name: 'Seats' }).getByText('given, used in the analysis only').waitFor();
    // Issue 14 (6): the account holding each seat and each party's consent level.
    await med.getByRole('region', { name: 'Seats' }).getByRole('row', { name: 'Israel party Israel delegate given, used in the analysis only Aggregate' }).waitFor();
    await med.getByRole('region', { name: 'Seats' }).getByRole('row', { name: 'Hamas party Hamas delegate given, shared with you Shared' }).waitFor();
    await med.getByRole('button', { name: 'Use Nash suggestion' }).waitFor();
    await shot(med, 'desk-analysis');
    assertPrivate(med, await med.locator('body').innerText(), [ISRAEL_MARKER, ISRAEL_RESERVATION], 'mediator (Israel does not share)');

    // ---- Draft 1 from the Nash suggestion. ----
    await med.getByRole('button', { name: 'Use Nash suggestion' }).click();
    await med.getByText('loaded into the draft editor').waitFor();
    await med.getByLabel('Note to the parties (optional)').fill('First text, from the package that balances both sides\u2019 gains.');
    await med.getByRole('button', { name: 'Circulate draft 1' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 1' }).waitFor();

    // Israel sees the draft, what it means for it, and the countdown; it amends a clause.
    await isr.getByRole('heading', { name: /Current draft: 1/ }).waitFor();
    await isr.getByText('What this draft means for you').waitFor();
    // Issue 12 (1): the utility is on the 0-1 scale, said so.
    const utility = Number((await isr.locator('.meaning dd.big').innerText()).split(' ')[0]);
    assert.ok(utility >= 0 && utility <= 1, `Israel's utility ${utility} is off the 0-1 scale`);
    await isr.getByText('Your utility, from 0 (your worst text) to 1 (your best)').waitFor();
    await isr.getByRole('timer').filter({ hasText: 'left' }).waitFor();
    await shot(isr, 'room-israel-draft-countdown');
    await isr.getByLabel('Propose an amendment to one clause').check();
    await isr.getByLabel('Clause to amend').selectOption('withdrawal');
    await isr.getByLabel('Proposed option').selectOption('partial');
    await isr.getByLabel('Comment (optional)').fill('Clause 3 should describe a partial withdrawal in this phase.');
    await isr.getByRole('button', { name: 'Send response' }).click();
    await isr.getByText('You proposed to amend Withdrawal to partial.').waitFor();

    // Hamas rejects, with a comment.
    await ham.getByRole('heading', { name: /Current draft: 1/ }).waitFor();
    await ham.getByLabel('Reject the draft').check();
    await ham.getByLabel('Comment (optional)').fill('The withdrawal language is too weak.');
    await ham.getByRole('button', { name: 'Send response' }).click();
    await ham.getByText('You rejected this draft.').waitFor();

    // The mediator sees both responses arrive without reloading.
    const responses = med.getByRole('region', { name: 'Responses to draft 1' });
    await responses.getByText('proposes to amend clause 3 (Withdrawal) to partial').waitFor();
    await responses.getByText('rejects the draft').waitFor();
    await responses.getByText('The withdrawal language is too weak.').waitFor();
    assert.equal(await med.evaluate(() => window.__sameDocument), true, 'the desk reloaded');
    await shot(med, 'desk-live-responses');

    // ---- Issue 14: a caucus with Israel; Hamas's room shows nothing of it. ----
    const CAUCUS = 'Caucus: could Israel live with a partial withdrawal in the first phase?';
    const REPLY = 'Only if every hostage is released in that phase.';
    const NOTE = 'Note to all: talks resume tomorrow at ten.';
    const medMsgs = med.getByRole('region', { name: 'Messages' });
    await medMsgs.getByLabel('Thread', { exact: true }).selectOption('caucus:israel');
    await medMsgs.getByText('Only the mediators and Israel read this caucus').waitFor();
    await medMsgs.getByLabel('Message', { exact: true }).fill(CAUCUS);
    await medMsgs.getByRole('button', { name: 'Send message' }).click();
    await medMsgs.getByText(CAUCUS).waitFor();
    const isrMsgs = isr.getByRole('region', { name: 'Messages' });
    await isrMsgs.getByText(CAUCUS).waitFor(); // live, without a reload
    await isrMsgs.getByLabel('Message', { exact: true }).fill(REPLY);
    await isrMsgs.getByRole('button', { name: 'Send message' }).click();
    await medMsgs.getByText(REPLY).waitFor(); // live on the desk
    await medMsgs.getByLabel('Thread', { exact: true }).selectOption('everyone:');
    await medMsgs.getByLabel('Message', { exact: true }).fill(NOTE);
    await medMsgs.getByRole('button', { name: 'Send message' }).click();
    // Hamas gets the note to all live (its stream works) and nothing of the caucus.
    const hamMsgs = ham.getByRole('region', { name: 'Messages' });
    await hamMsgs.getByText('No message in this thread yet.').waitFor();
    await hamMsgs.locator('option', { hasText: 'From the mediators to every seat (1 new)' }).waitFor({ state: 'attached' });
    // Issue 14 (7): Hamas's home page says a message is new (the note, never the caucus).
    const hamHome = await ham.context().newPage();
    await hamHome.goto('/');
    const hamNews = hamHome.getByRole('list', { name: 'New in Ceasefire talks' });
    await hamNews.getByText('1 unread message', { exact: true }).waitFor();
    await shot(hamHome, 'home-hamas-news');
    const marked = ham.waitForResponse((r) => r.url().endsWith('/messages/read') && r.request().method() === 'POST');
    await hamMsgs.getByLabel('Thread', { exact: true }).selectOption('everyone:');
    await hamMsgs.getByText(NOTE).waitFor();
    assert.equal((await marked).status(), 200);
    // Read in the room: no longer new on the home page.
    await hamHome.reload();
    await hamHome.getByRole('heading', { name: 'My negotiations' }).waitFor();
    assert.equal(await hamHome.getByRole('list', { name: 'New in Ceasefire talks' }).count(), 0, 'a read message still new');
    await hamHome.close();
    await isrMsgs.getByLabel('Thread', { exact: true }).selectOption('everyone:');
    await isrMsgs.getByText(NOTE).waitFor();
    await shot(med, 'desk-messages');
    await isrMsgs.getByLabel('Thread', { exact: true }).selectOption('caucus:israel');
    await isrMsgs.getByText(REPLY).waitFor();
    await shot(isr, 'room-israel-caucus');
    await shot(ham, 'room-hamas-messages');
    // The timeline exports: Israel's holds its caucus; Hamas's none of it.
    const exported = async (page, format) => {
      const href = await page.getByRole('link', { name: `Export timeline (${format})` }).getAttribute('href');
      const r = await page.request.get(href);
      assert.equal(r.status(), 200, href);
      return r.text();
    };
    const isrCsv = await exported(isr, 'CSV');
    assert.ok(isrCsv.startsWith('n,time,kind,by,summary') && isrCsv.includes(CAUCUS) && isrCsv.includes(REPLY), isrCsv);
    for (const format of ['CSV', 'JSON']) {
      const text = await exported(ham, format);
      assert.ok(text.includes(NOTE), `Hamas's ${format} timeline lacks the note to all`);
      for (const f of [CAUCUS, REPLY, ISRAEL_MARKER, ISRAEL_RESERVATION]) assert.ok(!text.includes(f), `Hamas's ${format} timeline holds ${f}`);
    }
    assertPrivate(ham, await ham.locator('body').innerText(), [CAUCUS, REPLY], 'Hamas (caucus)');

    // ---- A second desk tab with unsent edits meets a version conflict, merged. ----
    const stale = await med.context().newPage();
    await stale.goto(med.url());
    await stale.getByRole('button', { name: 'Circulate draft 2' }).waitFor();
    await stale.getByLabel('Note to the parties (optional)').fill('Edited in a second tab.');

    // ---- Draft 2 strengthens the wording of clause 4; the history shows it. ----
    const clause4 = med.getByRole('group', { name: 'Clause 4: Withdrawal language' });
    await clause4.getByLabel('Wording').fill(STRONGER);
    await med.getByRole('group', { name: 'Clause 3: Withdrawal' }).getByLabel('Option').selectOption('partial');
    await med.getByLabel('Note to the parties (optional)').fill('Takes Israel\u2019s amendment of clause 3; strengthens the language of clause 4.');
    await med.getByRole('button', { name: 'Circulate draft 2' }).click();
    const hist = med.getByRole('region', { name: 'History of drafts' });
    await hist.getByText('Clause 4 · Withdrawal language:').waitFor();
    await hist.getByText('wording changed').waitFor();
    await hist.locator('ins', { hasText: STRONGER }).waitFor();
    await hist.getByText(/value changed from \w+ to partial/).waitFor();
    await hist.scrollIntoViewIfNeeded();
    await shot(med, 'desk-history-diffs');
    // Issue 14 (7): on the home pages, draft 2 waits for Hamas's answer, its deadline within a
    // day; the mediators are told of the deadline.
    for (const [page, lines] of [[ham, ['Draft 2 waits for your answer', /^Deadline of draft 2 in (23 h|1 d)/]], [med, [/^Deadline of draft 2 in (23 h|1 d)/]]]) {
      const home = await page.context().newPage();
      await home.goto('/');
      const news = home.getByRole('list', { name: 'New in Ceasefire talks' });
      for (const line of lines) await news.getByText(line).waitFor();
      if (page === ham) assert.equal(await news.getByText(/unread/).count(), 0);
      await home.close();
    }
    await stale.getByRole('button', { name: 'Circulate draft 2' }).click();
    // Issue 14: the tab's edits (the note only) are re-applied on top of draft 2, and the button
    // names the next draft (two mediators merging clauses: the test "two mediators" below).
    await stale.getByText(/^Draft 2 was circulated by Egypt while you edited\. Your changes are re-applied on top of it/).waitFor();
    await stale.getByRole('button', { name: 'Circulate draft 3' }).waitFor();
    assert.equal(await stale.getByLabel('Note to the parties (optional)').inputValue(), 'Edited in a second tab.');
    await shot(stale, 'desk-version-conflict');
    await stale.getByRole('button', { name: 'Load the current draft and start again' }).click();
    await stale.getByRole('button', { name: 'Circulate draft 3' }).waitFor();
    await stale.close();

    // ---- Issue 12 (2): wording written for another option is not circulated unnoticed. ----
    const language = clause4.getByLabel('Option');
    const kept = await language.inputValue();
    await language.selectOption(kept === 'guaranteed' ? 'possibility' : 'guaranteed');
    await med.getByRole('button', { name: 'Circulate draft 3' }).click();
    await med.getByRole('alert').filter({ hasText: /Not circulated: clause `withdrawal_language` keeps the wording written for/ }).waitFor();
    await med.getByRole('button', { name: 'Circulate with this wording anyway' }).waitFor();
    await shot(med, 'desk-wording-mismatch');
    await language.selectOption(kept);

    // ---- Draft 3 with a 10-second deadline: Hamas accepts, Israel misses it. ----
    // Draft 3 crosses two of Hamas's red lines (all hostages without a permanent end and full
    // withdrawal; humanitarian supplies not expanded).
    await med.getByRole('group', { name: 'Clause 1: Hostages' }).getByLabel('Option').selectOption('all');
    await med.getByRole('group', { name: 'Clause 2: Ceasefire' }).getByLabel('Option').selectOption('pause');
    await med.getByRole('group', { name: 'Clause 6: Humanitarian' }).getByLabel('Option').selectOption('current');
    await med.locator('form.editor').getByLabel('Respond within (amount)').fill('10');
    await med.locator('form.editor').getByLabel('Unit', { exact: true }).selectOption({ label: 'seconds' });
    await med.getByRole('button', { name: 'Circulate draft 3' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 3' }).waitFor();
    await ham.getByRole('heading', { name: /Current draft: 3/ }).waitFor();
    // Issue 12 (3): advice is not silent on a draft crossing red lines: it names the change
    // that clears one, with what it does to the utility.
    await ham.getByText('Within your red lines', { exact: true }).waitFor();
    await ham.getByText(/would clear 1 of the 2 red lines this draft crosses/).first().waitFor();
    await shot(ham, 'room-hamas-advice-red-lines');
    // Issue 12 (4): the desk's improvements on this draft say which red lines they still cross.
    await med.getByText(/Within every analysed party\u2019s red lines\.|Still crosses/).first().waitFor();
    await ham.getByLabel('Accept the draft').check();
    await ham.getByRole('button', { name: 'Send response' }).click();
    await ham.getByText('You accepted this draft.').waitFor();
    await isr.getByRole('heading', { name: /Current draft: 3/ }).waitFor();
    // The one wait on the clock: the deadline itself.
    await med.getByRole('region', { name: 'Responses to draft 3' }).getByText('missed the deadline').waitFor({ timeout: 25000 });
    await isr.getByText('You missed the deadline for draft 3').waitFor({ timeout: 25000 });
    await isr.getByText(/Deadline was/).waitFor();
    await shot(med, 'desk-missed-deadline');
    await shot(isr, 'room-israel-missed-deadline');

    // Privacy: no party ever received the other's marker, reservation value or preferences.
    assertPrivate(isr, await isr.locator('body').innerText(), [HAMAS_MARKER, HAMAS_RESERVATION], 'Israel');
    assertPrivate(ham, await ham.locator('body').innerText(), [ISRAEL_MARKER, ISRAEL_RESERVATION], 'Hamas');
    for (const [page, own] of [[isr, 'israel'], [ham, 'hamas']]) {
      for (const b of page.bodies) {
        if (b.text.includes('"weights"')) assert.ok(b.url.includes(`/seats/${own}/preferences`), `${own} received weights from ${b.url}`);
      }
    }
    assertPrivate(med, await med.locator('body').innerText(), [ISRAEL_MARKER, ISRAEL_RESERVATION], 'mediator');

    // ---- Israel now shares: the utility-space picture appears on the desk. ----
    await isr.getByLabel(/^Shared:/).check();
    await isr.getByRole('button', { name: 'Save preferences' }).click();
    await isr.getByText(/Preferences saved at .* \(shared\)/).waitFor();
    await med.getByRole('img', { name: /Utility-space picture/ }).waitFor();
    await shot(med, 'desk-analysis-picture');

    // ---- Draft 4 (the Nash suggestion again): both accept; the agreement shows everywhere. ----
    await med.getByRole('button', { name: 'Use Nash suggestion' }).click();
    await med.getByRole('button', { name: 'Circulate draft 4' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 4' }).waitFor();
    // The short deadline was a one-off: the editor went back to one day.
    await isr.getByRole('timer').filter({ hasText: /1 d 0 h left|23 h \d+ min left/ }).waitFor();
    // Issue 14: Israel rejects first, then changes its answer before the deadline.
    await isr.getByRole('heading', { name: /Current draft: 4/ }).waitFor();
    await isr.getByLabel('Reject the draft').check();
    await isr.getByRole('button', { name: 'Send response' }).click();
    await isr.getByText('You rejected this draft.').waitFor();
    await isr.getByRole('button', { name: 'Change my answer' }).click();
    await isr.getByRole('heading', { name: 'Change your answer to draft 4' }).waitFor();
    await isr.getByLabel('Accept the draft').check();
    await isr.getByLabel('Comment (optional)').fill('Accepted.');
    await isr.getByRole('button', { name: 'Send my new answer' }).click();
    await isr.getByText('You accepted this draft.').waitFor();
    await isr.getByText(/You changed your answer at/).waitFor();
    await med.getByRole('region', { name: 'Responses to draft 4' }).getByText(/answer changed/).waitFor();
    await shot(isr, 'room-israel-changed-answer');
    for (const page of [ham]) {
      await page.getByRole('heading', { name: /Current draft: 4/ }).waitFor();
      await page.getByLabel('Accept the draft').check();
      await page.getByLabel('Comment (optional)').fill('Accepted.');
      await page.getByRole('button', { name: 'Send response' }).click();
    }
    for (const [page, name] of [[med, 'desk'], [isr, 'room-israel'], [ham, 'room-hamas']]) {
      await page.getByRole('heading', { name: 'Agreement reached on draft 4' }).waitFor();
      await shot(page, `agreement-${name}`);
    }
    assert.equal(await med.evaluate(() => window.__sameDocument), true, 'the desk reloaded');
    for (const page of [med, isr, ham]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});

test('mediation workbench: an uploaded trade scenario, an agent, numeric preferences, closing', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 24; // continues the first test's numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  const AVALON_PRIVATE = ['0.452', 'Avalon trade minister'];
  const REASON = 'Borea cannot accept any duty-free beef quota in this round.';
  try {
    // ---- The mediator uploads scenarios/trade.toml through the home page's file input. ----
    const med = await openPage(browser, server.base);
    med.audits = 0;
    med.on('request', (r) => { if (/\/audit(\?|$)/.test(r.url())) med.audits += 1; });
    await med.goto('/');
    await signUp(med, 'Trade mediator');
    await med.getByRole('heading', { name: 'My negotiations' }).waitFor();
    await med.getByLabel('Scenario', { exact: true }).selectOption({ label: 'An uploaded scenario file' });
    await med.getByLabel('Scenario file (.toml)').setInputFiles(resolve(here, '../scenarios/trade.toml'));
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    await med.getByRole('heading', { name: 'Avalon-Borea trade agreement' }).waitFor();
    // The desk shows the scenario's issues: an integer issue and four discrete ones.
    const beefClause = med.getByRole('group', { name: 'Clause 1: Beef quota' });
    await beefClause.getByLabel('Value (0–40)').waitFor();
    for (const [k, name] of [[2, 'Car tariff'], [3, 'Phase in'], [4, 'Disputes'], [5, 'Food names']]) {
      await med.getByRole('group', { name: `Clause ${k}: ${name}` }).waitFor();
    }
    await med.getByText('Scenario: description and issues').click();
    await med.getByText('integer from 0 to 40').waitFor();

    // ---- An agent takes the Avalon seat; Borea is invited (twice: the first link was "lost"). ----
    const seats = med.getByRole('region', { name: 'Seats' });
    // Issue 12 (6): the strategy comes from the server's list, with a parameter form that parses
    // (annealer), and an agent can be removed.
    const avalonBox = seats.locator('.seat-actions').filter({ hasText: 'Avalon' });
    await avalonBox.getByLabel('Agent strategy').selectOption('annealer');
    await med.getByRole('button', { name: 'Seat an agent in the Avalon seat' }).click();
    await seats.getByRole('row', { name: /Avalon party an agent \(annealer\)/ }).waitFor();
    await med.getByRole('button', { name: 'Remove the agent from the Avalon seat' }).click();
    await seats.getByRole('row', { name: /Avalon party free/ }).waitFor();
    await med.getByRole('button', { name: 'Seat an agent in the Avalon seat' }).click();
    await seats.getByRole('row', { name: /Avalon party an agent \(hill-climber\)/ }).waitFor();
    await med.getByRole('button', { name: 'Invite someone to the Borea seat' }).click();
    const linkBox = med.getByRole('textbox', { name: 'Invitation link for Borea' });
    const firstLink = await linkBox.inputValue();
    await seats.getByRole('row', { name: /Borea party invited, waiting/ }).waitFor();
    await med.getByRole('button', { name: 'Create a new invitation link for the Borea seat' }).click();
    await med.waitForFunction((old) => document.getElementById('inv-Borea')?.value !== old, firstLink);
    const link = await linkBox.inputValue();
    assert.match(link, /\/#invitation=[0-9a-f]+$/);
    await med.setViewportSize({ width: 800, height: 900 });
    await shot(med, 'desk-narrow-invited');

    // ---- The Borea delegate signs up through the link. ----
    const bor = await openPage(browser, server.base);
    await bor.goto(link);
    await bor.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
    await signUp(bor, 'Borea delegate');
    await bor.waitForURL(/\/negotiations\//);
    await bor.getByRole('heading', { name: 'Your confidential preferences' }).waitFor();
    await seats.getByRole('row', { name: /Borea party Borea delegate/ }).waitFor();
    assert.equal(await med.getByRole('button', { name: /invitation link for the Borea seat|Invite someone to the Borea seat/ }).count(), 0);

    // ---- Borea's preferences for the integer issue: a turning point at 10 thousand tonnes. ----
    const beef = bor.getByRole('group', { name: 'Beef quota', exact: true });
    await beef.getByText('Values from 0 to 40.').waitFor();
    assert.equal(await beef.getByLabel('Shape').inputValue(), 'linear'); // from the scenario file
    await beef.getByLabel('Weight (importance)').fill('0.3');
    await beef.getByLabel('Shape').selectOption({ label: 'Straight lines through a turning point' });
    await beef.getByLabel('Score at 0 (lowest)').fill('0.6');
    await beef.getByLabel('Turning point (a value)').fill('10');
    await beef.getByLabel('Score at the turning point').fill('1');
    await beef.getByLabel('Score at 40 (highest)').fill('0');
    await beef.getByRole('img', { name: 'Score of Beef quota: 0 scores 0.60, 10 scores 1, 40 scores 0' }).waitFor();
    // A score outside 0-1 is refused near the form, before anything is sent.
    await beef.getByLabel('Score at the turning point').fill('1.5');
    await bor.getByRole('button', { name: 'Save preferences' }).click();
    await bor.getByRole('alert').filter({ hasText: 'Beef quota: the score of the turning point must lie between 0 and 1.' }).waitFor();
    await beef.getByLabel('Score at the turning point').fill('1');
    await bor.getByLabel(/^Private:/).check();
    await bor.getByRole('button', { name: 'Save preferences' }).click();
    await bor.getByText(/Preferences saved at .* \(private\)/).waitFor();
    await beef.scrollIntoViewIfNeeded();
    await shot(bor, 'room-borea-numeric-preferences');

    // ---- Draft 1 (the scenario's working text); the agent answers at once. ----
    await beefClause.getByLabel('Value (0–40)').fill('20');
    for (const [k, name, opt] of [[2, 'Car tariff', 'halved'], [3, 'Phase in', 'five_years'], [4, 'Disputes', 'panel'], [5, 'Food names', 'listed']]) {
      await med.getByRole('group', { name: `Clause ${k}: ${name}` }).getByLabel('Option').selectOption(opt);
    }
    // Each clause's wording follows the option chosen (the mediator wrote none of their own).
    assert.equal(await med.getByRole('group', { name: 'Clause 2: Car tariff' }).getByLabel('Wording').inputValue(),
      'Avalon reduces its tariff on passenger cars to 5%.');
    await med.getByRole('button', { name: 'Circulate draft 1' }).click();
    const responses = med.getByRole('region', { name: 'Responses to draft 1' });
    await responses.getByRole('listitem').filter({ hasText: 'Avalon' }).getByText('accepts the draft').waitFor();
    await responses.getByText('agent (hill-climber)').waitFor();

    // Borea sees what the draft means for it and rejects (after a look at the numeric amendment).
    await bor.getByRole('heading', { name: /Current draft: 1/ }).waitFor();
    await bor.getByText('What this draft means for you').waitFor();
    await bor.getByText(/Beef quota: 20/).waitFor();
    await bor.getByLabel('Propose an amendment to one clause').check();
    await bor.getByLabel('Clause to amend').selectOption('beef_quota');
    await bor.getByLabel('Proposed value (0–40)').waitFor();
    await bor.getByLabel('Reject the draft').check();
    await bor.getByLabel('Comment (optional)').fill('Twenty thousand tonnes is more than our farmers can take.');
    await bor.getByRole('button', { name: 'Send response' }).click();
    await bor.getByText('You rejected this draft.').waitFor();
    await bor.getByText(/Closed for responses before its deadline/).waitFor();
    await responses.getByRole('listitem').filter({ hasText: 'Borea' }).getByText('rejects the draft').waitFor();
    await med.getByRole('region', { name: 'Responses to draft 1' }).getByText('not accepted', { exact: true }).first().waitFor();
    await bor.setViewportSize({ width: 800, height: 900 });
    await bor.getByText('not accepted', { exact: true }).first().waitFor();
    await shot(bor, 'room-borea-narrow-rejected');
    await shot(med, 'desk-narrow-agent-and-person');
    // Borea never receives Avalon's preferences nor the agent's response.
    assertPrivate(bor, await bor.locator('body').innerText(), [...AVALON_PRIVATE, 'agent (hill-climber)'], 'Borea');

    // ---- Issue 14: draft 2, its deadline extended, an adjournment and a withdrawal. ----
    await med.getByRole('button', { name: 'Circulate draft 2' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 2' }).waitFor();
    await bor.getByRole('heading', { name: /Current draft: 2/ }).waitFor();
    const extend = med.locator('form.extend');
    await extend.getByLabel('By').fill('2');
    await extend.getByLabel('Unit', { exact: true }).selectOption({ label: 'days' });
    await extend.getByRole('button', { name: 'Extend the deadline' }).click();
    await extend.getByText(/Deadline extended to/).waitFor();
    await bor.getByRole('timer').filter({ hasText: /2 d 23 h left|3 d 0 h left/ }).waitFor();
    const adjourn = med.getByRole('region', { name: 'Adjourn', exact: true });
    await adjourn.getByLabel('Reason (optional, visible to every seat)').fill('We reconvene after the elections.');
    await adjourn.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await adjourn.getByRole('button', { name: 'Reopen' }).waitFor();
    await bor.getByRole('region', { name: 'Adjourned', exact: true }).getByText('We reconvene after the elections.').waitFor();
    await bor.getByRole('timer').filter({ hasText: /Deadline paused while the negotiation is adjourned/ }).waitFor();
    assert.equal(await bor.getByRole('button', { name: 'Send response' }).count(), 0, 'an adjourned draft can be answered');
    await shot(bor, 'room-borea-adjourned');
    await adjourn.getByRole('button', { name: 'Reopen' }).click();
    await adjourn.getByRole('button', { name: 'Adjourn', exact: true }).waitFor();
    await bor.getByRole('region', { name: 'Adjourned', exact: true }).waitFor({ state: 'hidden' });
    await bor.getByRole('button', { name: 'Send response' }).waitFor();
    const withdraw = med.locator('form.withdraw');
    await withdraw.getByRole('button', { name: 'Withdraw this draft' }).click();
    await withdraw.getByRole('alert').filter({ hasText: 'Reason: say why the draft is withdrawn.' }).waitFor();
    await withdraw.getByLabel('Reason (required, visible to every seat)').fill('Clause 1 carries a typing error.');
    await withdraw.getByRole('button', { name: 'Withdraw this draft' }).click();
    await med.getByRole('button', { name: 'Correct draft 2' }).waitFor();
    await bor.getByText('Clause 1 carries a typing error.').first().waitFor();
    await bor.getByText('withdrawn by the mediators').first().waitFor();
    assert.equal(await bor.getByRole('button', { name: 'Send response' }).count(), 0, 'a withdrawn draft can be answered');
    await shot(med, 'desk-draft-withdrawn');

    // ---- The mediator closes without agreement, with a reason; both pages show it. ----
    await med.setViewportSize({ width: 1280, height: 800 });
    await med.getByRole('region', { name: 'End the negotiation' }).getByLabel('Reason (optional, visible to every seat)').fill(REASON);
    med.once('dialog', (d) => d.accept());
    await med.getByRole('button', { name: 'Close without agreement' }).click();
    for (const page of [med, bor]) {
      const banner = page.getByRole('region', { name: 'Closed without agreement' });
      await banner.getByText(REASON).waitFor();
    }
    await med.getByRole('heading', { name: 'End the negotiation' }).waitFor({ state: 'hidden' });
    await med.getByRole('button', { name: /Circulate draft/ }).waitFor({ state: 'hidden' });
    await shot(med, 'desk-closed-without-agreement');
    await shot(bor, 'room-borea-closed-without-agreement');

    // The audit log is read once per page load: live events need only the negotiation itself.
    assert.equal(med.audits, 1, 'the desk re-read the audit log');
    for (const page of [med, bor]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});

test('preferences without weights: a party ranks, rates, answers walk-away questions, confirms', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 40; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  // Israel's ranking and words; "unacceptable" on no hostages released and a permanent end.
  const ISSUES = [
    ['Hostages', 1, { none: 'unacceptable', some: 'poor', all: 'best' }],
    ['Ceasefire', 3, { pause: 'best', permanent: 'unacceptable' }],
    ['Withdrawal', 4, { none: 'best', partial: 'acceptable', full: 'poor' }],
    ['Withdrawal language', 5, { possibility: 'good', guaranteed: 'acceptable' }],
    ['Rafah', 2, { 'not addressed': 'best', 'no offensive': 'poor' }],
    ['Humanitarian', 5, { current: 'good', expanded: 'good' }],
  ];
  // The same by hand: rank-order-centroid weights over 6 positions, the tied last two sharing
  // positions 5 and 6, humanitarian (rated alike throughout) weighing 0 and the rest
  // renormalised; words as 0, 1/4, 1/2, 3/4, 1 rescaled per issue to run from 0 to 1.
  const c = (r) => { let s = 0; for (let j = r; j <= 6; j++) s += 1 / j; return s / 6; };
  const tail = (c(5) + c(6)) / 2;
  const weight = { Hostages: c(1), Ceasefire: c(3), Withdrawal: c(4), 'Withdrawal language': tail, Rafah: c(2), Humanitarian: 0 };
  for (const k of Object.keys(weight)) weight[k] /= 1 - tail;
  const score = {
    Hostages: { none: 0, some: 0.25, all: 1 }, Ceasefire: { pause: 1, permanent: 0 },
    Withdrawal: { none: 1, partial: 1 / 3, full: 0 }, 'Withdrawal language': { possibility: 1, guaranteed: 0 },
    Rafah: { 'not addressed': 1, 'no offensive': 0 }, Humanitarian: { current: 1, expanded: 1 },
  };
  /** Utility of a text given as "Issue: value" lines. */
  const utility = (lines) => lines.reduce((u, line) => {
    const at = line.indexOf(': ');
    const issue = line.slice(0, at);
    const value = line.slice(at + 2).split('—')[0].trim();
    assert.ok(issue in weight && value in score[issue], `unexpected clause ${line}`);
    return u + weight[issue] * score[issue][value];
  }, 0);
  const WALK_AWAY = 0.6;
  try {
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await signUp(med, 'Mediator Qatar');
    await med.getByRole('heading', { name: 'My negotiations' }).waitFor();
    await med.getByLabel('Scenario', { exact: true }).selectOption('ceasefire');
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    await med.getByRole('button', { name: 'Invite someone to the israel seat' }).click();
    const link = await med.getByRole('textbox', { name: 'Invitation link for Israel' }).inputValue();
    const isr = await openPage(browser, server.base);
    await isr.goto(link);
    await isr.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
    await signUp(isr, 'Israel delegate');
    await isr.waitForURL(/\/negotiations\//);

    // ---- Rank and rate, in words. ----
    const flow = isr.getByRole('region', { name: 'Build my preferences without weights' });
    await flow.getByRole('button', { name: 'Start' }).click();
    for (const [issue, rank, words] of ISSUES) {
      await flow.getByLabel(`Importance of ${issue}`, { exact: true }).selectOption(String(rank));
      const group = flow.getByRole('group', { name: `${issue}: how good is each option?` });
      for (const [option, word] of Object.entries(words)) await group.getByLabel(option, { exact: true }).selectOption(word);
    }
    await shot(isr, 'room-rank-and-rate');
    await flow.getByRole('button', { name: 'Show what this means' }).click();
    await flow.getByText('Humanitarian makes no difference to you.').waitFor();
    await flow.getByText(/^What matters most to you: hostages \(43%\), then rafah \(25%\)/).waitFor();
    // "Unacceptable" is only proposed as a red line until confirmed; said in words.
    await flow.getByLabel('Make this a red line: Hostages must not be none').waitFor();
    await flow.getByLabel('Make this a red line: Ceasefire must not be permanent').check();
    await flow.getByText('Red line: Ceasefire must not be permanent.').waitFor();
    assert.match(await flow.locator('.best-texts li').first().innerText(), /\(utility 1(\.00)?\)$/);
    await shot(isr, 'room-what-it-means');

    // ---- The walk-away point as texts: accept a text when it is worth at least 0.6. ----
    await flow.getByRole('button', { name: 'Find my walk-away point' }).click();
    const accepted = [];
    const refused = [];
    for (let k = 1; ; k++) {
      const heading = flow.getByRole('heading', { name: new RegExp(`^Question ${k} of at most 6$|^Check before you save$`) });
      await heading.waitFor();
      if ((await heading.innerText()) === 'Check before you save') break;
      assert.ok(k <= 6, 'more questions than announced');
      await flow.getByText('Would you accept this text rather than no agreement?').waitFor();
      const u = utility(await flow.locator('.text-clauses li').allInnerTexts());
      if (k === 1) await shot(isr, 'room-walk-away-question');
      (u >= WALK_AWAY ? accepted : refused).push(u);
      await flow.getByRole('button', { name: u >= WALK_AWAY ? 'Yes, I would accept it' : 'No, I would rather have no agreement' }).click();
    }
    const point = Number((await flow.getByText(/^Your walk-away point: /).innerText()).match(/: (\d\.\d\d)/)[1]);
    for (const u of accepted) assert.ok(u >= point - 0.005, `accepted ${u} below the walk-away point ${point}`);
    for (const u of refused) assert.ok(u < point + 0.005, `refused ${u} above the walk-away point ${point}`);
    await flow.getByText(/you would accept “.+” \(utility \d\.\d\d\) rather than no agreement, but not “/).waitFor();
    await shot(isr, 'room-check-before-saving');
    await flow.getByLabel(/^Private:/).check();
    await flow.getByRole('button', { name: 'Save these preferences' }).click();
    await flow.getByText(/^Saved \(private\)\./).waitFor();
    // The numeric form now holds the same preferences: the weights as shares.
    const rafahWeight = Number(await isr.getByRole('group', { name: 'Rafah', exact: true }).getByLabel('Weight (importance)').inputValue());
    assert.ok(Math.abs(rafahWeight - weight.Rafah) < 1e-4, `Rafah's weight ${rafahWeight}, by hand ${weight.Rafah}`);

    // ---- The mediator circulates the scenario's text; the room shows its utility. ----
    await med.getByRole('button', { name: 'Circulate draft 1' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 1' }).waitFor();
    await isr.getByRole('heading', { name: /Current draft: 1/ }).waitFor();
    await isr.getByText('What this draft means for you').waitFor();
    // The scenario's draft: all hostages, a pause, full withdrawal, "possibility", Rafah not
    // addressed, current humanitarian arrangements.
    const expected = utility(['Hostages: all', 'Ceasefire: pause', 'Withdrawal: full', 'Withdrawal language: possibility', 'Rafah: not addressed', 'Humanitarian: current']);
    await isr.locator('.meaning dd.big').filter({ hasText: expected.toFixed(2) }).waitFor();
    assert.equal(await isr.locator('.meaning dd.big').innerText(), expected.toFixed(2));
    // Red lines in words, never as code.
    await isr.locator('.redline-status').getByText('Respected: Ceasefire must not be permanent').waitFor();
    await shot(isr, 'room-utility-after-elicitation');
    // Scores typed out of 10 in the numeric form are offered a rescale.
    const hostages = isr.getByRole('group', { name: 'Hostages', exact: true });
    await hostages.getByLabel('some', { exact: true }).fill('3');
    await hostages.getByLabel('all', { exact: true }).fill('10');
    await isr.getByRole('button', { name: 'Save preferences' }).click();
    await isr.getByText('Your scores go up to 10, but here a score runs from 0 (worst) to 1 (best). Did you score out of 10?').waitFor();
    await isr.getByRole('button', { name: 'Divide every score by 10' }).click();
    assert.equal(await hostages.getByLabel('all', { exact: true }).inputValue(), '1');
    assert.equal(await hostages.getByLabel('some', { exact: true }).inputValue(), '0.3');

    // ---- Issue 13: the comparison path, from the same words: "which of these two texts would
    // you rather sign?" answered truthfully until it stops, the implications, then saved. ----
    await flow.getByRole('button', { name: 'Change my answers' }).click();
    await flow.getByRole('button', { name: 'Show what this means' }).click();
    await flow.getByRole('button', { name: 'Refine by comparing texts' }).click();
    let compared = 0;
    for (let k = 1; ; k++) {
      const heading = flow.getByRole('heading', { name: new RegExp(`^Question ${k}$|^Check before you save$`) });
      await heading.waitFor();
      if ((await heading.innerText()) === 'Check before you save') break;
      assert.ok(k <= 40, 'the comparisons do not stop');
      const prompt = await flow.locator('p.question').innerText();
      if (prompt === 'Which of these two texts would you rather sign?') {
        const texts = flow.locator('.columns > div');
        const ua = utility(await texts.nth(0).locator('.text-clauses li').allInnerTexts());
        const ub = utility(await texts.nth(1).locator('.text-clauses li').allInnerTexts());
        if (compared++ === 0) await shot(isr, 'room-compare-question');
        const answer = Math.abs(ua - ub) < 1e-9 ? 'About the same' : ua > ub ? 'I would rather sign text A' : 'I would rather sign text B';
        await flow.getByRole('button', { name: answer }).click();
      } else {
        assert.equal(prompt, 'Would you accept this text rather than no agreement?');
        const u = utility(await flow.locator('.text-clauses li').allInnerTexts());
        await flow.getByRole('button', { name: u >= WALK_AWAY ? 'Yes, I would accept it' : 'No, I would rather have no agreement' }).click();
      }
    }
    assert.ok(compared >= 3, `only ${compared} comparisons asked`);
    // What the fitted numbers imply, before saving; truthful additive answers are never
    // reported as inconsistent.
    await flow.getByText(/^Your walk-away point: \d\.\d\d/).waitFor();
    await flow.getByRole('heading', { name: 'Just good enough: you would accept this rather than no agreement' }).waitFor();
    await flow.getByRole('heading', { name: 'Just not good enough: you would rather have no agreement' }).waitFor();
    assert.equal(await flow.locator('.notice').count(), 0, 'truthful answers reported as inconsistent');
    await shot(isr, 'room-compare-implications');
    await flow.getByLabel(/^Private:/).check();
    await flow.getByRole('button', { name: 'Save these preferences' }).click();
    await flow.getByText(/^Saved \(private\)\./).waitFor();
    // The fitted weights, saved as shares: they add up to 1 in the numeric form.
    let total = 0;
    for (const [name] of ISSUES) total += Number(await isr.getByRole('group', { name, exact: true }).getByLabel('Weight (importance)').inputValue());
    assert.ok(Math.abs(total - 1) < 1e-3, `the fitted weights add up to ${total}`);
    for (const page of [med, isr]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});

test('bonuses and penalties: the coalition\u2019s Farmers\u2019 League reads, edits and adds them in words', { timeout: 90000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 60; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  try {
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await signUp(med, 'Informateur');
    await med.getByRole('heading', { name: 'My negotiations' }).waitFor();
    await med.getByLabel('Scenario', { exact: true }).selectOption('coalition');
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    await med.getByRole('button', { name: /^Invite someone to the Farmers/ }).click();
    const link = await med.getByRole('textbox', { name: /^Invitation link for Farmers/ }).inputValue();
    const farm = await openPage(browser, server.base);
    await farm.goto(link);
    await signUp(farm, 'League delegate');
    await farm.waitForURL(/\/negotiations\//);
    await farm.getByRole('heading', { name: 'Your confidential preferences' }).waitFor();

    // The scenario's penalty, in words from the labels: no rule code, no id.
    const terms = farm.locator('.terms-editor');
    const first = terms.getByRole('group', { name: 'Bonus or penalty 1' });
    await first.getByText('A penalty of 0.20 when fuel tax is raise and farm support is not raise.').waitFor();
    const prefsText = await farm.getByRole('region', { name: 'Your confidential preferences' }).innerText();
    for (const code of ['fuel_tax', 'farm_support', '!=', '=>']) assert.ok(!prefsText.includes(code), `the preferences show ${code}`);

    // Heavier: the amount edited in place.
    await first.getByLabel('Amount (0 to 1)').fill('0.3');
    await first.getByText('A penalty of 0.30 when fuel tax is raise and farm support is not raise.').waitFor();

    // A bonus built from choices: two conditions joined by "and".
    const add = terms.getByRole('group', { name: 'Add a bonus or penalty' });
    await add.getByLabel('Kind').selectOption('bonus');
    await add.getByLabel('Amount (0 to 1)').fill('0.1');
    const when = add.getByRole('group', { name: 'When', exact: true });
    await when.getByLabel('Issue').selectOption({ label: 'Minimum wage' });
    await when.getByLabel('Condition').selectOption({ label: 'is at most' });
    await when.getByLabel('Value', { exact: true }).fill('2');
    await add.getByRole('button', { name: 'Add another condition (and)' }).click();
    const and = add.getByRole('group', { name: 'And when' });
    await and.getByLabel('Issue').selectOption({ label: 'Finance ministry' });
    await and.getByLabel('farmers', { exact: true }).check();
    await add.getByText('This means: A bonus of 0.10 when minimum wage is at most 2 and finance ministry is farmers.').waitFor();
    // Incomplete conditions and out-of-range amounts are refused next to the builder, in words.
    await add.getByLabel('Amount (0 to 1)').fill('20');
    await add.getByRole('button', { name: 'Add bonus or penalty' }).click();
    await add.getByRole('alert').filter({ hasText: 'Amount: a number above 0 and at most 1' }).waitFor();
    await add.getByLabel('Amount (0 to 1)').fill('0.1');
    await add.getByRole('button', { name: 'Add bonus or penalty' }).click();
    await terms.getByRole('group', { name: 'Bonus or penalty 2' })
      .getByText('A bonus of 0.10 when minimum wage is at most 2 and finance ministry is farmers.').waitFor();
    await shot(farm, 'room-bonuses-and-penalties');
    await farm.getByLabel(/^Private:/).check();
    await farm.getByRole('button', { name: 'Save preferences' }).click();
    await farm.getByText(/Preferences saved at .* \(private\)/).waitFor();

    // Read back after a reload: what was saved, in words.
    await farm.reload();
    await farm.getByRole('group', { name: 'Bonus or penalty 1' }).getByText('A penalty of 0.30 when fuel tax is raise and farm support is not raise.').waitFor();
    await farm.getByRole('group', { name: 'Bonus or penalty 2' }).getByText('A bonus of 0.10 when minimum wage is at most 2 and finance ministry is farmers.').waitFor();
    // What the page saved, in the scenario format's terms (the names, not the labels).
    const put = farm.bodies.filter((b) => /\/preferences$/.test(b.url) && b.text.includes('"terms"')).pop();
    assert.deepEqual(JSON.parse(put.text).preferences.terms, [
      { when: 'fuel_tax = raise and farm_support != raise', value: -0.3 },
      { when: 'minimum_wage <= 2 and finance_ministry = farmers', value: 0.1 },
    ]);
    for (const page of [med, farm]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});

test('two mediators: the sign of editing, a conflicting edit merged, each draft attributed', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 70; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  const EGYPT_WORDING = 'Israeli forces withdraw from the populated areas within thirty days.';
  const QATAR_WORDING = 'Israeli forces withdraw in stages agreed with the guarantors.';
  try {
    // Egypt opens the talks and invites Qatar, the second mediator.
    const egy = await openPage(browser, server.base);
    await egy.goto('/');
    await signUp(egy, 'Mediator Egypt');
    await egy.getByLabel('Scenario', { exact: true }).selectOption('ceasefire');
    await egy.getByLabel('Title (optional)').fill('Two mediators');
    await egy.getByRole('button', { name: 'Create negotiation' }).click();
    await egy.waitForURL(/\/negotiations\//);
    await egy.getByRole('button', { name: 'Invite someone to the qatar seat' }).click();
    const link = await egy.getByRole('textbox', { name: 'Invitation link for Qatar' }).inputValue();
    const qat = await openPage(browser, server.base);
    await qat.goto(link);
    await qat.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
    await signUp(qat, 'Mediator Qatar');
    await qat.waitForURL(/\/negotiations\//);
    await qat.getByText('your seat: Qatar').waitFor();
    const id = new URL(qat.url()).pathname.split('/').pop();

    // Draft 1, the scenario's text, by Egypt; Qatar's desk follows it live.
    await egy.getByRole('button', { name: 'Circulate draft 1' }).click();
    await egy.getByRole('heading', { name: 'Responses to draft 1' }).waitFor();
    await qat.getByRole('heading', { name: 'Responses to draft 1' }).waitFor();
    await qat.getByRole('button', { name: 'Circulate draft 2' }).waitFor();

    // Egypt starts editing draft 2: Qatar's desk says so, live; and the other way round.
    const egyClause4 = egy.getByRole('group', { name: 'Clause 4: Withdrawal language' });
    await egyClause4.getByLabel('Wording').fill(EGYPT_WORDING);
    const qatSign = qat.locator('.editing-sign');
    await qatSign.getByText('Egypt (Mediator Egypt) is editing the next draft.', { exact: true }).waitFor();
    await shot(qat, 'desk-another-mediator-editing');
    // Qatar edits from draft 1 too: clause 4's wording otherwise, and clause 6.
    await qat.getByRole('group', { name: 'Clause 4: Withdrawal language' }).getByLabel('Wording').fill(QATAR_WORDING);
    const qatHumanitarian = qat.getByRole('group', { name: 'Clause 6: Humanitarian' }).getByLabel('Option');
    const humanitarian = await qatHumanitarian.inputValue() === 'expanded' ? 'current' : 'expanded';
    await qatHumanitarian.selectOption(humanitarian);
    await egy.locator('.editing-sign').getByText('Qatar (Mediator Qatar) is editing the next draft.', { exact: true }).waitFor();
    await shot(egy, 'desk-qatar-editing');

    // Egypt circulates draft 2 (clause 3 and clause 4's wording): the sign on Qatar's desk goes.
    await egy.getByRole('group', { name: 'Clause 3: Withdrawal' }).getByLabel('Option').selectOption('partial');
    await egy.getByRole('button', { name: 'Circulate draft 2' }).click();
    await egy.getByRole('heading', { name: 'Responses to draft 2' }).waitFor();
    await qatSign.waitFor({ state: 'hidden' });
    // Qatar's unsent edits stay in its editor, which still starts from draft 1.
    assert.equal(await qat.getByRole('group', { name: 'Clause 4: Withdrawal language' }).getByLabel('Wording').inputValue(), QATAR_WORDING);

    // Qatar circulates from its stale base: its edits are merged on top of draft 2.
    await qat.getByRole('button', { name: 'Circulate draft 2' }).click();
    const merged = qat.getByText(/^Draft 2 was circulated by Egypt while you edited\./);
    await merged.waitFor();
    const said = await merged.innerText();
    assert.ok(said.includes('Yours: clause 6 (Humanitarian).'), said);
    assert.ok(said.includes('From draft 2: clause 3 (Withdrawal).'), said);
    assert.ok(said.includes('Changed by both: clause 4 (Withdrawal language); choose below.'), said);
    // The clause only Egypt changed is taken; Qatar's own change is kept; the button names draft 3.
    assert.equal(await qat.getByRole('group', { name: 'Clause 3: Withdrawal' }).getByLabel('Option').inputValue(), 'partial');
    assert.equal(await qatHumanitarian.inputValue(), humanitarian);
    await qat.getByRole('button', { name: 'Circulate draft 3' }).waitFor();
    // The conflicting clause, side by side: both wordings, nothing lost.
    const conflict = qat.getByRole('group', { name: 'Changed by both: clause 4 (Withdrawal language)' });
    await conflict.getByText(QATAR_WORDING).waitFor();
    await conflict.getByText(EGYPT_WORDING).waitFor();
    await conflict.getByText('Theirs (draft 2, Egypt)').waitFor();
    await conflict.scrollIntoViewIfNeeded();
    await shot(qat, 'desk-merged-conflict');
    // Not circulated before a side is chosen.
    await qat.getByRole('button', { name: 'Circulate draft 3' }).click();
    await qat.getByRole('alert').filter({ hasText: 'Choose yours or theirs for clause 4 (Withdrawal language) first' }).waitFor();
    await qat.getByLabel('Keep yours for clause 4').check();
    await qat.getByRole('button', { name: 'Circulate draft 3' }).click();
    await qat.getByRole('heading', { name: 'Responses to draft 3' }).waitFor();

    // Draft 3 holds the merge: Egypt's clause 3, Qatar's clause 4 wording and clause 6.
    const view = await (await qat.request.get(`/api/negotiations/${id}`)).json();
    const d3 = view.drafts.find((d) => d.version === 3);
    const clause = (issue) => d3.clauses.find((c) => c.issue === issue);
    assert.equal(clause('withdrawal').value, 'partial');
    assert.equal(clause('withdrawal_language').wording, QATAR_WORDING);
    assert.equal(clause('humanitarian').value, humanitarian);
    assert.deepEqual(view.drafts.map((d) => d.by), ['egypt', 'egypt', 'qatar']);

    // The history on Egypt's desk says who circulated each draft; so does the document.
    const hist = egy.getByRole('region', { name: 'History of drafts' });
    await hist.getByRole('heading', { name: /^Draft 3/ }).waitFor();
    const entries = hist.locator('li.draft-hist');
    for (const [k, who] of [[0, 'Qatar'], [1, 'Egypt'], [2, 'Egypt']]) {
      await entries.nth(k).getByText(new RegExp(`^Circulated by ${who} `)).waitFor();
    }
    await hist.scrollIntoViewIfNeeded();
    await shot(egy, 'desk-history-two-mediators');
    const md = await (await egy.request.get(`/api/negotiations/${id}/document?format=md&version=3`)).text();
    for (const row of ['| 1 | ', '| 2 | ', '| 3 | ']) assert.ok(md.includes(row), md);
    assert.match(md, /\| 3 \| [^|]+ \| open \| qatar \|/);
    assert.match(md, /\| 2 \| [^|]+ \| superseded \| egypt \|/);
    for (const page of [egy, qat]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});

/** The river treaty's utilities (e2e/fixtures/river.toml) as its file states them, written out
 * here (not the engine's code): an outcome as value indices [flow, dam, pollution, payments];
 * the Nash product over the walk-away points (0.35 each). */
function riverNash(o) {
  const up = [[0.2, [1, 0.5, 0]], [0.4, [0, 0.5, 1]], [0.1, [1, 0.5, 0]], [0.3, [0, 0.5, 1]]];
  const down = [[0.4, [0, 0.5, 1]], [0.1, [1, 0.5, 0]], [0.35, [0, 0.5, 1]], [0.15, [1, 0.5, 0]]];
  const u = (p) => p.reduce((sum, [w, s], k) => sum + w * s[o[k]], 0);
  return Math.max(0, u(up) - 0.35) * Math.max(0, u(down) - 0.35);
}

test('one-text: a mediator follows "Suggest the next draft" with two private agents to a near-Nash agreement', { timeout: 300000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 80; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  try {
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await signUp(med, 'Trade mediator');
    await med.getByRole('heading', { name: 'My negotiations' }).waitFor();
    await med.getByLabel('Scenario', { exact: true }).selectOption({ label: 'An uploaded scenario file' });
    await med.getByLabel('Scenario file (.toml)').setInputFiles(resolve(here, 'fixtures/river.toml'));
    await med.getByLabel('Rules').selectOption('one-text');
    await med.getByLabel('Parties compare each draft with the one before').selectOption('graded5');
    await shot(med, 'home-one-text-rules');
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    const id = new URL(med.url()).pathname.split('/').pop();
    // Two agents take the party seats; their preferences (the scenario's) stay private: the
    // suggestions never read them.
    const seats = med.getByRole('region', { name: 'Seats' });
    for (const seat of ['Upstream', 'Downstream']) {
      await med.getByRole('button', { name: `Seat an agent in the ${seat} seat` }).click();
      await seats.getByRole('row', { name: new RegExp(`${seat} party an agent`) }).waitFor();
    }
    const panel = med.getByRole('region', { name: 'One-text procedure' });
    await panel.getByText(/Drafts are straw polls that bind nobody/).waitFor();
    const reason = panel.locator('#suggest-reason');
    let version = 0;
    let final = false;
    for (let round = 0; round < 90 && !final; round++) {
      await reason.evaluate((el) => { el.textContent = ''; });
      await panel.getByRole('button', { name: 'Suggest the next draft' }).click();
      await reason.filter({ hasText: /\S/ }).waitFor();
      final = (await reason.getAttribute('data-final')) === 'yes';
      if (round === 0) assert.match(await reason.innerText(), /opening text/);
      if (round === 2) await shot(med, 'desk-suggestion-reason');
      if (final) break;
      assert.match(await reason.innerText(), /^Suggested: (tests whether (Upstream|Downstream|every party accepts the text the answers point to) |an opening)/);
      version += 1;
      await med.getByRole('button', { name: `Circulate draft ${version}`, exact: true }).click();
      const responses = med.getByRole('region', { name: `Responses to draft ${version}` });
      await responses.getByText('straw poll complete (binds nobody)').waitFor();
    }
    assert.ok(final, 'the suggestions called the final vote');
    assert.match(await reason.innerText(), /^Call the final vote: /);
    await shot(med, 'desk-call-the-final-vote');
    version += 1;
    await panel.getByRole('button', { name: 'Call the final vote' }).click();
    await med.getByRole('heading', { name: `Agreement reached on draft ${version}` }).waitFor();
    await shot(med, 'desk-one-text-agreement');
    const n = await med.evaluate(async (nid) => (await fetch(`/api/negotiations/${nid}`)).json(), id);
    assert.equal(n.status, 'agreed');
    assert.equal(n.agreement_version, version);
    const d = n.drafts[version - 1];
    assert.equal(d.final_vote, true);
    const pick = (issue, names) => names.indexOf(d.clauses.find((c) => c.issue === issue).value);
    const o = [pick('summer_flow', ['half', 'two_thirds', 'full']), pick('dam', ['none', 'small', 'large']),
      pick('pollution', ['current', 'monitored', 'strict']), pick('payments', ['none', 'modest', 'full_cost'])];
    let best = 0;
    for (let k = 0; k < 81; k++) best = Math.max(best, riverNash([Math.floor(k / 27), Math.floor(k / 9) % 3, Math.floor(k / 3) % 3, k % 3]));
    const ratio = riverNash(o) / best;
    console.log(`one-text agreement ${JSON.stringify(o)} after ${version} drafts: ${ratio.toFixed(3)} of the Nash product`);
    assert.ok(ratio >= 0.95, `Nash ratio ${ratio} for ${JSON.stringify(o)}`);
    assert.deepEqual(med.errors || [], []);
  } finally {
    await browser.close();
    server.stop();
  }
});

test('one-text: a party answers straw polls with a comparison, then the final vote', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 90; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  try {
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await signUp(med, 'River mediator');
    await med.getByLabel('Scenario', { exact: true }).selectOption({ label: 'An uploaded scenario file' });
    await med.getByLabel('Scenario file (.toml)').setInputFiles(resolve(here, 'fixtures/river.toml'));
    await med.getByLabel('Rules').selectOption('one-text');
    await med.getByText('Drafts are straw polls that bind nobody; only the final vote, which you call, binds.').waitFor();
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    await med.getByRole('button', { name: 'Seat an agent in the Downstream seat' }).click();
    await med.getByRole('button', { name: 'Invite someone to the Upstream seat' }).click();
    const link = await med.getByRole('textbox', { name: 'Invitation link for Upstream' }).inputValue();
    const up = await openPage(browser, server.base);
    await up.goto(link);
    await up.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
    await signUp(up, 'Upstream delegate');
    await up.waitForURL(/\/negotiations\//);

    // Draft 1: a straw poll, with nothing before it to compare.
    await med.getByRole('button', { name: 'Circulate draft 1', exact: true }).click();
    await up.getByRole('heading', { name: /Current draft: 1/ }).waitFor();
    await up.getByText('Straw poll: this draft does not bind; only the final vote does.', { exact: false }).first().waitFor();
    assert.equal(await up.getByRole('group', { name: /Compared with draft/ }).count(), 0);
    await up.getByLabel('Accept the draft').check();
    await up.getByRole('button', { name: 'Send response' }).click();
    await up.getByText('You accepted this draft.').waitFor();
    // Every party accepted: the straw poll binds nobody, the negotiation goes on.
    await med.getByRole('region', { name: 'Responses to draft 1' }).getByText('straw poll complete (binds nobody)').waitFor();

    // Draft 2: the party also says how it compares with draft 1 (binary: better or worse).
    await med.getByRole('group', { name: 'Clause 2: Dam' }).getByLabel('Option').selectOption('large');
    await med.getByRole('button', { name: 'Circulate draft 2', exact: true }).click();
    await up.getByRole('heading', { name: /Current draft: 2/ }).waitFor();
    const compared = up.getByRole('group', { name: 'Compared with draft 1, this draft is' });
    await compared.waitFor();
    await up.getByLabel('Accept the draft').check();
    await up.getByRole('button', { name: 'Send response' }).click();
    await up.getByRole('alert').filter({ hasText: 'Say how this draft compares with draft 1.' }).waitFor();
    await compared.getByLabel('Better than draft 1').check();
    await shot(up, 'room-straw-poll-comparison');
    await up.getByRole('button', { name: 'Send response' }).click();
    await up.getByText('You found it better than draft 1.', { exact: false }).waitFor();
    await med.getByRole('region', { name: 'Responses to draft 2' }).getByText(/accepts the draft \(straw poll\); finds it better than draft 1/).waitFor();

    // The final vote: no comparison asked; the agent's rejection or acceptance decides with Upstream's.
    await med.getByLabel('Circulate as the final text: the final vote, which binds if every party accepts it').check();
    await med.getByRole('button', { name: 'Circulate draft 3 as the final text' }).click();
    await up.getByRole('heading', { name: /Current draft: 3/ }).waitFor();
    await up.getByText('Final vote: this text binds if every party accepts it.', { exact: false }).first().waitFor();
    assert.equal(await up.getByRole('group', { name: /Compared with draft/ }).count(), 0);
    await shot(up, 'room-final-vote');
    await up.getByLabel('Accept the draft').check();
    await up.getByRole('button', { name: 'Send response' }).click();
    await up.getByText('You accepted this draft.').waitFor();
    // Downstream's agent accepts the dam only if its walk-away point allows: either way the
    // text bound only if both accepted, and a failed final vote leaves the negotiation open.
    const n = await up.evaluate(async () => (await fetch(`/api/negotiations/${location.pathname.split('/').pop()}`)).json());
    const d3 = n.drafts[2];
    assert.equal(d3.final_vote, true);
    assert.equal(n.status, d3.status === 'accepted' ? 'agreed' : 'open');
    assert.deepEqual(up.errors || [], []);
    assert.deepEqual(med.errors || [], []);
  } finally {
    await browser.close();
    server.stop();
  }
});

test('phased texts: a phased draft circulated, answered, agreed; phase 1 completed; "move to phase 2" circulated', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  shotNo = 100; // after the other tests' numbering, also when this test runs alone
  const server = await startServer();
  const browser = await launch();
  try {
    const med = await openPage(browser, server.base);
    await med.goto('/');
    await signUp(med, 'Mediator Egypt');
    await med.getByLabel('Scenario', { exact: true }).selectOption('ceasefire-phased');
    await med.getByLabel('Title (optional)').fill('Phased talks');
    await med.getByRole('button', { name: 'Create negotiation' }).click();
    await med.waitForURL(/\/negotiations\//);
    const links = {};
    for (const seat of ['israel', 'hamas']) {
      await med.getByRole('button', { name: `Invite someone to the ${seat} seat` }).click();
      links[seat] = await med.getByRole('textbox', { name: `Invitation link for ${seat[0].toUpperCase()}${seat.slice(1)}` }).inputValue();
    }
    const isr = await openPage(browser, server.base);
    const ham = await openPage(browser, server.base);
    for (const [page, name, seat] of [[isr, 'Israel delegate', 'israel'], [ham, 'Hamas delegate', 'hamas']]) {
      await page.goto(links[seat]);
      await page.getByRole('heading', { name: 'You have been invited to a negotiation' }).waitFor();
      await signUp(page, name);
      await page.waitForURL(/\/negotiations\//);
      await page.getByRole('heading', { name: 'Your confidential preferences' }).waitFor();
    }
    const id = new URL(med.url()).pathname.split('/').pop();

    // ---- The desk drafts clauses grouped by phase; phase 2 is open, with agenda and trigger. ----
    const panel = med.getByRole('region', { name: 'Phased text' });
    const editor = panel.getByRole('form', { name: 'Draft a phased text' });
    await editor.getByRole('group', { name: 'Phase 2: phase 2' }).getByText('To be negotiated: Hostages, Ceasefire, Withdrawal; talks start from day 16 of phase 1.').waitFor();
    const p1 = editor.getByRole('group', { name: 'Phase 1: phase 1' });
    assert.equal(await p1.getByLabel('Hostages').inputValue(), 'some');
    assert.equal(await p1.getByLabel('Ceasefire').inputValue(), 'pause');
    await p1.getByLabel('Humanitarian').selectOption('expanded');
    await editor.scrollIntoViewIfNeeded();
    await shot(med, 'desk-phased-editor');
    await editor.getByRole('button', { name: 'Circulate phased draft 1' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 1' }).waitFor();
    await panel.getByRole('heading', { name: 'Draft 1 is a phased text' }).waitFor();

    // ---- Each room shows the draft by phase and what it is worth to that party. ----
    // Israel (trust 0.7): 0.3 x 0.6 (phase 1) + 0.7 x 0.68 (phase 2 open: its walk-away) = 0.656.
    // Hamas (trust 0.6): 0.4 x 0.19 + 0.6 x 0.30 = 0.256.
    for (const [page, figure] of [[isr, '0.656'], [ham, '0.256']]) {
      const room = page.getByRole('region', { name: 'Phased text' });
      await room.getByRole('heading', { name: 'Draft 1 is a phased text' }).waitFor();
      await room.getByText('To be negotiated: Hostages, Ceasefire, Withdrawal; talks start from day 16 of phase 1.').waitFor();
      assert.equal(await room.locator('.phased-utility').innerText(), figure);
      const api = await (await page.request.get(`/api/negotiations/${id}/seats/${page === isr ? 'israel' : 'hamas'}/phased-assessment`)).json();
      assert.equal(api.utility.toFixed(3), figure);
    }
    await isr.getByRole('region', { name: 'Phased text' }).scrollIntoViewIfNeeded();
    await shot(isr, 'room-israel-phased-draft');

    // ---- Answered as any draft; both accept: the agreement, phase 1 in force. ----
    for (const page of [isr, ham]) {
      await page.getByLabel('Accept the draft').check();
      await page.getByRole('button', { name: 'Send response' }).click();
    }
    for (const page of [med, isr, ham]) await page.getByRole('heading', { name: 'Agreement reached on draft 1' }).waitFor();
    const statuses = panel.getByRole('table', { name: 'Phase statuses' });
    await statuses.getByRole('row', { name: /Phase 1: phase 1 42 days in force/ }).waitFor();
    await statuses.getByRole('row', { name: /Phase 2: phase 2 42 days pending/ }).waitFor();
    // A party sees the statuses, without the mediators' buttons.
    const hamStatuses = ham.getByRole('region', { name: 'Phased text' }).getByRole('table', { name: 'Phase statuses' });
    await hamStatuses.getByRole('row', { name: /Phase 1: phase 1 42 days in force/ }).waitFor();
    assert.equal(await ham.getByRole('button', { name: /^Mark phase/ }).count(), 0);

    // ---- The mediator marks phase 1 completed; every seat sees it live. ----
    // Only what the rules allow is offered: phase 2 cannot be put in force before phase 1 is
    // completed, nor after (its terms are open: they are agreed by moving on).
    assert.equal(await panel.getByRole('button', { name: 'Mark phase 2 in force' }).count(), 0);
    await panel.getByRole('button', { name: 'Mark phase 1 completed' }).click();
    await statuses.getByRole('row', { name: /Phase 1: phase 1 42 days completed/ }).waitFor();
    await hamStatuses.getByRole('row', { name: /Phase 1: phase 1 42 days completed/ }).waitFor();
    assert.equal(await panel.getByRole('button', { name: /^Mark phase/ }).count(), 0);
    await panel.scrollIntoViewIfNeeded();
    await shot(med, 'desk-phase-1-completed');

    // ---- "Extend phase 1 or move to phase 2": the mediator moves on, filling phase 2. ----
    await panel.getByRole('button', { name: 'Extend phase 1' }).waitFor();
    await panel.getByRole('button', { name: 'Move to phase 2' }).click();
    const follow = panel.getByRole('form', { name: 'Move to phase 2: its clauses' });
    const p2 = follow.getByRole('group', { name: 'Phase 2: phase 2' });
    await p2.getByLabel('Hostages').selectOption('all');
    await p2.getByLabel('Ceasefire').selectOption('permanent');
    await p2.getByLabel('Withdrawal', { exact: true }).selectOption('full');
    // Phase 1 stays as agreed: its fields cannot be changed here.
    assert.equal(await follow.getByRole('group', { name: 'Phase 1: phase 1' }).getByLabel('Hostages').isDisabled(), true);
    await follow.scrollIntoViewIfNeeded();
    await shot(med, 'desk-move-to-phase-2');
    await follow.getByRole('button', { name: 'Circulate the follow-up: move to phase 2' }).click();
    await med.getByRole('heading', { name: 'Responses to draft 2' }).waitFor();
    await panel.getByRole('heading', { name: 'Draft 2 is a follow-up: move to phase 2' }).waitFor();
    await panel.getByText(/the agreed text of draft 1 stands until every party accepts the follow-up/).waitFor();
    // The parties answer it like any draft; Israel's figure: 0.3 x 0.6 + 0.7 x 0.75 = 0.705.
    const isrRoom = isr.getByRole('region', { name: 'Phased text' });
    await isrRoom.getByRole('heading', { name: 'Draft 2 is a follow-up: move to phase 2' }).waitFor();
    assert.equal(await isrRoom.locator('.phased-utility').innerText(), '0.705');
    await isrRoom.scrollIntoViewIfNeeded();
    await shot(isr, 'room-israel-follow-up');
    // Hamas proposes to change a clause of phase 2: an answer to a phased draft names its phase.
    const hamForm = ham.locator('form.respond');
    await hamForm.getByLabel('Propose an amendment to one clause').check();
    await hamForm.getByLabel('In phase').selectOption('phase 2');
    await hamForm.getByLabel('Clause to amend').selectOption('hostages');
    await hamForm.getByLabel('Proposed option').selectOption('some');
    await hamForm.getByRole('button', { name: 'Send response' }).click();
    await ham.getByText(/You proposed to amend Hostages in phase 2 to /).waitFor();
    await med.getByRole('region', { name: 'Responses to draft 2' }).getByText(/amend in phase 2 →/).waitFor();
    await shot(med, 'desk-amendment-in-phase-2');
    const view = await (await med.request.get(`/api/negotiations/${id}`)).json();
    assert.equal(view.status, 'open');
    assert.equal(view.agreement_version, 1);
    const phases = await (await med.request.get(`/api/negotiations/${id}/phases`)).json();
    assert.deepEqual(phases.drafts.map((d) => d.follow_up), [null, { kind: 'move_on', phase: 1 }]);
    assert.deepEqual(phases.statuses, ['completed', 'pending']);
    for (const page of [med, isr, ham]) assert.deepEqual(page.errors || [], [], 'script errors on a page');
  } finally {
    await browser.close();
    server.stop();
  }
});
