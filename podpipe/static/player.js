/* podpipe episode page: a player built over the page's <audio> (without JavaScript the
   browser's own controls stay). Chapter marks on the timeline and a chapter list that
   follows playback, speed 0.8-2x, skip back 15 s / on 30 s, keyboard shortcuts, resume
   where the listener stopped (localStorage), "share this moment", #t= deep links, and the
   transcript cue being played highlighted. The cues come from the episode's transcript.json
   (published beside the page), not the page itself, so an hour-long episode's page stays
   small; without JavaScript the page links the transcript page. No dependencies, nothing
   from other hosts. */
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) return;
  // The "Follow along" box: made with the fetched cue list (a show's own template may
  // still inline its cues and the box).
  var follow = document.getElementById("follow");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var RATES = [0.8, 1, 1.1, 1.25, 1.5, 1.75, 2];
  var SAVE_KEY = "podpipe:position:" + location.pathname, RATE_KEY = "podpipe:rate";

  // Each timed list (chapters, cues) with its items' start/end times, in time order.
  function timedList(list) {
    var items = Array.prototype.map.call(list.children, function (el) {
      return { el: el, start: parseFloat(el.dataset.start), end: parseFloat(el.dataset.end) };
    });
    return { el: list, items: items, current: null };
  }
  var lists = Array.prototype.map.call(document.querySelectorAll(".timed"), timedList);
  var chapterList = lists.filter(function (l) { return l.el.classList.contains("chapters"); })[0];

  // "90", "90.5", "1:30", "1:02:03" -> seconds; null for anything else.
  function parseTime(text) {
    if (!/^\d+(\.\d+)?$|^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(text)) return null;
    return text.split(":").reduce(function (acc, part) { return acc * 60 + parseFloat(part); }, 0);
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var ss = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
  }

  function hashTime() {
    var m = /^#(?:.*&)?t=([^&]+)/.exec(location.hash);
    return m ? parseTime(decodeURIComponent(m[1])) : null;
  }

  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); }
    catch (e) { /* storage off (private mode): the player works without it */ }
  }
  function stored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : parseFloat(audio.dataset.duration) || 0;
  }

  // play: start playing there; quiet: do not scroll the transcript to it (a resume).
  function seek(t, play, quiet) {
    function apply() {
      audio.currentTime = Math.max(0, Math.min(t, duration()));
      highlight(audio.currentTime, !quiet);
      if (play) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () {});  // autoplay refused: seeking still counts
      }
    }
    if (audio.readyState >= 1) {
      apply();
    } else {
      highlight(t, !quiet);
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

  var lastT = 0, jumpPending = false;  // for the cue list, when it comes
  function highlight(t, jump) {
    lastT = t;
    if (jump && !cueList) jumpPending = true;
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
    if (ui) ui.update();
  }

  // ------------------------------------------------------------------ the controls

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // A button named by its visible text (what speech-input users say to press it).
  function button(text, action) {
    var b = el("button", { type: "button" }, text);
    b.addEventListener("click", action);
    return b;
  }

  function toggle() {
    if (audio.paused) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    else audio.pause();
  }

  function skip(by) { seek(audio.currentTime + by, false); }

  function setRate(rate) {
    audio.playbackRate = audio.defaultPlaybackRate = rate;
    store(RATE_KEY, rate === 1 ? null : String(rate));
    if (ui) ui.rate.value = String(rate);
  }

  function stepRate(by) {
    var i = RATES.indexOf(audio.playbackRate);
    if (i < 0) i = RATES.indexOf(1);
    setRate(RATES[Math.max(0, Math.min(RATES.length - 1, i + by))]);
  }

  function share() {
    var url = (audio.dataset.share || location.href.split("#")[0]) + "#t=" + Math.floor(audio.currentTime);
    ui.said.textContent = url;
    ui.said.hidden = false;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () {
        ui.status.textContent = "Link to " + clock(audio.currentTime) + " copied.";
      }, function () { ui.status.textContent = "Copy this link to share " + clock(audio.currentTime) + "."; });
    } else {
      ui.status.textContent = "Copy this link to share " + clock(audio.currentTime) + ".";
    }
  }

  function build() {
    var box = el("div", { "class": "pp", role: "group", "aria-label": "Player controls" });
    var play = button("Play", toggle);
    play.className = "pp-play";
    var row = el("div", { "class": "pp-row" });
    row.appendChild(play);
    row.appendChild(button("Back 15 s", function () { skip(-15); }));
    row.appendChild(button("Forward 30 s", function () { skip(30); }));
    var time = el("span", { "class": "pp-time" }, "0:00 / " + clock(duration()));
    row.appendChild(time);
    var label = el("label", { "class": "pp-speed" }, "Speed ");
    var rate = el("select", { id: "pp-rate" });
    RATES.forEach(function (r) { rate.appendChild(el("option", { value: String(r) }, r + "×")); });
    rate.value = "1";
    rate.addEventListener("change", function () { setRate(parseFloat(rate.value)); });
    label.appendChild(rate);
    row.appendChild(label);
    row.appendChild(button("Share this moment", share));
    box.appendChild(row);

    var track = el("div", { "class": "pp-track" });
    track.appendChild(el("label", { "for": "pp-seek", "class": "sr-only" }, "Position"));
    var bar = el("input", { type: "range", id: "pp-seek", "class": "pp-seek", min: "0", step: "1",
      value: "0", max: String(Math.ceil(duration())) });
    var dragging = false;
    bar.addEventListener("input", function () { dragging = true; seek(parseFloat(bar.value), false); });
    bar.addEventListener("change", function () { dragging = false; });
    track.appendChild(bar);
    var marks = el("div", { "class": "pp-marks", "aria-hidden": "true" });
    track.appendChild(marks);
    box.appendChild(track);
    var chapter = el("p", { "class": "pp-chapter" });
    box.appendChild(chapter);
    var status = el("p", { "class": "pp-status", role: "status" });
    box.appendChild(status);
    box.appendChild(el("p", { "class": "pp-keys" },
      "Keys: Space play/pause · ← back 15 s · → on 30 s · < > speed"));
    var said = el("output", { "class": "pp-link" });
    said.hidden = true;
    box.appendChild(said);
    audio.insertAdjacentElement("afterend", box);
    audio.controls = false;
    audio.classList.add("enhanced");

    function placeMarks() {
      var d = duration();
      marks.textContent = "";
      if (!chapterList || !d) return;
      chapterList.items.forEach(function (item) {
        var mark = el("span", { "class": "pp-mark", title: item.el.textContent.trim() });
        mark.style.left = (100 * item.start / d) + "%";
        marks.appendChild(mark);
      });
    }

    var shown = -1, shownChapter = null;
    return {
      rate: rate, status: status, said: said, marks: marks,
      place: placeMarks,
      update: function () {
        var t = audio.currentTime, d = duration();
        play.textContent = audio.paused ? "Play" : "Pause";
        var ch = chapterList && chapterList.current;
        if (Math.floor(t) !== shown || ch !== shownChapter) {
          shown = Math.floor(t);
          shownChapter = ch;
          time.textContent = clock(t) + " / " + clock(d);
          bar.max = String(Math.ceil(d));
          if (!dragging) bar.value = String(Math.floor(t));
          bar.setAttribute("aria-valuetext", clock(t) + " of " + clock(d) +
            (ch ? ", chapter: " + ch.el.querySelector("a").textContent : ""));
        }
        var text = ch ? "Chapter: " + ch.el.querySelector("a").textContent : "";
        if (chapter.textContent !== text) chapter.textContent = text;
      }
    };
  }

  var ui = build();
  ui.place();

  // ------------------------------------------------------------------ the transcript

  // 12.5 -> "12.5", 3 -> "3": the numbers of #t= links, as the pages write them.
  function num(t) { return (+t).toFixed(3).replace(/0+$/, "").replace(/\.$/, ""); }

  // Word-level segments joined into sentence-sized cues, as on the transcript page
  // (podpipe/site/transcripts.py group_words); phrase-level ones pass through.
  function words(text) { return text.split(/\s+/).length; }
  function group(cues) {
    var counts = cues.map(function (c) { return words(c.body); }).sort(function (a, b) { return a - b; });
    if (!cues.length || counts[counts.length >> 1] > 2) return cues;
    var out = [cues[0]];
    cues.slice(1).forEach(function (c) {
      var last = out[out.length - 1];
      if (c.speaker === last.speaker && c.start - last.end <= 1.5 &&
          !/[.!?\u2026]['")\]]*$/.test(last.body) && words(last.body) < 30) {
        out[out.length - 1] = { start: last.start, end: c.end, speaker: last.speaker, body: last.body + " " + c.body };
      } else {
        out.push(c);
      }
    });
    return out;
  }

  var cueBox = document.getElementById("cues"), cueList = null;
  function showCues(data) {
    var cues = ((data && data.segments) || []).map(function (s) {
      var start = parseFloat(s && s.startTime), end = parseFloat(s && s.endTime);
      return { start: start, end: Math.max(start, end || start), speaker: String((s && s.speaker) || ""),
        body: String(s && s.body != null ? s.body : "").trim() };
    }).filter(function (c) { return c.body && isFinite(c.start); });
    cues.sort(function (a, b) { return a.start - b.start; });
    var hint = el("p", { "class": "hint" },
      "Select a time to play from there; each time is a link to that moment, to share. ");
    var label = el("label");
    follow = el("input", { type: "checkbox", id: "follow" });
    label.appendChild(follow);
    label.appendChild(document.createTextNode(" Follow along"));
    hint.appendChild(label);
    var list = el("ol", { "class": "cues timed" });
    group(cues).forEach(function (c) {
      var t = num(c.start), li = el("li", { "class": "cue", "data-start": t, "data-end": num(c.end) });
      li.appendChild(el("a", { "class": "ts", href: "#t=" + t, "data-t": t, "aria-label": "Play from " + clock(c.start) },
        clock(c.start)));
      if (c.speaker) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { "class": "spk" }, c.speaker));  // text, never markup
      }
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "txt" }, c.body));
      list.appendChild(li);
    });
    cueBox.textContent = "";
    cueBox.appendChild(hint);
    cueBox.appendChild(list);
    cueList = timedList(list);
    lists.push(cueList);
    highlight(lastT, jumpPending);
    jumpPending = false;
  }

  if (cueBox && window.fetch) {
    fetch(cueBox.dataset.src, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(showCues).catch(function () {
      cueBox.appendChild(el("p", { role: "status" },
        "The transcript did not load here: read it on the transcript page."));
    });
  }

  // ------------------------------------------------------------------ events

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

  // Keys, unless the listener is typing or using a control that has its own keys.
  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.target.closest("input, select, textarea, button, [contenteditable]")) return;
    var key = event.key;
    if (key === " " || key === "k") toggle();
    else if (key === "ArrowLeft" || key === "j") skip(-15);
    else if (key === "ArrowRight" || key === "l") skip(30);
    else if (key === "<" || key === ",") stepRate(-1);
    else if (key === ">" || key === ".") stepRate(1);
    else return;
    event.preventDefault();
  });

  window.addEventListener("hashchange", function () {
    var t = hashTime();
    if (t !== null) seek(t, false);
  });

  var lastSaved = -10;
  function save(force) {
    var t = audio.currentTime, d = duration();
    if (!force && Math.abs(t - lastSaved) < 2) return;
    lastSaved = t;
    // Near the start or the end there is nothing to resume.
    store(SAVE_KEY, t > 3 && (!d || t < d - 3) ? t.toFixed(1) : null);
  }

  audio.addEventListener("timeupdate", function () { highlight(audio.currentTime, false); save(false); });
  audio.addEventListener("seeked", function () { highlight(audio.currentTime, false); save(true); });
  audio.addEventListener("play", ui.update);
  audio.addEventListener("pause", function () { ui.update(); save(true); });
  audio.addEventListener("ended", function () { store(SAVE_KEY, null); ui.update(); });
  audio.addEventListener("loadedmetadata", function () { ui.place(); ui.update(); });
  audio.addEventListener("ratechange", function () { ui.rate.value = String(audio.playbackRate); });
  window.addEventListener("pagehide", function () { save(true); });

  var rate = parseFloat(stored(RATE_KEY));
  if (RATES.indexOf(rate) >= 0) setRate(rate);
  // A #t= link wins over the remembered position.
  var start = hashTime();
  var resume = parseFloat(stored(SAVE_KEY));
  if (start !== null) {
    seek(start, false);
  } else if (resume > 0) {
    seek(resume, false, true);
    ui.status.textContent = "Resumed at " + clock(resume) + ".";
  }
  ui.update();
})();
