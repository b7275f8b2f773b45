#include "connector/api/dial_page.h"

namespace cti::api {

std::string_view dial_page_html() {
  // Everything the page shows is inserted with textContent, never as HTML,
  // so a crafted ?to= cannot inject markup.
  static constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Call</title>
<style>
body{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.2rem} #number{font-size:1.6rem;font-weight:600;margin:.5rem 0 1rem}
label{display:block;margin:.6rem 0 .2rem} input,select,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{margin-top:1rem;background:#0a6;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:disabled{background:#999} #result{margin-top:1rem;white-space:pre-wrap}
.denied{color:#b00} .ok{color:#070}
</style></head><body>
<h1>Place a call</h1>
<div id="number"></div>
<form id="form">
<label for="agent">Agent</label><input id="agent" autocomplete="username" required>
<label for="purpose">Purpose</label>
<select id="purpose"><option value="commercial">Commercial</option><option value="service">Customer service</option></select>
<label for="token">API token</label><input id="token" type="password" autocomplete="current-password" required>
<button id="call" type="submit">Call</button>
</form>
<div id="result" role="status"></div>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var to = (params.get('to') || '').replace(/^(tel|callto):(\/\/)?/i, '');
  var $ = function (id) { return document.getElementById(id); };
  $('number').textContent = to || '(no number)';
  $('agent').value = localStorage.getItem('cti.agent') || '';
  $('token').value = sessionStorage.getItem('cti.token') || localStorage.getItem('cti.token') || '';
  if (!to) $('call').disabled = true;
  $('form').addEventListener('submit', function (e) {
    e.preventDefault();
    var result = $('result');
    result.className = ''; result.textContent = 'Calling…';
    $('call').disabled = true;
    localStorage.setItem('cti.agent', $('agent').value);
    sessionStorage.setItem('cti.token', $('token').value);
    fetch('/v1/calls', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + $('token').value},
      body: JSON.stringify({agent: $('agent').value, to: to, purpose: $('purpose').value})
    }).then(function (r) {
      return r.json().then(function (body) { return {status: r.status, body: body}; });
    }).then(function (res) {
      if (res.status === 202) {
        result.className = 'ok';
        result.textContent = 'Your phone will ring now. Showing ' + res.body.caller_id_presented +
          ' to the customer. Call ' + res.body.call_id;
      } else {
        result.className = 'denied';
        var lines = [res.body.title || ('HTTP ' + res.status)];
        (res.body.reasons || []).forEach(function (x) { lines.push('• ' + x.message + ' (' + x.code + ')'); });
        if (!res.body.reasons && res.body.detail) lines.push(res.body.detail);
        result.textContent = lines.join('\n');
        $('call').disabled = false;
      }
    }).catch(function (err) {
      result.className = 'denied'; result.textContent = 'The connector did not answer: ' + err;
      $('call').disabled = false;
    });
  });
})();
</script>
</body></html>
)html";
  return kPage;
}

}  // namespace cti::api
