/* Evidence on a phone: the upload starts as soon as a file is picked (the phone offers its camera
   for the image types), after the size and type are checked here, so a 21 MB photo is refused
   before a byte is sent; a progress bar shows while it goes. The server checks everything again.
   Without JavaScript the form's button sends it. */
(function () {
  "use strict";
  var rules = document.getElementById("evidence-rules");
  if (!rules || !window.htmx) return;
  var maxBytes = Number(rules.dataset.maxBytes);
  var types = rules.dataset.types.split(" ");
  var lang = document.documentElement.lang || "vi";
  document.documentElement.classList.add("js-upload");

  function say(form, message) {
    var error = form.querySelector(".upload-error");
    error.textContent = message;
    error.hidden = !message;
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString(lang, { maximumFractionDigits: 1 });
  }

  function problemWith(file) {
    var name = file.name.toLowerCase();
    var fill = function (text) { return text.replace("{name}", file.name).replace("{size}", megabytes(file.size)); };
    if (!types.some(function (ext) { return name.endsWith(ext); })) return fill(rules.dataset.wrongType);
    if (file.size > maxBytes) return fill(rules.dataset.tooBig);
    if (file.size === 0) return fill(rules.dataset.empty);
    return "";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches(".upload-form input[type=file]") || !input.files.length) return;
    var form = input.form;
    var problem = problemWith(input.files[0]);
    say(form, problem);
    if (problem) {
      input.value = "";
      input.dispatchEvent(new Event("change", { bubbles: true })); // the file's name goes too
      return;
    }
    htmx.trigger(form, "submit");
  });

  function progressOf(event) {
    var form = event.detail.elt;
    return form.matches && form.matches(".upload-form") ? form.querySelector(".upload-progress") : null;
  }
  document.addEventListener("htmx:beforeSend", function (event) {
    var bar = progressOf(event);
    if (!bar) return;
    bar.value = 0;
    bar.removeAttribute("value"); // indeterminate until the first progress event
    bar.hidden = false;
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = progressOf(event);
    if (bar && event.detail.lengthComputable) bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var bar = progressOf(event);
    if (!bar) return;
    bar.hidden = true;
    if (!event.detail.successful) say(event.detail.elt, rules.dataset.failed);
  });
})();
