/* grassroots search client — a classic script (no modules: module scripts
 * are blocked on file://), no dependencies; build.rs minifies it.
 * Defines globalThis.GrassrootsSearch. Runs in browsers (data files loaded by
 * <script> elements, over http:// and file://) and in Node (the caller passes
 * a loader that reads and evaluates the files).
 * It reads the index format described in docs/search-format.md; the
 * format's shared numbers and strings are the generated block below.
 * The tokenizer mirrors search-index/src/tokenize.rs exactly; a test compares
 * the two over a whole corpus vocabulary. Change both or neither. */
(function (root) {
  "use strict";

  // The format's shared numbers and strings: search-index/build.rs writes
  // them from src/format/constants.rs, which says what each means. Change
  // them there, not here.
  // BEGIN format constants
  const FORMAT_VERSION = 5;
  const SHARD_MAGIC = "GS2";
  const HEAD_MAGIC = "GH2";
  const DEEP_DOCS = 50;
  const MAX_WORD_CHARS = 40;
  const REGISTER_CALL = "GrassrootsSearch.register(";
  const FNV_OFFSET = 0x811c9dc5;
  const FNV_PRIME = 0x01000193;
  const FULL_RECORD_DEFLATED = 1;
  const SHARD_FILE_PREFIX = "s.";
  const HEAD_FILE_PREFIX = "h.";
  const RESULT_FILE_PREFIX = "r.";
  const META_FILE_PREFIX = "m.";
  const DEEP_FILE_PREFIX = "d.";
  const FULL_FILE_PREFIX = "p.";
  // END format constants

  // ------------------------------------------------------------ tokenizer
  var WORD_CHAR = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;

  function isCjk(cp) {
    return cp === 0x3005 || cp === 0x3007 ||
      (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }

  // Character class: 1 = CJK, 2 = word, 0 = separator.
  function charClass(ch) {
    var cp = ch.codePointAt(0);
    if (isCjk(cp)) return 1;
    if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90) ? 2 : 0;
    return WORD_CHAR.test(ch) ? 2 : 0;
  }

  function wordTerm(word, stem) {
    var lower = Array.from(word.toLowerCase()).slice(0, MAX_WORD_CHARS).join("");
    if (stem && /^[a-z]+$/.test(lower)) return stemEnglish(lower);
    return lower;
  }

  /* Walks text (already normalised) and calls emit(term, pos, start, end,
   * info) for each token; start/end are UTF-16 offsets into `text`.
   * info: {word: raw word} for words, {run: run length, i: index} for CJK. */
  function scan(text, stem, startPos, emit) {
    var pos = startPos, word = "", wordStart = 0, run = [], runStart = [];
    function flushWord(end) {
      if (word) { emit(wordTerm(word, stem), pos, wordStart, end, { word: word }); pos++; word = ""; }
    }
    function flushRun(end) {
      var n = run.length;
      for (var i = 0; i < n; i++) {
        var term = i + 1 < n ? run[i] + run[i + 1] : run[i];
        var e = i + 1 < n ? runStart[i + 1] + run[i + 1].length : end;
        emit(term, pos + i, runStart[i], e, { run: n, i: i });
      }
      pos += n; run = []; runStart = [];
    }
    var offset = 0;
    for (var ch of text) {
      var k = charClass(ch);
      if (k === 1) {
        flushWord(offset);
        run.push(ch); runStart.push(offset);
      } else if (k === 2) {
        if (run.length) flushRun(offset);
        if (!word) wordStart = offset;
        word += ch;
      } else {
        flushWord(offset);
        if (run.length) flushRun(offset);
      }
      offset += ch.length;
    }
    flushWord(offset);
    if (run.length) flushRun(offset);
    return pos;
  }

  /** Terms of a text, exactly as the index builder makes them. */
  function tokenize(text, stem) {
    var out = [];
    scan(String(text).normalize("NFKC"), stem !== false, 0, function (term, pos) {
      out.push({ term: term, pos: pos });
    });
    return out;
  }

  // ------------------------------------------- Snowball English (Porter2)
  // Port of the Snowball "english" algorithm as compiled in rust-stemmers.
  // Called only on words of ASCII letters a-z.
  var EXC1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
  var EXC2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
  var STEP2 = [["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
    ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"], ["alism", "al"],
    ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"], ["anci", "ance"],
    ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""]];
  var STEP3 = [["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
    ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""]];
  var STEP4 = ["ement", "ment", "ance", "ence", "able", "ible", "ant", "ent", "ism", "ate", "iti", "ous", "ive",
    "ize", "ion", "al", "er", "ic"];

  function stemEnglish(w) {
    if (Object.prototype.hasOwnProperty.call(EXC1, w)) return EXC1[w];
    if (w.length < 3) return w;
    // prelude: Y for consonant y
    var a = w.split("");
    var yFound = false;
    if (a[0] === "y") { a[0] = "Y"; yFound = true; }
    for (var i = 1; i < a.length; i++) if (a[i] === "y" && isV(a[i - 1])) { a[i] = "Y"; yFound = true; }
    w = a.join("");
    // regions
    var p1 = w.length, p2 = w.length;
    var m = /^(gener|commun|arsen)/.exec(w);
    var j;
    if (m) p1 = m[0].length;
    else {
      for (j = 0; j < w.length && !isV(w[j]); j++);
      for (; j < w.length && isV(w[j]); j++);
      if (j < w.length) p1 = j + 1;
    }
    if (p1 < w.length) {
      for (j = p1; j < w.length && !isV(w[j]); j++);
      for (; j < w.length && isV(w[j]); j++);
      if (j < w.length) p2 = j + 1;
    }
    function ends(s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
    function shortV(end) { // w[0:end] ends in a short syllable
      if (end >= 3 && !isV(w[end - 1]) && "wxY".indexOf(w[end - 1]) < 0 && isV(w[end - 2]) && !isV(w[end - 3])) return true;
      return end === 2 && isV(w[0]) && !isV(w[1]);
    }
    // Step 1a
    if (ends("sses")) w = w.slice(0, -2);
    else if (ends("ied") || ends("ies")) w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
    else if (ends("us") || ends("ss")) { /* unchanged */ }
    else if (ends("s")) {
      for (j = 0; j < w.length - 2; j++) if (isV(w[j])) break;
      if (j < w.length - 2) w = w.slice(0, -1);
    }
    if (EXC2[w]) return w;
    // Step 1b
    var sfx = null;
    var list1b = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
    for (j = 0; j < list1b.length; j++) if (ends(list1b[j])) { sfx = list1b[j]; break; }
    if (sfx === "eed" || sfx === "eedly") {
      if (w.length - sfx.length >= p1) w = w.slice(0, w.length - sfx.length) + "ee";
    } else if (sfx) {
      var stemPart = w.slice(0, w.length - sfx.length);
      var hasV = false;
      for (j = 0; j < stemPart.length; j++) if (isV(stemPart[j])) { hasV = true; break; }
      if (hasV) {
        w = stemPart;
        if (ends("at") || ends("bl") || ends("iz")) w += "e";
        else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
        else if (w.length === p1 && shortV(w.length)) w += "e";
      }
    }
    // Step 1c
    if (w.length > 2 && (ends("y") || ends("Y")) && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
    // Step 2
    for (j = 0; j < STEP2.length; j++) {
      var s2 = STEP2[j][0];
      if (ends(s2)) {
        if (w.length - s2.length >= p1) {
          if (s2 === "ogi") { if (w[w.length - 4] === "l") w = w.slice(0, -3) + "og"; }
          else if (s2 === "li") { if ("cdeghkmnrt".indexOf(w[w.length - 3]) >= 0) w = w.slice(0, -2); }
          else w = w.slice(0, w.length - s2.length) + STEP2[j][1];
        }
        break;
      }
    }
    // Step 3
    for (j = 0; j < STEP3.length; j++) {
      var s3 = STEP3[j][0];
      if (ends(s3)) {
        if (w.length - s3.length >= p1 && (s3 !== "ative" || w.length - s3.length >= p2)) {
          w = w.slice(0, w.length - s3.length) + STEP3[j][1];
        }
        break;
      }
    }
    // Step 4
    for (j = 0; j < STEP4.length; j++) {
      var s4 = STEP4[j];
      if (ends(s4)) {
        if (w.length - s4.length >= p2) {
          if (s4 === "ion") { var c = w[w.length - 4]; if (c === "s" || c === "t") w = w.slice(0, -3); }
          else w = w.slice(0, w.length - s4.length);
        }
        break;
      }
    }
    // Step 5
    if (ends("e")) {
      var base = w.length - 1;
      if (base >= p2 || (base >= p1 && !shortV(base))) w = w.slice(0, -1);
    } else if (ends("l")) {
      if (w.length - 1 >= p2 && w[w.length - 2] === "l") w = w.slice(0, -1);
    }
    return yFound ? w.replace(/Y/g, "y") : w;
  }

  // ------------------------------------------------------------- decoding
  function SearchDataError(message) {
    var e = new Error(message);
    e.name = "SearchDataError";
    return e;
  }

  function fnv32(bytes, from) {
    var h = FNV_OFFSET;
    for (var i = from; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, FNV_PRIME) >>> 0; }
    return h >>> 0;
  }

  // The little-endian 32-bit number at bytes[at..at + 4) (the checksums).
  function u32le(bytes, at) { return (bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24) >>> 0; }

  function Reader(bytes, at, end) { this.b = bytes; this.at = at; this.end = end; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, b;
    do {
      if (this.at >= this.end) throw SearchDataError("truncated data");
      b = this.b[this.at++];
      v += (b & 127) * mul;
      mul *= 128;
      if (mul > 9007199254740992) throw SearchDataError("bad number");
    } while (b >= 128);
    return v;
  };
  Reader.prototype.byte = function () {
    if (this.at >= this.end) throw SearchDataError("truncated data");
    return this.b[this.at++];
  };

  var utf8 = new TextDecoder("utf-8", { fatal: true });

  function bytesOf(name, payload) {
    if (typeof payload !== "string") throw SearchDataError("search file " + name + " is damaged (no data)");
    var bin;
    try { bin = atob(payload); } catch (e) { throw SearchDataError("search file " + name + " is damaged (bad base64)"); }
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  /* Payloads are base64 of zlib-deflated data (first byte 0x78); inflated
   * with DecompressionStream (Chromium 80+, Firefox 113+, Safari 16.4+,
   * Node 18+). Resolves to the bytes. */
  function inflate(name, bytes) {
    if (bytes[0] !== 0x78) return Promise.resolve(bytes);
    if (typeof DecompressionStream !== "function") return Promise.reject(SearchDataError("this browser cannot read compressed search data"));
    var damaged = function () { throw SearchDataError("search file " + name + " is damaged (bad compressed data)"); };
    try {
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); }, damaged);
    } catch (e) { return Promise.reject(SearchDataError("search file " + name + " is damaged (" + e.message + ")")); }
  }

  /** Decodes a shard payload (base64 string of an uncompressed shard) into
   * a dictionary; postings are decoded lazily per term. Throws
   * SearchDataError on damage. */
  function decodeShard(name, payload, k, kd) { return decodeShardBytes(name, bytesOf(name, payload), k, kd); }

  /* k, kd: postings a head and a deep record keep (entry.k, entry.kd); a
   * head term in more than k documents has a deep record, in more than kd
   * a full record. */
  function decodeShardBytes(name, bytes, k, kd) {
    // A shard, or a head shard (df and the best postings only).
    var head = bytes.length >= 3 && bytes[0] === HEAD_MAGIC.charCodeAt(0) && bytes[1] === HEAD_MAGIC.charCodeAt(1) && bytes[2] === HEAD_MAGIC.charCodeAt(2);
    if (bytes.length < 7 || bytes[0] !== SHARD_MAGIC.charCodeAt(0) || (bytes[1] !== SHARD_MAGIC.charCodeAt(1) && !head) || bytes[2] !== SHARD_MAGIC.charCodeAt(2)) throw SearchDataError("search file " + name + " is not a shard of this version");
    var sum = u32le(bytes, 3);
    if (fnv32(bytes, 7) !== sum) throw SearchDataError("search file " + name + " is damaged (checksum mismatch); rebuild the site");
    try {
      var r = new Reader(bytes, 7, bytes.length);
      var n = r.varint(), prev = new Uint8Array(0), terms = [], lens = [];
      for (var t = 0; t < n; t++) {
        var shared = r.varint(), len = r.varint();
        if (shared > prev.length || r.at + len > r.end) throw SearchDataError("bad term");
        var cur = new Uint8Array(shared + len);
        cur.set(prev.subarray(0, shared));
        cur.set(bytes.subarray(r.at, r.at + len), shared);
        r.at += len;
        terms.push(utf8.decode(cur));
        lens.push(r.varint());
        prev = cur;
      }
      var dict = new Map(), at = r.at;
      for (t = 0; t < n; t++) {
        if (at + lens[t] > bytes.length) throw SearchDataError("postings past end");
        dict.set(terms[t], postingsEntry(bytes, at, at + lens[t], head, k, kd, false));
        at += lens[t];
      }
      if (at !== bytes.length) throw SearchDataError("length mismatch");
      return { terms: terms, dict: dict, head: head };
    } catch (e) {
      throw SearchDataError("search file " + name + " is damaged (" + e.message + ")");
    }
  }

  /* A term's entry: its postings are bytes at..end of `bytes` (decoded on
   * first use by postings()). head: a head shard's or a deep record's
   * (they carry the number kept); k, kd: in a head shard, what a head and
   * a deep record keep (the term's record lengths follow its document
   * frequency); full: a full record; replaced: the head entry a record
   * took the place of (see records()). One shape for every entry, so the
   * code that reads them stays monomorphic. */
  function postingsEntry(bytes, at, end, head, k, kd, full) {
    return { bytes: bytes, at: at, end: end, list: null, head: head, k: k, kd: kd, full: full, replaced: null, df: 0 };
  }

  /** A term's postings, decoded once into flat arrays of small integers
   * (no object per posting: a common word has thousands): posting i is
   * document doc[i] with impact[i], in blocks block[bstart[i] ..
   * bstart[i + 1]); block j keeps positions pos[pstart[j] .. pstart[j + 1])
   * (titles and headings only). n = postings kept. Block lists as in
   * docs/search-format.md ("Encodings"). Sets entry.df, the term's
   * document frequency (in a head shard, more than the postings it
   * keeps). */
  function postings(entry) {
    if (entry.list) return entry.list;
    var r = new Reader(entry.bytes, entry.at, entry.end), df = r.varint(), d = 0;
    // A head shard's term: the lengths of its deep and full records first
    // (see recordOffsets).
    if (entry.head && entry.k) { if (df > entry.k) r.varint(); if (df > entry.kd) r.varint(); }
    var n = entry.head ? r.varint() : df;
    if (n > df) throw SearchDataError("more postings than documents");
    // Typed arrays sized by the bytes (every block and every position
    // takes at least one), cut to length at the end: decoding makes no
    // garbage per posting, and the ranking loops read one element kind.
    var most = entry.end - entry.at, nb = 0, np = 0;
    var doc = new Int32Array(n), impact = new Uint8Array(n), bstart = new Int32Array(n + 1);
    var block = new Int32Array(most), pstart = new Int32Array(most + 1), pos = new Int32Array(most);
    entry.df = df;
    for (var i = 0; i < n; i++) {
      d = i === 0 ? r.varint() : d + r.varint();
      doc[i] = d;
      impact[i] = r.byte();
      var x = r.varint();
      if (x % 2 === 0) {
        block[nb++] = x / 2;
        pstart[nb] = np;
      } else {
        for (var j = 0, count = (x - 1) / 2, b = 0; j < count; j++) {
          var v = r.varint();
          b = j === 0 ? Math.floor(v / 2) : b + Math.floor(v / 2);
          block[nb++] = b;
          if (v & 1) for (var k = 0, many = r.varint(), p = 0; k < many; k++) pos[np++] = p = k === 0 ? r.varint() : p + r.varint();
          pstart[nb] = np;
        }
      }
      bstart[i + 1] = nb;
    }
    if (r.at !== r.end) throw SearchDataError("postings length mismatch");
    entry.list = { n: n, doc: doc, impact: impact, bstart: bstart, block: block.slice(0, nb), pstart: pstart.slice(0, nb + 1), pos: pos.slice(0, np) };
    return entry.list;
  }

  // Title hit, heading hit of posting i: kept positions are title
  // positions in block 0 and heading positions in other blocks.
  function flags(L, i) {
    var t = false, h = false;
    for (var j = L.bstart[i]; j < L.bstart[i + 1]; j++) {
      if (L.pstart[j + 1] > L.pstart[j]) { if (L.block[j] === 0) t = true; else h = true; }
    }
    return { t: t, h: h };
  }

  // -------------------------------------------------------------- loading
  var registry = new Map(), waiting = new Map();

  function register(name, payload) {
    registry.set(name, payload);
    var w = waiting.get(name);
    if (w) { waiting.delete(name); w.forEach(function (f) { f(); }); }
  }

  /* Browser loader: one <script> per file. A file that loads but does not
   * register (truncated, wrong build) is an error, not a hang. `fresh` is
   * the entry's name: it is the one file not named by its content, so over
   * HTTP it is fetched past any cache (the files it names may be cached
   * forever). */
  function scriptLoader(baseUrl, fresh) {
    return function (name) {
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script"), url = new URL(name, baseUrl);
        if (name === fresh && /^https?:$/.test(url.protocol)) url.search = "t=" + Date.now();
        s.src = url.href;
        s.async = true;
        s.onload = function () {
          if (registry.has(name)) resolve(); else reject(SearchDataError("search file " + name + " is damaged or from another build"));
          s.remove();
        };
        s.onerror = function () { s.remove(); reject(SearchDataError("search file " + name + " could not be loaded")); };
        document.head.appendChild(s);
      });
    };
  }

  /* Browser range reader over http(s): resolves to {slice: text} (bytes
   * start..end-1 of the file, 206) or {whole: text} (the server ignored
   * the Range header: 200, the whole file). */
  function fetchRange(baseUrl) {
    return function (name, start, end) {
      var url = new URL(name, baseUrl).href, lost = function () { throw SearchDataError("search file " + name + " could not be loaded"); };
      return fetch(url, { headers: { Range: "bytes=" + start + "-" + (end - 1) } }).then(function (res) {
        if (res.status === 200) return res.text().then(function (t) { return { whole: t }; }, lost);
        if (res.status !== 206) throw SearchDataError("search file " + name + " could not be loaded (HTTP " + res.status + ")");
        var cr = res.headers.get("Content-Range"), enc = res.headers.get("Content-Encoding");
        // A range of a compressed body, or another range: not the record.
        if ((cr && cr.indexOf("bytes " + start + "-") !== 0) || (enc && enc !== "identity")) return { unusable: true };
        return res.arrayBuffer().then(function (b) {
          var bytes = new Uint8Array(b), text = "";
          for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
          return { slice: text };
        }, lost);
      }, lost);
    };
  }

  /* Where a result file's payload starts: after
   * 'GrassrootsSearch.register("NAME","' (the files are ASCII, so byte
   * offsets are string offsets). */
  function payloadStart(name) { return REGISTER_CALL.length + 2 + JSON.stringify(name).length; }

  function Index(entryName, load, range) {
    this.entryName = entryName;
    this.rawLoad = load;
    this.range = typeof range === "function" ? range : null;
    this.loads = new Map();   // name → Promise
    this.shards = new Map();  // name → Promise of decoded shard
    this.bundles = new Map(); // name → Promise of decoded result bundle
    this.filesRead = [];
    this.entry = null;
  }

  Index.prototype.file = function (name) {
    var self = this;
    if (!self.loads.has(name)) {
      var p = registry.has(name) ? Promise.resolve() : Promise.resolve(self.rawLoad(name));
      p = p.then(function () {
        if (!registry.has(name)) throw SearchDataError("search file " + name + " did not register its data");
        self.filesRead.push(name);
        return registry.get(name);
      });
      p.catch(function () { self.loads.delete(name); });
      self.loads.set(name, p);
    }
    return self.loads.get(name);
  };

  Index.prototype.ready = function () {
    var self = this;
    if (!self.entryPromise) {
      self.entryPromise = self.file(self.entryName).then(function (e) {
        if (!e || e.v !== FORMAT_VERSION || !Array.isArray(e.shards) || !Array.isArray(e.res) ||
            (e.heads !== undefined && !(Array.isArray(e.heads) && e.heads.length && Array.isArray(e.meta) && e.meta.length && e.mg > 0 && e.k > 0 &&
              Array.isArray(e.deep) && Array.isArray(e.full) && e.kd >= e.k))) {
          throw SearchDataError("search entry " + self.entryName + " is not of a supported version");
        }
        self.entry = e;
        return e;
      });
      self.entryPromise.catch(function () { self.entryPromise = null; });
    }
    return self.entryPromise;
  };

  /* Shard i of the list `kind`: "shards" (full postings, s.HASH.js) or
   * "heads" (head shards, h.HASH.js). */
  Index.prototype.shard = function (i, kind) {
    var heads = kind === "heads", self = this, name = (heads ? HEAD_FILE_PREFIX : SHARD_FILE_PREFIX) + self.entry[heads ? "heads" : "shards"][i][1] + ".js";
    if (!self.shards.has(name)) {
      var p = self.file(name).then(function (payload) {
        return inflate(name, bytesOf(name, payload));
      }).then(function (bytes) {
        var d = decodeShardBytes(name, bytes, self.entry.k, self.entry.kd);
        if (d.head !== heads) throw SearchDataError("search file " + name + " is not a shard of this version");
        d.index = i;
        return d;
      });
      p.catch(function () { self.shards.delete(name); });
      self.shards.set(name, p);
    }
    return self.shards.get(name);
  };

  /* The JSON in base64 text `text` of file `name` (deflated or not), or
   * null when it is not JSON: the caller says what it expected. */
  function jsonOf(name, text) {
    return inflate(name, bytesOf(name, text)).then(function (bytes) {
      try { return JSON.parse(utf8.decode(bytes)); } catch (e) { return null; }
    });
  }

  /* Result bundle i of a plain index: [[doc, first block, url, title,
   * section, records]]. */
  Index.prototype.bundle = function (i) {
    var self = this, name = RESULT_FILE_PREFIX + self.entry.res[i][2] + ".js";
    if (!self.bundles.has(name)) {
      var p = self.file(name).then(function (payload) {
        return jsonOf(name, payload);
      }).then(function (v) {
        if (!Array.isArray(v)) throw SearchDataError("search file " + name + " is damaged (bad result data)");
        return v;
      });
      p.catch(function () { self.bundles.delete(name); });
      self.bundles.set(name, p);
    }
    return self.bundles.get(name);
  };

  /* The metadata record of a tiered index holding document `doc`
   * (docs/search-format.md, "Metadata records"): [first doc, [paths],
   * [[url, title, path index, record lengths]], first record offset],
   * read by range. entry.meta lists each
   * file's first document, hash and record lengths; a record holds
   * entry.mg documents. */
  Index.prototype.metaOf = function (doc) {
    var entry = this.entry, f = entry.meta[fileOf(entry.meta, doc)], g = Math.floor((doc - f[0]) / entry.mg);
    var name = META_FILE_PREFIX + f[1] + ".js", lens = f[2], off = payloadStart(name);
    if (!Array.isArray(lens) || !(g >= 0 && g < lens.length)) throw SearchDataError("search entry " + this.entryName + " is damaged");
    for (var i = 0; i < g; i++) off += lens[i];
    var first = f[0] + g * entry.mg;
    return this.ranged(name, off, lens[g], function (text) {
      return jsonOf(name, text).then(function (v) {
        if (!Array.isArray(v) || v[0] !== first || !Array.isArray(v[1]) || !Array.isArray(v[2]) || typeof v[3] !== "number") {
          throw SearchDataError("search file " + name + " is damaged (bad metadata record)");
        }
        return v;
      });
    });
  };

  /* Where the excerpt records of the documents of metadata bundle `b`
   * lie: per row, [[first block, file offset, length], …]. Records are
   * back to back in document order; a record that starts a result file
   * (a key of entry.res) starts at that file's payload. */
  Index.prototype.recordsOf = function (b) {
    if (b.recs) return b.recs;
    var entry = this.entry, starts = this.resStarts;
    if (!starts) {
      starts = this.resStarts = new Map();
      entry.res.forEach(function (r, i) { starts.set(r[0] + "," + r[1], i); });
    }
    var off = b[3], out = [];
    for (var i = 0; i < b[2].length; i++) {
      var row = b[2][i], lens = Array.isArray(row) ? row[3] : null, recs = [];
      if (!Array.isArray(lens) || lens.length % 2 !== 1) throw SearchDataError("search data for a result is missing; rebuild the site");
      for (var j = 0; j < lens.length; j += 2) {
        var first = j ? lens[j - 1] : 1, len = lens[j], k = starts.get(b[0] + i + "," + first);
        if (typeof first !== "number" || typeof len !== "number") throw SearchDataError("search data for a result is missing; rebuild the site");
        if (k !== undefined) off = payloadStart(RESULT_FILE_PREFIX + entry.res[k][2] + ".js");
        recs.push([first, off, len]);
        off += len;
      }
      out.push(recs);
    }
    b.recs = out;
    return out;
  };

  /* One excerpt record of a tiered index, [doc, first block, records]:
   * bytes off..off+len of result file i. */
  Index.prototype.record = function (i, doc, first, off, len) {
    var name = RESULT_FILE_PREFIX + this.entry.res[i][2] + ".js";
    return this.ranged(name, off, len, function (text) {
      return jsonOf(name, text).then(function (v) {
        if (!Array.isArray(v) || v[0] !== doc || v[1] !== first || !Array.isArray(v[2]) || !v[2].length) {
          throw SearchDataError("search file " + name + " is damaged (bad result data)");
        }
        return v;
      });
    });
  };

  /* Bytes off..off+len of file `name` (a record: excerpts, metadata,
   * deep or full postings), decoded by decode(text), once. Read by range
   * when the loader can (http(s) with fetch, the CLI), else from the whole
   * file. */
  Index.prototype.ranged = function (name, off, len, decode) {
    var self = this, key = name + "#" + off + "+" + len;
    if (self.bundles.has(key)) return self.bundles.get(key);
    function slice(payload) {
      var at = off - payloadStart(name);
      if (typeof payload !== "string" || at < 0 || !(len > 0) || at + len > payload.length) throw SearchDataError("search file " + name + " is damaged (record out of range)");
      return payload.slice(at, at + len);
    }
    function whole() { return self.file(name).then(function (payload) { return decode(slice(payload)); }); }
    var p;
    if (registry.has(name) || !self.range || self.noRange) p = whole();
    else {
      p = Promise.resolve(self.range(name, off, off + len)).then(function (r) {
        if (r && typeof r.whole === "string") {
          // The server ignores ranges: keep the whole file, load whole
          // files from now on.
          self.noRange = true;
          var pre = REGISTER_CALL + JSON.stringify(name) + ',"', end = r.whole.lastIndexOf('"');
          if (r.whole.slice(0, pre.length) !== pre || end < pre.length) throw SearchDataError("search file " + name + " is damaged or from another build");
          if (!registry.has(name)) register(name, r.whole.slice(pre.length, end));
          return whole();
        }
        if (r && r.unusable) { self.noRange = true; return whole(); }
        if (!r || typeof r.slice !== "string") throw SearchDataError("search file " + name + " could not be loaded");
        if (r.slice.length !== len) throw SearchDataError("search file " + name + " is damaged (record out of range)");
        return decode(r.slice);
      });
    }
    p.catch(function () { self.bundles.delete(key); });
    self.bundles.set(key, p);
    return p;
  };

  /* Where the records of head shard `shard`'s terms lie: for deep and
   * full records, term → [offset from the shard's first record of that
   * kind, length]; and each term's document frequency. Records are back to
   * back in term order: a deep record for each term in more than k
   * documents, a full record for each in more than kd. */
  function recordOffsets(shard, k, kd) {
    if (shard.recs) return shard.recs;
    var out = { deep: new Map(), full: new Map(), df: new Map() }, at = { deep: 0, full: 0 };
    for (var t = 0; t < shard.terms.length; t++) {
      var term = shard.terms[t], e = shard.dict.get(term);
      if (e.replaced) e = e.replaced; // the head entry that records() replaced
      var r = new Reader(e.bytes, e.at, e.end), df = r.varint();
      out.df.set(term, df);
      if (df > k) { var len = r.varint(); out.deep.set(term, [at.deep, len]); at.deep += len; }
      if (df > kd) { len = r.varint(); out.full.set(term, [at.full, len]); at.full += len; }
    }
    shard.recs = out;
    return out;
  }

  /* Deeper postings for `terms` (docs/search-format.md, "Deep records"
   * and "Full records"), found in the head shards `shards`. kind "deep":
   * each term's deep record (its best kd postings, for a term in more
   * than k documents); kind "all": each term's complete postings (the head, the deep record, or the full
   * record of a term in more than kd documents). Records are read by range
   * (those of one file that lie back to back in one read) and take the
   * place of the term's entry in its (cached) head shard: a deeper list
   * proves at least what the head did. The new entry's `replaced` keeps
   * the head entry. */
  Index.prototype.records = function (shards, terms, kind) {
    var self = this, entry = self.entry, want = [];
    terms.forEach(function (term) {
      for (var i = 0; i < shards.length; i++) {
        var shard = shards[i], e = shard.dict.get(term);
        if (!e) continue;
        var recs = recordOffsets(shard, entry.k, entry.kd), full = kind === "all" && recs.df.get(term) > entry.kd;
        if (e.replaced && (e.full || !full)) return; // deep enough already
        var where = (full ? recs.full : recs.deep).get(term);
        if (!where) return; // the head holds every posting
        var h = entry.heads[shard.index], hash = h && (full ? entry.full : entry.deep)[h[full ? 4 : 2]], start = h && h[full ? 5 : 3];
        if (typeof hash !== "string" || !(start >= 0)) throw SearchDataError("search entry " + self.entryName + " is damaged");
        var name = (full ? FULL_FILE_PREFIX : DEEP_FILE_PREFIX) + hash + ".js";
        want.push({ name: name, off: payloadStart(name) + start + where[0], len: where[1], term: term, shard: shard, full: full });
        return;
      }
    });
    want.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : a.off - b.off; });
    // Runs of back-to-back records, one read each (a record wanted twice,
    // a term repeated in the query, is read once: the first sets it).
    var runs = [];
    want.forEach(function (w) {
      var run = runs[runs.length - 1];
      if (run && run.name === w.name && run.end === w.off) { run.parts.push(w); run.end += w.len; }
      else if (!run || run.name !== w.name || run.end < w.off) runs.push({ name: w.name, off: w.off, end: w.off + w.len, parts: [w] });
    });
    return Promise.all(runs.map(function (run) {
      return self.ranged(run.name, run.off, run.end - run.off, function (text) { return text; }).then(function (text) {
        return Promise.all(run.parts.map(function (w) {
          var piece = text.slice(w.off - run.off, w.off - run.off + w.len);
          return (w.full ? fullRecord : deepRecord)(w.name, piece).then(function (e) {
            var head = w.shard.dict.get(w.term);
            head = head.replaced || head;
            var hl = postings(head), list = postings(e);
            if (e.df !== head.df || list.n < hl.n || list.n < Math.min(head.df, w.full ? head.df : entry.kd)) {
              throw SearchDataError("search file " + w.name + " is damaged (bad postings record)");
            }
            e.replaced = head;
            w.shard.dict.set(w.term, e);
          });
        }));
      });
    }));
  };

  // A deep record: FNV-1a-32 (LE) of the rest, then head-style postings.
  function deepRecord(name, text) {
    var bytes = bytesOf(name, text), sum = bytes.length >= 4 ? u32le(bytes, 0) : -1;
    if (fnv32(bytes, 4) !== sum) return Promise.reject(SearchDataError("search file " + name + " is damaged (checksum mismatch); rebuild the site"));
    return Promise.resolve(postingsEntry(bytes, 4, bytes.length, true, 0, 0, false));
  }

  // A full record: FNV-1a-32 (LE) of the postings, a flag, then the
  // postings as they are (0) or zlib-deflated (1).
  function fullRecord(name, text) {
    var bytes = bytesOf(name, text);
    if (bytes.length < 6 || bytes[4] > FULL_RECORD_DEFLATED || (bytes[4] === FULL_RECORD_DEFLATED && bytes[5] !== 0x78)) return Promise.reject(SearchDataError("search file " + name + " is damaged (bad postings record)"));
    var sum = u32le(bytes, 0);
    var body = bytes.subarray(5);
    return (bytes[4] === FULL_RECORD_DEFLATED ? inflate(name, body) : Promise.resolve(body)).then(function (raw) {
      if (fnv32(raw, 0) !== sum) throw SearchDataError("search file " + name + " is damaged (checksum mismatch); rebuild the site");
      return postingsEntry(raw, 0, raw.length, false, 0, 0, true);
    });
  }

  // The file of `list` (sorted by first key) holding `key`: the last one
  // whose first key is <= it. Shards by term (JS string order = UTF-16
  // order, the order the builder sorted by), metadata bundles by document.
  function fileOf(list, key) {
    var lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // Result bundle holding (doc, block): last whose first key is <= it.
  function bundleOf(list, doc, block) {
    var lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] < doc || (list[mid][0] === doc && list[mid][1] <= block)) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // ---------------------------------------------------------------- query
  var PREFIX_WEIGHT = 0.8, MAX_EXPANSIONS = 40;

  /* Query tokens: [{term, pos, prefix: [prefixes], exact: bool}]. A Chinese
   * run of n ≥ 2 characters gives its n-1 bigrams (the final single
   * character adds nothing the last bigram lacks); a lone CJK character is
   * a prefix search. The last word, if the user is still typing it, also
   * matches words that start with it. */
  function parseQuery(q, stem) {
    var text = String(q).normalize("NFKC");
    var toks = [];
    scan(text, stem, 0, function (term, pos, s, e, info) {
      if (info.run !== undefined) {
        if (info.run === 1) toks.push({ term: term, pos: pos, prefixes: [term], cjkChar: true });
        else if (info.i < info.run - 1) toks.push({ term: term, pos: pos, prefixes: [] });
      } else {
        toks.push({ term: term, pos: pos, prefixes: [], word: info.word.toLowerCase() });
      }
    });
    var last = toks[toks.length - 1];
    if (last && last.word && !/\s$/.test(text) && /^[a-z]{2,}$/.test(last.word)) {
      last.prefixes = [last.word];
      if (last.term !== last.word) last.prefixes.push(last.term);
      last.stemOf = last.word; // terms that are a stem of a longer typed word
    }
    return toks;
  }

  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  Index.prototype.search = function (query, options) {
    var self = this, opts = options || {};
    var limit = opts.limit || 10;
    if (typeof query !== "string" || !query.trim()) return Promise.resolve([]);
    return self.ready().then(function (entry) {
      var toks = parseQuery(query, entry.stem);
      if (!toks.length) return [];
      // Which shards: the exact term's, and the range of each prefix.
      // Ranked hits of the last few queries are kept: "more", and the rest
      // of the list after the first screen, re-rank nothing.
      var cache = self.hitCache || (self.hitCache = new Map()), hit = cache.get(query);
      if (hit && (hit.length >= limit || hit.all)) return withTotal(hit.slice(0, limit), hit);
      // One token and a short list: the head shards hold its best postings
      // (exact for one term; see docs/search-format.md, "Head shards"),
      // the deep records its next best.
      var heads = entry.heads && toks.length === 1 && limit <= entry.kd;
      // A few exact tokens (a Chinese word of 3-4 characters is 2-3
      // bigrams): try the head shards, then the deep records, and keep
      // their ranking only as far as rank() can prove it (see
      // certified()); else read the full shards.
      var multi = entry.heads && !heads && toks.length > 1 && toks.length <= 3 && limit <= entry.kd &&
        toks.every(function (t) { return !t.prefixes.length && !t.stemOf; });
      function keepRanked(ranked) {
        cache.delete(query);
        cache.set(query, ranked);
        if (cache.size > 16) cache.delete(cache.keys().next().value);
        return withTotal(ranked.slice(0, limit), ranked);
      }
      function load(kind) {
        var list = entry[kind], need = new Set();
        toks.forEach(function (t) {
          need.add(fileOf(list, t.term));
          t.prefixes.forEach(function (p) {
            var a = fileOf(list, p), b = fileOf(list, p + "\uffff");
            for (var i = a; i <= b && i < a + 3; i++) need.add(i);
          });
          if (t.stemOf) for (var k = 3; k < t.stemOf.length; k++) need.add(fileOf(list, t.stemOf.slice(0, k)));
        });
        return Promise.all(Array.from(need).map(function (i) { return self.shard(i, kind); }));
      }
      // The ranking from complete postings: the term shards, or on a
      // tiered index (which has none) every candidate term's complete
      // postings, read as records.
      function full() {
        return load(entry.heads ? "heads" : "shards").then(function (shards) {
          var terms = [];
          if (entry.heads) toks.forEach(function (t) { candidates(shards, t).forEach(function (c) { terms.push(c.term); }); });
          return Promise.resolve(entry.heads ? self.records(shards, terms, "all") : null).then(function () {
            var keep = Math.max(limit, HITS_KEPT), ranked = self.rank(entry, toks, shards, keep);
            // All hits known: fewer than asked for.
            ranked.all = ranked.length < keep;
            return keepRanked(ranked);
          });
        });
      }
      // One token from its head (and deep record past the head's k).
      function fromHeads() {
        return load("heads").then(function (shards) {
          var deep = limit > entry.k;
          return Promise.resolve(deep ? self.records(shards, exact(toks), "deep") : null).then(function () {
            var keep = deep ? entry.kd : entry.k, ranked = self.rank(entry, toks, shards, keep);
            // All hits known: fewer than asked for, from complete postings.
            ranked.all = ranked.length < keep && ranked.complete;
            return keepRanked(ranked);
          });
        });
      }
      if (heads) return fromHeads();
      if (!multi) return full();
      return load("heads").then(function (shards) {
        // What the lists prove (deep: after reading the deep records), or
        // null when they prove too little.
        function proven(deep) {
          var ranked = self.rank(entry, toks, shards, deep ? entry.kd : entry.k, true);
          if (ranked.complete) { ranked.all = ranked.length < (deep ? entry.kd : entry.k); return keepRanked(ranked); }
          if (ranked.certified < limit) return null;
          var sure = withTotal(ranked.slice(0, ranked.certified), ranked);
          sure.complete = false;
          return keepRanked(sure);
        }
        var byHeads = limit <= entry.k ? proven(false) : null;
        if (byHeads) return byHeads;
        return self.records(shards, exact(toks), "deep").then(function () { return proven(true) || full(); });
      });
    });
  };
  // "More results" ranks as many hits as a deep record keeps.
  var HITS_KEPT = DEEP_DOCS;

  function exact(toks) { return toks.map(function (t) { return t.term; }); }

  /* An empty list of ranked hits with its properties (see rank()). */
  function resultArray() {
    var out = [];
    out.certified = 0;
    out.complete = false;
    out.exact = false;
    out.total = 0;
    out.all = false;
    return out;
  }

  /* hits.total: matching documents (at least that many if !hits.exact). */
  function withTotal(hits, ranked) {
    hits.total = ranked.total;
    hits.exact = ranked.exact;
    return hits;
  }

  function lookup(shards, term) {
    for (var i = 0; i < shards.length; i++) { var e = shards[i].dict.get(term); if (e) return e; }
    return null;
  }

  // Candidate terms of a query token: [{term, weight, entry}].
  function candidates(shards, tok) {
    var out = [], seen = new Set();
    var exact = lookup(shards, tok.term);
    if (exact) { out.push({ term: tok.term, weight: 1, entry: exact }); seen.add(tok.term); }
    var extra = [];
    tok.prefixes.forEach(function (p) {
      shards.forEach(function (s) {
        // terms are sorted: binary search the first >= p
        var lo = 0, hi = s.terms.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (s.terms[mid] < p) lo = mid + 1; else hi = mid; }
        for (var i = lo; i < s.terms.length && s.terms[i].startsWith(p); i++) {
          var t = s.terms[i];
          if (!seen.has(t)) { seen.add(t); extra.push(t); }
        }
      });
    });
    if (tok.stemOf) {
      for (var k = Math.max(3, tok.stemOf.length - 3); k < tok.stemOf.length; k++) {
        var t = tok.stemOf.slice(0, k);
        if (!seen.has(t) && lookup(shards, t)) { seen.add(t); extra.push(t); }
      }
    }
    // A lone CJK character matches every term that starts with it at full
    // weight: those terms are exactly its occurrences.
    extra.sort(function (a, b) { return a.length - b.length; });
    extra.slice(0, tok.cjkChar ? 100000 : MAX_EXPANSIONS).forEach(function (t) {
      out.push({ term: t, weight: tok.cjkChar ? 1 : PREFIX_WEIGHT, entry: lookup(shards, t) });
    });
    return out;
  }

  // Ranking weights (see rank()).
  var W = { title: 1.5, titleAll: 2.0, heading: 1.0, headingAll: 1.5, block: 0.6 };

  /* Sorts a[0..m) ascending: insertion sort for the few hits of most
   * documents, the typed array's own sort beyond. */
  function sortInts(a, m) {
    if (m > 16) { a.subarray(0, m).sort(); return; }
    for (var i = 1; i < m; i++) {
      var v = a[i], j = i - 1;
      while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
      a[j + 1] = v;
    }
  }

  /* The first `k` of 0..n-1 in the order `cmp` (negative: x first), in
   * that order: a heap of the k best so far, whose root is the worst of
   * them, so ranking 10,000 documents for 50 results sorts 50, not 10,000. */
  function topStates(n, k, cmp) {
    var heap = [];
    function down(i) {
      for (;;) {
        var l = 2 * i + 1, r = l + 1, w = i;
        if (l < heap.length && cmp(heap[l], heap[w]) > 0) w = l;
        if (r < heap.length && cmp(heap[r], heap[w]) > 0) w = r;
        if (w === i) return;
        var tmp = heap[i]; heap[i] = heap[w]; heap[w] = tmp; i = w;
      }
    }
    for (var x = 0; x < n && k > 0; x++) {
      if (heap.length < k) {
        heap.push(x);
        for (var i = heap.length - 1; i > 0;) {
          var up = (i - 1) >> 1;
          if (cmp(heap[i], heap[up]) <= 0) break;
          var tmp = heap[i]; heap[i] = heap[up]; heap[up] = tmp; i = up;
        }
      } else if (cmp(x, heap[0]) < 0) {
        heap[0] = x;
        down(0);
      }
    }
    return heap.sort(cmp);
  }

  /* Kept positions of a ranking state in one block (see rank(): the
   * state's list of hits with positions, `hits`), per query token.
   * This and anyPosition() take the lists as arguments: as closures in
   * rank() reading them from its scope, the first ranking of a fresh index
   * sometimes missed heading hits once the optimizer had seen rankings of
   * other indexes: in Node 20.20 (V8 11.3), 4 of 4 runs of a script that
   * does so, and 0 of 4 with `node --no-opt`, so it looks like a
   * miscompilation in V8's optimizing compiler. The rank test in
   * client/test/ checks for it. */
  function positionsIn(hits, st, block, nt) {
    var m = new Array(nt).fill(null);
    for (var k = hits.head[st]; k >= 0; k = hits.next[k]) {
      if (hits.block[k] !== block) continue;
      var L = hits.lists[hits.cand[k]], j = hits.at[k], ps = m[hits.tok[k]] || (m[hits.tok[k]] = []);
      for (var a = L.pstart[j]; a < L.pstart[j + 1]; a++) ps.push(L.pos[a]);
    }
    return m;
  }

  /* Whether a ranking state has a kept position below `below` in one block. */
  function anyPosition(hits, st, block, below) {
    for (var k = hits.head[st]; k >= 0; k = hits.next[k]) {
      if (hits.block[k] !== block) continue;
      var L = hits.lists[hits.cand[k]], j = hits.at[k];
      for (var a = L.pstart[j]; a < L.pstart[j + 1]; a++) if (L.pos[a] < below) return true;
    }
    return false;
  }

  /* Typed arrays of at least `n` elements, kept on the index and reused:
   * ranking a common word allocates nothing per matched document. */
  function scratch(self, name, Type, n) {
    var a = self[name];
    if (!a || a.length < n) a = self[name] = new Type(Math.max(n, a ? 2 * a.length : 256));
    return a;
  }

  Index.prototype.rank = function (entry, toks, shards, limit, certify) {
    var n = entry.docs, k1 = entry.k1, span = entry.span, nt = toks.length;
    // Each matched document gets a state number `st`, in order of its
    // first hit; a document's state is found through `slot` (a reused
    // array indexed by document). A common word matches thousands of
    // documents, so states live in flat typed arrays (an object and a few
    // arrays per document made ranking 10,000 of them spend half its time
    // collecting garbage):
    //   doc[st]; s[st * nt + t] = best score of token t;
    //   hits: every (block, token) hit, as block * nt + token, a linked
    //     list per state (hitHead, hitNext, hitVal);
    //   matched terms, a list per state in the order they matched
    //     (termHead, termTail, termNext, termCand: index in candTerms);
    //   its hits with kept positions (titles, headings), a list per state
    //     (ppHead, ppNext; ppBlock, ppTok, and where the positions are:
    //     block ppAt of the postings of candidate ppCand).
    var slot = this.slot && this.slot.length === n ? this.slot : (this.slot = new Int32Array(n).fill(-1));
    var tokIdf = [], complete = true, maxDf = 0, heads = [];
    // Candidates and their postings first: their sizes bound the states.
    // Candidate number c is candTerms[c] with postings candLists[c].
    var cands = [], candTerms = [], candLists = [], nPost = 0, nHits = 0;
    for (var ti = 0; ti < nt; ti++) {
      cands.push(candidates(shards, toks[ti]));
      for (var ci = 0; ci < cands[ti].length; ci++) {
        var list = postings(cands[ti][ci].entry);
        candTerms.push(cands[ti][ci].term);
        candLists.push(list);
        nPost += list.n;
        nHits += list.block.length;
      }
    }
    var doc = scratch(this, "rkDoc", Int32Array, nPost), s = scratch(this, "rkS", Float64Array, nPost * nt);
    var hitHead = scratch(this, "rkHitHead", Int32Array, nPost), hitNext = scratch(this, "rkHitNext", Int32Array, nHits);
    var hitVal = scratch(this, "rkHitVal", Int32Array, nHits);
    var termHead = scratch(this, "rkTermHead", Int32Array, nPost), termTail = scratch(this, "rkTermTail", Int32Array, nPost);
    var termNext = scratch(this, "rkTermNext", Int32Array, nPost), termCand = scratch(this, "rkTermCand", Int32Array, nPost);
    var ppHead = scratch(this, "rkPpHead", Int32Array, nPost), ppNext = scratch(this, "rkPpNext", Int32Array, nHits);
    var ppBlock = scratch(this, "rkPpBlock", Int32Array, nHits), ppTok = scratch(this, "rkPpTok", Int32Array, nHits);
    var ppCand = scratch(this, "rkPpCand", Int32Array, nHits), ppAt = scratch(this, "rkPpAt", Int32Array, nHits);
    var nst = 0, nTerm = 0, nHit = 0, nPp = 0, cand = -1;
    try {
      for (ti = 0; ti < nt; ti++) {
        var best = 0;
        for (ci = 0; ci < cands[ti].length; ci++) {
          var c = cands[ti][ci], w = idf(n, c.entry.df) * c.weight;
          list = candLists[++cand];
          if (c.entry.df > list.n) complete = false;
          if (certify) heads[ti] = { list: list, complete: c.entry.df <= list.n, w: w };
          if (c.entry.df > maxDf) maxDf = c.entry.df;
          if (w > best) best = w;
          for (var pi = 0; pi < list.n; pi++) {
            var pd = list.doc[pi], st = pd < n ? slot[pd] : -1;
            if (st < 0) {
              st = nst++;
              doc[st] = pd;
              for (var z = st * nt; z < (st + 1) * nt; z++) s[z] = 0;
              hitHead[st] = -1;
              termHead[st] = -1;
              ppHead[st] = -1;
              if (pd < n) slot[pd] = st;
            }
            var sc = w * (k1 + 1) * list.impact[pi] / 255;
            if (sc > s[st * nt + ti]) s[st * nt + ti] = sc;
            termCand[nTerm] = cand;
            termNext[nTerm] = -1;
            if (termHead[st] < 0) termHead[st] = nTerm; else termNext[termTail[st]] = nTerm;
            termTail[st] = nTerm++;
            for (var j = list.bstart[pi]; j < list.bstart[pi + 1]; j++) {
              hitVal[nHit] = list.block[j] * nt + ti;
              hitNext[nHit] = hitHead[st];
              hitHead[st] = nHit++;
              if (list.pstart[j + 1] > list.pstart[j]) {
                ppBlock[nPp] = list.block[j];
                ppTok[nPp] = ti;
                ppCand[nPp] = cand;
                ppAt[nPp] = j;
                ppNext[nPp] = ppHead[st];
                ppHead[st] = nPp++;
              }
            }
          }
        }
        tokIdf.push(best);
      }
    } finally {
      for (var si = 0; si < nst; si++) if (doc[si] < n) slot[doc[si]] = -1;
    }
    var total = tokIdf.reduce(function (a, b) { return a + b; }, 0);
    if (!total) return Object.assign([], { total: 0, exact: true, complete: true });

    // Longest chain of query tokens matched at adjacent positions (a phrase),
    // as a fraction of the query's idf mass. Positions in `m` per token.
    function phrase(m, headingOnly) {
      var best = 0;
      for (var i = 0; i < toks.length; i++) {
        var ps = m[i];
        if (!ps || !ps.length) continue;
        for (var a = 0; a < ps.length; a++) {
          if (headingOnly && ps[a] >= span) continue;
          var sum = tokIdf[i], base = ps[a] - toks[i].pos;
          for (var j = i + 1; j < toks.length; j++) {
            var qs = m[j];
            if (!qs || qs.indexOf(base + toks[j].pos) < 0) break;
            sum += tokIdf[j];
          }
          if (sum > best) best = sum;
        }
      }
      return best / total;
    }

    // phrase() of state st's positions in one block. A one-token query is
    // a whole phrase wherever it has a position: 1 without gathering them
    // (phrase() would give tokIdf[0] / total, the same number).
    var hits = { head: ppHead, next: ppNext, block: ppBlock, tok: ppTok, cand: ppCand, at: ppAt, lists: candLists };
    function phraseIn(st, block, headingOnly) {
      if (nt > 1) return phrase(positionsIn(hits, st, block, nt), headingOnly);
      return anyPosition(hits, st, block, headingOnly ? span : Infinity) ? 1 : 0;
    }

    var full = nt > 1 ? 1 : 0, seen = new Int32Array(nt).fill(-1);
    var score = scratch(this, "rkScore", Float64Array, nst), bestBlockOf = scratch(this, "rkBlock", Int32Array, nst);
    var bt = scratch(this, "rkBt", Int32Array, 64);
    for (si = 0; si < nst; si++) {
      var bm = 0, matched = 0;
      for (var i = 0; i < nt; i++) { bm += s[si * nt + i]; if (s[si * nt + i] > 0) matched += tokIdf[i]; }
      var coverage = matched / total;
      var titleP = 0, headP = 0, blockP = 0, bestBlock = 1, bestBlockScore = -1;
      // The state's hits, sorted (by block, then token).
      var m = 0;
      for (var h = hitHead[si]; h >= 0; h = hitNext[h]) {
        if (m === bt.length) { var grown = scratch(this, "rkBt", Int32Array, 2 * m); grown.set(bt); bt = grown; }
        bt[m++] = hitVal[h];
      }
      sortInts(bt, m);
      for (var a = 0; a < m;) {
        var block = Math.floor(bt[a] / nt), co = 0;
        for (; a < m && Math.floor(bt[a] / nt) === block; a++) {
          var t = bt[a] - block * nt;
          if (seen[t] !== block) { seen[t] = block; co += tokIdf[t]; }
        }
        for (i = 0; i < nt; i++) seen[i] = -1;
        var hasPos = anyPosition(hits, si, block, Infinity);
        if (block === 0) { if (hasPos) titleP = phraseIn(si, 0, false); continue; }
        var hp = hasPos ? phraseIn(si, block, true) : 0;
        co /= total;
        if (hp > headP) headP = hp;
        if (co > blockP) blockP = co;
        var bs = 2 * hp + co;
        if (bs > bestBlockScore || (bs === bestBlockScore && block < bestBlock)) { bestBlockScore = bs; bestBlock = block; }
      }
      // Phrase fractions are squared: the whole query as a phrase in a
      // heading must beat its words scattered over a title.
      var sc2 = (bm / total) + W.title * titleP * titleP + W.titleAll * (titleP >= 0.999 ? 1 : 0) +
        W.heading * headP * headP + W.headingAll * (headP >= 0.999 ? 1 : 0) + W.block * blockP * full;
      score[si] = sc2 * (coverage * coverage);
      bestBlockOf[si] = bestBlock;
    }
    // The best `limit` states: higher score first, then lower document,
    // then earlier state (the order a stable sort of all of them gives).
    var best = topStates(nst, limit, function (x, y) {
      return score[y] - score[x] || doc[x] - doc[y] || x - y;
    });
    // The result array gets all its named properties at once, before its
    // elements: arrays that gained them in different orders had different
    // hidden classes, and the optimizing compiler threw rank() away again
    // and again (a common word's 50 hits took 10-25 ms instead of 2).
    var out = resultArray();
    for (var bi = 0; bi < best.length; bi++) {
      var st0 = best[bi], terms = new Set();
      for (var k = termHead[st0]; k >= 0; k = termNext[k]) terms.add(candTerms[termCand[k]]);
      out.push({ doc: doc[st0], score: score[st0], block: bestBlockOf[st0], terms: terms });
    }
    // Complete lists prove everything (and certified() would walk them all).
    out.certified = !certify ? 0 : complete ? out.length : certified();
    /* How many of the top hits are sure from head postings alone. A head
     * list keeps a term's best postings by (title hit, heading hit,
     * impact) (docs/search-format.md, "Head shards"), so a document
     * missing from an incomplete list has, for that term, a key <= the
     * list's last: what it can have is a few "states" (title?, heading?, impact bound). A
     * hit is sure when every term's posting of it is known (in the list,
     * or the list is complete) and its score beats the best score any
     * other document could reach: the score formula above maximised over
     * the states it may have (monotone in each part; block co-occurrence
     * is at most the matched share). */
    function certified() {
      var opts = [], byDoc = new Map();
      for (var t = 0; t < nt; t++) {
        var hd = heads[t], min = null;
        if (!hd) { opts.push([{ s: 0, t: false, h: false, on: false }]); continue; }
        for (var i = 0, L = hd.list; i < L.n; i++) {
          var f = flags(L, i), key = (f.t ? 4 : 0) + (f.h ? 2 : 0), imp = L.impact[i];
          if (!min || key < min.key || (key === min.key && imp < min.imp)) min = { key: key, t: f.t, h: f.h, imp: imp };
          var known = byDoc.get(L.doc[i]) || byDoc.set(L.doc[i], new Array(nt).fill(null)).get(L.doc[i]);
          known[t] = { s: hd.w * (k1 + 1) * imp / 255, t: f.t, h: f.h, on: true };
        }
        // Complete list: a document not in it lacks the term.
        if (hd.complete || !min) { opts.push([{ s: 0, t: false, h: false, on: false }]); continue; }
        var st = function (tt, hh, imp) { return { s: hd.w * (k1 + 1) * imp / 255, t: tt, h: hh, on: true }; };
        var o = [st(min.t, min.h, min.imp)];
        if (min.t) { if (min.h) o.push(st(true, false, 255)); o.push(st(false, true, 255)); }
        else if (min.h) o.push(st(false, false, 255));
        opts.push(o);
      }
      function chain(sts, key) {
        var best = 0;
        for (var i = 0; i < nt; i++) {
          for (var sum = 0, j = i; j < nt && sts[j][key]; j++) sum += tokIdf[j];
          if (sum > best) best = sum;
        }
        return best / total;
      }
      function value(sts) {
        var bm = 0, on = 0;
        for (var i = 0; i < nt; i++) { bm += sts[i].s; if (sts[i].on) on += tokIdf[i]; }
        var cov = on / total, tp = chain(sts, "t"), hp = chain(sts, "h");
        return (bm / total + W.title * tp * tp + W.titleAll * (tp >= 0.999 ? 1 : 0) + W.heading * hp * hp +
          W.headingAll * (hp >= 0.999 ? 1 : 0) + W.block * cov * full) * cov * cov;
      }
      // Best score over the states of the unknown terms of `known`.
      function bound(known) {
        var best = 0, sts = new Array(nt);
        (function walk(i) {
          if (i === nt) { var v = value(sts); if (v > best) best = v; return; }
          if (known[i]) { sts[i] = known[i]; walk(i + 1); return; }
          for (var k = 0; k < opts[i].length; k++) { sts[i] = opts[i][k]; walk(i + 1); }
        })(0);
        return best;
      }
      var sure = function (known) {
        for (var i = 0; i < nt; i++) if (!known[i] && opts[i][0].on) return false;
        return true;
      };
      var limitScore = bound(new Array(nt).fill(null));
      byDoc.forEach(function (known) { if (!sure(known)) limitScore = Math.max(limitScore, bound(known)); });
      var n = 0;
      while (n < out.length && out[n].score > limitScore * (1 + 1e-9) && sure(byDoc.get(out[n].doc) || [])) n++;
      return n;
    }
    // From head shards the count is at least the largest df (one token).
    out.complete = complete;
    out.exact = complete;
    out.total = complete ? nst : Math.max(nst, maxDf);
    return out;
  };

  // ---------------------------------------------------------- result data
  /** Ranked results with display data: [{url, title, section, heading,
   * excerpt, score}]. options: limit (10), offset (0: skip that many of the
   * ranked hits, for a "more" button), offline, excerptChars. Each result
   * reads one small result bundle; on a tiered index, its metadata bundle
   * and one excerpt record (a byte range of a result file). */
  Index.prototype.results = function (query, options) {
    var self = this, opts = options || {}, offset = opts.offset || 0;
    var limit = opts.limit || 10;
    return self.search(query, { limit: offset + limit }).then(function (all) {
      var hits = all.slice(offset);
      if (!hits.length) return withTotal([], all);
      var entry = self.entry;
      // The excerpt records of `seg` ([doc, first block, records]) for
      // the hit's block. Records repeat heading/anchor only when they
      // change: walk back.
      function row(h, block, meta, seg) {
        var recs = seg[2], k = Math.min(Math.max(block - seg[1], 0), recs.length - 1), j = k;
        if (!Array.isArray(recs[k])) throw SearchDataError("search data for a result is missing; rebuild the site");
        while (j > 0 && !(Array.isArray(recs[j]) && recs[j].length >= 3)) j--;
        return { hit: h, meta: meta, text: recs[k][0] || "", heading: recs[j][1] || "", anchor: recs[j][2] || "" };
      }
      return Promise.all(hits.map(function (h) {
        var block = Math.max(h.block, 1);
        // Tiered: display data from the metadata bundle, the excerpt
        // from one record read by range.
        if (entry.meta) {
          return self.metaOf(h.doc).then(function (b) {
            var m = metaRow(b, h.doc), recs = self.recordsOf(b)[h.doc - b[0]], r = recs[0];
            for (var i = 1; i < recs.length && recs[i][0] <= block; i++) r = recs[i];
            return self.record(bundleOf(entry.res, h.doc, r[0]), h.doc, r[0], r[1], r[2]).then(function (seg) {
              return row(h, block, m, seg);
            });
          });
        }
        return self.bundle(bundleOf(entry.res, h.doc, block)).then(function (segs) {
          var seg = null;
          for (var i = 0; i < segs.length; i++) if (Array.isArray(segs[i]) && segs[i][0] === h.doc) { seg = segs[i]; break; }
          if (!seg || !Array.isArray(seg[5]) || !seg[5].length) throw SearchDataError("search data for a result is missing; rebuild the site");
          return row(h, block, { url: seg[2], title: seg[3], section: seg[4] }, [seg[0], seg[1], seg[5]]);
        });
      })).then(function (rows) {
        return withTotal(rows.map(function (r) {
          var url = pageUrl(r.meta.url, opts);
          if (r.anchor) url += "#" + r.anchor;
          return {
            url: url, title: r.meta.title, section: r.meta.section, heading: r.heading,
            excerpt: excerpt(r.text || r.heading || "", r.hit.terms, entry.stem, opts.excerptChars || 160),
            score: Math.round(r.hit.score * 1000) / 1000
          };
        }), all);
      });
    });
  };

  // Display data of `doc` in metadata bundle b: {url, title, section}.
  function metaRow(b, doc) {
    var row = b[2][doc - b[0]], path = Array.isArray(row) ? b[1][row[2]] : null;
    if (!Array.isArray(path)) throw SearchDataError("search data for a result is missing; rebuild the site");
    return { url: String(row[0]), title: String(row[1]), section: path };
  }

  function pageUrl(url, opts) {
    return opts.offline && (url === "" || /\/$/.test(url)) ? url + "index.html" : url;
  }

  /** The first screen, sooner: as results(), but from the small metadata
   * bundles of a big site's index (url without anchor, title, section;
   * heading and excerpt ""; preview: true). Call results() with the same
   * arguments for the full rows. An index without metadata bundles gives
   * the full rows at once. */
  Index.prototype.preview = function (query, options) {
    var self = this, opts = options || {}, offset = opts.offset || 0;
    var limit = opts.limit || 10;
    if (typeof query !== "string" || !query.trim()) return Promise.resolve(Object.assign([], { total: 0, exact: true }));
    return self.ready().then(function (entry) {
      if (!entry.meta) return self.results(query, opts);
      return self.search(query, { limit: offset + limit }).then(function (all) {
        var hits = all.slice(offset);
        return Promise.all(hits.map(function (h) {
          return self.metaOf(h.doc).then(function (b) {
            var m = metaRow(b, h.doc);
            return {
              url: pageUrl(m.url, opts), title: m.title, section: m.section, heading: "", excerpt: "",
              score: Math.round(h.score * 1000) / 1000, preview: true
            };
          });
        })).then(function (rows) { return withTotal(rows, all); });
      });
    });
  };

  /** The next page of results for the same query. */
  Index.prototype.more = function (query, shown, options) {
    var opts = Object.assign({}, options || {});
    opts.offset = shown;
    return this.results(query, opts);
  };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* Excerpt of `text` around the densest cluster of matched terms, HTML
   * escaped, matches in <mark>. Offsets come from tokenizing a copy where
   * each character is normalised on its own, so they map back 1:1. */
  function excerpt(text, terms, stem, width) {
    var chars = Array.from(text), norm = "", map = [], off = 0;
    chars.forEach(function (c, i) {
      var nc = c.normalize("NFKC");
      for (var k = 0; k < nc.length; k++) map.push(i);
      norm += nc;
      off += c.length;
    });
    map.push(chars.length);
    var spans = [];
    scan(norm, stem !== false, 0, function (term, pos, s, e) {
      if (terms.has(term)) spans.push([map[s], map[e - 1] + 1]);
    });
    // merge overlapping spans (CJK bigrams overlap)
    var merged = [];
    spans.sort(function (a, b) { return a[0] - b[0]; }).forEach(function (sp) {
      var l = merged[merged.length - 1];
      if (l && sp[0] <= l[1]) l[1] = Math.max(l[1], sp[1]); else merged.push(sp.slice());
    });
    var start = 0;
    if (chars.length > width && merged.length) {
      var bestI = 0, bestN = 0;
      for (var i = 0; i < merged.length; i++) {
        var cnt = 0;
        for (var j = i; j < merged.length && merged[j][0] < merged[i][0] + width * 0.7; j++) cnt += merged[j][1] - merged[j][0];
        if (cnt > bestN) { bestN = cnt; bestI = i; }
      }
      start = Math.max(0, Math.min(merged[bestI][0] - Math.floor(width / 4), chars.length - width));
    }
    var end = Math.min(chars.length, start + width), out = start > 0 ? "…" : "", at = start;
    merged.forEach(function (sp) {
      var s = Math.max(sp[0], start), e = Math.min(sp[1], end);
      if (s >= e) return;
      out += escapeHtml(chars.slice(at, s).join("")) + "<mark>" + escapeHtml(chars.slice(s, e).join("")) + "</mark>";
      at = e;
    });
    out += escapeHtml(chars.slice(at, end).join("")) + (end < chars.length ? "…" : "");
    return out.replace(/\n/g, " ");
  }

  // ----------------------------------------------------------------- API
  var api = {
    version: 1,
    register: register,
    tokenize: tokenize,
    parseQuery: parseQuery,
    stemEnglish: stemEnglish,
    escapeHtml: escapeHtml,
    excerpt: excerpt,
    decodeShard: decodeShard,
    /** open({entry: "entry.js", load: name => Promise, range?}) for any
     * environment; load must cause GrassrootsSearch.register(name, …).
     * range(name, start, end), if given, reads bytes start..end-1 of a
     * file: a Promise of {slice: text} or {whole: text of the file}. */
    open: function (opts) { return new Index(opts.entry, opts.load, opts.range); },
    fetchRange: fetchRange,
    /** Opens the index named by the page: <meta name="grassroots-search">
     * (path from the site root) resolved against <html data-root>. */
    fromPage: function (doc) {
      doc = doc || document;
      var meta = doc.querySelector('meta[name="grassroots-search"]');
      if (!meta) return null;
      var rootPrefix = doc.documentElement.getAttribute("data-root") || "";
      var entryUrl = new URL(rootPrefix + meta.getAttribute("content"), doc.baseURI);
      var name = decodeURIComponent(entryUrl.pathname.split("/").pop());
      // Excerpt records by HTTP Range over http(s); file:// has no fetch.
      var range = typeof fetch === "function" && /^https?:$/.test(entryUrl.protocol) ? fetchRange(entryUrl.href) : null;
      return new Index(name, scriptLoader(entryUrl.href, name), range);
    }
  };
  root.GrassrootsSearch = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
