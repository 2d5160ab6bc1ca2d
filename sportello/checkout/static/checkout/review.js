// "COMPLETA L'ACQUISTO": disable the button once clicked. The server already makes a double
// submit place one order; this only spares the customer a second round trip.
(function () {
  "use strict";
  // Listened for on the document: a change saved in place swaps the whole Riepilogo (htmx),
  // this form and its link included, and handlers bound to the first ones would be lost.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-place-order]")) return;
    // A card opened with "Modifica" and changed (or sent back with errors) but not saved:
    // the order would silently keep the old data. Stop, say so, and go to what was typed.
    var pending = unsavedEdit();
    if (pending) {
      event.preventDefault();
      var notice = document.getElementById("unsaved-review-edit");
      if (notice) notice.hidden = false;
      pending.focus();
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
  function isChanged(field) {
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }
  // The field to go back to in an open edit form that was not saved, or null.
  function unsavedEdit() {
    var forms = document.querySelectorAll("form[data-review-edit]");
    for (var i = 0; i < forms.length; i++) {
      var fields = Array.prototype.filter.call(forms[i].elements, function (field) {
        return field.name && field.type !== "hidden" && field.type !== "submit" && !field.disabled;
      });
      var changed = fields.filter(isChanged)[0];
      if (changed) return changed;
      var invalid = forms[i].querySelector("[aria-invalid=true]");
      if (forms[i].querySelector(".form-errors") || invalid) return invalid || fields[0] || forms[i];
    }
    return null;
  }
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
    // "Annulla": the card is back as it was; the keyboard goes to its heading.
    if (card && !form) {
      var heading = card.querySelector("h2[tabindex]");
      if (heading) heading.focus();
      return;
    }
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
