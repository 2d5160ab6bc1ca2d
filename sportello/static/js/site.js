/* Sportello — small behaviours of the shared chrome. The page works without this file. */
(function () {
  "use strict";

  /* The "Servizi" menu is a <details> element: it opens and closes with Enter, Space or a
     click on its summary without any script. Here it also closes, like any menu, on Escape
     (focus goes back to "Servizi"), on a click elsewhere and when focus leaves it. */
  function closeDropdown(dropdown, returnFocus) {
    if (!dropdown.open) return;
    dropdown.open = false;
    if (returnFocus) dropdown.querySelector("summary").focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach(function (dropdown) {
      closeDropdown(dropdown, dropdown.contains(document.activeElement));
    });
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (dropdown) {
      if (!dropdown.contains(event.target)) closeDropdown(dropdown, false);
    });
  });

  document.addEventListener("focusin", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (dropdown) {
      if (!dropdown.contains(event.target)) closeDropdown(dropdown, false);
    });
  });

  /* A link in a form's error summary moves focus into the field it names, not just the
     scroll position, so the next key press edits that field. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".form-errors a[href^='#']");
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    (target.closest(".field") || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });

  /* A table wider than the screen scrolls inside its box; a box that scrolls must be
     reachable by keyboard (WCAG 2.1.1), so it joins the tab order only while it scrolls. */
  function markScrollingTables() {
    document.querySelectorAll("table.table, .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("htmx:afterSettle", markScrollingTables);
})();

/* Copy buttons (e.g. the IBAN of a bank transfer): shown only when the browser can copy. */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied-label") || "Copiato";
      });
    });
  });
})();
