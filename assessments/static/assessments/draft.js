/* The assessor's form keeps a draft on this device (localStorage) while it is filled in, so a dropped
   connection (hospital wifi) loses nothing: a send without a connection is held back and offered again
   when the connection returns, and a reload brings the draft back. The draft is removed when the server
   confirms the signature (signed.html). Nothing leaves the device; the PIN is never stored. */
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
    say(form.getAttribute("data-msg-restored").replace("{time}", time), false);
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);

  form.addEventListener("submit", function (event) {
    save();
    if (!navigator.onLine) {
      event.preventDefault();
      held = true;
      say(form.getAttribute("data-msg-offline"), false);
    }
  });

  window.addEventListener("online", function () {
    if (held || s.getItem(key)) say(form.getAttribute("data-msg-online"), true);
  });
  window.addEventListener("offline", function () {
    if (s.getItem(key)) say(form.getAttribute("data-msg-offline"), false);
  });

  if (sendNow) {
    sendNow.addEventListener("click", function () {
      held = false;
      if (form.requestSubmit) form.requestSubmit(form.querySelector("[type=submit]"));
      else form.submit();
    });
  }
})();
