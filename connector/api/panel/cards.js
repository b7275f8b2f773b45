// Live call cards, one per call_id, built from the card template. Every
// value from a message is set with textContent or as a checked http(s) href:
// caller ids and CRM fields come from outside and are never parsed as HTML.
import {clock, customerNumber, dispositionText, duration, safeUrl} from './format.js';

const STATE_TEXT = {ringing: 'Ringing', answered: 'On call', held: 'On hold'};
const LOOKUP_TEXT = {
  pending: 'Looking the caller up…',
  timeout: 'The CRM is slow to answer; still looking…',
  failed: 'The CRM lookup failed.',
};

export class Cards {
  // opts: {container, template, idle, autoOpen: () => bool, openUrl(url), now: () => ms}
  constructor(opts) {
    this.o = opts;
    this.cards = new Map();  // call_id -> {el, call, opened}
    this.tick = setInterval(() => this.updateTimers(), 1000);
  }

  // hello: the pop-ups live now replace whatever was shown before.
  reset(popups) {
    const keep = new Set();
    for (const p of popups || []) {
      if (p && p.call && p.call.call_id) keep.add(p.call.call_id);
    }
    for (const id of [...this.cards.keys()]) if (!keep.has(id)) this.remove(id);
    for (const p of popups || []) this.pop(p);
  }

  clear() {
    for (const id of [...this.cards.keys()]) this.remove(id);
  }

  pop(msg) {
    const call = msg && msg.call;
    if (!call || typeof call.call_id !== 'string') return;
    let entry = this.cards.get(call.call_id);
    if (!entry) {
      const el = this.o.template.content.firstElementChild.cloneNode(true);
      el.dataset.callId = call.call_id;
      entry = {el, call, opened: false, state: 'ringing'};
      this.cards.set(call.call_id, entry);
      this.o.container.prepend(el);
      // When the card first showed, for the browser test's latency figure.
      el.dataset.shownAt = String(Date.now());
    }
    entry.call = call;
    if (call.answered_at && entry.state === 'ringing') entry.state = 'answered';
    this.fill(entry, msg);
    this.maybeOpen(entry, msg.contact);
    this.updateIdle();
  }

  update(msg) {
    const call = msg && msg.call;
    if (!call || typeof call.call_id !== 'string') return;
    const entry = this.cards.get(call.call_id);
    if (!entry) return;
    switch (msg.event) {
      case 'call.ringing_stopped':
      case 'call.ended':
        this.remove(call.call_id);
        return;
      case 'call.answered':
      case 'call.resumed':
        entry.state = 'answered';
        break;
      case 'call.held':
        entry.state = 'held';
        break;
      default:
        break;
    }
    entry.call = Object.assign({}, entry.call, call);
    this.showState(entry);
    this.showQueue(entry);
  }

  remove(id) {
    const entry = this.cards.get(id);
    if (!entry) return;
    entry.el.remove();
    this.cards.delete(id);
    this.updateIdle();
  }

