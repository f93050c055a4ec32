// Andon admin editors: each form.api-form is sent as JSON to the same validated REST API
// (/admin/api/v1/…, with the signed-in admin's session) and a refusal is shown beside the field the
// API names. Field names are paths into the body: `ladder.0.targetRole`. data-type says how a field
// is read: number, minutes (sent as seconds), hours (as seconds), boolean, csv (a list), json,
// nullable (empty → null), checks (checked boxes of one name → a list), local-datetime.
(function () {
  'use strict';

  function setPath(obj, path, value) {
    var keys = path.split('.');
    var cur = obj;
    for (var i = 0; i < keys.length - 1; i++) {
      var k = keys[i];
      var nextIsIndex = /^\d+$/.test(keys[i + 1]);
      if (cur[k] === undefined) cur[k] = nextIsIndex ? [] : {};
      cur = cur[k];
    }
    cur[keys[keys.length - 1]] = value;
  }

  function read(el) {
    var type = el.dataset.type || '';
    var v = el.value;
    if (type === 'boolean') return el.checked;
    if (type === 'nullable') return v.trim() === '' ? null : v;
    if (v.trim() === '' && type !== '') return undefined;
    if (type === 'number') return Number(v);
    if (type === 'minutes') return Math.round(Number(v) * 60);
    if (type === 'hours') return Math.round(Number(v) * 3600);
    if (type === 'csv')
      return v
        .split(',')
        .map(function (s) {
          return s.trim();
        })
        .filter(Boolean);
    if (type === 'json') return JSON.parse(v);
    // datetime-local has no zone: the browser's own (a browser in the plant) makes it an instant.
    if (type === 'local-datetime') return isNaN(Date.parse(v)) ? v : new Date(v).toISOString();
    return v;
  }

  function body(form) {
    var out = {};
    var checks = {};
    form.querySelectorAll('[name]').forEach(function (el) {
      if (el.disabled || el.hasAttribute('data-path-param')) return;
      if (el.dataset.type === 'checks') {
        checks[el.name] = checks[el.name] || [];
        if (el.checked) checks[el.name].push(el.value);
        return;
      }
      var v;
      try {
        v = read(el);
      } catch (e) {
        throw { field: el.name, message: String(e.message || e) };
      }
      if (v !== undefined) setPath(out, el.name, v);
    });
    Object.keys(checks).forEach(function (k) {
      setPath(out, k, checks[k]);
    });
    // Rows removed from a list leave holes: close them up.
    (function compact(o) {
      Object.keys(o).forEach(function (k) {
        if (Array.isArray(o[k]))
          o[k] = o[k].filter(function (x) {
            return x !== undefined;
          });
        if (o[k] && typeof o[k] === 'object') compact(o[k]);
      });
    })(out);
    return out;
  }

  function clear(form) {
    form.querySelectorAll('.field-error, .form-error').forEach(function (e) {
      e.remove();
    });
    form.querySelectorAll('[aria-invalid]').forEach(function (e) {
      e.removeAttribute('aria-invalid');
    });
  }

  function showErrors(form, problem) {
    var errors = problem.errors || [];
    var unplaced = [];
    errors.forEach(function (err) {
      var target =
        form.querySelector('[name="' + err.field + '"]') ||
        form.querySelector('[data-field="' + err.field + '"]');
      if (!target) {
        unplaced.push(err.field + ': ' + err.message);
        return;
      }
      target.setAttribute('aria-invalid', 'true');
      var span = document.createElement('span');
      span.className = 'field-error';
      span.setAttribute('role', 'alert');
      span.dataset.for = err.field;
      // The API counts seconds; the field shows minutes or hours.
      var unit = target.dataset.type === 'minutes' || target.dataset.type === 'hours' ? ' (s)' : '';
      span.textContent = err.message + unit;
      (target.closest('label') || target).after(span);
    });
    if (errors.length === 0 || unplaced.length > 0) {
      var p = document.createElement('p');
      p.className = 'error form-error';
      p.setAttribute('role', 'alert');
      p.textContent =
        unplaced.length > 0 ? unplaced.join('; ') : problem.detail || problem.title || 'refused';
      form.prepend(p);
    }
  }

  function submit(form) {
    clear(form);
    var payload;
    try {
      payload = form.dataset.method === 'DELETE' ? null : body(form);
    } catch (e) {
      showErrors(form, { errors: [e] });
      return;
    }
    // A field marked data-path-param ends the path (e.g. PUT …/rosters/lines/{code}).
    var action = form.dataset.action;
    form.querySelectorAll('[data-path-param]').forEach(function (el) {
      action += encodeURIComponent(el.value.trim());
    });
    fetch(action, {
      method: form.dataset.method || 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Andon-UI': '1' },
      body: payload === null ? undefined : JSON.stringify(payload),
    })
      .then(function (r) {
        return r.text().then(function (t) {
          var json;
          try {
            json = t ? JSON.parse(t) : null;
          } catch {
            json = { detail: t };
          }
          return { ok: r.ok, status: r.status, json: json };
        });
      })
      .then(function (res) {
        if (!res.ok) return showErrors(form, res.json || { detail: 'HTTP ' + res.status });
        if (form.dataset.result && res.json) {
          var out = document.querySelector(form.dataset.result);
          out.hidden = false;
          out.querySelector('.value').textContent = location.origin + res.json.url;
          return;
        }
        location.assign(form.dataset.then || location.pathname + location.search);
      })
      .catch(function (e) {
        showErrors(form, { detail: String(e) });
      });
  }

  function renumber(list) {
    list.querySelectorAll(':scope > .row').forEach(function (row, i) {
      row.querySelectorAll('[name]').forEach(function (el) {
        el.name = el.name.replace(/\.\d+\./, '.' + i + '.');
      });
      row.querySelectorAll('[data-field]').forEach(function (el) {
        el.dataset.field = el.dataset.field.replace(/\.\d+\./, '.' + i + '.');
      });
      row.querySelectorAll('.row-no').forEach(function (el) {
        el.textContent = String(i);
      });
    });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('api-form')) return;
    e.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    submit(form);
  });
  document.addEventListener('click', function (e) {
    var add = e.target.closest('[data-add-row]');
    if (add) {
      var list = document.getElementById(add.dataset.addRow);
      var tpl = document.getElementById(add.dataset.addRow + '-template');
      list.appendChild(tpl.content.cloneNode(true));
      renumber(list);
      return;
    }
    var remove = e.target.closest('[data-remove-row]');
    if (remove) {
      var row = remove.closest('.row');
      var parent = row.parentElement;
      row.remove();
      renumber(parent);
    }
  });
})();
