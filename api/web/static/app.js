// Andon web UI: live refresh over Server-Sent Events, SLA/ack countdowns. Progressive: every page
// works without it (forms post and redirect); with it, parts marked data-live-src refresh in place.
(function () {
  'use strict';

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }
  function left(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600),
      m = Math.floor((s % 3600) / 60);
    return (h > 0 ? h + 'h ' : '') + pad(m) + 'm ' + pad(s % 60) + 's';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time.countdown').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (isNaN(at)) return;
      var ms = at - now;
      el.classList.toggle('overdue', ms < 0);
      el.textContent = ms < 0 ? (el.dataset.overdue || 'overdue') + ' ' + left(ms) : left(ms);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener('DOMContentLoaded', tick);

  var pending = {};
  function refresh(el) {
    var src = el.dataset.liveSrc;
    if (pending[src]) return;
    pending[src] = setTimeout(function () {
      fetch(src, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) {
          return r.ok ? r.text() : null;
        })
        .then(function (htmlText) {
          delete pending[src];
          if (htmlText === null) return;
          el.innerHTML = htmlText;
          tick();
        })
        .catch(function () {
          delete pending[src];
        });
    }, 150);
  }

  function liveParts() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-live-src]'));
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (liveParts().length === 0 || !window.EventSource) return;
    var dot = document.querySelector('.live-dot');
    var source = new EventSource('/live');
    source.addEventListener('case', function (e) {
      var data = {};
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      liveParts().forEach(function (el) {
        var only = el.dataset.liveCase;
        if (!only || String(data.caseId) === only) refresh(el);
      });
    });
    source.onopen = function () {
      if (dot) dot.classList.remove('offline');
    };
    source.onerror = function () {
      if (dot) dot.classList.add('offline');
    };
    // A safety net for missed events (e.g. while reconnecting): refresh every 30 s.
    setInterval(function () {
      liveParts().forEach(refresh);
    }, 30000);
  });
})();
