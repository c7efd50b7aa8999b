/*
 * ecouter player: every <button data-ecouter-article="ID"> becomes a listen
 * button; <script src="https://audio.example.fr/player.js" defer></script>.
 * API: this script's origin, or data-ecouter-api on the button or script.
 * data-ecouter-state on the button: idle|loading|playing|paused|ended|error.
 * Read-along in the element with data-ecouter-text="ID", or the one
 * data-ecouter-text-selector names (".entry-content"): each cue's sentence
 * is found in its text and gets class ecouter-current while read; a click
 * on it plays from there. Pages may mark <span data-ecouter-cue="N"> too.
 * README.md, "The listen button", says more.
 */
(function () {
  "use strict";
  var SPEEDS = [0.75, 1, 1.25, 1.5, 2];
  var SKIP = 15;
  var FAILED = "Lecture impossible pour le moment";
  var SOON = "Bientôt disponible";
  var me = document.currentScript;
  var defaultAPI = location.origin;
  if (me && me.getAttribute("data-ecouter-api")) defaultAPI = me.getAttribute("data-ecouter-api");
  else if (me && me.src) defaultAPI = new URL(me.src, location.href).origin;
  var players = [];
  var WORD = /[\p{L}\p{N}]/u;
  var PUNCT = /[^\s\p{L}\p{N}]/u;
  var AROUND = "M12 5V1L7 6l5 5V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z";
  var ICONS = {
    play: "M8 5v14l11-7z",
    pause: "M6 5h4v14H6zm8 0h4v14h-4z",
    replay: AROUND,
    back: AROUND,
    fwd: "M12 5V1l5 5-5 5V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z",
    speaker: "M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z"
  };

  function el(tag, attrs, ns) {
    var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = el("svg", { viewBox: "0 0 24 24", width: "24", height: "24", "aria-hidden": "true", focusable: "false", "class": "ecouter-icon" }, ns);
    svg.appendChild(el("path", { d: ICONS[name], fill: "currentColor" }, ns));
    if (name === "back" || name === "fwd") {
      svg.appendChild(el("text", { x: "12", y: "16", "text-anchor": "middle", "font-size": "7", "font-family": "sans-serif", fill: "currentColor" }, ns)).textContent = "15";
    }
    return svg;
  }

  function clock(s) {
    if (!isFinite(s) || s < 0) return "--:--";
    s = Math.floor(s);
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : "" + m;
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  function style() {
    if (document.getElementById("ecouter-style")) return;
    var s = el("style", { id: "ecouter-style" });
    // :where(): the site's rules win, except the 44 px minimum sizes.
    var thumb = "{width:44px;height:44px;border:0;border-radius:50%;background:radial-gradient(circle,currentColor 0 9px,transparent 10px);cursor:pointer}";
    var track = "{height:4px;border-radius:2px;background:#8888}";
    s.textContent = ":where(.ecouter-player){display:inline-flex;flex-wrap:wrap;align-items:center;gap:.25em .5em}" +
      ".ecouter-player[hidden]{display:none!important}" +
      ":where(button[data-ecouter-article]){display:inline-flex;align-items:center;justify-content:center;gap:.4em}" +
      "button[data-ecouter-article],.ecouter-player button,.ecouter-player select{min-width:44px;min-height:44px}" +
      ":where(.ecouter-player button){display:inline-flex;align-items:center;justify-content:center;padding:0}" +
      ".ecouter-icon{width:1.5em;height:1.5em;flex:none}" +
      ".ecouter-progress{-webkit-appearance:none;appearance:none;background:transparent;min-height:44px;margin:0;flex:1 1 8em}" +
      ".ecouter-progress::-webkit-slider-runnable-track" + track + ".ecouter-progress::-moz-range-track" + track +
      ".ecouter-progress::-webkit-slider-thumb{-webkit-appearance:none;margin-top:-20px}" +
      ".ecouter-progress::-webkit-slider-thumb" + thumb + ".ecouter-progress::-moz-range-thumb" + thumb +
      ":where(.ecouter-message){margin:0 .5em;color:#a40000}:where([data-ecouter-cue]){cursor:pointer}" +
      ":where(.ecouter-current){background:#fff2a8}";
    document.head.appendChild(s);
  }

  function keyOf(text, node, key, map) {
    for (var i = 0; i < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      if (WORD.test(ch)) {
        key.push(ch.toLowerCase().charAt(0));
        if (map) map.push([node, i]);
      }
      i += ch.length;
    }
    return key;
  }

  // align wraps each cue's sentence found in root's text, in order, in
  // <span data-ecouter-cue="N">. Not found: skipped, never mis-marked; a
  // short one is only looked for near the last found.
  function align(root, cues) {
    var key = [], map = [];
    var walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var n; (n = walk.nextNode());) {
      if (!n.parentNode.closest("script,style,noscript,template,button,select,textarea,audio,.ecouter-player,.ecouter-message,[hidden],[aria-hidden=true]")) keyOf(n.data, n, key, map);
    }
    var page = key.join(""), pos = 0, found = [];
    var keys = cues.map(function (c) { return keyOf(c.text || "", null, []).join(""); });
    keys.forEach(function (k, i) {
      var at = k ? page.indexOf(k, pos) : -1;
      if (at < 0 || (k.length < 24 && at - pos > 400)) return;
      // After one of the next sentences: a stray match (title in a list).
      for (var j = i + 1; j < i + 4 && j < keys.length; j++) {
        var next = keys[j] ? page.indexOf(keys[j], pos) : -1;
        if (next >= 0 && next < at) return;
      }
      found.push([i, at, at + k.length - 1]);
      pos = at + k.length;
    });
    // Last first: splitting a node keeps earlier offsets in it valid.
    for (var f = found.length - 1; f >= 0; f--) {
      var a = found[f][1], b = found[f][2], segs = [];
      for (var j = a; j <= b; j++) {
        var last = segs[segs.length - 1];
        if (last && last[0] === map[j][0]) last[2] = map[j][1] + 1;
        else segs.push([map[j][0], map[j][1], map[j][1] + 1]);
      }
      var end = segs[segs.length - 1], t = end[0].data;
      while (end[2] < t.length && PUNCT.test(t.charAt(end[2]))) end[2]++; // the closing point
      for (var s = segs.length - 1; s >= 0; s--) {
        var node = segs[s][0];
        node.splitText(segs[s][2]);
        var mid = node.splitText(segs[s][1]);
        var span = el("span", { "data-ecouter-cue": String(found[f][0]) });
        mid.parentNode.replaceChild(span, mid);
        span.appendChild(mid);
      }
    }
    return found.length;
  }

  function setup(btn) {
    if (btn.ecouter) return;
    var id = btn.getAttribute("data-ecouter-article");
    var api = (btn.getAttribute("data-ecouter-api") || defaultAPI).replace(/\/+$/, "");
    var manifestURL = api + "/v1/articles/" + encodeURIComponent(id);
    // The site's own label, without an emoji some phones cannot draw.
    var label = btn.textContent.replace(/^[^\p{L}\p{N}]+/u, "").trim() || "Écouter";
    var TEXT = { playing: "Pause", paused: "Reprendre", ended: "Réécouter" };
    var ICON = { playing: "pause", paused: "play", ended: "replay", idle: "play" };

    var msg = el("span", { "class": "ecouter-message", role: "status", "aria-live": "polite" });
    msg.id = "ecouter-msg-" + players.length;
    var box = el("div", { "class": "ecouter-player", hidden: "" });
    var back = el("button", { type: "button", "class": "ecouter-back", "aria-label": "Reculer de 15 secondes", title: "−15 s" });
    var fwd = el("button", { type: "button", "class": "ecouter-forward", "aria-label": "Avancer de 15 secondes", title: "+15 s" });
    back.appendChild(icon("back"));
    fwd.appendChild(icon("fwd"));
    var range = el("input", { type: "range", "class": "ecouter-progress", min: "0", max: "0", step: "1", value: "0", "aria-label": "Position de lecture", disabled: "" });
    var time = el("span", { "class": "ecouter-time" });
    var speed = el("select", { "class": "ecouter-speed", "aria-label": "Vitesse de lecture" });
    var audio = el("audio", { preload: "none", "data-ecouter-audio": id });
    SPEEDS.forEach(function (v) { speed.add(new Option(String(v).replace(".", ",") + "×", v)); });
    var rate = 1;
    try { rate = parseFloat(localStorage.getItem("ecouter-rate")); } catch (e) { /* storage blocked */ }
    if (SPEEDS.indexOf(rate) < 0) rate = 1;
    speed.value = String(rate);
    audio.defaultPlaybackRate = audio.playbackRate = rate;
    box.append(back, fwd, range, time, speed, audio);
    btn.after(msg, box);
    btn.setAttribute("type", "button");
    btn.setAttribute("aria-describedby", msg.id);

    var m = null, cues = [], state = "", pending = null, dragging = false;
    var current = -1, refetching = false, retries = 0, aligned = false;
    var away = false; // the reader scrolled away from the sentence read
    btn.ecouter = audio;
    players.push(audio);

    function draw(text, ic) {
      btn.textContent = "";
      if (ic) btn.appendChild(icon(ic));
      btn.appendChild(el("span", { "class": "ecouter-label" })).textContent = text;
    }

    function setState(s) {
      state = s;
      btn.setAttribute("data-ecouter-state", s);
      btn.setAttribute("aria-label", s === "playing" ? "Mettre en pause" : "Écouter l'article");
      btn.toggleAttribute("aria-busy", s === "loading");
      var text = TEXT[s] || label;
      // Before play, how long the article is, once the audio exists.
      if (s === "idle" && m && m.status === "ready" && m.duration > 0) text += " · " + Math.max(1, Math.round(m.duration / 60)) + " min";
      draw(text, ICON[s] || "speaker");
      if (s !== "error") msg.textContent = "";
    }

    function fail(text, final) {
      setState("error");
      msg.textContent = text;
      btn.disabled = !!final;
    }

    function fetchManifest() {
      return fetch(manifestURL, { credentials: "omit" }).then(function (r) {
        if (r.status === 404) throw { text: "Article introuvable", final: true };
        if (r.status === 410) throw { text: "Cet article n'est plus disponible", final: true };
        if (!r.ok) throw { text: FAILED };
        return r.json();
      }).then(function (j) {
        if (!j || ["ready", "rendering", "not_rendered"].indexOf(j.status) < 0) throw { text: FAILED };
        // The site renders on publish only: nothing to play until it has.
        if (j.status === "not_rendered" && j.render_on_listen === false) throw { text: SOON, final: true };
        m = j;
        cues = j.cues || [];
        readAlong();
        show();
        return j;
      });
    }

    // The article's text: marked, or by selector (the button's own first).
    function textRoot() {
      var sel = btn.getAttribute("data-ecouter-text-selector") || (me && me.getAttribute("data-ecouter-text-selector"));
      var root = document.querySelector('[data-ecouter-text="' + CSS.escape(id) + '"]');
      if (!root && sel) {
        try { root = btn.closest(sel) || document.querySelector(sel); } catch (e) { /* invalid selector */ }
        if (root && root.hasAttribute("data-ecouter-text")) root = null; // another article's
        if (root) root.setAttribute("data-ecouter-text", id);
      }
      return root;
    }

    function readAlong() {
      if (aligned || !cues.length) return;
      aligned = true;
      var root = textRoot();
      if (root && !root.querySelector("[data-ecouter-cue]")) align(root, cues);
    }

    function init() {
      setState("loading");
      btn.disabled = true;
      fetchManifest().then(function () {
        btn.disabled = false;
        box.hidden = false;
        setState("idle");
      }, function (e) {
        fail(e && e.text ? e.text : FAILED, e && e.final);
      });
    }

    // A first listen may start before the render is stored: ask for cues.
    function needCues() {
      if (cues.length || refetching || retries > 60) return;
      refetching = true;
      retries++;
      fetchManifest().catch(function () { /* keep playing without read-along */ }).then(function () {
        refetching = false;
        if (!cues.length && !audio.paused) setTimeout(needCues, 2000);
        follow();
      });
    }

    function duration() {
      if (isFinite(audio.duration) && audio.duration > 0) return audio.duration;
      return m && m.duration > 0 ? m.duration : NaN;
    }

    function show() {
      var d = duration(), t = dragging ? +range.value : audio.currentTime;
      range.toggleAttribute("disabled", !isFinite(d));
      if (isFinite(d)) range.max = String(d);
      if (!dragging) range.value = String(t);
      time.textContent = clock(t) + " / " + clock(d);
      range.setAttribute("aria-valuetext", clock(t) + " sur " + clock(d));
    }

    function follow() {
      var t = audio.currentTime, n = -1;
      if (!audio.ended) for (var i = 0; i < cues.length && cues[i].start <= t; i++) n = i;
      if (n === current) return;
      mark(current, false);
      mark(n, true);
      current = n;
    }

    function mark(n, on) {
      if (n < 0) return;
      var els = document.querySelectorAll('[data-ecouter-text="' + CSS.escape(id) + '"] [data-ecouter-cue="' + n + '"]');
      els.forEach(function (e) {
        e.classList.toggle("ecouter-current", on);
        if (on) e.setAttribute("aria-current", "true");
        else e.removeAttribute("aria-current");
      });
      if (on && els.length && !audio.paused) keepInView(els[0]);
    }

    function keepInView(e) {
      var r = e.getBoundingClientRect(), inView = r.top >= 0 && r.bottom <= innerHeight;
      if (away) {
        away = !inView; // the reader came back to the sentence read
        return;
      }
      if (!inView) e.scrollIntoView({ block: "center", behavior: "smooth" });
    }

    // A reader's gestures only: the player's own scrolls fire scroll too.
    function scrolled(e) {
      if (e.type === "keydown" && (!/^(Page|Arrow(Up|Down)|Home|End| )/.test(e.key) || e.target.closest("input,select,textarea,button,[contenteditable]"))) return;
      if (!audio.paused) away = true;
    }
    ["wheel", "touchmove", "keydown"].forEach(function (t) { addEventListener(t, scrolled, { passive: true }); });

    function seekable(t) {
      for (var i = 0; i < audio.seekable.length; i++) {
        if (audio.seekable.start(i) <= t && t <= audio.seekable.end(i)) return true;
      }
      return false;
    }

    function seek(t) {
      var d = duration();
      t = Math.max(0, isFinite(d) ? Math.min(t, d) : t);
      if (!audio.getAttribute("src") || audio.readyState < 1) {
        pending = t;
      } else if (seekable(t)) {
        audio.currentTime = t;
      } else {
        // A live first render cannot seek; the stored file can, once ready.
        fetchManifest().then(function () { if (m.status === "ready") reload(t); }, function () {});
      }
      show();
    }

    function skip(by) {
      if (!m || state === "error") return;
      seek((pending != null ? pending : audio.currentTime) + by);
    }

    function reload(t) {
      var playing = !audio.paused;
      pending = t;
      audio.src = m.audio_url;
      if (playing) play();
    }

    // play runs inside the click: Safari only lets a user gesture start audio.
    function play(at) {
      away = false;
      if (!audio.getAttribute("src")) {
        audio.preload = "auto";
        audio.src = m.audio_url || manifestURL + "/audio.mp3";
      }
      if (at != null) seek(at);
      if (audio.readyState < 3) setState("loading");
      var p = audio.play();
      if (p && p.catch) p.catch(function (e) {
        if (e && e.name === "AbortError") return; // superseded by pause or a new source
        if (e && e.name === "NotAllowedError") {
          setState("paused");
          msg.textContent = "Appuyez sur le bouton pour écouter";
          return;
        }
        fail(FAILED);
      });
    }

    function session() {
      var ms = navigator.mediaSession;
      if (!ms) return;
      try {
        ms.metadata = new MediaMetadata({ title: (m && m.title) || document.title, artist: (m && m.author) || "", album: location.hostname });
      } catch (e) { /* MediaMetadata missing */ }
      var h = {
        play: function () { play(); },
        pause: function () { audio.pause(); },
        seekbackward: function (d) { skip(-((d && d.seekOffset) || SKIP)); },
        seekforward: function (d) { skip((d && d.seekOffset) || SKIP); },
        seekto: function (d) { seek(d.seekTime); }
      };
      for (var k in h) {
        try { ms.setActionHandler(k, h[k]); } catch (e) { /* action unsupported */ }
      }
      position();
    }

    function position() {
      var d = duration(), ms = navigator.mediaSession;
      if (!ms || !ms.setPositionState || !isFinite(d)) return;
      try {
        ms.setPositionState({ duration: d, playbackRate: audio.playbackRate, position: Math.min(audio.currentTime, d) });
      } catch (e) { /* position out of range while loading */ }
    }

    btn.addEventListener("click", function () {
      if (state === "error") {
        audio.removeAttribute("src");
        init();
      } else if (m && (audio.paused || audio.ended)) {
        play();
      } else if (m) {
        audio.pause();
      }
    });
    back.addEventListener("click", function () { skip(-SKIP); });
    fwd.addEventListener("click", function () { skip(SKIP); });
    // Left/Right skip on the buttons (the progress bar keeps its own arrows).
    [btn, back, fwd].forEach(function (b) {
      b.addEventListener("keydown", function (e) {
        if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
          e.preventDefault();
          skip(e.key === "ArrowLeft" ? -SKIP : SKIP);
        }
      });
    });

    range.addEventListener("input", function () {
      dragging = true;
      show();
    });
    range.addEventListener("change", function () {
      dragging = false;
      seek(+range.value);
    });

    speed.addEventListener("change", function () {
      var v = parseFloat(speed.value);
      audio.defaultPlaybackRate = audio.playbackRate = v;
      try { localStorage.setItem("ecouter-rate", String(v)); } catch (e) { /* storage blocked */ }
    });

    document.addEventListener("click", function (e) {
      var s = e.target.closest && e.target.closest("[data-ecouter-cue]");
      var box = s && s.closest("[data-ecouter-text]");
      if (!box || box.getAttribute("data-ecouter-text") !== id || !m || state === "error") return;
      if (String(getSelection()).length || e.target.closest("a")) return; // selecting text, or following a link
      var c = cues[+s.getAttribute("data-ecouter-cue")];
      play(c ? c.start : null);
    });

    function on(type, fn) { audio.addEventListener(type, fn); }
    on("loadedmetadata", function () {
      if (pending != null) {
        audio.currentTime = pending;
        pending = null;
      }
      needCues();
    });
    on("playing", function () {
      setState("playing");
      needCues();
    });
    on("waiting", function () { if (!audio.paused) setState("loading"); });
    on("pause", function () {
      if (!audio.ended && state !== "error") setState("paused");
    });
    on("ended", function () {
      setState("ended");
      follow();
    });
    // Safari may refuse a first render's live stream: wait for the stored file.
    var waits = 0;
    on("error", function stored() {
      if (!m || m.status === "ready" || waits++ > 80) return fail(FAILED);
      setState("loading");
      setTimeout(function () {
        fetchManifest().then(function () {
          if (m.status !== "ready") return stored();
          reload(audio.currentTime || 0);
          play();
        }, function (e) { fail(e && e.text ? e.text : FAILED, e && e.final); });
      }, 1500);
    });
    on("play", function () {
      players.forEach(function (a) { if (a !== audio) a.pause(); });
      session();
    });
    ["timeupdate", "durationchange", "seeked", "ratechange"].forEach(function (t) {
      on(t, function () {
        show();
        follow();
        if (t !== "timeupdate") position();
      });
    });

    init();
  }

  function start() {
    style();
    document.querySelectorAll("button[data-ecouter-article]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
