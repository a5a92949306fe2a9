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
})();
