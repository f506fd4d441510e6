// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Sorting: apply the choice at once (the "Anwenden" button stays for keyboard and no-JS users).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  });
  // Search form: leave empty fields and the default sort out of the URL (short, shareable links).
  var searchForm = document.querySelector("form.search-form");
  if (searchForm) {
    searchForm.addEventListener("submit", function () {
      Array.prototype.forEach.call(searchForm.elements, function (el) {
        var isDefault = el.name === "sort" && el.value === "relevance";
        if (el.name && (el.value === "" || isDefault)) { el.disabled = true; }
      });
    });
    // Coming back through the history (bfcache): make the fields usable again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(searchForm.elements, function (el) { el.disabled = false; });
    });
  }
  // Upload: show that the server is working and prevent a double submit.
  document.querySelectorAll("button[data-busy]").forEach(function (button) {
    var form = button.form;
    if (!form) { return; }
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.getAttribute("data-busy");
      }, 0);
    });
  });
  // "Zur Suche" on a document page: back to the result list the user came from, if any.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    var ref = document.referrer;
    if (ref && ref.indexOf(window.location.origin + "/") === 0 && ref.indexOf("/dokument/") === -1) {
      link.href = ref;
      link.textContent = "‹ Zurück zu den Ergebnissen";
    }
  });
  // Keyboard: "/" focuses the search box.
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("q");
    var tag = (event.target && event.target.tagName) || "";
    if (event.key === "/" && box && !/^(INPUT|TEXTAREA|SELECT)$/.test(tag)) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
