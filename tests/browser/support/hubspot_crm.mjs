// A small HubSpot stand-in (node:http on 127.0.0.1) for the connector's
// "hubspot" adapter, shaped like the answers of HubSpot's CRM v3 API:
//   POST /crm/v3/objects/contacts/search  no match until a contact was
//        created, then that contact (a real CRM finds what it just created)
//   POST /crm/v3/objects/contacts         201 with a new id, or the queued
//        refusals first (refuseCreates)
//   POST /crm/v3/objects/calls            201
//   POST /crm/v3/objects/calls/search     no match (a retry's "already logged?")
// Every request is recorded ({method, path, auth, body}); waitFor() resolves
// on the first recorded request that matches, already seen or still to come.
import http from 'node:http';

export class HubspotCrm {
  constructor() {
    this.requests = [];
    this.waiters = [];
    this.contacts = [];  // created: {id, phone, at}
    this.refusals = [];  // queued answers to the next creates: {status, body}
    this.nextId = 90001;
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (raw += d));
      req.on('end', () => this.answer(req, raw, res));
    });
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  close() {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.server.closeAllConnections();
    this.server.close();
  }

  // The next `n` creates get HubSpot's 400 VALIDATION_ERROR with `message`.
  refuseCreates(n, message) {
    for (let i = 0; i < n; ++i) {
      this.refusals.push({status: 400, body: {status: 'error', message, correlationId: 'b1f0c1de-0000-4000-8000-000000000001',
                                              category: 'VALIDATION_ERROR'}});
    }
  }

  to(path) {
    return this.requests.filter((r) => r.method === 'POST' && r.path === path);
  }

  waitFor(match, what, timeoutMs) {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = {match, resolve};
      w.timer = setTimeout(() => reject(new Error(`the CRM got no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(w);
    });
  }

  answer(req, raw, res) {
    let body = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = {unparsed: raw};
    }
    const path = new URL(req.url, 'http://crm').pathname;
    const r = {method: req.method, path, auth: req.headers.authorization || '', body};
    const [status, out] = this.route(r);
    r.status = status;
    res.writeHead(status, {'Content-Type': 'application/json;charset=utf-8'});
    res.end(JSON.stringify(out));
    this.record(r);
  }

  route(r) {
    const now = new Date().toISOString();
    if (r.method !== 'POST') return [405, {status: 'error', message: 'method not allowed', category: 'INVALID_METHOD'}];
    switch (r.path) {
      case '/crm/v3/objects/contacts/search': {
        const wanted = searchedPhones(r.body);
        const found = this.contacts.filter((c) => wanted.has(c.phone));
        return [200, {total: found.length, results: found.map((c) => contactJson(c))}];
      }
      case '/crm/v3/objects/contacts': {
        const refusal = this.refusals.shift();
        if (refusal) return [refusal.status, refusal.body];
        const c = {id: String(this.nextId++), phone: r.body?.properties?.phone ?? '', at: now};
        this.contacts.push(c);
        return [201, contactJson(c)];
      }
      case '/crm/v3/objects/calls':
        return [201, {id: String(this.nextId++), properties: r.body?.properties ?? {}, createdAt: now, updatedAt: now,
                      archived: false}];
      case '/crm/v3/objects/calls/search':
        return [200, {total: 0, results: []}];
      default:
        return [404, {status: 'error', message: `no route ${r.path}`, category: 'OBJECT_NOT_FOUND'}];
    }
  }

  record(r) {
    this.requests.push(r);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(r)) return true;
      clearTimeout(w.timer);
      w.resolve(r);
      return false;
    });
  }
}

// The values the search's filter groups ask for (phone or mobilephone EQ).
function searchedPhones(body) {
  const out = new Set();
  for (const g of body?.filterGroups ?? []) {
    for (const f of g.filters ?? []) if (f.operator === 'EQ') out.add(f.value);
  }
  return out;
}

function contactJson(c) {
  return {id: c.id, properties: {phone: c.phone, hs_object_id: c.id, createdate: c.at, hs_lastmodifieddate: c.at},
          createdAt: c.at, updatedAt: c.at, archived: false};
}
