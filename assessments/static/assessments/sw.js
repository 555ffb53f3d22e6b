/* BT-portalen's service worker: a copy of the assessor's form on this device, so that a reload while the
   connection is down (hospital wifi) still shows the form; draft.js then fills in the unsent answers.

   Served by assessments.offline.service_worker, which puts its configuration (self.BT_OFFLINE) in front:
   - forms: patterns of the form pages' paths. Only navigations to them are answered here: network first,
     and the copy kept on this device when the network does not answer. A page is kept only when its
     response carries the header the server sets on the form (never a page saying the request is signed,
     nor any other page), with the static files (CSS, JS) it names.
   - maxAge: seconds a copy is kept. signInOut: paths whose POST (log in, log out) drops every copy.
   Nothing but GET is ever kept, and no request is ever sent again by this worker. */
"use strict";

var CONFIG = self.BT_OFFLINE;
var CACHE = "btportal-offline-v1";
var KEPT_AT = "X-Kept-At";
var FORMS = CONFIG.forms.map(function (pattern) { return new RegExp(pattern); });
var PURGE_EVERY_MS = 10 * 60 * 1000;
var lastPurge = 0;

function sameOrigin(url) { return url.origin === self.location.origin; }
function isForm(url) { return sameOrigin(url) && FORMS.some(function (re) { return re.test(url.pathname); }); }
function isStatic(url) { return sameOrigin(url) && url.pathname.indexOf(CONFIG.static) === 0; }
// One copy per form page, whatever its query string (the signed page is the form's URL with ?done=1).
function pageKey(url) { return url.origin + url.pathname; }

function keptAt(response) { return Number(response.headers.get(KEPT_AT)) || 0; }
function fresh(response) { return Date.now() - keptAt(response) < CONFIG.maxAge * 1000; }

async function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  headers.delete("Content-Length");
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: headers });
}

async function forgetAll() {
  await caches.delete(CACHE);
}

// Drop copies older than maxAge; when no page is left, the static files go too. (Entry by entry, from
// one listing: a page being kept meanwhile, and the files it names, are not in the listing.)
async function purgeExpired() {
  lastPurge = Date.now();
  if (!(await caches.has(CACHE))) return;
  var cache = await caches.open(CACHE);
  var assets = [];
  var pagesLeft = 0;
  for (var request of await cache.keys()) {
    var url = new URL(request.url);
    if (isStatic(url)) {
      assets.push(request);
      continue;
    }
    var response = await cache.match(request, { ignoreVary: true });
    if (!response || !isForm(url) || !fresh(response)) await cache.delete(request, { ignoreVary: true });
    else pagesLeft += 1;
  }
  if (pagesLeft === 0) await Promise.all(assets.map(function (request) { return cache.delete(request); }));
}

// The static files a kept page names (stylesheets, scripts, images), fetched once.
async function keepAssets(cache, html) {
  var found = new Set();
  var attribute = /\s(?:src|href)="([^"]+)"/g;
  var match;
  while ((match = attribute.exec(html))) {
    var url = new URL(match[1].replace(/&amp;/g, "&"), self.location.origin);
    if (isStatic(url)) found.add(url.origin + url.pathname + url.search);
  }
  await Promise.all(Array.from(found).map(async function (asset) {
    if (await cache.match(asset)) return;
    var response = await fetch(asset, { credentials: "same-origin" });
    if (response.ok) await cache.put(asset, await stamped(response));
  }));
}

// Keep the network's answer for a form page, or forget the page when the answer is not the form.
async function keepPage(key, response) {
  var isTheForm = response.ok && !response.redirected && response.headers.get(CONFIG.header) === "form";
  if (!isTheForm) {
    if (await caches.has(CACHE)) await (await caches.open(CACHE)).delete(key, { ignoreVary: true });
    return false;
  }
  var cache = await caches.open(CACHE);
  var html = await response.clone().text();
  await cache.put(key, await stamped(response));
  await keepAssets(cache, html);
  return true;
}

// The kept copy of a form page, marked for draft.js (data-offline-copy: when it was kept).
async function offlineCopy(key) {
  var cache = await caches.open(CACHE);
  var response = await cache.match(key, { ignoreVary: true });
  if (!response) return null;
  if (!fresh(response)) {
    await cache.delete(key, { ignoreVary: true });
    return null;
  }
  var when = new Date(keptAt(response)).toISOString();
  var html = (await response.text()).replace("<html", '<html data-offline-copy="' + when + '"');
  var headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers: headers });
}

async function formNavigation(event, key) {
  var response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    var copy = await offlineCopy(key);
    if (copy) return copy;
    throw error;
  }
  event.waitUntil(keepPage(key, response.clone()));
  return response;
}

// A form sent (POST): passed to the server once, as it is; when the server accepts it (a redirect),
// the copy of the form is forgotten.
async function formSent(request, key) {
  var response = await fetch(request);
  if (response.type === "opaqueredirect" || response.redirected) {
    if (await caches.has(CACHE)) await (await caches.open(CACHE)).delete(key, { ignoreVary: true });
  }
  return response;
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("btportal-offline") === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(purgeExpired)
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (!sameOrigin(url)) return;
  if (request.mode === "navigate" && request.method === "POST" && CONFIG.signInOut.indexOf(url.pathname) !== -1) {
    event.waitUntil(forgetAll());  // someone logs in or out: no copy outlives the session it was made in
    return;
  }
  if (request.mode === "navigate" && isForm(url)) {
    if (request.method === "GET") event.respondWith(formNavigation(event, pageKey(url)));
    else if (request.method === "POST") event.respondWith(formSent(request, pageKey(url)));
    return;
  }
  if (request.method === "GET" && isStatic(url)) {
    event.respondWith(fetch(request).catch(async function (error) {
      var copy = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
      if (copy) return copy;
      throw error;
    }));
    return;
  }
  if (request.mode === "navigate" && Date.now() - lastPurge > PURGE_EVERY_MS) event.waitUntil(purgeExpired());
});

// A form page asks to be kept (its first load, before this worker controlled it). The server's fresh
// answer is kept, not the page as it is now; the page hears back whether it is kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !data.url) return;
  var url = new URL(data.url, self.location.origin);
  function reply(answer) {
    if (event.source) event.source.postMessage(Object.assign({ type: "kept" }, answer));
  }
  if (!isForm(url)) {
    reply({ kept: false });
    return;
  }
  var key = pageKey(url);
  event.waitUntil((async function () {
    var cache = await caches.open(CACHE);
    var kept = await cache.match(key, { ignoreVary: true });
    if (kept && Date.now() - keptAt(kept) < 60 * 1000) return true;  // just kept by its navigation
    return keepPage(key, await fetch(key, { credentials: "same-origin", cache: "no-store" }));
  })().then(function (kept) { reply({ kept: kept }); }, function () { reply({ kept: false, offline: true }); })
    .then(function () { if (Date.now() - lastPurge > PURGE_EVERY_MS) return purgeExpired(); }));
});
