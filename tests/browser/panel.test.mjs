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
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

import {AmiGate, isRingingFrame} from './support/ami_gate.mjs';
import {CrmPage} from './support/crm_page.mjs';
import {Child, waitForPortFile} from './support/processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CALLER = '+34912345678';
const CARD_BUDGET_MS = 1000;
const TEST_TIMEOUT_MS = 120000;
const AMI_SECRET = 'browser-ami-secret';
const TOKENS = {
  integration: 'browser-integration-token-0123456789',
  ana: 'browser-ana-token-0123456789abcdef',
  ben: 'browser-ben-token-0123456789abcdef',
};

function args() {
  const out = {
    binDir: path.resolve(here, '../../build'),
    fixtures: path.resolve(here, '../fixtures'),
    artifacts: null,
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = {'--bin-dir': 'binDir', '--fixtures': 'fixtures', '--artifacts': 'artifacts'}[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`usage: panel.test.mjs [--bin-dir D] [--fixtures D] [--artifacts D], got ${argv[i]}`);
    out[key] = path.resolve(argv[i + 1]);
  }
  out.artifacts ??= path.join(out.binDir, 'test-artifacts');
  return out;
}

function loadPlaywright() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/bootstrap`);
  try {
    return createRequire(path.join(here, '../node/package.json'))('playwright-core');
  } catch {
    throw new Error('playwright-core is missing from tests/node/node_modules: run scripts/bootstrap');
  }
}

const check = (ok, message) => {
  if (!ok) throw new Error(message);
};

// A loopback port free right now: the connector is restarted on the same
// one, so that the page (same origin) can reconnect to it.
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

function writeConfig(dir, amiPort, crm, frameAncestors = ["'none'"], apiPort = 0) {
  const config = {
    pbx: [{type: 'ami', name: 'main', host: '127.0.0.1', port: amiPort, username: 'cti', secret: AMI_SECRET,
           backoff_initial_ms: 50, backoff_max_ms: 200}],
    agents: [
      {id: 'ana', extension: '1001', name: 'Ana', token: TOKENS.ana},
      {id: 'ben', extension: '1002', name: 'Ben', token: TOKENS.ben},
    ],
    numbers: {default_region: 'ES'},
    crm,
    store: {path: path.join(dir, 'cti.db')},
    api: {listen: `127.0.0.1:${apiPort}`, tokens: [TOKENS.integration], frame_ancestors: frameAncestors},
    log: {level: 'debug'},
  };
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

// A "directory" CRM (contacts from a CSV) when this build has it: two
// contacts share the caller's number, and the newer one's name carries
// markup that must show as text.
const CONTACT_NAME = 'Lucía <img src=x onerror=alert(1)> Fernández';
async function directoryCrm(opts, dir) {
  const csv = path.join(dir, 'contacts.csv');
  fs.writeFileSync(csv, [
    'id,name,company,phone,updated_at',
    `c-001,"${CONTACT_NAME}",Acme Logística,+34 912 345 678,2026-11-02T09:15:00Z`,
    'c-002,Old Duplicate,Acme,912345678,2025-01-01T00:00:00Z',
    '',
  ].join('\n'));
  const crm = [{type: 'directory', name: 'dir', file: csv, url_template: 'https://crm.example.test/contacts/{id}'}];
  const file = writeConfig(dir, 1, crm);
  const probe = new Child('check-config', [path.join(opts.binDir, 'cti-connector'), 'check-config', '--config', file], dir);
  const {code} = await probe.exit;
  if (code === 0) return crm;
  const why = fs.readFileSync(probe.err, 'utf8') + fs.readFileSync(probe.out, 'utf8');
  if (!/crm\[0\]\.type/.test(why)) throw new Error(`check-config refused the directory CRM:\n${why}`);
  return null;
}

async function signIn(context, who, base, problems) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403)/.test(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${who} script error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${who} dialog opened (injected script?): ${d.message()}`);
    d.dismiss();
  });
  await page.goto(base + '/');
  await page.fill('#token', TOKENS[who]);
  await page.click('#signin button[type=submit]');
  await page.locator('#panel:not([hidden]), #signin-error:not(:empty)').first().waitFor({timeout: 10000});
  const refused = await page.textContent('#signin-error');
  check(!refused, `${who}: sign-in refused: ${refused}`);
  await page.waitForSelector('#conn[data-state="live"]', {timeout: 10000});
  const me = await page.textContent('#me');
  check(me.includes(who === 'ana' ? 'ext. 1001' : 'ext. 1002'), `${who}: #me shows "${me}"`);
  return page;
}

// Waits for the card of the caller and returns how long after the ringing
// frame it appeared (the page stamps data-shown-at when it inserts a card).
async function cardLatency(page, who, gate, extension) {
  const card = page.locator('.card', {has: page.locator('.caller', {hasText: CALLER})});
  await card.waitFor({state: 'visible', timeout: 30000});
  const shownAt = Number(await card.getAttribute('data-shown-at'));
  const frame = await gate.waitFor(isRingingFrame(extension), `ringing ${extension}`, 1000);
  const ms = shownAt - frame.at;
  check(ms < CARD_BUDGET_MS, `${who}: card appeared ${ms} ms after the ringing frame (budget ${CARD_BUDGET_MS} ms)`);
  return {card, ms};
}

// Everything the test started, so that a failure, the deadline or a signal
// (ctest's timeout) stops it all.
const run = {dir: null, artifacts: null, children: [], browser: null, gate: null, crmPage: null, ok: false};

