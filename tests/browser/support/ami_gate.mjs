// A TCP gate between the connector and the AMI replay server.
//
// Closed, it drops every connection at once (the connector retries with its
// backoff), so the replay has not started while the browser signs in. Open,
// it pipes each connection to the replay server and timestamps every frame
// the server sends: the test measures card latency from the moment the
// ringing frame (DialBegin to an agent) passed through here.
import net from 'node:net';

export class AmiGate {
  constructor(upstreamPort) {
    this.upstreamPort = upstreamPort;
    this.isOpen = false;
    this.frames = [];  // {at: epoch ms, text}
    this.waiters = [];
    this.sockets = new Set();
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
    let pending = '';
    upstream.on('data', (chunk) => {
      client.write(chunk);
      const at = Date.now();
      pending += chunk.toString('latin1');
      let end;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        this.record({at, text: pending.slice(0, end)});
        pending = pending.slice(end + 4);
      }
    });
    client.on('data', (chunk) => upstream.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  record(frame) {
    this.frames.push(frame);
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
