// Browser test of the agent panel (issue 5, "Browser"): Debian's chromium,
// driven by playwright-core, against the REAL connector fed by the REAL AMI
// replay server (d_queue_answered: a queue call ringing ana/1001 and
// ben/1002; ana answers, so ben's ringing stops).
//
//   node tests/browser/panel.test.mjs --bin-dir build --fixtures tests/fixtures \
//        --artifacts build/test-artifacts
//
// It signs both agents in, opens the AMI gate, and checks: each card shows
// the caller within 1 s of the ringing frame leaving the replay server; ben's
// card closes on call.ringing_stopped; ana's turns "On call", closes on
// call.ended, and the call appears in her today's list as answered. With a
// "directory" CRM in the build: contact name (markup shown as text), the
// ambiguity notice, the CRM link, and ana's CRM tab opened by itself. No CSP
// violation or script error may happen. Screenshots: <artifacts>/panel-*.png;
// timings appended to <artifacts>/panel-timings.jsonl. Exit status 0 = pass.
import fs from 'node:fs';
import path from 'node:path';

import {CrmPage} from './support/crm_page.mjs';
import {CALLER, cardLatency, check, freePort, main, signIn, writeConfig} from './support/harness.mjs';

const TEST_TIMEOUT_MS = 120000;

// A "directory" CRM (contacts from a CSV) when this build has it: two
// contacts share the caller's number, and the newer one's name carries
// markup that must show as text.
const CONTACT_NAME = 'Lucía <img src=x onerror=alert(1)> Fernández';
async function directoryCrm(run) {
  const dir = run.dir;
  const csv = path.join(dir, 'contacts.csv');
  fs.writeFileSync(csv, [
    'id,name,company,phone,updated_at',
    `c-001,"${CONTACT_NAME}",Acme Logística,+34 912 345 678,2026-11-02T09:15:00Z`,
    'c-002,Old Duplicate,Acme,912345678,2025-01-01T00:00:00Z',
    '',
  ].join('\n'));
  const crm = [{type: 'directory', name: 'dir', file: csv, url_template: 'https://crm.example.test/contacts/{id}'}];
  const file = writeConfig(dir, {amiPort: 1, crm});
  const probe = run.child('check-config', [run.bin('cti-connector'), 'check-config', '--config', file]);
  const {code} = await probe.exit;
  if (code === 0) return crm;
  const why = fs.readFileSync(probe.err, 'utf8') + fs.readFileSync(probe.out, 'utf8');
  if (!/crm\[0\]\.type/.test(why)) throw new Error(`check-config refused the directory CRM:\n${why}`);
  return null;
}

