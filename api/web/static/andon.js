// Andon wall screen: live tiles over Server-Sent Events, downtime and SLA clocks, rotation through
// lines that do not fit, and a flash (and optional beep) when a tile turns red.
(function () {
  'use strict';
  var body = document.body;
  var main = document.getElementById('andon');
  var rotateSeconds = Number(body.dataset.rotate || 0);
  var colours = {};
  var page = 0;

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600);
    return (h > 0 ? h + ':' : '') + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time.elapsed').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (!isNaN(at)) el.textContent = span(now - at);
    });
    document.querySelectorAll('time.countdown').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (isNaN(at)) return;
      var ms = at - now;
      el.classList.toggle('overdue', ms < 0);
      el.textContent = ms < 0 ? (el.dataset.overdue || 'overdue') + ' ' + span(ms) : span(ms);
      // The SLA ran out between two refreshes: the tile is red from now on.
      var tile = el.closest('.tile');
      if (ms < 0 && tile && tile.dataset.colour !== 'red') {
        tile.classList.remove('amber', 'blue');
        tile.classList.add('red');
        tile.dataset.colour = 'red';
        alarm([tile]);
      }
    });
    var clock = document.querySelector('.clock');
    if (clock) clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang);
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ac = new Ctx();
      var osc = ac.createOscillator();
      var gain = ac.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(ac.destination);
      osc.start();
      osc.stop(ac.currentTime + 0.6);
    } catch {
      // no sound on this screen
    }
  }
  function alarm(tiles) {
    if (tiles.length === 0) return;
    if (body.dataset.flash === '1') {
      tiles.forEach(function (t) {
        t.classList.add('flash');
        setTimeout(function () {
          t.classList.remove('flash');
        }, 10000);
      });
    }
    if (body.dataset.sound === '1') beep();
    // Show the line that just turned red.
    var line = tiles[0].closest('.andon-line');
    var lines = Array.prototype.slice.call(document.querySelectorAll('.andon-line'));
    if (line && lines.indexOf(line) >= 0) page = lines.indexOf(line);
    layout();
  }

  function remember(alert) {
    var turned = [];
    document.querySelectorAll('.tile').forEach(function (t) {
      var before = colours[t.dataset.tile];
      if (alert && t.dataset.colour === 'red' && before && before !== 'red') turned.push(t);
      colours[t.dataset.tile] = t.dataset.colour;
    });
    if (turned.length > 0) alarm(turned);
  }

  // Lines that do not fit the screen are shown one at a time, in turn.
  function layout() {
    var lines = Array.prototype.slice.call(document.querySelectorAll('.andon-line'));
    lines.forEach(function (l) {
      l.hidden = false;
    });
    if (rotateSeconds <= 0 || lines.length < 2) return;
    if (document.documentElement.scrollHeight <= window.innerHeight) return;
    page = page % lines.length;
    lines.forEach(function (l, i) {
      l.hidden = i !== page;
    });
  }
  if (rotateSeconds > 0) {
    setInterval(function () {
      page += 1;
      layout();
    }, rotateSeconds * 1000);
  }

  var pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(function () {
      fetch(main.dataset.liveSrc, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) {
          if (r.status === 401) {
            revoked();
            return null;
          }
          return r.ok ? r.text() : null;
        })
        .then(function (text) {
          pending = null;
          if (text === null) return;
          main.innerHTML = text;
          remember(true);
          layout();
          tick();
        })
        .catch(function () {
          pending = null;
        });
    }, 150);
  }

  var source = null;
  function revoked() {
    if (source) source.close();
    main.hidden = true;
    document.querySelector('.revoked').hidden = false;
  }

  document.addEventListener('DOMContentLoaded', function () {
    remember(false);
    layout();
    tick();
    setInterval(tick, 1000);
    var offline = document.querySelector('.offline');
    if (window.EventSource) {
      source = new EventSource('/andon/live');
      source.addEventListener('case', refresh);
      source.onopen = function () {
        offline.hidden = true;
        refresh(); // catch up on what happened while the stream was down
      };
      source.onerror = function () {
        offline.hidden = false;
      };
    }
    // A safety net for missed events, and for a token revoked while the stream is open.
    setInterval(refresh, 30000);
  });
})();
