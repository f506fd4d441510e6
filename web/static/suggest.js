// Autocomplete for the search box: the WAI-ARIA 1.2 combobox pattern (list autocomplete) on <input id="q">.
// Suggestions for the word being typed come from /api/suggest (the input's data-suggest URL). Without
// JavaScript the box is a plain search field.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) { return; }
  var KINDS = { kommune: "Kommune", partei: "Partei", thema: "Thema", wort: "Wort" };
  var DELAY = 150; // ms after the last keystroke
  var LIMIT = 8;
  var endpoint = input.getAttribute("data-suggest");
  var listId = input.id + "-vorschlaege";

  var list = document.createElement("ul");
  list.id = listId;
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Vorschläge");
  list.hidden = true;
  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  input.parentNode.appendChild(list);
  input.parentNode.appendChild(live);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  var items = [];   // the suggestions shown
  var active = -1;  // index of the active option, -1: none
  var timer = null;
  var latest = 0;   // number of the newest request; older answers are dropped

  // The word being typed: from the last space before the cursor to the next space after it.
  function wordAt() {
    var value = input.value;
    var cursor = input.selectionStart === null ? value.length : input.selectionStart;
    var start = value.slice(0, cursor).search(/\S*$/);
    var rest = value.slice(cursor).search(/\s|$/);
    return { start: start, end: cursor + rest, before: value.slice(0, cursor) };
  }

  function setActive(index) {
    var options = list.children;
    if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
    active = index;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    setActive(-1);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function countText(n) { return n === 1 ? "1 Vorschlag" : n + " Vorschläge"; }

  function render(suggestions) {
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.textContent = "";
    suggestions.forEach(function (s, i) {
      var option = document.createElement("li");
      option.id = listId + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var label = document.createElement("span");
      label.className = "suggest-label";
      label.textContent = s.label;
      var kind = document.createElement("span");
      kind.className = "suggest-kind";
      kind.textContent = KINDS[s.kind] || s.kind;
      var count = document.createElement("span");
      count.className = "suggest-count";
      count.textContent = String(s.count);
      var unit = document.createElement("span");
      unit.className = "visually-hidden";
      unit.textContent = s.count === 1 ? " Dokument" : " Dokumente";
      count.appendChild(unit);
      option.appendChild(label);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(kind);
      var comma = document.createElement("span");
      comma.className = "visually-hidden";
      comma.textContent = ", ";
      option.appendChild(comma);
      option.appendChild(count);
      list.appendChild(option);
    });
    var open = suggestions.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    live.textContent = open ? countText(suggestions.length) : "";
  }

  function accept(index) {
    var s = items[index];
    if (!s) { return; }
    var word = wordAt();
    var value = input.value;
    var after = value.slice(word.end).replace(/^\s*/, "");
    var head = value.slice(0, word.start) + s.value + " ";
    input.value = head + after;
    input.setSelectionRange(head.length, head.length);
    latest += 1; // an answer still under way is for the old text
    close();
    live.textContent = s.label + " übernommen";
  }

  function request() {
    var word = wordAt();
    if (!/\S$/.test(word.before)) { latest += 1; render([]); return; }
    var number = ++latest;
    var url = endpoint + "?q=" + encodeURIComponent(word.before.slice(-200)) + "&limit=" + LIMIT;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (number === latest) { render(data.suggestions || []); } })
      .catch(function () { if (number === latest) { render([]); } });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(request, DELAY);
  });

  input.addEventListener("keydown", function (event) {
    if (event.isComposing) { return; }
    var open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!items.length) { return; }
      event.preventDefault();
      if (!open) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        setActive(event.key === "ArrowDown" ? 0 : items.length - 1);
        return;
      }
      // down from the last option goes to the first, up from the first (or from none) to the last
      var next = event.key === "ArrowDown" ? active + 1 : (active <= 0 ? items.length : active) - 1;
      setActive(next % items.length);
    } else if (event.key === "Enter") {
      if (open && active >= 0) {
        event.preventDefault(); // take the suggestion, do not submit yet
        accept(active);
      } else {
        close();
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault(); // only close the list; a second Escape clears the box as usual
        close();
      }
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", close);
  // mousedown would move the focus away and close the list before the click arrives
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) { accept(Array.prototype.indexOf.call(list.children, option)); input.focus(); }
  });
})();
