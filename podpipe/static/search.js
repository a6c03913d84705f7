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
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u2018\u2019\u02bc]/g, "'").replace(/\s+/g, " ");
  }

  // For matching only: punctuation is not something people type into a search box.
  function bare(text) {
    return text.replace(/[^\p{L}\p{N}\s']+/gu, " ").replace(/\s+/g, " ").trim();
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

  // A phrase can run from one cue into the next ("…in a good" / "first topic…"): it is
  // found in the pair and shown from the cue where it starts.
  function spans(entry, query) {
    var next = entry.next;
    if (!next || next.m.indexOf(query) >= 0) return false;
    var start = (entry.m + " " + next.m).indexOf(query);
    return start >= 0 && start < entry.m.length;
  }

  function joined(entry) {
    var next = entry.next;
    return {
      s: entry.s, k: entry.k, t: entry.t, p: entry.p,
      x: entry.x + " " + next.x, n: entry.n + " " + next.n, m: entry.m + " " + next.m
    };
  }

  function search() {
    var typed = norm(input.value.trim()).trim();
    var query = bare(typed);
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    if (!data) { status.textContent = "Loading the index…"; return; }
    var terms = query.split(" ");
    var phrase = [], words = [];
    data.entries.forEach(function (entry) {
      if (entry.m.indexOf(query) >= 0) phrase.push(entry);
      else if (spans(entry, query)) phrase.push(joined(entry));
      else if (terms.every(function (t) { return entry.m.indexOf(t) >= 0; })) words.push(entry);
    });
    var found = phrase.concat(words);
    var marks = terms.length > 1 ? [typed, query].concat(terms) : terms;  // phrase, then words
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
    index.entries.forEach(function (e, i) {
      e.n = norm(e.x);
      e.m = bare(e.n);
      var next = index.entries[i + 1];
      if (e.k === "c" && next && next.k === "c" && next.s === e.s) e.next = next;
    });
    data = index;
    search();
  }).catch(function (error) {
    status.textContent = "The search index could not be loaded (" + error.message + ").";
  });
})();
