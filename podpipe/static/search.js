/* podpipe search: loads the static index (search/index.json) and searches every transcript
   cue and show-note paragraph in the browser; one result per episode with its best
   passages. Hits are built with textContent only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.dataset.root;
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("hits");
  var MAX_HITS = 100;  // episodes
  var MAX_PASSAGES = 3;  // shown per episode, the best ones, in time order
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

  function href(entry) {
    return root + "episodes/" + encodeURIComponent(entry.s) + "/" +
      (entry.k === "c" ? "#t=" + entry.t : "#notes");
  }

  function passage(entry, terms) {
    var li = el("li");
    var a = el("a", "", entry.k === "c" ? clock(entry.t) : "Show notes");
    a.href = href(entry);
    li.appendChild(a);
    if (entry.k === "c" && entry.p) li.appendChild(el("span", "meta", " · " + entry.p));
    li.appendChild(marked(entry, terms));
    return li;
  }

  // One result per episode: its title (linking to its best passage), how many passages
  // match, and the best few of them, each linking to its moment.
  function hit(group, terms) {
    var episode = episodes[group.slug] || { title: group.slug };
    var li = el("li");
    var a = el("a", "hit-episode", episode.title);
    a.href = href(group.top);
    li.appendChild(a);
    var n = group.count;
    li.appendChild(el("span", "meta", " " + n + (n === 1 ? " passage" : " passages")));
    var ul = el("ul", "passages");
    group.best.forEach(function (entry) { ul.appendChild(passage(entry, terms)); });
    li.appendChild(ul);
    if (n > group.best.length) li.appendChild(el("p", "meta more", "and " + (n - group.best.length) + " more"));
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
    // Score each matching entry: the whole phrase beats the words alone; more
    // occurrences of the words beat fewer.
    var groups = {}, order = [];
    data.entries.forEach(function (entry, i) {
      var found = null, score = 0;
      if (entry.m.indexOf(query) >= 0) { found = entry; score = 1000; }
      else if (spans(entry, query)) { found = joined(entry); score = 1000; }
      else if (terms.every(function (t) { return entry.m.indexOf(t) >= 0; })) found = entry;
      if (!found) return;
      terms.forEach(function (t) { score += entry.m.split(t).length - 1; });
      var group = groups[entry.s];
      if (!group) { group = groups[entry.s] = { slug: entry.s, first: i, hits: [] }; order.push(group); }
      group.hits.push({ entry: found, score: score, i: i });
    });
    order.forEach(function (group) {
      group.hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
      group.count = group.hits.length;
      group.score = group.hits[0].score;
      group.top = group.hits[0].entry;
      group.best = group.hits.slice(0, MAX_PASSAGES).map(function (h) { return h.entry; });
      group.best.sort(function (a, b) { return (a.k === "c" ? a.t : 1e9) - (b.k === "c" ? b.t : 1e9); });
    });
    order.sort(function (a, b) { return b.score - a.score || b.count - a.count || a.first - b.first; });
    var marks = terms.length > 1 ? [typed, query].concat(terms) : terms;  // phrase, then words
    order.slice(0, MAX_HITS).forEach(function (group) { list.appendChild(hit(group, marks)); });
    var n = order.length, passages = 0;
    order.forEach(function (group) { passages += group.count; });
    status.textContent = (n ? n + (n === 1 ? " episode" : " episodes") + " (" + passages +
      (passages === 1 ? " passage" : " passages") + ")" : "No results") +
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
