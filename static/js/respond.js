// Progressive enhancement for the answering page: autosave the draft in the background.
// Without JavaScript the page works the same; Next/Back save the draft on the server.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var dirty = false, busy = false, timer = null;
  var saved = form.getAttribute("data-saved-text") || "✓";

  function save() {
    if (!dirty || busy) return;
    busy = true; dirty = false;
    var data = new FormData(form);
    data.delete("action");
    data.set("autosave", "1");
    fetch(form.getAttribute("data-autosave"), { method: "POST", body: data, credentials: "same-origin", keepalive: true, headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (r.ok && status) { status.textContent = saved; } else if (!r.ok) { dirty = true; } })
      .catch(function () { dirty = true; })
      .finally(function () { busy = false; });
  }
  function changed() { dirty = true; clearTimeout(timer); timer = setTimeout(save, 1500); }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") changed(); });
  setInterval(save, 8000);
  // Before following a language link, save what was answered on this page.
  document.querySelectorAll(".lang-link").forEach(function (link) {
    link.addEventListener("click", function () { if (dirty) { dirty = true; save(); } });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
