/* planpress portal: full-text search over the static index in search/.
   No framework. Progressive enhancement: without this file the search page
   says so and links to the topic and unit indexes.

   The index (see src/search/mod.rs) is downloaded piece by piece: the
   manifest, the folding table (for a query with a Chinese character), the
   dictionary shards of the characters the query starts words with, the
   posting packs of the query's terms, and the fragments of the results
   shown. The rule is stated once, in src/search/query.rs's documentation;
   tests/search-ranking.json's cases run against both (tests/it/ranking.rs and
   tests/browser/ranking.spec.mjs), so a change to one must be made to the
   other.

   Every text from the index is inserted with textContent: never as HTML.
   The words shown to readers come from data-* attributes of the template. */
(function () {
  'use strict';

  var box = document.querySelector('[data-search]');
  if (!box || !window.fetch || !window.Map || !String.prototype.normalize) return;

  var ds = box.dataset;
  var indexBase = ds.index; // where the index is: {{ site.base }}search/
  var linkRoot = ds.root; // where result links start: {{ root }}
  var pageSize = parseInt(ds.pageSize, 10) || 10;
  var form = box.querySelector('form');
  var input = form.querySelector('input[name="q"]');
  var selJ = form.querySelector('select[name="j"]');
  var selT = form.querySelector('select[name="t"]');
  var selU = form.querySelector('select[name="u"]');
  var status = box.querySelector('[data-search-status]');
  var list = box.querySelector('[data-search-results]');
  var moreBtn = box.querySelector('[data-search-more]');
  var proto = box.querySelector('[data-search-model] > li');
  var EXPANSION = 20; // as MAX_EXPANSION in query.rs
  var SCALE = 4; // as WEIGHT_SCALE in query.rs
  var NONWORD = /[^\p{Alphabetic}\p{N}+#&._%-]+/u;

  function fill(format, values) {
    return String(format || '').replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m;
    });
  }

  // On a page in another language than the index's (a translated
  // edition), every text from the index is Chinese: marked so, for screen
  // readers' voice and the text's direction (data-text-lang, -dir).
  var textLang = ds.textLang || '', textDir = ds.textDir || '';
  function chinese(el) {
    if (textLang) {
      el.lang = textLang;
      if (textDir) el.dir = textDir;
    }
    return el;
  }

  // ---- fetching, each file once ------------------------------------------

  var meta = null;
  var files = new Map();
  function get(path, binary) {
    var url = indexBase + path + (meta ? '?v=' + encodeURIComponent(meta.v) : '');
    if (!files.has(url)) {
      var p = fetch(url, { credentials: 'same-origin', cache: meta ? 'default' : 'no-cache' })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status + ' ' + url);
          return binary ? r.arrayBuffer() : r.json();
        });
      p.catch(function () { files.delete(url); });
      files.set(url, p);
    }
    return files.get(url);
  }
  function loadMeta() {
    if (meta) return Promise.resolve(meta);
    return get('meta.json').then(function (m) {
      meta = m;
      var start = 0;
      meta.starts = m.pd.map(function (n) { var s = start; start += n; return s; });
      meta.shardCodes = m.s.map(function (c) { return c.codePointAt(0); });
      return meta;
    });
  }

  // ---- the dictionary --------------------------------------------------------

  var shards = new Map();
  function shardFor(ch) {
    var code = ch.codePointAt(0), a = meta.shardCodes, lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= code) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }
  function loadShard(i) {
    if (!shards.has(i)) {
      shards.set(i, get('d/' + i + '.json').then(function (s) {
        var byText = new Map(), spelt = new Map(), longest = 1;
        s.t.forEach(function (t, k) {
          var term = { text: t, pack: s.r[4 * k], off: s.r[4 * k + 1], len: s.r[4 * k + 2], df: s.r[4 * k + 3] };
          byText.set(t, term);
          longest = Math.max(longest, Array.from(t).length);
        });
        // Pinyin spellings: each stands for the terms listed with it.
        (s.y || []).forEach(function (e) {
          spelt.set(e[0], e[1].map(function (a) { return { text: a[0], pack: a[1], off: a[2], len: a[3], df: a[4] }; }));
          longest = Math.max(longest, Array.from(e[0]).length);
        });
        return { byText: byText, spelt: spelt, longest: longest };
      }));
    }
    return shards.get(i);
  }

  // Forward maximum matching: at each character, the longest term or
  // spelling of the index that starts there. Returns a list of items, each a
  // list of terms (one, or those a spelling or a character that starts none
  // stands for).
  async function segmentClause(clause) {
    var chars = Array.from(clause), items = [], i = 0;
    while (i < chars.length) {
      var si = shardFor(chars[i]);
      if (si < 0) { items.push([]); i += 1; continue; }
      var shard = await loadShard(si), found = null, len;
      for (len = Math.min(shard.longest, chars.length - i); len >= 1; len--) {
        var key = chars.slice(i, i + len).join(''), t = shard.byText.get(key), alts = t ? [t] : [];
        (shard.spelt.get(key) || []).forEach(function (a) {
          if (!alts.some(function (b) { return b.text === a.text; })) alts.push(a);
        });
        if (alts.length) { found = alts; break; }
      }
      if (found) { items.push(found); i += len; continue; }
      if (meta.stop.indexOf(chars[i]) < 0) {
        var ex = [];
        shard.byText.forEach(function (t) { if (t.text.indexOf(chars[i]) === 0) ex.push(t); });
        ex.sort(function (a, b) { return b.df - a.df || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0); });
        items.push(ex.slice(0, EXPANSION));
      }
      i += 1;
    }
    return items;
  }

  // ---- postings ---------------------------------------------------------------

  // A list is varints (see src/search/mod.rs), or, when its length is
  // negative, a bitmap of all documents followed by their weights (or by
  // nothing: each weighs SCALE).
  function postings(loc) {
    return get('p/' + loc[0] + '.bin', true).then(function (buf) {
      var b = new Uint8Array(buf, loc[1], Math.abs(loc[2])), docs = [], weights = [], i = 0, doc = 0;
      if (loc[2] < 0) {
        var bits = Math.min(Math.ceil(meta.n / 8), b.length), at = bits;
        for (i = 0; i < bits; i++) {
          for (var bit = 0; bit < 8; bit++) if (b[i] & (1 << bit)) { docs.push(i * 8 + bit); weights.push(at < b.length ? b[at++] : SCALE); }
        }
        return { docs: docs, weights: weights };
      }
      while (i < b.length) {
        var v = 0, mul = 1, byte;
        do { byte = b[i++]; v += (byte & 0x7f) * mul; mul *= 128; } while (byte >= 0x80);
        var delta = Math.floor(v / 2);
        doc = docs.length ? doc + delta : delta;
        docs.push(doc);
        weights.push(v % 2 ? b[i++] : SCALE);
      }
      return { docs: docs, weights: weights };
    });
  }

  // ---- a query -------------------------------------------------------------------

  // Traditional characters to simplified ones (src/search/fold.rs): the
  // index's table, loaded for the first query with a Chinese character.
  var folds = null;
  function loadFolds() {
    if (folds) return Promise.resolve(folds);
    return get('fold.json').then(function (s) {
      var a = Array.from(s), m = new Map();
      for (var i = 0; i + 1 < a.length; i += 2) m.set(a[i], a[i + 1]);
      folds = m;
      return m;
    });
  }
  function normalize(s) {
    var n = s.normalize('NFKC').toLowerCase();
    if (!folds) return n;
    return Array.from(n, function (c) { return folds.get(c) || c; }).join('');
  }

  async function run(q, filters) {
    await loadMeta();
    var chinese = Array.from(q.normalize('NFKC')).some(function (c) { return c.codePointAt(0) >= 0x3400; });
    if (chinese) await loadFolds();
    var n = meta.n, parts = normalize(q).split(/\s+/).filter(Boolean);
    var scores = new Map(), words = [], partCount = 0;
    for (var p = 0; p < parts.length; p++) {
      var clauses = parts[p].split(NONWORD).filter(Boolean), items = [];
      for (var c = 0; c < clauses.length; c++) items = items.concat(await segmentClause(clauses[c]));
      if (!items.length) continue;
      partCount += 1;
      words.push(parts[p]);
      // An item that is no term of the index: the part matches nothing, and
      // nothing more needs downloading.
      var dead = items.some(function (it) { return !it.length; });
      var partDocs = dead ? new Map() : null;
      for (var k = 0; k < items.length && !dead; k++) {
        var union = new Map();
        for (var a = 0; a < items[k].length; a++) {
          var t = items[k][a];
          words.push(t.text);
          var idf = Math.log(1 + (n - t.df + 0.5) / (t.df + 0.5));
          var pl = await postings([t.pack, t.off, t.len]);
          for (var d = 0; d < pl.docs.length; d++) {
            var s = idf * pl.weights[d] / SCALE, prev = union.get(pl.docs[d]);
            if (prev === undefined || s > prev) union.set(pl.docs[d], s);
          }
        }
        if (partDocs === null) { partDocs = union; continue; }
        var both = new Map();
        partDocs.forEach(function (s, doc) { var s2 = union.get(doc); if (s2 !== undefined) both.set(doc, s + s2); });
        partDocs = both;
      }
      partDocs.forEach(function (s, doc) {
        var e = scores.get(doc);
        if (e) { e[0] += 1; e[1] += s; } else scores.set(doc, [1, s]);
      });
    }

    // Filters: topic and unit by their task lists, jurisdiction by plan.
    var keep = null;
    async function restrict(loc) {
      var set = new Set((await postings(loc)).docs);
      keep = keep === null ? set : new Set(Array.from(keep).filter(function (d) { return set.has(d); }));
    }
    if (filters.t !== null) await restrict(meta.t[filters.t][2]);
    if (filters.u !== null) await restrict(filters.u[2]);
    var ranked = [], counts = meta.j.map(function () { return 0; });
    scores.forEach(function (e, doc) {
      if (keep !== null && !keep.has(doc)) return;
      var j = meta.pj[planOf(doc)];
      counts[j] += 1;
      if (filters.j !== null && j !== filters.j) return;
      ranked.push([doc, e[0], e[1]]);
    });
    ranked.sort(function (x, y) { return y[1] - x[1] || y[2] - x[2] || x[0] - y[0]; });
    return { hits: ranked, parts: partCount, words: words, counts: counts };
  }

  function planOf(doc) {
    var a = meta.starts, lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= doc) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  function fragment(doc) {
    return get('f/' + Math.floor(doc / meta.k) + '.json').then(function (f) {
      var d = f.d[doc % meta.k];
      return { kind: d[0], plan: f.p[d[1]], label: d[2], anchor: d[3], text: d[4], lead: d[5] };
    });
  }

  // ---- showing results -----------------------------------------------------------

  // Where in `text` the words occur: [start, end) ranges of UTF-16 indices
  // into the text as written, found in its normalised form.
  function ranges(text, words) {
    var norm = '', map = [], i = 0;
    for (var ch of text) {
      var n = normalize(ch);
      for (var x = 0; x < n.length; x++) map.push(i);
      norm += n;
      i += ch.length;
    }
    map.push(text.length);
    var out = [];
    words.forEach(function (w) {
      if (!w) return;
      for (var at = norm.indexOf(w); at >= 0; at = norm.indexOf(w, at + w.length)) {
        out.push([map[at], map[at + w.length]]);
      }
    });
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }

  // Puts `text` into `el`, the words marked; `window` > 0 keeps only about
  // that many characters around the first match.
  function highlight(el, text, words, window) {
    var rs = ranges(text, words), from = 0, to = text.length;
    if (window > 0 && text.length > window) {
      var first = rs.length ? rs[0][0] : 0;
      from = Math.max(0, first - Math.floor(window / 4));
      to = Math.min(text.length, from + window);
      from = Math.max(0, to - window);
    }
    el.textContent = '';
    if (from > 0) el.appendChild(document.createTextNode('…'));
    var pos = from;
    rs.forEach(function (r) {
      var a = Math.max(r[0], from), b = Math.min(r[1], to);
      if (a >= b) return;
      if (a > pos) el.appendChild(document.createTextNode(text.slice(pos, a)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(a, b);
      el.appendChild(mark);
      pos = b;
    });
    if (pos < to) el.appendChild(document.createTextNode(text.slice(pos, to)));
    if (to < text.length) el.appendChild(document.createTextNode('…'));
  }

  // The 长者版 shows shorter excerpts in its larger type.
  function excerptChars() {
    var elder = document.documentElement.classList.contains('elder');
    return parseInt(elder && ds.excerptElder ? ds.excerptElder : ds.excerpt, 10) || 120;
  }

  // `format` filled with `values` into `el`, highlighted; on a page in
  // another language, each value (from the index) in an element of its own,
  // marked Chinese, between the page's own words.
  function fillInto(el, format, values, words) {
    if (!textLang) return highlight(el, fill(format, values), words, 0);
    var re = /\{(\w+)\}/g, at = 0, m;
    format = String(format || '');
    el.textContent = '';
    while ((m = re.exec(format))) {
      if (m.index > at) el.appendChild(document.createTextNode(format.slice(at, m.index)));
      if (Object.prototype.hasOwnProperty.call(values, m[1])) {
        var part = chinese(document.createElement('span'));
        highlight(part, String(values[m[1]]), words, 0);
        el.appendChild(part);
      } else {
        el.appendChild(document.createTextNode(m[0]));
      }
      at = re.lastIndex;
    }
    if (at < format.length) el.appendChild(document.createTextNode(format.slice(at)));
  }

  function slot(el, name) { return el.querySelector('[data-slot="' + name + '"]'); }

  function renderHit(f, words) {
    var li = proto.cloneNode(true);
    var plan = f.plan, path = plan[1] + (f.anchor ? '#' + f.anchor : '');
    var kind = ['task', 'section', 'plan'][f.kind] || 'task';
    var format = ds['title' + kind.charAt(0).toUpperCase() + kind.slice(1)];
    var link = slot(li, 'link');
    link.href = linkRoot + path;
    fillInto(link, format, { plan: plan[0], n: f.label, title: f.label }, words);
    var k = slot(li, 'kind');
    if (k) k.textContent = ds['kind' + kind.charAt(0).toUpperCase() + kind.slice(1)] || '';
    var text = slot(li, 'text');
    if (f.text) highlight(chinese(text), f.text, words, excerptChars());
    else text.remove();
    var planEl = slot(li, 'plan');
    if (planEl) {
      var a = chinese(document.createElement('a'));
      a.href = linkRoot + plan[1];
      a.textContent = plan[0];
      planEl.appendChild(a);
    }
    var lead = slot(li, 'lead');
    if (lead) {
      if (f.lead.length) {
        f.lead.forEach(function (u, i) {
          if (i) lead.appendChild(document.createTextNode(ds.separator || '、'));
          var a = chinese(document.createElement('a'));
          a.href = linkRoot + u[1];
          a.textContent = u[0];
          lead.appendChild(a);
        });
      } else {
        var row = lead.closest('[data-slot-row]') || lead;
        row.remove();
      }
    }
    var jur = slot(li, 'jurisdiction');
    if (jur) {
      var j = meta.j[plan[2]], ja = chinese(document.createElement('a'));
      ja.href = linkRoot + j[1];
      ja.textContent = j[0];
      jur.appendChild(ja);
    }
    return li;
  }

  var current = null; // { result, shown, words }
  var serial = 0;

  async function showMore(focus) {
    var c = current, next = c.result.hits.slice(c.shown, c.shown + pageSize);
    var frags = await Promise.all(next.map(function (h) { return fragment(h[0]); }));
    if (c !== current) return;
    var firstNew = null;
    frags.forEach(function (f) {
      var li = renderHit(f, c.words);
      list.appendChild(li);
      if (!firstNew) firstNew = li;
    });
    c.shown += next.length;
    moreBtn.hidden = c.shown >= c.result.hits.length;
    if (focus && firstNew) {
      var a = slot(firstNew, 'link');
      if (a) a.focus();
    }
  }

  function say(text) { status.textContent = text; }

  function filterValues() {
    var j = selJ && selJ.value !== '' ? parseInt(selJ.value, 10) : null;
    var t = selT && selT.value !== '' ? parseInt(selT.value, 10) : null;
    var u = null;
    if (selU && selU.value !== '' && unitList) u = unitList[parseInt(selU.value, 10)] || null;
    return { j: j, t: t, u: u };
  }

  async function search() {
    var q = input.value.trim(), mine = ++serial;
    list.textContent = '';
    moreBtn.hidden = true;
    if (!q) { say(ds.msgEmpty || ''); current = null; return; }
    list.setAttribute('aria-busy', 'true');
    say(ds.msgLoading || '');
    try {
      await loadMeta();
      await unitsFor(selectedJurisdiction());
      var result = await run(q, filterValues());
      if (mine !== serial) return;
      updateCounts(result.counts);
      current = { result: result, shown: 0, words: result.words };
      var total = result.hits.length;
      if (!total) {
        say(fill(ds.msgNone, { q: q }));
      } else {
        await showMore(false);
        var full = result.hits.filter(function (h) { return h[1] === result.parts; }).length;
        var msg = fill(ds.msgFound, { n: total, q: q, shown: Math.min(total, pageSize) });
        if (result.parts > 1 && full < total) msg += fill(ds.msgFoundAll, { n: full });
        say(msg);
      }
    } catch (e) {
      if (mine === serial) say(ds.msgError || String(e));
    } finally {
      if (mine === serial) list.removeAttribute('aria-busy');
    }
  }

  // ---- filters -----------------------------------------------------------------------

  var unitList = null, unitListJ = null;
  function selectedJurisdiction() {
    if (selJ && selJ.value !== '') return parseInt(selJ.value, 10);
    return meta && meta.j.length === 1 ? 0 : null;
  }
  async function unitsFor(j) {
    if (!selU || j === unitListJ) return;
    var chosen = selU.value !== '' && unitList ? unitList[parseInt(selU.value, 10)] : null;
    var want = chosen ? chosen[0] : wantedUnit;
    unitListJ = j;
    unitList = null;
    while (selU.options.length > 1) selU.remove(1);
    selU.disabled = j === null;
    if (j === null) return;
    unitList = await get('u/' + j + '.json');
    if (unitListJ !== j) return;
    unitList.forEach(function (u, i) {
      var o = chinese(document.createElement('option'));
      o.value = String(i);
      o.textContent = fill(ds.optionCount, { name: u[0], n: u[3] });
      if (u[0] === want) o.selected = true;
      selU.appendChild(o);
    });
    wantedUnit = null;
  }
  var wantedUnit = null;

  function updateCounts(counts) {
    if (!selJ) return;
    for (var i = 1; i < selJ.options.length; i++) {
      var o = selJ.options[i], j = parseInt(o.value, 10);
      o.textContent = fill(ds.optionCount, { name: meta.j[j][0], n: counts[j] });
    }
  }

  function fillFilters() {
    if (selJ) {
      meta.j.forEach(function (j, i) {
        var o = chinese(document.createElement('option'));
        o.value = String(i);
        o.textContent = j[0];
        selJ.appendChild(o);
      });
    }
    if (selT) {
      meta.t.forEach(function (t, i) {
        var o = chinese(document.createElement('option'));
        o.value = String(i);
        o.textContent = fill(ds.optionCount, { name: t[0], n: t[3] });
        selT.appendChild(o);
      });
    }
  }

  // ---- the address: ?q=…&j=…&t=…&u=… (names, not numbers) ---------------------------

  // `typed`: what the reader may have typed while the index's table of
  // contents was loading is kept unless the address asks for a query.
  function fromAddress(typed) {
    var p = new URLSearchParams(window.location.search);
    if (!typed || p.has('q')) input.value = p.get('q') || '';
    var pick = function (sel, list, name) {
      if (!sel) return;
      sel.value = '';
      list.forEach(function (x, i) { if (x[0] === name) sel.value = String(i); });
    };
    pick(selJ, meta.j, p.get('j'));
    pick(selT, meta.t, p.get('t'));
    wantedUnit = p.get('u');
    unitListJ = undefined;
  }
  function toAddress(push) {
    var p = new URLSearchParams();
    if (input.value.trim()) p.set('q', input.value.trim());
    if (selJ && selJ.value !== '') p.set('j', meta.j[parseInt(selJ.value, 10)][0]);
    if (selT && selT.value !== '') p.set('t', meta.t[parseInt(selT.value, 10)][0]);
    if (selU && selU.value !== '' && unitList) p.set('u', unitList[parseInt(selU.value, 10)][0]);
    var url = window.location.pathname + (p.toString() ? '?' + p.toString() : '');
    if (push) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }

  // ---- wiring --------------------------------------------------------------------------

  var hidden = box.querySelectorAll('[data-search-js]');
  for (var h = 0; h < hidden.length; h++) hidden[h].hidden = false;

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    toAddress(true);
    search();
  });
  [selJ, selT, selU].forEach(function (sel) {
    if (!sel) return;
    sel.addEventListener('change', function () {
      if (sel === selJ && selU) selU.value = '';
      toAddress(false);
      search();
    });
  });
  moreBtn.addEventListener('click', function () { showMore(true); });
  window.addEventListener('popstate', function () { fromAddress(); search(); });

  loadMeta().then(function () {
    fillFilters();
    fromAddress(true);
    return unitsFor(selectedJurisdiction()).then(function () {
      if (input.value.trim()) search();
    });
  }).catch(function () { say(ds.msgError || ''); });
})();
