/* starskope plot.js: a small canvas plotter for the app's panels (no dependencies).
   skPlot(div, panel) draws panel = {title, xlabel, ylabel, logx, series:[{label, kind, color,
   x, y}], vlines:[{x, color, dash, label}]}. Wheel zooms x (shift+wheel: y), drag pans,
   double-click resets. After drawing, div.dataset.rendered = "1" and div.dataset.points = N. */
(function () {
  "use strict";
  function finite(v) { return v !== null && isFinite(v); }
  function niceTicks(lo, hi, n) {
    var span = hi - lo; if (!(span > 0)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10(span / n)));
    var err = (n * step) / span;
    if (err <= 0.15) step *= 10; else if (err <= 0.35) step *= 5; else if (err <= 0.75) step *= 2;
    var out = [], t = Math.ceil(lo / step) * step;
    for (; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return out;
  }
  function fmt(v) {
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(1);
    return parseFloat(v.toPrecision(6)).toString();
  }
  function quantile(arr, q) {
    var s = arr.slice().sort(function (a, b) { return a - b; });
    return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
  }
  function extent(panel) {
    var xs = [], ys = [];
    panel.series.forEach(function (s) {
      for (var i = 0; i < s.x.length; i++) {
        if (finite(s.x[i]) && finite(s.y[i]) && (!panel.logx || s.x[i] > 0)) { xs.push(s.x[i]); ys.push(s.y[i]); }
      }
    });
    if (!xs.length) return null;
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = quantile(ys, 0.001), y1 = quantile(ys, 0.999);
    if (panel.id === "periodogram") { y0 = Math.min.apply(null, ys); y1 = Math.max.apply(null, ys); }
    var py = (y1 - y0) * 0.08 || 1e-3;
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    return { x0: x0, x1: x1, y0: y0 - py, y1: y1 + py, n: xs.length };
  }
  function skPlot(div, panel) {
    var canvas = document.createElement("canvas");
    div.innerHTML = ""; div.appendChild(canvas);
    var full = extent(panel);
    if (!full) { div.innerHTML = '<p class="muted">' + panel.title + ": no data</p>"; div.dataset.rendered = "1"; div.dataset.points = "0"; return; }
    var view = { x0: full.x0, x1: full.x1, y0: full.y0, y1: full.y1 };
    var M = { l: 62, r: 10, t: 22, b: 36 };
    var fx = panel.logx ? Math.log10 : function (v) { return v; };
    var gx = panel.logx ? function (v) { return Math.pow(10, v); } : function (v) { return v; };
    function draw() {
      var dpr = window.devicePixelRatio || 1, W = div.clientWidth, H = div.clientHeight;
      canvas.width = W * dpr; canvas.height = H * dpr;
      var c = canvas.getContext("2d"); c.setTransform(dpr, 0, 0, dpr, 0, 0);
      c.clearRect(0, 0, W, H);
      var pw = W - M.l - M.r, ph = H - M.t - M.b;
      var X0 = fx(view.x0), X1 = fx(view.x1);
      function px(v) { return M.l + (fx(v) - X0) / (X1 - X0) * pw; }
      function py(v) { return M.t + (1 - (v - view.y0) / (view.y1 - view.y0)) * ph; }
      c.font = "11px sans-serif"; c.fillStyle = "#222"; c.strokeStyle = "#ccc"; c.lineWidth = 1;
      c.fillText(panel.title, M.l, 14);
      var xt = panel.logx ? niceTicks(X0, X1, 6).map(gx) : niceTicks(view.x0, view.x1, 7);
      c.textAlign = "center";
      xt.forEach(function (t) { var x = px(t); c.beginPath(); c.moveTo(x, M.t + ph); c.lineTo(x, M.t + ph + 4); c.stroke(); c.fillText(fmt(t), x, M.t + ph + 15); });
      c.fillText(panel.xlabel, M.l + pw / 2, H - 4);
      c.textAlign = "right";
      niceTicks(view.y0, view.y1, 5).forEach(function (t) { var y = py(t); c.beginPath(); c.moveTo(M.l - 4, y); c.lineTo(M.l, y); c.stroke(); c.fillText(fmt(t), M.l - 6, y + 4); });
      c.save(); c.translate(12, M.t + ph / 2); c.rotate(-Math.PI / 2); c.textAlign = "center"; c.fillText(panel.ylabel, 0, 0); c.restore();
      c.strokeStyle = "#888"; c.strokeRect(M.l, M.t, pw, ph);
      c.save(); c.beginPath(); c.rect(M.l, M.t, pw, ph); c.clip();
      (panel.vlines || []).forEach(function (v) {
        if (v.x < view.x0 || v.x > view.x1) return;
        c.strokeStyle = v.color; c.globalAlpha = 0.7; c.setLineDash(v.dash ? [4, 3] : []);
        var x = px(v.x); c.beginPath(); c.moveTo(x, M.t); c.lineTo(x, M.t + ph); c.stroke();
        if (v.label) { c.fillStyle = v.color; c.textAlign = "left"; c.fillText(v.label, x + 2, M.t + 11); }
      });
      c.setLineDash([]); c.globalAlpha = 1;
      var drawn = 0;
      panel.series.forEach(function (s) {
        c.fillStyle = s.color; c.strokeStyle = s.color;
        if (s.kind === "line") {
          c.lineWidth = 1.3; c.beginPath(); var pen = false;
          for (var i = 0; i < s.x.length; i++) {
            if (!finite(s.x[i]) || !finite(s.y[i])) { pen = false; continue; }
            var x = px(s.x[i]), y = py(s.y[i]);
            if (pen) c.lineTo(x, y); else { c.moveTo(x, y); pen = true; }
            drawn++;
          }
          c.stroke();
        } else {
          var r = s.kind === "markers" ? 2.6 : 1.1;
          for (var j = 0; j < s.x.length; j++) {
            if (!finite(s.x[j]) || !finite(s.y[j])) continue;
            if (s.x[j] < view.x0 || s.x[j] > view.x1) continue;
            c.fillRect(px(s.x[j]) - r, py(s.y[j]) - r, 2 * r, 2 * r); drawn++;
          }
        }
      });
      c.restore();
      var lx = M.l + pw - 6; c.textAlign = "right";
      panel.series.slice().reverse().forEach(function (s, k) { c.fillStyle = s.color; c.fillText(s.label, lx, M.t + 12 + 12 * k); });
      div.dataset.points = String(drawn);
      div.dataset.rendered = "1";
    }
    canvas.addEventListener("wheel", function (e) {
      e.preventDefault();
      var rect = canvas.getBoundingClientRect(), f = e.deltaY > 0 ? 1.25 : 0.8;
      if (e.shiftKey) {
        var fy = 1 - (e.clientY - rect.top - M.t) / (rect.height - M.t - M.b);
        var yc = view.y0 + fy * (view.y1 - view.y0);
        view.y0 = yc - (yc - view.y0) * f; view.y1 = yc + (view.y1 - yc) * f;
      } else {
        var fxr = (e.clientX - rect.left - M.l) / (rect.width - M.l - M.r);
        var X0 = fx(view.x0), X1 = fx(view.x1), xc = X0 + fxr * (X1 - X0);
        view.x0 = gx(xc - (xc - X0) * f); view.x1 = gx(xc + (X1 - xc) * f);
      }
      div.dataset.zoomed = "1"; draw();
    }, { passive: false });
    var drag = null;
    canvas.addEventListener("mousedown", function (e) { drag = { x: e.clientX, y: e.clientY, v: Object.assign({}, view) }; });
    window.addEventListener("mouseup", function () { drag = null; });
    canvas.addEventListener("mousemove", function (e) {
      if (!drag) return;
      var rect = canvas.getBoundingClientRect();
      var dx = (e.clientX - drag.x) / (rect.width - M.l - M.r), dy = (e.clientY - drag.y) / (rect.height - M.t - M.b);
      var X0 = fx(drag.v.x0), X1 = fx(drag.v.x1), sx = dx * (X1 - X0), sy = dy * (drag.v.y1 - drag.v.y0);
      view.x0 = gx(X0 - sx); view.x1 = gx(X1 - sx); view.y0 = drag.v.y0 + sy; view.y1 = drag.v.y1 + sy; draw();
    });
    canvas.addEventListener("dblclick", function () { view = { x0: full.x0, x1: full.x1, y0: full.y0, y1: full.y1 }; delete div.dataset.zoomed; draw(); });
    window.addEventListener("resize", draw);
    draw();
  }
  window.skPlot = skPlot;
})();
