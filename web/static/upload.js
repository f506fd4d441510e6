// Upload page: drag-and-drop or pick many files; each is sent on its own and its state shown live.
// Without JavaScript the form posts all files at once and the page lists their states.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var table = document.getElementById("upload-list");
  if (!form || !input || !zone || !table || !window.fetch || !window.FormData) { return; }
  var body = table.tBodies[0];
  var summary = document.getElementById("upload-summary");
  var statusUrl = table.getAttribute("data-status-url");
  var token = form.querySelector("input[name=csrf_token]").value;
  var maxMb = parseInt(form.getAttribute("data-max-mb") || "0", 10);
  var finished = { done: true, duplicate: true, failed: true };
  var labels = { sending: "wird hochgeladen", queued: "wartet", processing: "wird verarbeitet",
                 done: "fertig", duplicate: "Duplikat", failed: "Fehler" };
  var polling = null;
  var firstBatch = true;

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function render(row, upload) {
    row.setAttribute("data-state", upload.state);
    row.className = "status-" + upload.state;
    if (upload.id) { row.setAttribute("data-upload", upload.id); }
    var status = row.cells[1].firstChild;
    status.className = "status status-" + upload.state;
    status.textContent = upload.label || labels[upload.state];
    var detail = row.cells[2];
    detail.textContent = "";
    if (upload.state === "done" && upload.review_url) {
      detail.appendChild(link(upload.review_url, "Prüfen und veröffentlichen"));
      (upload.attachments || []).forEach(function (child, i) {
        detail.appendChild(document.createTextNode(i === 0 ? " · Anhänge: " : ", "));
        detail.appendChild(link(child.review_url, "Dokument " + child.id + " prüfen"));
      });
      (upload.same_text || []).forEach(function (warning) {  // the same text is published already
        var line = document.createElement("p");
        line.className = "reuse-warning";
        line.appendChild(document.createTextNode("Hinweis: "));
        line.appendChild(link(warning.url, warning.label));
        detail.appendChild(line);
      });
    } else if (upload.state === "duplicate" && upload.document_url) {
      detail.appendChild(document.createTextNode("Schon im Archiv: "));
      detail.appendChild(link(upload.document_url, "vorhandenes Dokument " + upload.document_id));
    } else if (upload.state === "failed") {
      detail.textContent = upload.error || "Fehler";
    }
  }

  function newRow(name) {
    if (firstBatch) {  // the list shows this batch from now on, not the older uploads
      body.textContent = "";
      var heading = document.getElementById("upload-list-title");
      if (heading) { heading.textContent = "Ihre Dateien"; }
      var empty = document.getElementById("upload-empty");
      if (empty) { empty.remove(); }
      firstBatch = false;
    }
    var row = body.insertRow(-1);
    var nameCell = row.insertCell(0);
    nameCell.className = "filename";
    nameCell.textContent = name;
    var status = document.createElement("span");
    row.insertCell(1).appendChild(status);
    row.insertCell(2).className = "upload-detail";
    render(row, { state: "sending" });
    return row;
  }

  function updateSummary() {
    var rows = body.querySelectorAll("tr");
    var open = body.querySelectorAll("tr[data-state=sending], tr[data-state=queued], tr[data-state=processing]");
    if (summary) {
      summary.textContent = rows.length + " Datei" + (rows.length === 1 ? "" : "en") +
        (open.length ? ", davon " + open.length + " in Arbeit." : ", alle verarbeitet.");
    }
  }

  function poll() {
    var open = body.querySelectorAll("tr[data-upload][data-state=queued], tr[data-upload][data-state=processing]");
    if (!open.length) { window.clearInterval(polling); polling = null; updateSummary(); return; }
    var ids = Array.prototype.map.call(open, function (row) { return row.getAttribute("data-upload"); });
    fetch(statusUrl + "?ids=" + ids.join(","), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        (data.uploads || []).forEach(function (upload) {
          var row = body.querySelector("tr[data-upload='" + upload.id + "']");
          if (row) { render(row, upload); }
        });
        updateSummary();
      })
      .catch(function () { /* try again at the next tick */ });
  }

  function startPolling() {
    if (!polling) { polling = window.setInterval(poll, 1000); }
  }

  function send(file) {
    var row = newRow(file.name);
    if (maxMb && file.size > maxMb * 1024 * 1024) {
      render(row, { state: "failed", error: "Datei zu groß (höchstens " + maxMb + " MB)" });
      return Promise.resolve();
    }
    var data = new FormData();
    data.append("csrf_token", token);
    data.append("files", file, file.name);
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                                headers: { Accept: "application/json", "X-CSRF-Token": token } })
      .then(function (response) {
        return response.json().catch(function () { return { error: "Hochladen fehlgeschlagen (" + response.status + ")" }; });
      })
      .then(function (data) {
        if (data.uploads && data.uploads.length) {
          render(row, data.uploads[0]);
          if (!finished[data.uploads[0].state]) { startPolling(); }
        } else {
          render(row, { state: "failed", error: data.error || "Hochladen fehlgeschlagen" });
        }
        updateSummary();
      })
      .catch(function () { render(row, { state: "failed", error: "Keine Verbindung zum Server" }); });
  }

  function sendAll(files) {
    var list = Array.prototype.slice.call(files);
    var chain = Promise.resolve();
    list.forEach(function (file) { chain = chain.then(function () { return send(file); }); });
    chain.then(function () { input.value = ""; updateSummary(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.files.length) { sendAll(input.files); }
  });
  input.addEventListener("change", function () { if (input.files.length) { sendAll(input.files); } });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { sendAll(event.dataTransfer.files); }
  });
  startPolling();
})();
