/* The appraiser's review on the indicator: the A key accepts the commune's value of the row that
   has the focus (as its "Chấp nhận" button does), unless the focus is in a field being typed in. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "a" && event.key !== "A") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var row = target.closest("[data-review-row]");
    var button = row && row.querySelector("button[data-accept]");
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
