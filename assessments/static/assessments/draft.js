/* The assessor's form keeps a draft on this device (localStorage) while it is filled in, so a dropped
   connection (hospital wifi) loses nothing: a send without a connection is held back and offered again
   when the connection returns, and a reload brings the draft back. The draft is removed when the server
   confirms the signature (signed.html). Nothing leaves the device; the PIN is never stored.

   The form also registers the site's service worker (assessments/sw.js), which keeps a copy of this page:
   a reload without a connection then shows that copy (marked data-offline-copy on <html>), and the draft
   is filled in again. The copy's CSRF token may be old by the time the connection is back, so a form shown
   from the copy fetches a fresh token from the server before it is sent. */
(function () {
  "use strict";
  var PREFIX = "btportal:draft:";
  var SKIP = { csrfmiddlewaretoken: true, pin: true };

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // The confirmation page names the draft to forget.
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    var s = store();
    if (s) s.removeItem(PREFIX + el.getAttribute("data-clear-draft"));
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var s = store();
  if (!s) return;
  var key = PREFIX + form.getAttribute("data-draft-key");
  var notice = document.getElementById("draft-notice");
  var noticeText = notice && notice.querySelector("[data-draft-text]");
  var sendNow = notice && notice.querySelector("[data-draft-send]");
  var held = false;
  // Shown from the copy kept on this device: the form's token is refreshed before sending.
  var offlineCopy = document.documentElement.hasAttribute("data-offline-copy");
  var pin = form.querySelector('input[name="pin"]');

  function say(message, offerSend) {
    if (!notice) return;
    noticeText.textContent = message;
    sendNow.hidden = !offerSend;
    notice.hidden = false;
  }

  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "submit" || el.type === "button") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) out[el.name] = el.value;
      } else if (el.value) {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function save() {
    var v = values();
    if (Object.keys(v).length === 0) { s.removeItem(key); return; }
    s.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), values: v }));
  }

  function restore(draft) {
    Object.keys(draft.values).forEach(function (name) {
      var value = draft.values[name];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
        else el.value = value;
      });
    });
    // Open a closed <details> that holds restored values, so nothing restored is out of sight.
    form.querySelectorAll("details").forEach(function (d) {
      if (Array.prototype.some.call(d.querySelectorAll("input, select, textarea"), function (el) {
        return draft.values[el.name] !== undefined && el.type !== "date";
      })) d.open = true;
    });
  }

  var saved = null;
  try { saved = JSON.parse(s.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.values && form.getAttribute("data-draft-restore") === "1") {
    restore(saved);
    var when = new Date(saved.savedAt);
    var time = isNaN(when) ? "" : when.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
    var restored = offlineCopy ? "data-msg-offline-restored" : "data-msg-restored";
    say(form.getAttribute(restored).replace("{time}", time), false);
  } else if (offlineCopy) {
    say(form.getAttribute("data-msg-offline-copy"), false);
  }

  // A fresh CSRF token from the server's current form (the copy's may be stale). Resolves true when
  // the form's token was replaced; false when the server's page is no form (signed meanwhile, logged
  // out: the send then gets the server's own answer); rejects without a connection.
  function freshToken() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var token = page.querySelector("form[data-draft-key] input[name=csrfmiddlewaretoken]");
        var mine = form.querySelector("input[name=csrfmiddlewaretoken]");
        if (!token || !mine) return false;
        mine.value = token.value;
        return true;
      });
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);

  function holdBack() {
    held = true;
    say(form.getAttribute("data-msg-offline"), false);
  }

  form.addEventListener("submit", function (event) {
    save();
    if (!navigator.onLine) {
      event.preventDefault();
      holdBack();
    } else if (offlineCopy) {
      event.preventDefault();
      var submitter = event.submitter || form.querySelector("[type=submit]");
      freshToken().then(function () {
        offlineCopy = false;
        if (form.requestSubmit) form.requestSubmit(submitter);
        else form.submit();
      }, holdBack);
    }
  });

  window.addEventListener("online", function () {
    if (held || offlineCopy || s.getItem(key)) say(form.getAttribute("data-msg-online"), true);
  });
  window.addEventListener("offline", function () {
    if (s.getItem(key)) say(form.getAttribute("data-msg-offline"), false);
  });

  if (sendNow) {
    sendNow.addEventListener("click", function () {
      if (pin && !pin.value) {  // the PIN is never kept: it is typed again before sending
        say(form.getAttribute("data-msg-pin"), true);
        pin.focus();
        return;
      }
      held = false;
      if (form.requestSubmit) form.requestSubmit(form.querySelector("[type=submit]"));
      else form.submit();
    });
  }

  // The service worker that keeps a copy of this page for a reload without a connection. The page's
  // first load is not under its control yet: it asks the worker to keep the page, and marks itself
  // (data-offline-ready on <html>) once the copy is kept.
  var worker = form.getAttribute("data-offline-worker");
  if (worker && "serviceWorker" in navigator && !offlineCopy) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") {
        document.documentElement.setAttribute("data-offline-ready", event.data.kept ? "1" : "0");
      }
    });
    navigator.serviceWorker.register(worker, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        registration.active.postMessage({ type: "keep", url: window.location.href });
      })
      .catch(function () { /* no worker (private mode, old browser): the draft still works */ });
  }
})();
