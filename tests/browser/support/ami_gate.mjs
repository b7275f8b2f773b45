// A TCP gate between the connector and the AMI replay server.
//
// Closed, it drops every connection at once (the connector retries with its
// backoff), so the replay has not started while the browser signs in. Open,
// it pipes each connection to the replay server and timestamps every frame
// the server sends: the test measures card latency from the moment the
// ringing frame (DialBegin to an agent) passed through here.
//
// holdAfter(match) stops the flow right after the first frame that matches
// (frames are forwarded whole, so the cut is exact) until release(): the
// call keeps ringing for as long as a test needs, however slow the machine,
// instead of the recorded 2 s. Frames count as sent when forwarded.
import net from 'node:net';

export class AmiGate {
  constructor(upstreamPort) {
    this.upstreamPort = upstreamPort;
    this.isOpen = false;
    this.frames = [];  // {at: epoch ms, text}
    this.waiters = [];
    this.sockets = new Set();
    this.holdMatch = null;
    this.holding = false;
    this.pumps = new Set();  // per connection: forwards what is not held
    this.server = net.createServer((client) => this.accept(client));
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  open() {
    this.isOpen = true;
  }

  accept(client) {
    if (!this.isOpen) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let inbox = '';  // received from upstream, not yet forwarded (latin1: 1 char = 1 byte)
    let partial = '';  // forwarded, but not yet a whole frame
    const pump = () => {
      while (!this.holding && inbox) {
        const buf = partial + inbox;
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {  // no whole frame yet (or the one-line greeting): pass it on
          client.write(Buffer.from(inbox, 'latin1'));
          partial = buf;
          inbox = '';
          return;
        }
        const upTo = end + 4 - partial.length;  // bytes of inbox through this frame's end
        client.write(Buffer.from(inbox.slice(0, upTo), 'latin1'));
        inbox = inbox.slice(upTo);
        partial = '';
        this.record({at: Date.now(), text: buf.slice(0, end)});
      }
    };
    this.pumps.add(pump);
    upstream.on('data', (chunk) => {
      inbox += chunk.toString('latin1');
      pump();
    });
    client.on('data', (chunk) => upstream.write(chunk));
    const close = () => {
      this.pumps.delete(pump);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  holdAfter(match) {
    this.holdMatch = match;
  }

  release() {
    this.holding = false;
    for (const pump of this.pumps) pump();
  }

  record(frame) {
    this.frames.push(frame);
    if (this.holdMatch && this.holdMatch(frame.text)) {
      this.holdMatch = null;
      this.holding = true;
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(frame.text)) return true;
      clearTimeout(w.timer);
      w.resolve(frame);
      return false;
    });
  }

  // The first frame (already seen or still to come) that `match`es.
  waitFor(match, what, timeoutMs) {
    const seen = this.frames.find((f) => match(f.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = {match, resolve};
      w.timer = setTimeout(() => reject(new Error(`no AMI frame ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(w);
    });
  }

  close() {
    for (const s of this.sockets) s.destroy();
    for (const w of this.waiters) clearTimeout(w.timer);
    this.server.close();
  }
}

// "Event: DialBegin" whose DestChannel is the agent's Local channel: the
// frame the connector turns into call.ringing for that agent.
export function isRingingFrame(extension) {
  const dest = new RegExp(`^DestChannel: Local/${extension}@`, 'm');
  return (text) => /^Event: DialBegin\r?$/m.test(text) && dest.test(text);
}

// "Event: DialEnd ... DialStatus: ANSWER" to the agent's Local channel: by
// then the agent's leg is up (the Newstate before it), so the connector has
// sent call.answered; holding after it keeps the call "On call" for a test.
export function isAnsweredFrame(extension) {
  const dest = new RegExp(`^DestChannel: Local/${extension}@`, 'm');
  return (text) => /^Event: DialEnd\r?$/m.test(text) && dest.test(text) && /^DialStatus: ANSWER\r?$/m.test(text);
}
