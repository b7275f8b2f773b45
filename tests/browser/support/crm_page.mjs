// A stand-in CRM web page that embeds the agent panel in an iframe, served
// from its own origin, to check api.frame_ancestors end to end.
import http from 'node:http';

export class CrmPage {
  constructor() {
    this.panelUrl = '';
    this.server = http.createServer((req, res) => {
      res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
      res.end(`<!doctype html><title>CRM</title><h1>CRM</h1><iframe id="panel" src="${this.panelUrl}" width="480" height="600"></iframe>`);
    });
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  close() {
    this.server.close();
  }
}