  fill(entry, msg) {
    const el = entry.el;
    const q = (sel) => el.querySelector(sel);
    const contact = msg.contact && typeof msg.contact === 'object' ? msg.contact : null;
    q('.caller').textContent = customerNumber(entry.call) || 'Number withheld';
    q('.name').textContent = contact && contact.name ? String(contact.name) : '';
    q('.company').textContent = contact && contact.company ? String(contact.company) : '';
    const lookupText = LOOKUP_TEXT[msg.lookup] || '';
    q('.lookup').textContent = lookupText;
    q('.lookup').hidden = !lookupText;
    q('.unknown').hidden = !!contact || msg.lookup !== 'done';
    el.dataset.lookup = String(msg.lookup || '');
    el.dataset.contact = contact ? 'yes' : 'no';
    this.offerCreate(entry, msg, contact);

    const ambiguous = q('.ambiguous');
    ambiguous.hidden = !(contact && contact.ambiguous);
    if (contact && contact.ambiguous) {
      const n = Number(contact.matches);
      ambiguous.textContent = (n > 1 ? n + ' contacts share' : 'Several contacts share') +
          ' this number; showing the most recently updated one.';
    }

    const link = q('.crm-link');
    const url = contact ? safeUrl(contact.url) : null;
    link.hidden = !url;
    if (url) link.href = url;
    else link.removeAttribute('href');

    const history = Array.isArray(msg.history) ? msg.history : [];
    const details = q('.history');
    const list = details.querySelector('ul');
    list.replaceChildren();
    for (const h of history.slice(0, 5)) {
      const li = document.createElement('li');
      const when = h.started_at ? new Date(h.started_at).toLocaleDateString() + ' ' + clock(h.started_at) : '';
      const talk = h.talk_s ? ', talked ' + duration(h.talk_s) : '';
      li.textContent = when + ' · ' + dispositionText(h.disposition) + talk;
      list.append(li);
    }
    details.hidden = history.length === 0;
    this.showState(entry);
    this.showQueue(entry);
  }

  // An unknown caller: offer to create the contact in the first CRM that
  // can (POST /v1/contacts); on success the card shows the new contact.
  offerCreate(entry, msg, contact) {
    const button = entry.el.querySelector('.create');
    const error = entry.el.querySelector('.create-error');
    const crms = Array.isArray(msg.can_create) ? msg.can_create.filter((c) => typeof c === 'string') : [];
    const number = customerNumber(entry.call);
    button.hidden = !!contact || msg.lookup !== 'done' || !crms.length || !number || !this.o.createContact;
    if (button.hidden) return;
    button.textContent = 'Create contact in ' + crms[0];
    button.onclick = async () => {
      button.disabled = true;
      error.hidden = true;
      const res = await this.o.createContact(number, crms[0]);
      button.disabled = false;
      if (res.status === 201 && res.body && typeof res.body === 'object') {
        this.fill(entry, Object.assign({}, msg, {contact: res.body}));
        return;
      }
      error.textContent = this.o.problemLines ? this.o.problemLines(res).join(' ') : 'HTTP ' + res.status;
      error.hidden = false;
    };
  }

  showState(entry) {
    entry.el.dataset.state = entry.state;
    entry.el.querySelector('.state').textContent = STATE_TEXT[entry.state] || entry.state;
    this.updateTimer(entry);
  }

  // "Queue sales · waiting 0:12" while it rings, "waited 0:12" once taken.
  showQueue(entry) {
    const call = entry.call;
    const el = entry.el.querySelector('.queue');
    if (!call.queue) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    let text = 'Queue ' + call.queue;
    if (entry.state !== 'ringing' && call.wait_s > 0) text += ' · waited ' + duration(call.wait_s);
    else if (entry.state === 'ringing') {
      const since = Date.parse(call.started_at || '');
      if (!isNaN(since)) text += ' · waiting ' + duration(Math.max(0, (this.o.now() - since) / 1000));
    }
    el.textContent = text;
  }

  // Ringing: time since the call started; on a call: talk time so far.
  updateTimer(entry) {
    const call = entry.call;
    const from = Date.parse((entry.state === 'ringing' ? call.started_at : call.answered_at) || '');
    entry.el.querySelector('.timer').textContent =
        isNaN(from) ? '' : duration(Math.max(0, (this.o.now() - from) / 1000));
  }

  updateTimers() {
    for (const entry of this.cards.values()) {
      this.updateTimer(entry);
      if (entry.state === 'ringing') this.showQueue(entry);
    }
  }

  updateIdle() {
    this.o.idle.hidden = this.cards.size > 0;
  }

  // Opens the CRM record once per call, when the agent asked for it.
  maybeOpen(entry, contact) {
    if (entry.opened || !contact || !this.o.autoOpen()) return;
    const url = safeUrl(contact.url);
    if (!url) return;
    entry.opened = true;
    this.o.openUrl(url);
  }
}
