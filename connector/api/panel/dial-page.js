// GET /dial: the landing page of tel:/callto: links. Everything it shows is
// inserted with textContent, never as HTML, so a crafted ?to= cannot inject
// markup; served from its own file so the CSP needs no 'unsafe-inline'.
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
