/* On every page: buttons are disabled while their request runs, changes kept in this browser for
   unsaved work are cleared at sign-out (office computers are shared), the page a lost session
   led to tells the other tabs that the person is signed in again, and file fields speak the
   page's language. No build step; plain ES2017. */
(function () {
  "use strict";
  var UNSAVED = "fg:unsaved:";
  var BUSY_AT_MOST_MS = 20000; // a form that downloads a file leaves the page where it was

  function buttonsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button, input[type=submit]"));
  }

  function setBusy(form, busy) {
    buttonsOf(form).forEach(function (button) {
      if (busy) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.dataset.busy = "1";
      } else if (button.dataset.busy) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        delete button.dataset.busy;
      }
    });
  }

  // A plain post: disable after the browser has taken the submitter's value.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    window.setTimeout(function () { setBusy(form, true); }, 0);
    window.setTimeout(function () { setBusy(form, false); }, BUSY_AT_MOST_MS);
  });
  // An htmx form (upload, remove): busy from the request until its answer.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.tagName === "FORM") setBusy(event.detail.elt, true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.tagName === "FORM") setBusy(event.detail.elt, false);
  });
  // Back to a page the browser kept: its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form").forEach(function (f) { setBusy(f, false); });
  });

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function unsavedKeysOf(user) {
    var store = storage();
    var keys = [];
    if (!store) return keys;
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(UNSAVED + user + ":") === 0) keys.push(key);
    }
    return keys;
  }

  // Sign-out clears what this person left unsaved here, after asking if there is any.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-sign-out]")) return;
    var keys = unsavedKeysOf(form.dataset.signOut);
    if (keys.length && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    keys.forEach(function (key) { storage().removeItem(key); });
  }, true);

  // The landing page of a sign-in opened from a page that lost its session.
  var signedIn = document.getElementById("signed-in");
  if (signedIn && storage()) {
    try { storage().setItem("fg:signed-in", signedIn.dataset.signedIn + ":" + Date.now()); } catch (e) { /* full */ }
  }

  // A file field in the page's language. The browser writes its own button and "no file" text in
  // the language of its menus, so an office computer with English menus showed "Choose File" on a
  // Vietnamese page. The field itself stays where it is, only transparent, on top of a button and
  // a file name drawn in the page's words: clicks, the keyboard, dragging a file onto it, its
  // label and screen readers all still reach the real field. Without JavaScript it is the
  // browser's own.
  function fileNames(input) {
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    return names.length ? names.join(", ") : document.body.dataset.fileNone;
  }

  function dressFileField(input) {
    if (input.closest(".file-picker")) return;
    var picker = document.createElement("span");
    picker.className = "file-picker";
    input.parentNode.insertBefore(picker, input);
    picker.appendChild(input);
    var face = document.createElement("span");
    face.className = "file-picker-button";
    face.setAttribute("aria-hidden", "true");
    face.textContent = document.body.dataset.fileChoose;
    var name = document.createElement("span");
    name.className = "file-picker-name";
    name.setAttribute("aria-hidden", "true");
    name.textContent = fileNames(input);
    picker.appendChild(face);
    picker.appendChild(name);
  }

  function dressFileFieldsIn(root) {
    if (!document.body.dataset.fileChoose || !root.querySelectorAll) return;
    if (root.matches && root.matches("input[type=file]")) dressFileField(root);
    root.querySelectorAll("input[type=file]").forEach(dressFileField);
  }

  dressFileFieldsIn(document);
  document.addEventListener("htmx:load", function (event) { dressFileFieldsIn(event.detail.elt); });
  document.addEventListener("change", function (event) {
    var picker = event.target.closest && event.target.closest(".file-picker");
    if (picker) picker.querySelector(".file-picker-name").textContent = fileNames(event.target);
  });
})();
