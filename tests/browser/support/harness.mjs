// What every browser scenario shares: command line, the real connector and
// AMI replay server as children, Debian's chromium via playwright-core,
// agent sign-in, the card-latency measure, and a main() that stops it all on
// failure, deadline or signal (ctest's timeout).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

import {AmiGate, isRingingFrame} from './ami_gate.mjs';
import {Child, waitForPortFile} from './processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
export const CALLER = '+34912345678';  // the caller in every inbound/queue capture
export const CARD_BUDGET_MS = 1000;
const AMI_SECRET = 'browser-ami-secret';
export const TOKENS = {
  integration: 'browser-integration-token-0123456789',
  ana: 'browser-ana-token-0123456789abcdef',
  ben: 'browser-ben-token-0123456789abcdef',
};

export const check = (ok, message) => {
  if (!ok) throw new Error(message);
};

function parseArgs(script) {
  const out = {
    binDir: path.resolve(here, '../../../build'),
    fixtures: path.resolve(here, '../../fixtures'),
    artifacts: null,
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = {'--bin-dir': 'binDir', '--fixtures': 'fixtures', '--artifacts': 'artifacts'}[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`usage: ${script} [--bin-dir D] [--fixtures D] [--artifacts D], got ${argv[i]}`);
    out[key] = path.resolve(argv[i + 1]);
  }
  out.artifacts ??= path.join(out.binDir, 'test-artifacts');
  return out;
}

function loadPlaywright() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/bootstrap`);
  try {
    return createRequire(path.join(here, '../../node/package.json'))('playwright-core');
  } catch {
    throw new Error('playwright-core is missing from tests/node/node_modules: run scripts/bootstrap');
  }
}

// A loopback port free right now: the connector is restarted on the same
// one, so that the page (same origin) can reconnect to it.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function writeConfig(dir, {amiPort, crm = [], frameAncestors = ["'none'"], apiPort = 0}) {
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

// Signs `who` in on a new page; console errors (bar the 401/403 a refused
// sign-in logs), script errors and dialogs go to `problems`. A console error
// names its URL, so a scenario can forgive exactly the refusal it provoked.
export async function signIn(context, who, base, problems) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403)/.test(m.text())) {
      problems.push(`${who} console: ${m.text()} (${m.location().url || 'no url'})`);
    }
  });
  page.on('pageerror', (e) => problems.push(`${who} script error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${who} dialog opened (injected script?): ${d.message()}`);
    d.dismiss();
  });
  watchSockets(page);
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

// The JSON messages the connector sent to a page's WebSockets, so that a
// test can wait for a push (not only for what the page made of it).
const sockets = new WeakMap();  // page -> {messages, waiters}
function watchSockets(page) {
  const log = {messages: [], waiters: []};
  sockets.set(page, log);
  page.on('websocket', (ws) => ws.on('framereceived', ({payload}) => {
    let m;
    try {
      m = JSON.parse(payload);
    } catch {
      return;
    }
    log.messages.push(m);
    log.waiters = log.waiters.filter((w) => !(w.match(m) && (clearTimeout(w.timer), w.resolve(m), true)));
  }));
}

// The first message (already received or still to come) that `match`es.
export function waitForMessage(page, match, what, timeoutMs) {
  const log = sockets.get(page);
  const seen = log.messages.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const w = {match, resolve};
    w.timer = setTimeout(() => reject(new Error(`no WebSocket message ${what} within ${timeoutMs} ms`)), timeoutMs);
    log.waiters.push(w);
  });
}

// Waits for the card of the caller and returns how long after the ringing
// frame it appeared (the page stamps data-shown-at when it inserts a card).
export async function cardLatency(page, who, gate, extension) {
  const card = page.locator('.card', {has: page.locator('.caller', {hasText: CALLER})});
  await card.waitFor({state: 'visible', timeout: 30000});
  const shownAt = Number(await card.getAttribute('data-shown-at'));
  const frame = await gate.waitFor(isRingingFrame(extension), `ringing ${extension}`, 1000);
  const ms = shownAt - frame.at;
  check(ms < CARD_BUDGET_MS, `${who}: card appeared ${ms} ms after the ringing frame (budget ${CARD_BUDGET_MS} ms)`);
  return {card, ms};
}

// Polls `probe` (async, truthy = done) until it holds: for state only
// reachable by asking (the connector's outbox), with a deadline.
export async function waitUntil(probe, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));  // the pace of the polling, not a synchronisation
  }
}

// Everything one scenario started, so that cleanup() stops it all; the
// temporary directory is kept (and the children's stderr printed) on failure.
export class Run {
  constructor(opts) {
    this.opts = opts;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cti-browser-'));
    this.children = [];
    this.closables = [];  // servers of the test: .close()
    this.browser = null;
    this.ok = false;
    fs.mkdirSync(opts.artifacts, {recursive: true});
  }

  bin(name) {
    return path.join(this.opts.binDir, name);
  }

  child(name, argv) {
    const c = new Child(name, argv, this.dir);
    this.children.push(c);
    return c;
  }

  // The replay server for one capture, behind a closed gate (see AmiGate).
  async startAmi(capture) {
    const portFile = path.join(this.dir, 'ami.port');
    const ami = this.child('ami', [this.bin('ami-replay-server'), '--listen', '127.0.0.1:0', '--secret', AMI_SECRET,
                                   '--port-file', portFile, '--speed', '1',
                                   path.join(this.opts.fixtures, 'ami', `${capture}.ami`)]);
    const gate = new AmiGate(await waitForPortFile(portFile, ami));
    this.closables.push(gate);
    return {gate, port: await gate.listen()};
  }

  async startConnector(name, config) {
    const portFile = path.join(this.dir, `${name}.port`);
    const child = this.child(name, [this.bin('cti-connector'), 'run', '--config', config, '--api-port-file', portFile]);
    return {child, base: 'http://127.0.0.1:' + (await waitForPortFile(portFile, child))};
  }

  async launchBrowser(chromium) {
    this.browser = await chromium.launchPersistentContext(path.join(this.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync'],
      viewport: {width: 480, height: 760},
    });
    return this.browser;
  }

  screenshot(page, name) {
    return page.screenshot({path: path.join(this.opts.artifacts, name)});
  }

  async cleanup() {
    const {children, browser} = this;
    this.children = [];
    this.browser = null;
    if (browser) await browser.close().catch(() => {});
    for (const c of this.closables.splice(0)) c.close();
    for (const c of children.reverse()) await c.stop();
    if (this.ok) {
      fs.rmSync(this.dir, {recursive: true, force: true});
    } else {
      for (const c of children) console.error(`--- ${c.name} stderr (tail)\n${c.stderrTail()}`);
      console.error(`kept ${this.dir} for inspection`);
    }
  }
}

// Runs `scenario(run, chromium)` under a deadline; exit status 0 = pass.
export function main(script, scenario, timeoutMs) {
  let run = null;
  let stopping = null;
  const stop = () => (stopping ??= run ? run.cleanup() : Promise.resolve());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`FAIL: stopped by ${signal}`);
      stop().finally(() => process.exit(1));
    });
  }
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the test did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  const body = async () => {
    const opts = parseArgs(script);
    const {chromium} = loadPlaywright();
    run = new Run(opts);
    await scenario(run, chromium);
    run.ok = true;
  };
  Promise.race([body(), deadline]).finally(() => {
    clearTimeout(timer);
    return stop();
  }).then(() => process.exit(0), (err) => {
    console.error('FAIL:', err && err.message ? err.message : err);
    process.exit(1);
  });
}
