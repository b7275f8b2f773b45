// The click-to-call box: POST /v1/calls for the signed-in agent. Refusals
// (the dialing policy's 403 reasons) are shown as the plain sentences the
// connector wrote.
import {api, problemLines} from './api.js';

export class DialBox {
  // opts: {form, to, purpose, button, result, me: () => {agent}}
  constructor(opts) {
    this.o = opts;
    opts.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.call();
    });
  }

  say(cls, text) {
    this.o.result.className = cls;
    this.o.result.textContent = text;
  }

  async call() {
    const me = this.o.me();
    const to = this.o.to.value.trim();
    if (!me || !to) return;
    this.o.button.disabled = true;
    this.say('', 'Calling…');
    try {
      const res = await api('POST', '/v1/calls', {to, agent: me.agent, purpose: this.o.purpose.value});
      if (res.status === 202) {
        const shown = res.body && res.body.caller_id_presented;
        this.say('ok', 'Your phone rings first; pick it up to reach ' + to + '.' +
            (shown ? ' The customer sees ' + shown + '.' : ''));
      } else if (res.status === 403 && res.body && Array.isArray(res.body.reasons)) {
        this.say('denied', ['This call is not allowed:', ...problemLines(res).map((l) => '• ' + l)].join('\n'));
      } else if (res.status === 401) {
        this.say('denied', 'Your token is no longer accepted. Sign out and sign in again.');
      } else {
        const lines = problemLines(res);
        if (res.status === 503) lines.push('Try again in a few seconds.');
        this.say('denied', lines.join('\n'));
      }
    } catch (err) {
      this.say('denied', 'The connector did not answer. Check your connection and try again.');
    } finally {
      this.o.button.disabled = false;
    }
  }
}
