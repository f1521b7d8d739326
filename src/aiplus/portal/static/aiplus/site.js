// Behaviour every page shares. The content security policy allows no inline script and no inline event handler
// (onclick=…, onchange=…), so templates mark elements with data- attributes and this file, loaded by
// portal/base.html, gives them their behaviour (by delegation, so content HTMX swaps in works too):
//   <select data-autosubmit>  submits its form when another option is chosen (the language switch, filters)
//   <button data-print>       prints the page (receipts, decisions)
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
