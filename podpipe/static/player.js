/* podpipe episode page: chapters and transcript cues seek the player, #t= deep links
   open the page at that moment, and the cue being played is highlighted. No dependencies. */
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) return;
  var follow = document.getElementById("follow");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Each timed list (chapters, cues) with its items' start/end times, in time order.
  var lists = Array.prototype.map.call(document.querySelectorAll(".timed"), function (list) {
    var items = Array.prototype.map.call(list.children, function (el) {
      return { el: el, start: parseFloat(el.dataset.start), end: parseFloat(el.dataset.end) };
    });
    return { el: list, items: items, current: null };
  });

  // "90", "90.5", "1:30", "1:02:03" -> seconds; null for anything else.
  function parseTime(text) {
    if (!/^\d+(\.\d+)?$|^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(text)) return null;
    return text.split(":").reduce(function (acc, part) { return acc * 60 + parseFloat(part); }, 0);
  }

  function hashTime() {
    var m = /^#(?:.*&)?t=([^&]+)/.exec(location.hash);
    return m ? parseTime(decodeURIComponent(m[1])) : null;
  }

  function seek(t, play) {
    function apply() {
      audio.currentTime = t;
      highlight(t, true);
      if (play) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () {});  // autoplay refused: seeking still counts
      }
    }
    if (audio.readyState >= 1) {
      apply();
    } else {
      highlight(t, true);
      audio.addEventListener("loadedmetadata", apply, { once: true });
      if (audio.preload === "none") audio.load();
    }
  }

  function active(items, t) {
    // The last item that started at or before t. It stays lit through the pause before
    // the next one (no flicker between cues); only the last item ever ends.
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0) return null;
    var item = items[found];
    return found < items.length - 1 || !(t > item.end + 1) ? item : null;
  }

  function highlight(t, jump) {
    lists.forEach(function (list) {
      var item = active(list.items, t);
      if (item === list.current) return;
      if (list.current) {
        list.current.el.classList.remove("now");
        list.current.el.removeAttribute("aria-current");
      }
      list.current = item;
      if (!item) return;
      item.el.classList.add("now");
      item.el.setAttribute("aria-current", "time");
      if (list.el.classList.contains("cues") && (jump || (follow && follow.checked))) {
        item.el.scrollIntoView({ block: "center", behavior: reduceMotion || jump ? "auto" : "smooth" });
      }
    });
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var target = event.target.closest("[data-t], .timed > li");
    if (!target || event.target.closest("a:not([data-t])")) return;
    // Selecting words of a cue to copy them must not restart the audio.
    if (!target.dataset.t && String(window.getSelection()).length) return;
    var t = parseFloat(target.dataset.t || target.dataset.start);
    if (isNaN(t)) return;
    event.preventDefault();
    history.replaceState(null, "", "#t=" + t);
    seek(t, true);
  });

  window.addEventListener("hashchange", function () {
    var t = hashTime();
    if (t !== null) seek(t, false);
  });
  audio.addEventListener("timeupdate", function () { highlight(audio.currentTime, false); });
  audio.addEventListener("seeked", function () { highlight(audio.currentTime, false); });

  var start = hashTime();
  if (start !== null) seek(start, false);
})();
