/* podpipe: club dates as of the reader's today. The page was built on one day; the
   badges ("Open", "Upcoming"), the home page's cycle heading and its sentence ("3 days
   left: runs ...") are brought up to date here. Without JavaScript the built text stays. */
(function () {
  "use strict";
  var DAY = 86400000;

  function day(text) {
    var p = text.split("-");
    return new Date(+p[0], p[1] - 1, +p[2]);
  }

  var now = new Date();
  var today = new Date(now.getFullYear(), now.getMonth(), now.getDate());

  function sentence(el, state, start, end) {
    var from = el.dataset.startText, to = el.dataset.endText, n;
    el.textContent = "";
    if (state === "open") {
      n = Math.round((end - today) / DAY) + 1;  // the last day counts
      var strong = document.createElement("strong");
      strong.textContent = n === 1 ? "Last day today" : n + " days left";
      el.appendChild(strong);
      el.appendChild(document.createTextNode(": runs " + from + " to " + to + "."));
    } else if (state === "upcoming") {
      n = Math.round((start - today) / DAY);
      el.textContent = "Starts in " + n + " day" + (n === 1 ? "" : "s") + ", on " + from +
        " (until " + to + ").";
    } else {
      el.textContent = "Ran " + from + " to " + to + "; the club page has what comes next.";
    }
  }

  var LABELS = { open: "open now", upcoming: "next topic", closed: "closed" };

  document.querySelectorAll("[data-start][data-end]").forEach(function (el) {
    var start = day(el.dataset.start), end = day(el.dataset.end);
    var state = today < start ? "upcoming" : today > end ? "closed" : "open";
    if (el.classList.contains("badge")) {
      el.classList.remove("badge-open", "badge-upcoming", "badge-closed");
      el.classList.add("badge-" + state);
      el.textContent = state.charAt(0).toUpperCase() + state.slice(1);
    } else if (el.classList.contains("cycle-state")) {
      el.textContent = LABELS[state];
    } else if (el.classList.contains("cycle-when")) {
      sentence(el, state, start, end);
    }
  });
})();
