// The live connection to /v1/ws (see docs: agent WebSocket protocol). It
// reconnects with exponential backoff and jitter; every (re)connection starts
// with a "hello" carrying the agent's live pop-ups, so the cards resume.
import {base64url} from './format.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30000;

export class LiveConnection {
  // handlers: {state(name, info), message(msg), rejected()}
  //   state: "connecting" | "live" | "waiting" (info.delayMs until the next try)
  //   rejected: the socket closed before any hello (maybe a revoked token)
  constructor(token, handlers) {
    this.token = token;
    this.on = handlers;
    this.socket = null;
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) {
      const s = this.socket;
      this.socket = null;
      s.close(1000, 'signed out');
    }
  }

  // Skips the remaining wait (the agent clicked "retry now" or the tab came online).
  retryNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timer);
    this.open();
  }

  open() {
    this.on.state('connecting', {});
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket;
    try {
      socket = new WebSocket(scheme + '//' + location.host + '/v1/ws',
                             ['cti.v1', 'bearer.' + base64url(this.token)]);
    } catch {
      this.retryLater(false);
      return;
    }
    this.socket = socket;
    let greeted = false;
    socket.addEventListener('message', (ev) => {
      if (this.socket !== socket || typeof ev.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;  // not ours to understand
      }
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'hello') {
        greeted = true;
        this.failures = 0;
        this.on.state('live', {});
      }
      this.on.message(msg);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;  // replaced or stopped on purpose
      this.socket = null;
      if (this.stopped) return;
      this.retryLater(greeted);
    });
  }

  retryLater(wasLive) {
    if (!wasLive) {
      this.failures++;
      this.on.rejected();
    }
    if (this.stopped) return;
    // 0.5 s, 1 s, 2 s ... 30 s, each drawn in [50%, 100%] so that many panels
    // cut off together do not come back in lockstep.
    const base = wasLive ? FIRST_DELAY_MS : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.failures);
    const delayMs = Math.round(base * (0.5 + Math.random() / 2));
    this.on.state('waiting', {delayMs});
    this.timer = setTimeout(() => this.open(), delayMs);
  }
}
