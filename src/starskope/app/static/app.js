/* starskope app.js: load a star's plots; follow an upload's progress. */
(function () {
  "use strict";
  function loadPlots() {
    var box = document.getElementById("plots");
    if (!box) return;
    var status = document.getElementById("plots-status");
    fetch(box.dataset.url).then(function (r) { return r.json(); }).then(function (data) {
      if (data.error) { status.textContent = data.error; status.className = "error"; box.dataset.state = "error"; return; }
      var byId = {};
      data.panels.forEach(function (p) { byId[p.id] = p; });
      box.querySelectorAll(".plot[data-panel]").forEach(function (div) {
        var p = byId[div.dataset.panel];
        if (p) window.skPlot(div, p); else div.remove();
      });
      document.querySelectorAll(".plot[data-candidate]").forEach(function (div) {
        var c = data.candidates[+div.dataset.candidate];
        if (c) window.skPlot(div, c[+div.dataset.which]); else div.remove();
      });
      status.textContent = ""; box.dataset.state = "rendered";
    }).catch(function (e) { status.textContent = "Plots could not be loaded: " + e; status.className = "error"; box.dataset.state = "error"; });
  }
  function loadKnown() {
    var box = document.getElementById("plots");
    if (!box || !box.dataset.knownUrl) return;
    fetch(box.dataset.knownUrl).then(function (r) { return r.json(); }).then(function (data) {
      document.querySelectorAll("p.known[data-candidate]").forEach(function (p) {
        var k = (data.known || [])[+p.dataset.candidate];
        p.querySelector("strong").textContent = k ? k.label : (data.error || "no match");
      });
    }).catch(function () {});
  }
  function followJob() {
    var box = document.getElementById("job");
    if (!box || box.dataset.stage === "failed") return;
    var stages = ["queued", "reading", "analysing", "drawing", "done"];
    function poll() {
      fetch("/api/job/" + box.dataset.id, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        if (s.error) {  // the job is gone (the app restarted, or forgot old uploads): stop
          document.getElementById("stage").textContent = s.error + "; upload the file again";
          document.getElementById("stage").className = "error";
          return;
        }
        if (s.done) { window.location.reload(); return; }
        document.getElementById("stage").textContent = s.stage;
        document.getElementById("elapsed").textContent = s.elapsed_s;
        document.getElementById("progress").value = stages.indexOf(s.stage);
        setTimeout(poll, 500);
      }).catch(function () { setTimeout(poll, 1500); });
    }
    poll();
  }
  document.addEventListener("DOMContentLoaded", function () { loadPlots(); loadKnown(); followJob(); });
})();
