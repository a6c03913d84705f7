/* podpipe search: loads the static index (search/index.json) and searches every transcript
   cue and show-note paragraph in the browser. Hits are built with textContent only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.dataset.root;
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("hits");
  var MAX_HITS = 100;
  var data = null, episodes = {}, timer = null;

  function norm(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ");
  }

  function clock(seconds) {
    var s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var ss = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The line with every term marked; positions line up because norm() keeps lengths
  // for ordinary accented letters (otherwise the line is shown unmarked).
  function marked(entry, terms) {
    var p = el("p", "line");
    var text = entry.x, lower = entry.n;
    if (lower.length !== text.length) { p.textContent = text; return p; }
    var marks = [];
    terms.forEach(function (term) {
      for (var i = lower.indexOf(term); i >= 0; i = lower.indexOf(term, i + term.length)) {
        marks.push([i, i + term.length]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return;
      p.appendChild(document.createTextNode(text.slice(at, m[0])));
      p.appendChild(el("mark", "", text.slice(m[0], m[1])));
      at = m[1];
    });
    p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  function hit(entry, terms) {
    var episode = episodes[entry.s] || { title: entry.s };
    var href = root + "episodes/" + encodeURIComponent(entry.s) + "/" +
      (entry.k === "c" ? "#t=" + entry.t : "#notes");
    var li = el("li");
    var a = el("a");
    a.href = href;
    a.appendChild(el("span", "hit-episode", episode.title));
    var where = entry.k === "c" ? clock(entry.t) + (entry.p ? " · " + entry.p : "") : "Show notes";
    a.appendChild(el("span", "meta", " " + where));
    li.appendChild(a);
    li.appendChild(marked(entry, terms));
    return li;
  }

  function search() {
    var query = norm(input.value.trim()).trim();
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    if (!data) { status.textContent = "Loading the index…"; return; }
    var terms = query.split(" ");
    var phrase = [], words = [];
    data.entries.forEach(function (entry) {
      if (entry.n.indexOf(query) >= 0) phrase.push(entry);
      else if (terms.every(function (t) { return entry.n.indexOf(t) >= 0; })) words.push(entry);
    });
    var found = phrase.concat(words);
    var marks = terms.length > 1 ? [query].concat(terms) : terms;  // the phrase, then words
    found.slice(0, MAX_HITS).forEach(function (entry) { list.appendChild(hit(entry, marks)); });
    var n = found.length;
    status.textContent = (n ? n + (n === 1 ? " result" : " results") : "No results") +
      " for “" + input.value.trim() + "”" + (n > MAX_HITS ? ", showing the first " + MAX_HITS : "") + ".";
  }

  function remember() {
    var q = input.value.trim();
    history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember();
    search();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { remember(); search(); }, 150);
  });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) input.value = params.get("q");

  fetch(script.dataset.index).then(function (response) {
    if (!response.ok) throw new Error(response.status + " " + response.statusText);
    return response.json();
  }).then(function (index) {
    index.episodes.forEach(function (e) { episodes[e.slug] = e; });
    index.entries.forEach(function (e) { e.n = norm(e.x); });
    data = index;
    search();
  }).catch(function (error) {
    status.textContent = "The search index could not be loaded (" + error.message + ").";
  });
})();
