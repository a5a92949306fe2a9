// arsitek site: table filtering and sorting, and offline search over the prebuilt index.
(function () {
  "use strict";
  var up = document.body.getAttribute("data-up") || "";

  function norm(s) { return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }

  document.querySelectorAll("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var q = norm(input.value);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = q !== "" && norm(row.textContent).indexOf(q) === -1;
      });
    });
  });

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = norm(a.cells[index] ? a.cells[index].textContent : "");
          var y = norm(b.cells[index] ? b.cells[index].textContent : "");
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });

  // The search index is one script per language (megabytes for a national model): it is loaded when
  // the reader first uses search, not parsed again on every page they open.
  var waiting = null;
  function withIndex(callback) {
    if (window.ARSITEK_SEARCH) { callback(); return; }
    if (waiting) { waiting.push(callback); return; }
    waiting = [callback];
    var script = document.createElement("script");
    script.src = up + "search-index.js";
    script.onload = function () { var queued = waiting; waiting = null; queued.forEach(function (f) { f(); }); };
    document.head.appendChild(script);
  }

  // Each entry's text is normalised once, not on every keystroke (93,000 entries at national scale).
  var normalised = false;
  function normalise() {
    if (normalised) { return; }
    window.ARSITEK_SEARCH.forEach(function (entry) {
      entry.title = norm(entry.t);
      entry.words = " " + entry.title.split(/\s+/).join(" ");
      entry.body = norm(entry.d + " " + entry.k);
      entry.extra = norm(entry.x || "");
    });
    normalised = true;
  }

  function search(q) {
    var words = norm(q).split(/\s+/).filter(Boolean);
    if (!words.length || !window.ARSITEK_SEARCH) { return []; }
    normalise();
    var scored = [], whole = words.join(" ");
    window.ARSITEK_SEARCH.forEach(function (entry) {
      var title = entry.title, body = entry.body, titleWords = entry.words, score = 0, via = null;
      for (var i = 0; i < words.length; i++) {
        // A word that starts a word of the title counts more than one found inside it: among thousands
        // of "Aplikasi 1500x", the query "aplikasi 1500" puts Aplikasi 1500 before Aplikasi 11500.
        if (titleWords.indexOf(" " + words[i]) !== -1) { score += 4; }
        else if (title.indexOf(words[i]) !== -1) { score += 3; }
        else if (body.indexOf(words[i]) !== -1) { score += 1; }
        else if (entry.extra.indexOf(words[i]) !== -1) { score += 1; via = via || words[i]; }
        else { return; }
      }
      if (title === whole) { score += 10; }
      else if (title.indexOf(whole) === 0) { score += 5; }
      entry.via = via;  // the word found only in the other language, a code or an attribute: shown with the hit
      scored.push([score, entry]);
    });
    scored.sort(function (a, b) { return b[0] - a[0] || a[1].t.localeCompare(b[1].t); });
    return scored.map(function (s) { return s[1]; });
  }

  function item(entry) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = up + entry.u;
    a.textContent = entry.t + " ";
    var small = document.createElement("small");
    small.textContent = entry.k;
    a.appendChild(small);
    li.appendChild(a);
    return li;
  }

  var input = document.getElementById("q");
  var suggest = document.querySelector(".suggest");
  if (input && suggest) {
    input.addEventListener("focus", function () { withIndex(function () {}); });
    input.addEventListener("input", function () {
      withIndex(function () {
        var hits = search(input.value).slice(0, 8);
        suggest.innerHTML = "";
        hits.forEach(function (h) { suggest.appendChild(item(h)); });
        suggest.hidden = hits.length === 0;
      });
    });
    input.addEventListener("blur", function () { setTimeout(function () { suggest.hidden = true; }, 200); });
  }

  var results = document.getElementById("search-results");
  if (results) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    if (input) { input.value = q; }
    withIndex(function () {
      var hits = search(q);
      var summary = document.getElementById("search-summary");
      hits.forEach(function (h) {
        var li = item(h);
        var p = document.createElement("p");
        p.textContent = h.d;
        li.appendChild(p);
        if (h.via) {  // where it matched, when the title and definition do not say
          var at = h.extra.indexOf(h.via), start = Math.max(0, at - 40);
          var matched = document.createElement("p");
          matched.className = "matched";
          matched.textContent = (start ? "\u2026" : "") + (h.x || "").slice(start, at + h.via.length + 60) + "\u2026";
          li.appendChild(matched);
        }
        results.appendChild(li);
      });
      summary.textContent = hits.length ? hits.length + " \u00d7" : summary.getAttribute("data-none");
    });
  }
  // Large diagrams (a national landscape is thousands of points wide) are shrunk to the page: give them
  // zoom and pan (buttons, keyboard, dragging) and a full-screen view, with no library and from file://.
  var said = document.documentElement.lang === "id"
    ? { zin: "Perbesar", zout: "Perkecil", fit: "Pas di layar", full: "Layar penuh", help: "Geser untuk memindah; tombol + − 0 dan panah" }
    : { zin: "Zoom in", zout: "Zoom out", fit: "Fit", full: "Full screen", help: "Drag to move; keys + − 0 and arrows" };
  document.querySelectorAll("figure.diagram .svg").forEach(function (box) {
    var svg = box.querySelector("svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal || svg.viewBox.baseVal.width < box.clientWidth * 1.2) { return; }
    var scale = 1, x = 0, y = 0, drag = null, moved = false;
    box.classList.add("zoomable");
    box.tabIndex = 0;
    box.setAttribute("aria-roledescription", said.help);
    box.style.height = Math.round(window.innerHeight * 0.7) + "px";  // room to look around once zoomed
    svg.style.transformOrigin = "0 0";
    function apply() { svg.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")"; svg.setAttribute("data-scale", scale.toFixed(2)); }
    var baseW = svg.getBoundingClientRect().width, baseH = svg.getBoundingClientRect().height;
    function middle(offset, size, room) {  // the middle of what is seen of the drawing along one axis
      var lo = Math.max(0, offset), hi = Math.min(room, offset + size);
      return hi > lo ? (lo + hi) / 2 : room / 2;
    }
    function zoom(factor) {
      var cx = middle(x, baseW * scale, box.clientWidth), cy = middle(y, baseH * scale, box.clientHeight);
      var next = Math.min(16, Math.max(1, scale * factor));
      x = cx - (cx - x) * next / scale; y = cy - (cy - y) * next / scale; scale = next;
      if (scale === 1) { x = 0; y = 0; }
      apply();
    }
    var bar = document.createElement("div");
    bar.className = "zoombar";
    [["+", said.zin, function () { zoom(1.5); }], ["\u2212", said.zout, function () { zoom(1 / 1.5); }],
     [said.fit, said.fit, function () { scale = 1; x = 0; y = 0; apply(); }],
     [said.full, said.full, function () { var f = box.parentNode; if (f.requestFullscreen) { f.requestFullscreen(); } }]
    ].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button"; button.textContent = b[0]; button.title = b[1]; button.setAttribute("aria-label", b[1]);
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
    box.parentNode.insertBefore(bar, box);
    box.addEventListener("keydown", function (e) {
      var step = 60, keys = { "+": function () { zoom(1.5); }, "=": function () { zoom(1.5); }, "-": function () { zoom(1 / 1.5); },
        "0": function () { scale = 1; x = 0; y = 0; apply(); }, ArrowLeft: function () { x += step; apply(); },
        ArrowRight: function () { x -= step; apply(); }, ArrowUp: function () { y += step; apply(); }, ArrowDown: function () { y -= step; apply(); } };
      if (keys[e.key]) { keys[e.key](); e.preventDefault(); }
    });
    box.addEventListener("pointerdown", function (e) { drag = [e.clientX - x, e.clientY - y]; moved = false; });
    box.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      x = e.clientX - drag[0]; y = e.clientY - drag[1]; moved = true; apply();
    });
    window.addEventListener("pointerup", function () { drag = null; });
    box.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
  });
})();
