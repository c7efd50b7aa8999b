/*
 * ecouter player: makes every <button data-ecouter-article="ID"> a listen
 * button backed by an <audio> element. Embed:
 *   <button data-ecouter-article="tramway-nantes">🔈 Écouter</button>
 *   <script src="https://audio.example.fr/player.js" defer></script>
 * The API is this script's origin, or data-ecouter-api on the button/script.
 * data-ecouter-state on the button: idle|loading|playing|paused|ended|error;
 * errors also show a French message in .ecouter-message after the button.
 *
 * Read-along: mark sentences in a container for the same article,
 *   <div data-ecouter-text="ID">… <span data-ecouter-cue="N">…</span> …</div>
 * N counts sentences from 0 in reading order, like the manifest's cues (title
 * 0, then the byline if any, headings included). The sentence being read gets
 * class ecouter-current and aria-current="true"; a click plays from it.
 */
(function () {
  "use strict";
  var SPEEDS = [0.75, 1, 1.25, 1.5, 2];
  var FAILED = "Lecture impossible pour le moment";
  var SOON = "Bientôt disponible";
  var me = document.currentScript;
  var defaultAPI = location.origin;
  if (me && me.getAttribute("data-ecouter-api")) defaultAPI = me.getAttribute("data-ecouter-api");
  else if (me && me.src) defaultAPI = new URL(me.src, location.href).origin;
  var players = [];

  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
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
    // :where() has no specificity: any rule of the site wins.
    s.textContent = ":where(.ecouter-player){display:inline-flex;flex-wrap:wrap;align-items:center;gap:.5em}" +
      ".ecouter-player[hidden]{display:none!important}:where(.ecouter-progress){flex:1 1 8em}" +
      ":where(.ecouter-message){margin:0 .5em;color:#a40000}:where([data-ecouter-cue]){cursor:pointer}" +
      ":where(.ecouter-current){background:#fff2a8}";
    document.head.appendChild(s);
  }

  function setup(btn) {
    if (btn.ecouter) return;
    var id = btn.getAttribute("data-ecouter-article");
    var api = (btn.getAttribute("data-ecouter-api") || defaultAPI).replace(/\/+$/, "");
    var manifestURL = api + "/v1/articles/" + encodeURIComponent(id);
    var label = btn.textContent.trim() || "🔈 Écouter";
    var TEXT = { playing: "⏸ Pause", paused: "▶ Reprendre", ended: "↺ Réécouter" };

    var msg = el("span", { "class": "ecouter-message", role: "status", "aria-live": "polite" });
    msg.id = "ecouter-msg-" + players.length;
    var box = el("div", { "class": "ecouter-player", hidden: "" });
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
    box.append(range, time, speed, audio);
    btn.after(msg, box);
    btn.setAttribute("type", "button");
    btn.setAttribute("aria-describedby", msg.id);

    var m = null, cues = [], state = "", pending = null, dragging = false;
    var current = -1, refetching = false, retries = 0;
    btn.ecouter = audio;
    players.push(audio);

    function setState(s) {
      state = s;
      btn.setAttribute("data-ecouter-state", s);
      btn.setAttribute("aria-label", s === "playing" ? "Mettre en pause" : "Écouter l'article");
      btn.toggleAttribute("aria-busy", s === "loading");
      btn.textContent = TEXT[s] || label;
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
        if (!r.ok) throw { text: FAILED };
        return r.json();
      }).then(function (j) {
        if (!j || ["ready", "rendering", "not_rendered"].indexOf(j.status) < 0) throw { text: FAILED };
        // The site renders on publish only: nothing to play until it has.
        if (j.status === "not_rendered" && j.render_on_listen === false) throw { text: SOON, final: true };
        m = j;
        cues = j.cues || [];
        show();
        return j;
      });
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

    // A first listen can start before the render is stored: ask again for
    // the sentence times.
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
      if (n >= 0) document.querySelectorAll('[data-ecouter-text="' + CSS.escape(id) + '"] [data-ecouter-cue="' + n + '"]').forEach(function (e) {
        e.classList.toggle("ecouter-current", on);
        if (on) e.setAttribute("aria-current", "true");
        else e.removeAttribute("aria-current");
      });
    }

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
        // A live first render cannot seek; the stored file can, once the
        // manifest says it is there.
        fetchManifest().then(function () { if (m.status === "ready") reload(t); }, function () {});
      }
      show();
    }

    function reload(t) {
      var playing = !audio.paused;
      pending = t;
      audio.src = m.audio_url;
      if (playing) play();
    }

    // play must run inside the click handler: Safari only lets a user
    // gesture start audio.
    function play(at) {
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
        seekbackward: function (d) { seek(audio.currentTime - ((d && d.seekOffset) || 10)); },
        seekforward: function (d) { seek(audio.currentTime + ((d && d.seekOffset) || 10)); },
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
      if (String(getSelection()).length) return; // the reader is selecting text
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
    // Safari wants ranges for media and may refuse the live stream of a
    // first render: wait for the stored file and play it from there.
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
