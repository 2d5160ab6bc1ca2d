// "COMPLETA L'ACQUISTO": disable the button once clicked. The server already makes a double
// submit place one order; this only spares the customer a second round trip.
(function () {
  "use strict";
  // Listened for on the document: a change saved in place swaps the whole Riepilogo (htmx),
  // this form and its link included, and handlers bound to the first ones would be lost.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-place-order]")) return;
    var button = form.querySelector("button[type=submit]");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
  // "Condizioni generali di vendita" in the checkbox's label opens the text in the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-open-terms]") : null;
    if (!link) return;
    var details = document.getElementById("condizioni-generali");
    if (details) details.open = true;
  });
  // "Modifica" on the Riepilogo swaps a card for its form (htmx): the keyboard follows it to the
  // first field, unless the form came back with errors (their summary takes focus itself).
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    // Saved: the whole Riepilogo was swapped; the keyboard goes back to the card just changed.
    if (target && target.id === "review-page") {
      var saved = document.querySelector("#review-page [data-saved] h2");
      if (saved) saved.focus();
      return;
    }
    if (!target || !target.classList || !target.classList.contains("review-card")) return;
    // An outerHTML swap replaced the element the event names: find its successor.
    var card = document.getElementById(target.id);
    var form = card && card.querySelector("form[data-review-edit]");
    if (!form || form.querySelector(".form-errors")) return;
    var first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
  // Coming back with the browser's Back button must not leave the button disabled.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-place-order] button[type=submit]").forEach(function (b) {
      b.disabled = false;
    });
  });
})();
