// Calls to the connector's REST API with the agent's bearer token. Answers
// are {status, body}; problem+json bodies are read into plain sentences.

let token = '';
export function setToken(t) {
  token = t || '';
}

export async function api(method, path, body) {
  const headers = {Authorization: 'Bearer ' + token};
  const init = {method, headers, cache: 'no-store'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  return {status: res.status, body: json};
}

// The lines to show for a refused request: the policy's reasons when there
// are some (a 403 from POST /v1/calls), else the problem's detail or title.
export function problemLines(res) {
  const b = res.body || {};
  const lines = [];
  if (Array.isArray(b.reasons) && b.reasons.length) {
    for (const r of b.reasons) if (r && r.message) lines.push(String(r.message));
  }
  if (!lines.length && b.detail) lines.push(String(b.detail));
  if (!lines.length) lines.push(b.title ? String(b.title) : 'The connector answered HTTP ' + res.status + '.');
  return lines;
}
