/* Alert Broadcaster banner: <script src="https://alerts.example/banner.js" data-site="horton" defer></script>
   Shows the live alerts for this site and page at the top of the page, in a shadow root so that the
   page's styles and the banner's cannot touch each other, and keeps them current by polling.
   data-site: site slug (omit for alerts aimed at every site); data-path: page path (default: this page's);
   data-interval: seconds between polls (default 60, at least 10); data-target: id of an element to
   render into (default: the top of <body>); data-source: a URL answering in the same JSON, read once
   instead of polling (the Dashboard's preview). */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.fetch || !document.documentElement.attachShadow) return;
  /* Loaded async or without defer in <head>: wait for <body>. */
  if (!document.body) { document.addEventListener('DOMContentLoaded', start); return; }
  start();

  function start() {
    var css = __CSS__;
    var severityText = { Urgent: 'Urgent', Warning: 'Warning', Info: 'Information' };
    var storeKey = 'nhs-alert-banner:dismissed';
    var base = new URL(script.src, location.href).origin;
    var site = script.getAttribute('data-site');
    var path = script.getAttribute('data-path') || location.pathname;
    var seconds = parseInt(script.getAttribute('data-interval'), 10);
    var interval = Math.max(10, isNaN(seconds) ? 60 : seconds) * 1000;
    var source = script.getAttribute('data-source');
    var url = source ? new URL(source, location.href).href
      : base + '/api/banner/current?' + (site ? 'site=' + encodeURIComponent(site) + '&' : '') + 'path=' + encodeURIComponent(path);

    var host = document.createElement('nhs-alert-banner');
    host.style.setProperty('all', 'initial', 'important');
    host.style.setProperty('display', 'block', 'important');
    var root = host.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el('style', null, css));
    }
    var target = document.getElementById(script.getAttribute('data-target') || '');
    if (target) target.appendChild(host); else document.body.insertBefore(host, document.body.firstChild);

    var alerts = [], etag = null, timer = 0, expiryTimer = 0, shown = '';
    var hiddenNow = {}; /* dismissed here, for when localStorage is refused */

    function el(name, className, text) {
      var e = document.createElement(name);
      if (className) e.className = className;
      if (text) e.textContent = text;
      return e;
    }

    function dismissed() {
      try { return JSON.parse(localStorage.getItem(storeKey) || '[]'); } catch (e) { return []; }
    }

    function dismiss(alert) {
      var list = dismissed().filter(function (key) { return key.indexOf(alert.id + ':') !== 0; });
      list.push(alert.id + ':' + alert.revision);
      try { localStorage.setItem(storeKey, JSON.stringify(list.slice(-50))); } catch (e) { /* private mode: hidden until reload */ }
      hiddenNow[alert.id + ':' + alert.revision] = true;
      render();
    }

    /* The body arrives as sanitised HTML; it is rebuilt here from an allow-list as well, never inserted as markup. */
    function copySafe(from, to) {
      for (var n = from.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3) { to.appendChild(document.createTextNode(n.data)); continue; }
        if (n.nodeType !== 1) continue;
        var tag = n.tagName.toLowerCase();
        if (!/^(p|br|strong|em|ul|ol|li|a)$/.test(tag)) { copySafe(n, to); continue; }
        var e = el(tag);
        if (tag === 'a') {
          var href = n.getAttribute('href') || '';
          if (/^(https:|mailto:)/i.test(href)) e.href = href;
        }
        copySafe(n, e);
        to.appendChild(e);
      }
    }

    function visible() {
      var now = Date.now(), gone = dismissed();
      return alerts.filter(function (a) {
        var key = a.id + ':' + a.revision;
        var dismissable = a.severity !== 'Urgent';
        return (!a.expiresAt || Date.parse(a.expiresAt) > now)
          && !(dismissable && (hiddenNow[key] || gone.indexOf(key) >= 0));
      });
    }

    function render() {
      var list = visible();
      var key = list.map(function (a) { return a.id + ':' + a.revision; }).join(',');
      scheduleExpiry(list);
      if (key === shown) return;
      shown = key;
      while (root.lastChild && root.lastChild.nodeName !== 'STYLE') root.removeChild(root.lastChild);
      if (!list.length) return;

      var region = el('div', 'nhs-alerts');
      region.setAttribute('role', 'region');
      region.setAttribute('aria-label', list.length === 1 ? 'Alert' : 'Alerts');
      list.forEach(function (a) {
        var level = (a.severity || 'Info').toLowerCase();
        var box = el('div', 'nhs-alert nhs-alert--' + level);
        var inner = el('div', 'nhs-alert__inner');
        if (a.severity !== 'Urgent') {
          var button = el('button', 'nhs-alert__dismiss', 'Dismiss');
          button.type = 'button';
          button.appendChild(el('span', 'nhs-alert__hidden', ' alert: ' + a.headline));
          button.addEventListener('click', function () { dismiss(a); });
          inner.appendChild(button);
        }
        var heading = el('h2', 'nhs-alert__heading');
        heading.appendChild(el('span', 'nhs-alert__severity', severityText[a.severity] || 'Information'));
        heading.appendChild(el('span', 'nhs-alert__hidden', ': '));
        heading.appendChild(document.createTextNode(a.headline));
        inner.appendChild(heading);
        if (a.bodyHtml) {
          var body = el('div', 'nhs-alert__body');
          copySafe(new DOMParser().parseFromString(a.bodyHtml, 'text/html').body, body);
          inner.appendChild(body);
        }
        if (a.link && /^https:/i.test(a.link.url)) {
          var p = el('p', 'nhs-alert__link'), link = el('a', null, a.link.text || a.link.url);
          link.href = a.link.url;
          p.appendChild(link);
          inner.appendChild(p);
        }
        box.appendChild(inner);
        region.appendChild(box);
      });
      root.appendChild(region);
    }

    /* Expired alerts leave at their expiry time, not at the next poll. */
    function scheduleExpiry(list) {
      clearTimeout(expiryTimer);
      var next = Math.min.apply(null, list.map(function (a) { return a.expiresAt ? Date.parse(a.expiresAt) : Infinity; }));
      if (next !== Infinity) expiryTimer = setTimeout(render, Math.min(Math.max(next - Date.now(), 0) + 50, 2147483647));
    }

    function poll() {
      clearTimeout(timer);
      var headers = etag ? { 'If-None-Match': etag } : {};
      fetch(url, { headers: headers, cache: 'no-store', credentials: source ? 'same-origin' : 'omit' })
        .then(function (response) {
          if (response.status === 304) return null;
          if (!response.ok) throw new Error('banner ' + response.status);
          etag = response.headers.get('ETag');
          return response.json();
        })
        .then(function (data) { if (data) { alerts = data.alerts || []; } render(); })
        .catch(function () { render(); })
        .then(function () { if (!source) timer = setTimeout(poll, interval); });
    }

    if (!source) document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') poll(); });
    poll();
  }
})();