async function cleanup() {
  const {children, browser, gate, crmPage, dir} = run;
  run.children = [];
  if (browser) await browser.close().catch(() => {});
  if (gate) gate.close();
  if (crmPage) crmPage.close();
  for (const c of children.reverse()) await c.stop();
  if (!dir) return;
  if (run.ok) {
    fs.rmSync(dir, {recursive: true, force: true});
  } else {
    for (const c of children) console.error(`--- ${c.name} stderr (tail)\n${c.stderrTail()}`);
    console.error(`kept ${dir} for inspection`);
  }
}

async function test(opts, chromium) {
  fs.mkdirSync(opts.artifacts, {recursive: true});
  run.artifacts = opts.artifacts;
  const dir = (run.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cti-browser-')));
  const children = run.children;
  const problems = [];
  const crm = await directoryCrm(opts, dir);
  if (!crm) console.log('note: this build has no "directory" CRM; the contact name is not checked');

  const ami = new Child('ami', [path.join(opts.binDir, 'ami-replay-server'), '--listen', '127.0.0.1:0',
                                '--secret', AMI_SECRET, '--port-file', path.join(dir, 'ami.port'), '--speed', '1',
                                path.join(opts.fixtures, 'ami', 'd_queue_answered.ami')], dir);
  children.push(ami);
  const gate = (run.gate = new AmiGate(await waitForPortFile(path.join(dir, 'ami.port'), ami)));
  const crmPage = (run.crmPage = new CrmPage());
  const crmOrigin = 'http://127.0.0.1:' + (await crmPage.listen());
  const config = writeConfig(dir, await gate.listen(), crm || [], [crmOrigin], await freePort());
  const startConnector = async (name) => {
    const portFile = path.join(dir, `${name}.port`);
    const child = new Child(name, [path.join(opts.binDir, 'cti-connector'), 'run', '--config', config,
                                   '--api-port-file', portFile], dir);
    children.push(child);
    return {child, base: 'http://127.0.0.1:' + (await waitForPortFile(portFile, child))};
  };
  const {child: connector, base} = await startConnector('connector');
  crmPage.panelUrl = base + '/';

  const userDataDir = path.join(dir, 'chromium-profile');
  const browser = (run.browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    viewport: {width: 480, height: 760},
  }));
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
  await ben.screenshot({path: path.join(opts.artifacts, 'panel-ringing.png')});

  // ana answers: ben's card closes (ringing_stopped), ana's shows the call.
  await benCard.card.waitFor({state: 'detached', timeout: 15000});
  await ana.locator('.card[data-state="answered"]', {hasText: CALLER}).waitFor({timeout: 15000});
  await ana.screenshot({path: path.join(opts.artifacts, 'panel-answered.png')});
  await anaCard.card.waitFor({state: 'detached', timeout: 20000});
  const row = ana.locator('#today tbody tr', {hasText: CALLER});
  await row.first().waitFor({timeout: 10000});
  const rowText = await row.first().textContent();
  check(rowText.includes('Answered'), `ana: today's list shows "${rowText}"`);
  await ana.screenshot({path: path.join(opts.artifacts, 'panel-ended.png')});
  await checkFraming(browser, crmOrigin, crmOrigin.replace('127.0.0.1', 'localhost'));

  // The connector restarts: the banner says so, and the panel comes back by itself.
  await connector.stop();
  await ana.locator('#banner:not([hidden])').waitFor({timeout: 10000});
  await ana.screenshot({path: path.join(opts.artifacts, 'panel-reconnecting.png')});
  const restarted = await startConnector('connector-restarted');
  check(restarted.base === base, `the connector came back on ${restarted.base}, not ${base}`);
  await ana.locator('#conn[data-state="live"]').waitFor({timeout: 40000});
  check(await ana.locator('#banner').isHidden(), 'the reconnect banner stayed after reconnecting');
  // The banner's "Reconnecting" and the page's failed socket attempts are expected here.
  problems.splice(0, problems.length, ...problems.filter((p) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(p)));
  check(problems.length === 0, 'page problems:\n' + problems.join('\n'));

  const timing = {at: new Date().toISOString(), ben_card_ms: benCard.ms, ana_card_ms: anaCard.ms, contact: !!crm};
  fs.appendFileSync(path.join(opts.artifacts, 'panel-timings.jsonl'), JSON.stringify(timing) + '\n');
  console.log(`PASS card after ringing frame: ben ${benCard.ms} ms, ana ${anaCard.ms} ms`);
  run.ok = true;
}

// api.frame_ancestors lists the CRM's origin: the panel loads in its iframe
// there, and the same page from another origin (localhost) gets nothing.
async function checkFraming(context, allowed, other) {
  const page = await context.newPage();
  await page.goto(allowed + '/');
  const frame = page.frameLocator('#panel');
  await frame.locator('#signin').waitFor({timeout: 10000});
  await page.screenshot({path: path.join(run.artifacts, 'panel-in-crm.png')});
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

async function main() {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the test did not finish within ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
  });
  try {
    const opts = args();
    const {chromium} = loadPlaywright();
    await Promise.race([test(opts, chromium), deadline]);
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`FAIL: stopped by ${signal}`);
    cleanup().finally(() => process.exit(1));
  });
}
main().then(() => process.exit(0), (err) => {
  console.error('FAIL:', err && err.message ? err.message : err);
  process.exit(1);
});
