// "Text kopieren" on a document page: copies the full text as the page shows it (paragraphs separated by blank
// lines), through the Clipboard API, else the older execCommand("copy"); the result is announced in a live region.
(function () {
  "use strict";
  var button = document.querySelector("button[data-copy-text]");
  var status = document.getElementById("copy-status");
  if (!button || !status) { return; }

  function text() {
    var parts = document.querySelectorAll(button.getAttribute("data-copy-text"));
    return Array.prototype.map.call(parts, function (p) { return p.textContent.trim(); })
      .filter(function (t) { return t; }).join("\n\n");
  }

  function announce(message) {
    status.textContent = "";  // a repeated message is announced again
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function fallback(value) {
    var area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    button.focus();
    return done;
  }

  function copied(ok) {
    announce(ok ? "Der Text wurde in die Zwischenablage kopiert."
      : "Kopieren war nicht möglich. Bitte markieren Sie den Text und kopieren Sie ihn mit Strg+C.");
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    var value = text();
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(function () { copied(true); },
        function () { copied(fallback(value)); });
    } else {
      copied(fallback(value));
    }
  });
})();
