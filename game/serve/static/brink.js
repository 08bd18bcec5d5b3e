/* Brinkmanship classroom pages: live updates over a WebSocket and the turn clocks.
   Copyright (c) 2026 The Brinkmanship developers. MIT licence: see LICENSE beside this file.
   Small on purpose: the pages work without it (forms post, a reload shows news). */
(function () {
  "use strict";
  var body = document.body;
  var role = body.getAttribute("data-role");
  var offset = parseFloat(body.getAttribute("data-server-now")) * 1000 - Date.now();
  var pending = null;
  var dirty = false;
  var version = parseInt(body.getAttribute("data-version"), 10);
  if (isNaN(version)) { version = -1; }

  function main() { return document.getElementById("main"); }

  function tickClocks() {
    var now = (Date.now() + offset) / 1000;
    var clocks = document.querySelectorAll(".clock");
    for (var i = 0; i < clocks.length; i++) {
      var c = clocks[i];
      var d = parseFloat(c.getAttribute("data-deadline"));
      var left = isNaN(d) ? parseFloat(c.getAttribute("data-left")) : d - now;
      if (isNaN(left)) { continue; }
      left = Math.max(0, Math.floor(left));
      c.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      c.classList.toggle("late", left <= 15);
    }
  }

  function editing() {
    // a half-typed forecast or a picked option is not thrown away by an update
    var el = document.activeElement;
    return dirty || (el && main().contains(el) && (el.tagName === "INPUT" || el.tagName === "SELECT"));
  }

  function apply(html) {
    main().innerHTML = html;
    pending = null;
    dirty = false;
    document.getElementById("notice").hidden = true;
    tickClocks();
  }

  function show(html) {
    if (editing()) {
      pending = html;
      document.getElementById("notice").hidden = false;
    } else {
      apply(html);
    }
  }

  document.addEventListener("input", function (e) {
    if (main() && main().contains(e.target)) { dirty = true; }
  });
  document.addEventListener("submit", function () { dirty = false; });
  var btn = document.getElementById("notice-show");
  if (btn) { btn.addEventListener("click", function () { if (pending !== null) { apply(pending); } }); }

  function connect(wait) {
    if (!role) { return; }
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/ws?role=" + role);
    var conn = document.getElementById("conn");
    var ping = null;
    ws.onopen = function () {
      wait = 1000;
      conn.textContent = "";
      conn.className = "conn";
      ping = setInterval(function () { ws.send(JSON.stringify({ type: "ping" })); }, 20000);
      ws.send(JSON.stringify({ type: "ping" }));
    };
    ws.onmessage = function (e) {
      var msg = JSON.parse(e.data);
      if (msg.type === "update" && msg.version >= version) {
        version = msg.version;
        show(msg.html);
      } else if (msg.type === "pong") {
        offset = msg.now * 1000 - Date.now();
      } else if (msg.type === "error") {
        conn.textContent = msg.message;
      }
    };
    ws.onclose = function (e) {
      if (ping) { clearInterval(ping); }
      // the words come from the page (data-signed-out, data-reconnecting): in its language
      if (e.code === 4401) { conn.textContent = document.body.dataset.signedOut; return; }
      conn.textContent = document.body.dataset.reconnecting;
      conn.className = "conn lost";
      setTimeout(function () { connect(Math.min(wait * 2, 10000)); }, wait);
    };
  }

  setInterval(tickClocks, 1000);
  tickClocks();
  connect(1000);
})();
