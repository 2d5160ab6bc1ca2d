// Billing data: show only the group of fields for the kind of customer chosen.
// Without this script every group stays visible and the server ignores the other kind's fields.
(function () {
  "use strict";
  function setUp(form) {
    var groups = form.querySelectorAll("[data-billing-kind]");
    function update() {
      var chosen = form.querySelector('input[name$="kind"]:checked');
      groups.forEach(function (group) {
        group.hidden = Boolean(chosen) && group.dataset.billingKind !== chosen.value;
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.slice(-4) === "kind") update();
    });
    update();
  }
  function setUpWithin(root) {
    var forms = root.matches && root.matches("form[data-billing-form]") ? [root] : [];
    root.querySelectorAll("form[data-billing-form]").forEach(function (f) { forms.push(f); });
    forms.forEach(function (form) {
      if (form.dataset.billingReady) return;
      form.dataset.billingReady = "1";
      setUp(form);
    });
  }
  setUpWithin(document);
  // Forms swapped in by htmx (the Riepilogo's "Modifica").
  document.addEventListener("htmx:load", function (event) { setUpWithin(event.target); });
})();
