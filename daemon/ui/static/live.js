// Live updates: the page subscribes to the daemon's event stream (the
// body's data-live) and, on each change, fetches itself again and swaps
// in the fresh <main>. Without this script the pages are complete; they
// only stay as they were loaded.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-live");
  var status = document.getElementById("live-status");
  if (!url || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var busy = false, again = false;
  function say(text, on) {
    if (status) {
      status.textContent = text;
      status.className = on ? "live on" : "live";
    }
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html", "X-Sluice-Live": "1" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main"), main = document.getElementById("main");
        var active = document.activeElement;
        var keepFocus = active && main.contains(active) && active.id;
        if (fresh && main) {
          var open = {};
          main.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
          var flash = document.getElementById("flash");
          main.innerHTML = fresh.innerHTML;
          // An action's result is shown once: keep it through updates.
          if (flash && !document.getElementById("flash")) { main.insertBefore(flash, main.firstChild); }
          main.querySelectorAll("details[id]").forEach(function (d) {
            if (d.id in open) { d.open = open[d.id]; }
          });
          if (keepFocus) {
            var el = document.getElementById(keepFocus);
            if (el) { el.focus(); }
          }
        }
        var live = doc.body.getAttribute("data-live");
        if (!live) { source.close(); say("finished", false); }
      })
      .catch(function () { say("update failed; reload the page", false); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  var source = new EventSource(url);
  source.addEventListener("open", function () { say("live", true); });
  source.addEventListener("error", function () { say("reconnecting…", false); });
  source.addEventListener("change", refresh);
  source.addEventListener("end", function () { source.close(); refresh(); });
})();

// A running step's log: the page subscribes to the log's event stream
// (the <pre>'s data-log-events, from the offset the page's text ends
// at) and appends each "lines" event's text, without reloading; at the
// "end" it shows the attempt's final status.
(function () {
  "use strict";
  var pre = document.getElementById("log");
  var url = pre && pre.getAttribute("data-log-events");
  if (!url || !window.EventSource) {
    return;
  }
  var status = document.getElementById("log-status");
  function say(text) {
    if (status) { status.textContent = text; }
  }
  var source = new EventSource(url + "?from=" + encodeURIComponent(pre.getAttribute("data-log-from") || "0"));
  source.addEventListener("lines", function (e) {
    var d = JSON.parse(e.data);
    var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    if (d.skipped) {
      pre.appendChild(document.createTextNode("[… " + d.skipped + " bytes not shown …]\n"));
    }
    pre.appendChild(document.createTextNode(d.text));
    pre.setAttribute("data-log-from", e.lastEventId);
    if (atBottom) { pre.scrollTop = pre.scrollHeight; }
  });
  source.addEventListener("end", function (e) {
    source.close();
    var d = JSON.parse(e.data);
    var badge = document.querySelector("#log-attempt-status .badge");
    if (badge && d.status) {
      badge.textContent = d.status;
      badge.className = "badge " + ({ SUCCEEDED: "ok", FAILED: "bad", TIMED_OUT: "bad", ABORTED: "bad" }[d.status] || "idle");
    }
    say("The attempt ended " + (d.status || "") + "; its log is read to the end.");
  });
  source.addEventListener("failed", function (e) {
    source.close();
    say("The log cannot be followed: " + JSON.parse(e.data).error + ". Reload the page.");
  });
  source.addEventListener("error", function () { say("Reconnecting…"); });
  source.addEventListener("open", function () { say("The step runs: its new lines appear above as it writes them."); });
})();
