/* The assessment form's save state: every changed field is kept in this browser until the server
   has it, under fg:unsaved:<user>:<assessment>:<row>:<version>:<field>, and sent again when the
   network returns, after a reload, or after signing in again (with the new session's CSRF token).
   A value typed against an older version of its row is sent with that version, so a real
   conflict is still refused by the server with its own message. htmx sends the saves; this file
   only watches them. Without JavaScript the form still posts. */
(function () {
  "use strict";
  var bar = document.getElementById("save-bar");
  if (!bar || !window.htmx) return;
  var text = bar.dataset;
  var PREFIX = "fg:unsaved:" + text.user + ":" + text.assessment + ":";
  var RETRY_MS = 10000;
  var typing = new Set(); // keys whose field is being typed in: not yet "unsaved"
  var inflight = new Map(); // key -> value being sent
  var queued = new Set(); // keys handed to htmx by flush(), not yet sent
  var state = { signedOut: false, otherUser: false, failed: false, retry: null, refreshedToken: false };

  var memory = new Map(); // when localStorage is refused (private mode, full)
  var store = {
    keys: function () {
      var out = [];
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(PREFIX) === 0) out.push(key);
        }
      } catch (e) { /* memory only */ }
      memory.forEach(function (_, key) { if (out.indexOf(key) < 0) out.push(key); });
      return out;
    },
    get: function (key) {
      try { var v = localStorage.getItem(key); if (v !== null) return JSON.parse(v); } catch (e) { /* memory */ }
      return memory.has(key) ? memory.get(key) : null;
    },
    set: function (key, value) {
      try { localStorage.setItem(key, JSON.stringify(value)); memory.delete(key); } catch (e) { memory.set(key, value); }
    },
    remove: function (key) {
      try { localStorage.removeItem(key); } catch (e) { /* memory */ }
      memory.delete(key);
    },
  };

  function parse(key) {
    var p = key.slice(PREFIX.length).split(":");
    return { key: key, row: p[0], version: p[1], name: p[2] };
  }
  function keyOf(row, version, name) { return PREFIX + row + ":" + version + ":" + name; }

  function saveForm(element) {
    var form = element && (element.form || element.closest("form"));
    return form && /^form-\d+-(self|appraised)$/.test(form.id) ? form : null;
  }
  function rowOf(form) { return form.id.split("-")[1]; }
  function versionOf(form) { return form.querySelector("input[name=version]").value; }
  function fieldsNamed(form, name) {
    return Array.prototype.slice.call(form.querySelectorAll("[name='" + name + "'][hx-post]"));
  }
  function formHolding(row, name) {
    var forms = document.querySelectorAll("form[id^='form-" + row + "-']");
    for (var i = 0; i < forms.length; i++) if (fieldsNamed(forms[i], name).length) return forms[i];
    return null;
  }

  function valueOf(form, name) {
    var fields = fieldsNamed(form, name);
    var first = fields[0];
    if (first.type === "checkbox") return first.checked ? "on" : "";
    if (first.type === "radio") {
      var checked = fields.filter(function (f) { return f.checked; })[0];
      return checked ? checked.value : "";
    }
    return first.value;
  }
  function setValue(form, name, value) {
    fieldsNamed(form, name).forEach(function (field) {
      if (field.type === "checkbox") field.checked = value === "on";
      else if (field.type === "radio") field.checked = field.value === value;
      else field.value = value;
    });
  }
  function triggerOf(form, name) {
    var fields = fieldsNamed(form, name);
    return fields.filter(function (f) { return f.type !== "radio" || f.checked; })[0] || fields[0];
  }

  /* Keep what the field holds now, against the row's version as this page knows it. */
  function remember(form, name) {
    var row = rowOf(form);
    var key = keyOf(row, versionOf(form), name);
    store.keys().map(parse).forEach(function (e) {
      if (e.row === row && e.name === name && e.key !== key) store.remove(e.key);
    });
    store.set(key, valueOf(form, name));
    return key;
  }

  /* Our own save moved the row to a new version: what is still unsaved on it follows. */
  function follow(row, from, to) {
    if (from === to) return;
    store.keys().map(parse).forEach(function (e) {
      if (e.row === row && e.version === from) {
        var value = store.get(e.key);
        store.remove(e.key);
        store.set(keyOf(row, to, e.name), value);
      }
    });
  }

  function mark(form, name, kind) {
    var status = document.getElementById("status-" + rowOf(form) + "-" + form.id.split("-")[2]);
    fieldsNamed(form, name).forEach(function (f) { f.classList.toggle("is-unsaved", kind !== "saving"); });
    if (!status) return;
    // A data attribute, not the class: htmx carries the old class over while the answer settles.
    status.removeAttribute("data-save");
    status.setAttribute("data-pending", kind === "saving" ? "saving" : "unsaved");
    status.textContent = text[kind];
  }

  function pending() {
    return store.keys().filter(function (key) {
      return !typing.has(key) && !inflight.has(key) && !queued.has(key);
    });
  }

  function showBar() {
    var count = pending().length;
    var reason = state.otherUser ? text.otherUser
      : state.signedOut ? text.signedOut
      : !navigator.onLine ? text.offline
      : state.failed ? text.failed : "";
    bar.querySelector(".save-count").textContent = count
      ? (count === 1 ? text.countOne : text.countOther).replace("{n}", count) : "";
    bar.querySelector(".save-reason").textContent = reason;
    bar.querySelector(".save-sign-in").hidden = !state.signedOut;
    bar.querySelector(".save-retry").hidden = !count || !navigator.onLine || state.signedOut || state.otherUser;
    bar.hidden = !count && !state.signedOut && !state.otherUser;
  }

  function scheduleRetry() {
    window.clearTimeout(state.retry);
    state.retry = window.setTimeout(flush, RETRY_MS);
  }

  /* Send everything still unsaved, through the same htmx saves a change makes. */
  function flush() {
    window.clearTimeout(state.retry);
    if (!navigator.onLine || state.signedOut || state.otherUser) return showBar();
    state.failed = false;
    pending().map(parse).forEach(function (e) {
      var form = formHolding(e.row, e.name);
      if (!form) return store.remove(e.key); // no longer editable here
      setValue(form, e.name, store.get(e.key));
      // Typed against an older version: send that version, so the server can say it changed.
      if (versionOf(form) !== e.version) form.querySelector("input[name=version]").value = e.version;
      queued.add(e.key);
      htmx.trigger(triggerOf(form, e.name), "change");
    });
    showBar();
  }

  function checkSession() {
    return fetch(text.sessionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (session) {
        if (!session || !session.csrf_token) return false;
        if (String(session.user) !== text.user) {
          state.otherUser = true;
          showBar();
          return false;
        }
        var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
        headers["X-CSRFToken"] = session.csrf_token;
        document.body.setAttribute("hx-headers", JSON.stringify(headers));
        // The forms' own tokens too: Django reads the posted one before the header.
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = session.csrf_token;
        });
        state.signedOut = false;
        state.otherUser = false;
        return true;
      })
      .catch(function () { return false; });
  }

  function resumeIfSignedIn() {
    if (!state.signedOut && !state.otherUser) return;
    checkSession().then(function (ok) { if (ok) flush(); });
  }

  function isField(target) {
    return target && target.name && target.name !== "version" && target.hasAttribute("hx-post") && saveForm(target);
  }

  document.addEventListener("input", function (event) {
    if (!isField(event.target)) return;
    typing.add(remember(saveForm(event.target), event.target.name));
  });
  document.addEventListener("change", function (event) {
    if (!isField(event.target)) return;
    var key = remember(saveForm(event.target), event.target.name);
    typing.delete(key);
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!isField(elt)) return;
    var form = saveForm(elt);
    var key = remember(form, elt.name);
    typing.delete(key);
    queued.forEach(function (k) { if (parse(k).row === rowOf(form) && parse(k).name === elt.name) queued.delete(k); });
    if (!navigator.onLine || state.signedOut || state.otherUser) {
      event.preventDefault();
      mark(form, elt.name, state.signedOut ? "signedOutField" : "offlineField");
      return showBar();
    }
    inflight.set(key, store.get(key));
    elt.dataset.saving = key;
    mark(form, elt.name, "saving");
    showBar();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var key = elt.dataset && elt.dataset.saving;
    if (!key) return;
    delete elt.dataset.saving;
    var sent = inflight.get(key);
    inflight.delete(key);
    var form = saveForm(elt);
    var entry = parse(key);
    var xhr = event.detail.xhr;
    if (xhr.status === 200 && form) {
      var status = document.getElementById("status-" + entry.row + "-" + form.id.split("-")[2]);
      var answer = status && status.getAttribute("data-save");
      // Saved, or answered with a reason (a refused value, a conflict): either way the server has
      // spoken; only a newer value typed meanwhile stays to be sent.
      if (JSON.stringify(store.get(key)) === JSON.stringify(sent)) store.remove(key);
      fieldsNamed(form, entry.name).forEach(function (f) { f.classList.remove("is-unsaved"); });
      if (answer === "saved") follow(entry.row, entry.version, versionOf(form));
      state.refreshedToken = false;
    } else if (xhr.status === 401) {
      state.signedOut = true;
      if (form) mark(form, entry.name, "signedOutField");
    } else if (xhr.status === 403 && !state.refreshedToken) {
      // Signing in elsewhere rotated the CSRF token: take the new one and send again, once.
      state.refreshedToken = true;
      if (form) mark(form, entry.name, "failedField");
      checkSession().then(function (ok) { if (ok) flush(); else { state.signedOut = true; showBar(); } });
    } else {
      state.failed = true;
      if (form) mark(form, entry.name, navigator.onLine ? "failedField" : "offlineField");
      if (navigator.onLine) scheduleRetry();
    }
    showBar();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", showBar);
  window.addEventListener("focus", resumeIfSignedIn);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") resumeIfSignedIn();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === "fg:signed-in") resumeIfSignedIn();
  });
  bar.querySelector(".save-retry").addEventListener("click", function () {
    if (navigator.onLine) flush();
  });
  window.addEventListener("beforeunload", function (event) {
    if (!store.keys().length && !inflight.size) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // A reload or a new sign-in: put back what was not saved, and send it, once htmx has read the
  // page (it announces that with htmx:load on the body).
  var restored = false;
  function restore() {
    if (restored) return;
    restored = true;
    store.keys().map(parse).forEach(function (e) {
      var form = formHolding(e.row, e.name);
      if (!form) return store.remove(e.key);
      setValue(form, e.name, store.get(e.key));
      mark(form, e.name, navigator.onLine ? "failedField" : "offlineField");
    });
    flush();
  }
  document.addEventListener("htmx:load", function (event) {
    if (event.target === document.body) restore();
  });
  if (document.readyState === "complete") restore();
})();
