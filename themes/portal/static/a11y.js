/* planpress portal: the 无障碍 toolbar and the page tools (字体 大/中/小, 打印本页).
   Progressive enhancement: every page works without this file. It is loaded in
   <head> (not deferred) so saved settings apply before the page is drawn; the
   controls are wired up once the document is parsed. No framework; one request,
   for the words it says (below). */
(function () {
  'use strict';

  var KEY = 'planpress.a11y';
  var SCALES = [1, 1.125, 1.25, 1.375, 1.5, 1.75, 2];
  var html = document.documentElement;
  // The 长者版 is the standard page's file at another address: its stylesheet
  // (elder/static/portal.css, linked before this script, so already applied)
  // sets --elder. Marked here, before 纯文本 may turn that stylesheet off, for
  // the scripts (slower speech, folded lists, shorter excerpts) and plain.css.
  if (window.getComputedStyle && window.getComputedStyle(html).getPropertyValue('--elder').trim() === '1') {
    html.classList.add('elder');
  }
  var state = { scale: 0, contrast: false, cursor: false, plain: false, open: false, docsize: 'm' };

  try {
    var saved = JSON.parse(window.localStorage.getItem(KEY) || '{}');
    for (var k in state) {
      if (Object.prototype.hasOwnProperty.call(saved, k) && typeof saved[k] === typeof state[k]) state[k] = saved[k];
    }
  } catch (e) { /* storage off or corrupt: use the defaults */ }
  if (!(state.scale >= 0 && state.scale < SCALES.length)) state.scale = 0;
  if (['s', 'm', 'l'].indexOf(state.docsize) < 0) state.docsize = 'm';

  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }

  // 纯文本's style sheet, plain.css beside this script (same ?v=): a file, not
  // a <style> element, so a Content-Security-Policy without 'unsafe-inline'
  // allows it (docs/deploy.md).
  var PLAIN_HREF = (function () {
    var me = document.currentScript;
    return me && me.src ? me.src.replace(/a11y\.js(\?[^#]*)?$/, 'plain.css$1') : '';
  })();

  // The words it says (the status line's messages): a11y.LANG.js beside this
  // script (same ?v=), for the page's language, which planpress writes from the
  // theme's words file (its `toolbar` group) into window.planpressToolbarWords.
  // A file rather than attributes of every page: 1.2 KB a page. Loaded at once,
  // without blocking the page; nothing is said before a reader presses a button.
  (function () {
    var me = document.currentScript;
    var lang = html.getAttribute('lang') || '';
    if (!me || !me.src || !/^[A-Za-z0-9_-]+$/.test(lang)) return;
    var s = document.createElement('script');
    s.src = me.src.replace(/a11y\.js(\?[^#]*)?$/, 'a11y.' + lang + '.js$1');
    s.async = true;
    (document.head || html).appendChild(s);
  })();

  function applyPlain() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]:not(#a11y-plain-style)');
    for (var i = 0; i < links.length; i++) links[i].disabled = state.plain;
    var style = document.getElementById('a11y-plain-style');
    if (state.plain && !style && PLAIN_HREF) {
      style = document.createElement('link');
      style.rel = 'stylesheet';
      style.id = 'a11y-plain-style';
      style.href = PLAIN_HREF;
      (document.head || html).appendChild(style);
    } else if (!state.plain && style) {
      style.parentNode.removeChild(style);
    }
  }

  function apply() {
    html.classList.remove('no-js');
    html.classList.add('js');
    if (state.scale > 0) html.style.setProperty('--a11y-scale', String(SCALES[state.scale]));
    else html.style.removeProperty('--a11y-scale');
    html.classList.toggle('a11y-contrast', state.contrast);
    html.classList.toggle('a11y-cursor', state.cursor);
    html.classList.toggle('a11y-plain', state.plain);
    applyPlain();
  }
  apply();

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function init() {
    var toolbar = document.getElementById('a11y-toolbar');
    var status = toolbar ? $('.tb-status', toolbar) : null;
    var entries = [];

    // The words it says, `{n}` and `{name}` filled in: toolbar.html's data-msg-NAME
    // where a theme puts them in the page, else a11y.LANG.js's `said_NAME`
    // (`restart`, `no_voice`: the same name).
    function word(name, values) {
      var words = window.planpressToolbarWords || {};
      var key = name === 'restart' || name === 'no-voice' ? name : 'said-' + name;
      var text = (toolbar && toolbar.getAttribute('data-msg-' + name)) || words[key.replace(/-/g, '_')] || '';
      for (var k in values) text = text.split('{' + k + '}').join(values[k]);
      return text;
    }

    function say(text) {
      if (!status) return;
      status.textContent = '';
      // A fresh text node makes screen readers announce repeated messages too.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function sync() {
      if (!toolbar) return;
      $all('[data-a11y]', toolbar).forEach(function (b) {
        var what = b.getAttribute('data-a11y');
        if (what === 'contrast' || what === 'cursor' || what === 'plain') {
          b.setAttribute('aria-pressed', state[what] ? 'true' : 'false');
        }
      });
      $all('[data-a11y="smaller"], [data-a11y="reset-size"]', toolbar).forEach(function (b) { b.disabled = state.scale === 0; });
      $all('[data-a11y="bigger"]', toolbar).forEach(function (b) { b.disabled = state.scale === SCALES.length - 1; });
      toolbar.hidden = !state.open;
      entries.forEach(function (e) { e.setAttribute('aria-expanded', state.open ? 'true' : 'false'); });
    }

    function setOpen(open, focusTarget) {
      state.open = open;
      save();
      sync();
      if (focusTarget) focusTarget.focus();
    }

    // The header's 无障碍 link (to the accessibility notes in the footer without
    // JavaScript) becomes a button that shows and hides the toolbar.
    if (toolbar) {
      $all('a[data-a11y-entry]').forEach(function (a) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = a.className;
        b.textContent = a.textContent;
        b.setAttribute('aria-controls', 'a11y-toolbar');
        b.setAttribute('aria-expanded', 'false');
        b.addEventListener('click', function () { setOpen(!state.open, null); });
        a.parentNode.replaceChild(b, a);
        entries.push(b);
      });
    }
    // The entry the reader can see: a page holds the standard version's and
    // the 长者版's, and its stylesheet hides the other version's.
    function shownEntry() {
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].getClientRects().length) return entries[i];
      }
      return entries[0] || null;
    }

    // ---- read-aloud (语音朗读) ----
    var speech = 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function';
    var reading = { queue: [], index: 0, active: false, paused: false };
    var speechGroup = toolbar ? $('.tb-speech', toolbar) : null;
    var speakButton = toolbar ? $('[data-a11y="speak"]', toolbar) : null;
    var speakLabel = speakButton ? speakButton.textContent : '';
    var pageLang = html.getAttribute('lang') || 'zh-CN';

    function speechButtons() {
      if (!toolbar) return;
      var pause = $('[data-a11y="pause"]', toolbar);
      var stop = $('[data-a11y="stop"]', toolbar);
      if (pause) { pause.disabled = !reading.active; pause.setAttribute('aria-pressed', reading.paused ? 'true' : 'false'); }
      if (stop) stop.disabled = !reading.active;
      if (speakButton) speakButton.textContent = reading.active ? word('restart') : speakLabel;
    }

    // A voice of the page's language: the exact one (zh-CN), else one of its
    // family (zh).
    function pageVoice() {
      var voices = window.speechSynthesis.getVoices() || [];
      var want = pageLang.toLowerCase();
      var family = want.split('-')[0];
      var best = null;
      for (var i = 0; i < voices.length; i++) {
        var lang = (voices[i].lang || '').replace('_', '-').toLowerCase();
        if (lang === want) return voices[i];
        if (!best && lang.indexOf(family) === 0) best = voices[i];
      }
      return best;
    }

    // The title and metadata line first, then the text (every [data-read-aloud] in
    // document order; the whole main area where a page marks none).
    function textToRead() {
      var parts0 = $all('[data-read-aloud]');
      if (!parts0.length) parts0 = [$('main') || document.body];
      var text = parts0.map(function (el) { return (el.innerText || el.textContent || '') + '\n'; }).join('')
        .replace(/[ \t\u00a0]+/g, ' ');
      var parts = text.replace(/([。！？；!?;\n])/g, '$1\u0001').split('\u0001');
      var chunks = [];
      parts.forEach(function (p) {
        p = p.trim();
        while (p.length > 150) { chunks.push(p.slice(0, 150)); p = p.slice(150); }
        if (p) chunks.push(p);
      });
      return chunks;
    }

    function speakNext() {
      if (!reading.active) return;
      if (reading.index >= reading.queue.length) { stopReading(word('done')); return; }
      var u = new window.SpeechSynthesisUtterance(reading.queue[reading.index]);
      u.lang = pageLang;
      var v = pageVoice();
      // A voice the engine does not accept leaves the language to choose one.
      if (v) { try { u.voice = v; } catch (e) { /* keep u.lang */ } }
      u.rate = html.classList.contains('elder') ? 0.85 : 1;
      u.onend = function () { if (reading.active) { reading.index += 1; speakNext(); } };
      u.onstart = function () { reading.heard = true; };
      u.onerror = function (e) {
        if (!reading.active) return;
        // The engine fails before saying anything: no usable voice.
        if (!reading.heard && e && e.error !== 'interrupted' && e.error !== 'canceled') { stopReading(); noVoice(); return; }
        reading.index += 1; speakNext();
      };
      window.speechSynthesis.speak(u);
    }

    // The message for a device with no voice installed: speaking would end at
    // once with nothing heard.
    function noVoice() {
      say((speechGroup && speechGroup.getAttribute('data-no-voice')) || word('no-voice'));
    }

    function startReading() {
      if (!(window.speechSynthesis.getVoices() || []).length) {
        // Voices load late in some browsers: ask once more when they arrive.
        var waited = false;
        var retry = function () {
          if (waited) return;
          waited = true;
          window.speechSynthesis.removeEventListener('voiceschanged', retry);
          if ((window.speechSynthesis.getVoices() || []).length) startReading();
          else noVoice();
        };
        if (window.speechSynthesis.addEventListener) window.speechSynthesis.addEventListener('voiceschanged', retry);
        window.setTimeout(retry, 600);
        return;
      }
      window.speechSynthesis.cancel();
      reading = { queue: textToRead(), index: 0, active: true, paused: false };
      speechButtons();
      say(word('started'));
      speakNext();
    }

    function stopReading(message) {
      reading.active = false;
      reading.paused = false;
      window.speechSynthesis.cancel();
      speechButtons();
      say(message || word('stopped'));
    }

    if (speech && speechGroup) {
      speechGroup.hidden = false;
      window.addEventListener('pagehide', function () { window.speechSynthesis.cancel(); });
    }

    // ---- toolbar buttons ----
    if (toolbar) {
      toolbar.addEventListener('click', function (ev) {
        var b = ev.target.closest ? ev.target.closest('[data-a11y]') : null;
        if (!b || b.disabled) return;
        var what = b.getAttribute('data-a11y');
        switch (what) {
          case 'bigger':
            state.scale = Math.min(SCALES.length - 1, state.scale + 1);
            say(word('size', { n: Math.round(SCALES[state.scale] * 100) }));
            break;
          case 'smaller':
            state.scale = Math.max(0, state.scale - 1);
            say(word('size', { n: Math.round(SCALES[state.scale] * 100) }));
            break;
          case 'reset-size':
            state.scale = 0;
            say(word('size-reset'));
            break;
          case 'contrast':
          case 'cursor':
          case 'plain':
            state[what] = !state[what];
            say(word(state[what] ? 'on' : 'off', { name: b.textContent.replace('✓', '').trim() }));
            break;
          case 'reset-all':
            state.scale = 0; state.contrast = false; state.cursor = false; state.plain = false; state.docsize = 'm';
            applyDocSize();
            say(word('reset-all'));
            break;
          case 'close':
            if (reading.active) stopReading();
            setOpen(false, shownEntry());
            return;
          case 'speak':
            if (speech) startReading();
            return;
          case 'pause':
            if (!speech || !reading.active) return;
            if (reading.paused) { window.speechSynthesis.resume(); reading.paused = false; say(word('resumed')); }
            else { window.speechSynthesis.pause(); reading.paused = true; say(word('paused')); }
            speechButtons();
            return;
          case 'stop':
            if (speech) stopReading();
            return;
        }
        save();
        apply();
        sync();
        // A button disabled at its limit (放大文字 at 200 %, 缩小文字 and 默认大小 at
        // 100 %) would drop keyboard focus to <body>: move it to the next usable
        // control of its group (else the toolbar's first usable one).
        if (b.disabled) {
          var next = $all('button:not([disabled])', b.closest('.tb-group') || toolbar)[0] ||
            $all('button:not([disabled])', toolbar)[0];
          if (next) next.focus();
        }
      });
      document.addEventListener('keydown', function (ev) {
        if (ev.key !== 'Escape' || !state.open || !shownEntry()) return;
        var at = document.activeElement;
        if (toolbar.contains(at) || at === document.body || at === html || !at) setOpen(false, shownEntry());
      });
    }

    // ---- 字体 大/中/小 and 打印本页 on document pages ----
    var docBody = document.getElementById('doc-content');
    function applyDocSize() {
      if (docBody) {
        if (state.docsize === 'm') docBody.removeAttribute('data-docsize');
        else docBody.setAttribute('data-docsize', state.docsize);
      }
      $all('[data-docsize]').forEach(function (b) {
        if (b.tagName === 'BUTTON') b.setAttribute('aria-pressed', b.getAttribute('data-docsize') === state.docsize ? 'true' : 'false');
      });
    }
    $all('[data-doc-tools]').forEach(function (tools) {
      tools.hidden = false;
      tools.addEventListener('click', function (ev) {
        var b = ev.target.closest ? ev.target.closest('button') : null;
        if (!b) return;
        if (b.hasAttribute('data-print')) { window.print(); return; }
        var size = b.getAttribute('data-docsize');
        if (size) { state.docsize = size; save(); applyDocSize(); }
      });
    });
    applyDocSize();
    speechButtons();
    sync();

    // 长者版: long lists that stand before the content (the table of contents) start
    // folded, so that the first task comes on the first screens.
    if (html.classList.contains('elder')) {
      $all('details[data-fold-elder]').forEach(function (d) { d.open = false; });
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}());
