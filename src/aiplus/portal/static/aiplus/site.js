// Behaviour every page shares. The content security policy allows no inline script and no inline event handler
// (onclick=…, onchange=…), so templates mark elements with data- attributes and this file, loaded by
// portal/base.html, gives them their behaviour (by delegation, so content HTMX swaps in works too):
//   <select data-autosubmit>  submits its form when another option is chosen (the language switch, filters)
//   <button data-print>       prints the page (receipts, decisions)
//   <select data-picker>      gets a search box that narrows its options by name, pinyin or initials (the one
//                             picker of core.pickers: each option carries its search keys in data-keys)
//   <div id="live-record" data-live>  a record's live section (core/partials/live_region.html): HTMX polls the
//                             record's own page and swaps the section in; with data-live="reload" the page is
//                             reloaded once the section stops polling (its result needs the page's scripts: charts)
//   <button data-menu-toggle>  opens and closes the menu on phones (portal/base.html); one menu group open at a time,
//                             closed by Escape or a click elsewhere
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  var reloadWhenDone = !!document.querySelector("[data-live=reload]");
  document.addEventListener("htmx:afterSettle", function () {
    if (reloadWhenDone && !document.querySelector("[data-live=reload]")) {
      reloadWhenDone = false;
      window.location.reload();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
    var toggle = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
    if (toggle) {
      var header = toggle.closest(".site-header");
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    // a click outside an open menu group closes it
    var inside = event.target instanceof Element ? event.target.closest("details.nav-group") : null;
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      if (group !== inside) { group.removeAttribute("open"); }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      group.removeAttribute("open");
      group.querySelector("summary").focus();
    });
  });

  // The picker: a search box before each <select data-picker>; typing narrows the options to those whose
  // data-keys (names, pinyin, initials, code) contain what was typed, and selects the first one left.
  function enhancePickers(root) {
    root.querySelectorAll("select[data-picker]:not([data-picker-ready])").forEach(function (select) {
      select.setAttribute("data-picker-ready", "");
      var box = document.createElement("input");
      box.type = "search";
      box.className = "picker-search";
      box.setAttribute("aria-label", select.getAttribute("data-picker-label") || (document.documentElement.lang === "en" ? "Search" : "搜索"));
      box.setAttribute("data-testid", "picker-" + (select.name || ""));
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var typed = box.value.trim().toLowerCase();
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var keys = (option.getAttribute("data-keys") || "") + " " + option.text.toLowerCase();
          // what a multiple picker already has ticked stays in view while the person searches for more
          var shown = !typed || !option.value || (select.multiple && option.selected) || keys.indexOf(typed) !== -1;
          option.hidden = !shown;
          if (shown && option.value && first === null) { first = option; }
        });
        // a single choice follows the search; in a multiple picker the person ticks what they mean
        if (typed && first !== null && !select.multiple &&
            (!select.value || select.selectedOptions[0].hidden)) {
          first.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhancePickers(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhancePickers(event.target); });
})();
