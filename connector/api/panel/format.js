// Small pure helpers shared by the panel's views. Nothing here touches the DOM.

const pad = (n) => String(n).padStart(2, '0');

// "1:05" for 65 seconds, "1:02:03" past an hour; "" for missing values.
export function duration(seconds) {
  if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
}

// Local wall-clock "HH:MM" of an RFC 3339 time.
export function clock(rfc3339) {
  const t = Date.parse(rfc3339 || '');
  if (isNaN(t)) return '';
  const d = new Date(t);
  return pad(d.getHours()) + ':' + pad(d.getMinutes());
}

// Today's local midnight as RFC 3339 with the local offset, for ?since=.
export function localMidnight(now = new Date()) {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T00:00:00' +
      sign + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
}

// The customer's number on a call record: the caller on inbound calls, the
// dialled number on outbound ones.
export function customerNumber(call) {
  if (!call) return '';
  return (call.direction === 'outbound' ? call.to : call.from) || '';
}

// Only http(s) links are followed: a CRM record URL comes from outside, and a
// javascript: or data: URL must never become a link.
export function safeUrl(url) {
  if (typeof url !== 'string' || url === '') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

const DISPOSITIONS = {
  answered: 'Answered',
  missed: 'Missed',
  busy: 'Busy',
  failed: 'Failed',
  abandoned: 'Caller hung up in queue',
  voicemail: 'Voicemail',
};
export function dispositionText(d) {
  return DISPOSITIONS[d] || (d ? String(d) : 'In progress');
}

const DIRECTIONS = {inbound: 'In', outbound: 'Out', internal: 'Internal'};
export function directionText(d) {
  return DIRECTIONS[d] || String(d || '');
}

// base64url without padding of the UTF-8 bytes of `text` (the WebSocket
// subprotocol carrying the token must be a token-safe string).
export function base64url(text) {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