async function test(run, chromium) {
  const problems = [];
  const crm = await directoryCrm(run);
  if (!crm) console.log('note: this build has no "directory" CRM; the contact name is not checked');

  const {gate, port: amiPort} = await run.startAmi('d_queue_answered');
  const crmPage = new CrmPage();
  run.closables.push(crmPage);
  const crmOrigin = 'http://127.0.0.1:' + (await crmPage.listen());
  const config = writeConfig(run.dir, {amiPort, crm: crm || [], frameAncestors: [crmOrigin], apiPort: await freePort()});
  const {child: connector, base} = await run.startConnector('connector', config);
  crmPage.panelUrl = base + '/';

  const browser = await run.launchBrowser(chromium);
  const ben = await signIn(browser, 'ben', base, problems);
  const ana = await signIn(browser, 'ana', base, problems);
  // ana asks for the CRM record to open by itself (a local stand-in answers it).
  const crmUrl = 'https://crm.example.test/contacts/c-001';
  await browser.route('https://crm.example.test/**', (r) => r.fulfill({body: 'CRM record', contentType: 'text/plain'}));
  await ana.check('#autoopen');
  const popup = crm ? browser.waitForEvent('page', {timeout: 30000}) : null;
  const tabs = browser.pages().length;

  gate.open();  // the replay starts once the connector reconnects through it
  const [benCard, anaCard] = await Promise.all([
    cardLatency(ben, 'ben', gate, '1002'),
    cardLatency(ana, 'ana', gate, '1001'),
  ]);
  if (crm) {
    const name = await benCard.card.locator('.name').textContent();
    check(name === CONTACT_NAME, `ben: contact name "${name}", expected "${CONTACT_NAME}"`);
    check(await benCard.card.locator('img').count() === 0, 'ben: the contact name became markup');
    await benCard.card.locator('.ambiguous:not([hidden])').waitFor({timeout: 5000});
    const link = await benCard.card.locator('.crm-link').getAttribute('href');
    check(link === crmUrl, `ben: CRM link ${link}`);
    const opened = await popup;
    await opened.waitForURL(crmUrl, {timeout: 5000});
    check(await opened.evaluate(() => window.opener === null), 'the CRM record was opened with an opener');
    check(browser.pages().length === tabs + 1, `${browser.pages().length - tabs} CRM tabs opened, expected 1 (ana's)`);
  } else {
    const lookup = await benCard.card.getAttribute('data-lookup');
    check(['skipped', 'done', 'pending', 'timeout', 'failed'].includes(lookup), `ben: lookup state "${lookup}"`);
  }
  check((await benCard.card.locator('.queue').textContent()).includes('sales'), 'ben: the card does not name the queue');
  await run.screenshot(ben, 'panel-ringing.png');

  // ana answers: ben's card closes (ringing_stopped), ana's shows the call.
  await benCard.card.waitFor({state: 'detached', timeout: 15000});
  await ana.locator('.card[data-state="answered"]', {hasText: CALLER}).waitFor({timeout: 15000});
  await run.screenshot(ana, 'panel-answered.png');
  await anaCard.card.waitFor({state: 'detached', timeout: 20000});
  const row = ana.locator('#today tbody tr', {hasText: CALLER});
  await row.first().waitFor({timeout: 10000});
  const rowText = await row.first().textContent();
  check(rowText.includes('Answered'), `ana: today's list shows "${rowText}"`);
  await run.screenshot(ana, 'panel-ended.png');
  await checkFraming(run, browser, crmOrigin, crmOrigin.replace('127.0.0.1', 'localhost'));

  // The connector restarts: the banner says so, and the panel comes back by itself.
  await connector.stop();
  await ana.locator('#banner:not([hidden])').waitFor({timeout: 10000});
  await run.screenshot(ana, 'panel-reconnecting.png');
  const restarted = await run.startConnector('connector-restarted', config);
  check(restarted.base === base, `the connector came back on ${restarted.base}, not ${base}`);
  await ana.locator('#conn[data-state="live"]').waitFor({timeout: 40000});
  check(await ana.locator('#banner').isHidden(), 'the reconnect banner stayed after reconnecting');
  // The banner's "Reconnecting" and the page's failed socket attempts are expected here.
  problems.splice(0, problems.length, ...problems.filter((p) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(p)));
  check(problems.length === 0, 'page problems:\n' + problems.join('\n'));

  const timing = {at: new Date().toISOString(), ben_card_ms: benCard.ms, ana_card_ms: anaCard.ms, contact: !!crm};
  fs.appendFileSync(path.join(run.opts.artifacts, 'panel-timings.jsonl'), JSON.stringify(timing) + '\n');
  console.log(`PASS card after ringing frame: ben ${benCard.ms} ms, ana ${anaCard.ms} ms`);
}

// api.frame_ancestors lists the CRM's origin: the panel loads in its iframe
// there, and the same page from another origin (localhost) gets nothing.
async function checkFraming(run, context, allowed, other) {
  const page = await context.newPage();
  await page.goto(allowed + '/');
  const frame = page.frameLocator('#panel');
  await frame.locator('#signin').waitFor({timeout: 10000});
  await run.screenshot(page, 'panel-in-crm.png');
  const blocked = new Promise((resolve) => {
    page.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) resolve(true);
    });
  });
  await page.goto(other + '/');
  const refused = await Promise.race([blocked, page.waitForTimeout(5000).then(() => false)]);
  check(refused, `the panel did not refuse to be framed by ${other}`);
  check(await page.frameLocator('#panel').locator('#signin').count() === 0, `the panel rendered inside ${other}`);
  await page.close();
}

main('panel.test.mjs', test, TEST_TIMEOUT_MS);
