// vadesk's one script: behaviour declared in data- attributes, so pages need no inline handlers
// (the content security policy refuses them; docs/security.md).
(function () {
  "use strict";

  // <select data-autosubmit>: send its form as soon as the choice changes.
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });

  document.addEventListener("click", function (event) {
    // <button data-confirm="Delete this entry?">: ask first.
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // <a data-back href="fallback">: the previous page, or the fallback when there is none.
    var back = event.target.closest("a[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  function ready() {
    // data-color="#3b82f6": a calendar's colour as the custom property --c (set through the CSSOM, not markup).
    document.querySelectorAll("[data-color]").forEach(function (el) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(el.dataset.color)) el.style.setProperty("--c", el.dataset.color);
    });
    // The running timer's clock.
    document.querySelectorAll(".elapsed[data-started]").forEach(function (el) {
      var start = new Date(el.dataset.started);
      function tick() {
        var s = Math.max(0, Math.floor((Date.now() - start) / 1000));
        el.textContent = Math.floor(s / 3600) + ":" + String(Math.floor(s / 60) % 60).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
      }
      tick();
      setInterval(tick, 1000);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  // Content htmx swaps in gets its colours too.
  document.addEventListener("htmx:afterSettle", ready);
})();
