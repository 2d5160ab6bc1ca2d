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
  document.querySelectorAll("form[data-billing-form]").forEach(setUp);
})();
