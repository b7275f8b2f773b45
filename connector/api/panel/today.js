// Today's calls of the signed-in agent, newest first, with their outcome.
// Filled from GET /v1/calls, and at once from the final record a call.ended
// message carries (the store may commit it a moment later than the push).
import {api} from './api.js';
import {clock, customerNumber, directionText, dispositionText, duration, localMidnight} from './format.js';

export class TodayList {
  // opts: {table, empty, me: () => {agent, extension}}
  constructor(opts) {
    this.o = opts;
    this.pending = null;
    this.calls = new Map();  // call_id -> record
  }

  clear() {
    this.calls.clear();
    this.show();
  }

  // A call that ended now: shown without waiting for the next refresh.
  ended(call) {
    if (!call || typeof call.call_id !== 'string' || !this.isMine(call)) return;
    this.calls.set(call.call_id, call);
    this.show();
  }

  // Several "call ended" messages in a row cause one request.
  refreshSoon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.refresh();
    }, 300);
  }

  async refresh() {
    const since = encodeURIComponent(localMidnight());
    let res;
    try {
      res = await api('GET', '/v1/calls?since=' + since + '&limit=100');
    } catch {
      return;  // offline: the reconnect indicator already says so
    }
    if (res.status !== 200 || !res.body || !Array.isArray(res.body.calls)) return;
    const fresh = new Map();
    for (const c of res.body.calls) {
      if (!c || typeof c.call_id !== 'string' || !this.isMine(c)) continue;
      // A record we already hold as ended beats a stored one still live.
      const known = this.calls.get(c.call_id);
      fresh.set(c.call_id, known && known.ended_at && !c.ended_at ? known : c);
    }
    const midnight = Date.parse(localMidnight());
    for (const [id, c] of this.calls)
      if (!fresh.has(id) && Date.parse(c.started_at || '') >= midnight) fresh.set(id, c);
    this.calls = fresh;
    this.show();
  }

  // Call records name agents by extension; accept the agent id too.
  isMine(call) {
    const me = this.o.me();
    if (!me) return false;
    const ids = [me.extension, me.agent].filter(Boolean);
    const agents = Array.isArray(call.agents) ? call.agents : [];
    return ids.includes(call.agent) || agents.some((a) => ids.includes(a));
  }

  show() {
    const calls = [...this.calls.values()];
    calls.sort((a, b) => String(b.started_at || '').localeCompare(String(a.started_at || '')));
    const body = this.o.table.tBodies[0];
    body.replaceChildren();
    for (const c of calls) {
      const tr = document.createElement('tr');
      tr.dataset.callId = String(c.call_id || '');
      const cells = [
        clock(c.started_at),
        directionText(c.direction),
        customerNumber(c) || '—',
        dispositionText(c.disposition),
        c.talk_s ? duration(c.talk_s) : '',
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      if (c.disposition) tr.cells[3].className = String(c.disposition).replace(/[^a-z]/g, '');
      body.append(tr);
    }
    this.o.table.hidden = calls.length === 0;
    this.o.empty.hidden = calls.length !== 0;
  }
}
