// The agent panel: sign in with the agent token, then live call cards over
// /v1/ws, click-to-call and today's calls. Plain ES modules, no build step;
// the connector serves these files under a CSP that allows only its own
// scripts, so nothing here may be inline or evaluated from strings.
import {api, problemLines, setToken} from './api.js';
import {Cards} from './cards.js';
import {DialBox} from './dial.js';
import {LiveConnection} from './live.js';
import {TodayList} from './today.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'cti.token';  // sessionStorage: this tab only, gone when it closes
const AUTO_OPEN_KEY = 'cti.autoOpen';  // localStorage: a preference, not a secret
const AGENT_KEY = 'cti.agent';  // localStorage: the /dial page pre-fills it

let me = null;  // GET /v1/me
let live = null;
let skewMs = 0;  // server clock minus ours, from hello.server_time
let lost = false;  // the connection was live once and dropped

const cards = new Cards({
  container: $('cards'),
  template: $('card-tpl'),
  idle: $('idle'),
  autoOpen: () => $('autoopen').checked,
  openUrl: (url) => window.open(url, '_blank', 'noopener,noreferrer'),
  now: () => Date.now() + skewMs,
  createContact: (number, crm) => api('POST', '/v1/contacts', {number, crm}),
  problemLines,
});
const today = new TodayList({table: $('today'), empty: $('today-empty'), me: () => me});
new DialBox({
  form: $('c2c-form'),
  to: $('c2c-to'),
  purpose: $('c2c-purpose'),
  button: $('c2c-call'),
  result: $('c2c-result'),
  me: () => me,
});

function showConnection(state, info) {
  const conn = $('conn');
  conn.dataset.state = state;
  conn.textContent = {connecting: 'Connecting…', live: 'Live', waiting: 'Offline', off: ''}[state] || '';
  if (state === 'live') lost = false;
  if (state === 'waiting') lost = true;
  const banner = $('banner');
  banner.hidden = !lost;
  if (lost) {
    const secs = info && info.delayMs ? Math.ceil(info.delayMs / 1000) : 0;
    banner.textContent = state === 'waiting' && secs > 1
        ? 'Connection lost. Reconnecting in ' + secs + ' s…'
        : 'Reconnecting…';
  }
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello': {
      const t = Date.parse(msg.server_time || '');
      skewMs = isNaN(t) ? 0 : t - Date.now();
      cards.reset(msg.popups);
      today.refreshSoon();
      break;
    }
    case 'screen_pop':
      cards.pop(msg);
      break;
    case 'call_update':
      cards.update(msg);
      if (msg.event === 'call.ended') {
        today.ended(msg.call);
        today.refreshSoon();
      }
      break;
    default:
      break;  // newer server messages: ignored
  }
}

// The socket closed before its hello: if the token itself is refused now,
// sign out instead of retrying forever.
async function checkToken() {
  try {
    const res = await api('GET', '/v1/me');
    if (res.status === 401) signOut('Your token is no longer accepted. Sign in again.');
  } catch {
    // Offline: keep retrying.
  }
}

function showSignin(error) {
  $('signin').hidden = false;
  $('panel').hidden = true;
  $('signout').hidden = true;
  $('me').textContent = '';
  $('signin-error').textContent = error || '';
  $('token').value = '';
  showConnection('off');
}

function showPanel() {
  $('signin').hidden = true;
  $('panel').hidden = false;
  $('signout').hidden = false;
  $('signin-error').textContent = '';
  $('me').textContent = (me.name || me.agent) + (me.extension ? ' · ext. ' + me.extension : '');
  $('c2c').hidden = me.click_to_call !== true;
}

async function signIn(token, saved) {
  setToken(token);
  let res;
  try {
    res = await api('GET', '/v1/me');
  } catch {
    showSignin('The connector did not answer. Try again in a moment.');
    return;
  }
  if (res.status !== 200 || !res.body || !res.body.agent) {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken('');
    let why;
    if (res.status === 401) why = saved ? 'Your token is no longer accepted. Sign in again.' : 'This token was not accepted.';
    else if (res.status === 200 || res.status === 403) why = 'This is not an agent token. Sign in with your own agent token.';
    else why = problemLines(res).join('\n');
    showSignin(why);
    return;
  }
  me = res.body;
  sessionStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(AGENT_KEY, String(me.agent));
  showPanel();
  live = new LiveConnection(token, {
    state: showConnection,
    message: onMessage,
    rejected: checkToken,
  });
  live.start();
  today.refresh();
}

function signOut(reason) {
  if (live) live.stop();
  live = null;
  me = null;
  lost = false;
  cards.clear();
  today.clear();
  sessionStorage.removeItem(TOKEN_KEY);
  setToken('');
  showSignin(reason);
}

$('signin').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token').value.trim();
  if (token) signIn(token, false);
});
$('signout').addEventListener('click', () => signOut(''));
$('today-refresh').addEventListener('click', () => today.refresh());
$('autoopen').checked = localStorage.getItem(AUTO_OPEN_KEY) === '1';
$('autoopen').addEventListener('change', () => {
  localStorage.setItem(AUTO_OPEN_KEY, $('autoopen').checked ? '1' : '0');
});
window.addEventListener('online', () => {
  if (live) live.retryNow();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved, true);
else showSignin('');
