/* The assessment page's plain-post forms (the explanation response, the veto flags and bonus, the
   request for explanation) kept like the autosaved fields (docs/adr/0016): what is typed is held
   in this browser under fg:unsaved:<user>:post:<assessment>:<form>:<version> until the page the
   server answers with shows it, so a post lost to the network, an ended session or a refusal
   loses nothing. A post is sent only when the session is alive (asked first, which also gives
   the CSRF token a new sign-in rotated); without network or session it waits, says so, and goes
   when the network or the sign-in is back. Sign-out clears the keys (static/js/site.js). Without
   JavaScript the forms post as before. */
(function () {
  "use strict";
  var bar = document.getElementById("save-bar");
  if (!bar) return;
  var text = bar.dataset;
  var PREFIX = "fg:unsaved:" + text.user + ":post:" + text.assessment + ":";
  var RETRY_MS = 10000;
  var waiting = null; // the form whose post waits for the network or a sign-in
  var retry = null;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var memory = new Map(); // when localStorage is refused: survives all but a reload
  function keysOf(scope) {
    var out = [], store = storage(), start = PREFIX + scope + ":";
    try {
      for (var i = 0; store && i < store.length; i++) {
        var key = store.key(i);
        if (key && key.indexOf(start) === 0) out.push(key);
      }
    } catch (e) { /* memory only */ }
    memory.forEach(function (_, key) { if (key.indexOf(start) === 0 && out.indexOf(key) < 0) out.push(key); });
    return out;
  }
  function read(key) {
    try { var v = storage().getItem(key); if (v !== null) return JSON.parse(v); } catch (e) { /* memory */ }
    return memory.has(key) ? memory.get(key) : null;
  }
  function write(key, value) {
    try { storage().setItem(key, JSON.stringify(value)); memory.delete(key); } catch (e) { memory.set(key, value); }
  }
  function forget(scope) {
    keysOf(scope).forEach(function (key) {
      try { storage().removeItem(key); } catch (e) { /* memory */ }
      memory.delete(key);
    });
  }

  function fieldsOf(form) {
    return Array.prototype.slice.call(form.elements).filter(function (f) {
      return f.name && f.name !== "csrfmiddlewaretoken" && !f.disabled && f.type !== "submit" && f.type !== "button";
    });
  }
  // What the fields hold now, or (shown) what the server drew them with.
  function valuesOf(form, shown) {
    var values = {};
    fieldsOf(form).forEach(function (f) {
      var checked = shown ? f.defaultChecked : f.checked;
      if (f.type === "radio") { if (checked) values[f.name] = f.value; }
      else if (f.type === "checkbox") values[f.name] = checked ? f.value : "";
      else values[f.name] = shown ? f.defaultValue : f.value;
    });
    return values;
  }
  function put(form, values) {
    fieldsOf(form).forEach(function (f) {
      if (!(f.name in values)) return;
      var value = values[f.name];
      if (f.type === "radio") f.checked = f.value === value;
      else if (f.type === "checkbox") f.checked = value === f.value;
      else f.value = value;
    });
  }
  // "1,5" typed, "1,5" or "1.5" shown back; text trimmed as the server stores it.
  function same(a, b) {
    var x = String(a == null ? "" : a).trim(), y = String(b == null ? "" : b).trim();
    if (x === y) return true;
    var nx = x.replace(",", "."), ny = y.replace(",", ".");
    return /^-?\d*\.?\d+$/.test(nx) && /^-?\d*\.?\d+$/.test(ny) && Number(nx) === Number(ny);
  }
  function differs(values, shown) {
    return Object.keys(values).filter(function (name) { return !same(values[name], shown[name]); });
  }

  function note(form, message) {
    var box = form.querySelector(".kept-note");
    if (!box) {
      box = document.createElement("p");
      box.className = "kept-note save-status";
      box.setAttribute("role", "status");
      form.appendChild(box);
    }
    box.textContent = message;
    box.hidden = !message;
  }
  function busy(form, on) {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = on;
      if (on) { b.setAttribute("aria-busy", "true"); b.dataset.busy = "1"; }
      else { b.removeAttribute("aria-busy"); delete b.dataset.busy; }
    });
  }

  function keep(form) {
    var scope = form.dataset.keep;
    var values = valuesOf(form);
    var changed = differs(values, valuesOf(form, true));
    forget(scope);
    if (changed.length) write(PREFIX + scope + ":" + form.dataset.keepVersion, values);
    fieldsOf(form).forEach(function (f) { f.classList.toggle("is-unsaved", changed.indexOf(f.name) >= 0); });
  }

  function session() {
    return fetch(text.sessionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) return { signedOut: true };
        return response.ok ? response.json() : { failed: true };
      })
      .catch(function () { return { failed: true }; });
  }

  /* Send the form once the session is known alive, with its current CSRF token. */
  function send(form) {
    window.clearTimeout(retry);
    waiting = form;
    if (!navigator.onLine) return note(form, text.keptOffline);
    busy(form, true);
    session().then(function (state) {
      if (state.signedOut || state.failed || String(state.user) !== text.user) {
        busy(form, false);
        if (state.signedOut) {
          note(form, text.keptSignedOut);
          bar.hidden = false;
          bar.querySelector(".save-sign-in").hidden = false;
          bar.querySelector(".save-reason").textContent = text.signedOut;
        } else if (state.failed) {
          note(form, text.keptOffline);
          retry = window.setTimeout(function () { send(form); }, RETRY_MS);
        } else {
          note(form, text.otherUser);
        }
        return;
      }
      document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = state.csrf_token;
      });
      waiting = null;
      keep(form);
      HTMLFormElement.prototype.submit.call(form); // no submit event: this handler is done
    });
  }

  function keptForm(target) {
    var form = target && (target.form || (target.closest && target.closest("form")));
    return form && form.matches("form[data-keep]") ? form : null;
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = keptForm(event.target);
      if (form) keep(form);
    });
  });
  // Before static/js/site.js's own submit handler, which leaves a prevented submit alone.
  document.addEventListener("submit", function (event) {
    var form = keptForm(event.target);
    if (!form) return;
    event.preventDefault();
    keep(form);
    send(form);
  }, true);

  // What the server's page does not show yet: put it back, and say that it is not saved.
  var forms = document.querySelectorAll("form[data-keep]");
  forms.forEach(function (form) {
    var scope = form.dataset.keep;
    keysOf(scope).forEach(function (key) {
      var values = read(key);
      var version = key.slice(key.lastIndexOf(":") + 1);
      var changed = values ? differs(values, valuesOf(form, true)) : [];
      if (!changed.length) return forget(scope); // the server has it
      put(form, values);
      if (form.closest("details")) form.closest("details").open = true;
      fieldsOf(form).forEach(function (f) { f.classList.toggle("is-unsaved", changed.indexOf(f.name) >= 0); });
      note(form, version === form.dataset.keepVersion ? text.keptRestored : text.keptRestoredChanged);
    });
  });

  // Kept for a form this page no longer has (the assessment moved on): nothing can send it.
  var scopes = Array.prototype.map.call(forms, function (form) { return form.dataset.keep; });
  try {
    for (var i = storage() ? storage().length - 1 : -1; i >= 0; i--) {
      var key = storage().key(i);
      var scope = key && key.indexOf(PREFIX) === 0 ? key.slice(PREFIX.length).split(":")[0] : null;
      if (scope && scopes.indexOf(scope) < 0) storage().removeItem(key);
    }
  } catch (e) { /* nothing kept */ }

  function resume() {
    if (waiting) send(waiting);
  }
  window.addEventListener("online", resume);
  window.addEventListener("focus", resume);
  window.addEventListener("storage", function (event) {
    if (event.key === "fg:signed-in") resume();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") resume();
  });
})();
