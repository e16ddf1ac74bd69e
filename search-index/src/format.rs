//! The on-disk format under `public/search/{lang}/`. Every file is a classic
//! script `GrassrootsSearch.register("NAME", PAYLOAD);` so one format loads by
//! `<script>` element over HTTP and from `file://` (where `fetch` is not
//! allowed), and by reading + evaluating in Node.
//!
//! * the entry (`entry.js` in a site, whose pages name it; `entry.HASH.js`
//!   when no name is given) — JSON: statistics, the first term of every shard and
//!   the first (document, block) of every result bundle, with their hashes.
//! * `s.HASH.js` — a term shard, base64 of a zlib-deflated binary blob (see
//!   [`encode_shard`]): a front-coded dictionary, then varint/delta-coded
//!   postings with positions. Terms are in UTF-16 order and a shard is a
//!   contiguous range, so a word and its prefixes land in one or two shards.
//! * `r.HASH.js` — a result bundle, base64 of deflated JSON: display data
//!   and excerpt blocks for a contiguous run of (document, block) (see
//!   [`write_index`]). A result reads one bundle.
//!
//! Big sites are written differently (see [`tiered`]): with a fixed file
//! budget, shards and result bundles grow with the site, and a query that
//! reads one shard and five bundles would read hundreds of KB. So what a
//! query needs per term or per result becomes a record it reads by range:
//!
//! * `h.HASH.js` — a head shard (see [`encode_head_shard`]): the same
//!   dictionary, but for each term only its document frequency, the
//!   lengths of its deep and full records, and its [`HEAD_DOCS`] best
//!   postings for a one-term query (title hits, then heading hits, then
//!   impact). A one-token query ranks its first [`HEAD_DOCS`] results from
//!   head shards alone.
//! * `m.HASH.js` — metadata records: url, title and section path of
//!   [`META_GROUP`] documents each, base64 of deflated JSON `[first doc,
//!   [section path, ...], [[url, title, path index, record lengths], ...],
//!   first record offset]`, back to back in the file's string literal and
//!   read by range like excerpt records (the entry lists each file's first
//!   document and its records' lengths). The search box shows the first
//!   screen (titles, paths) from these, then fills in the excerpts from the
//!   result files.
//! * `d.HASH.js` — deep records, read by range: for each term in more than
//!   [`HEAD_DOCS`] documents, its [`DEEP_DOCS`] best postings (see
//!   [`deep_record`]), in term order; the entry gives each head shard the
//!   file and offset of its terms' records, and the head shard each
//!   record's length.
//! * `p.HASH.js` — full records, read by range, laid out as the deep ones:
//!   for each term in more than [`DEEP_DOCS`] documents, all its postings
//!   (see [`full_record`]). A tiered index has no `s.HASH.js` term shards:
//!   the head shards are its dictionary, and a query that needs complete
//!   postings reads its terms' records (the head holds all of a rarer
//!   term's, the deep record all of a term in up to [`DEEP_DOCS`]).
//! * On a tiered index `r.HASH.js` holds excerpt *records* (see
//!   [`ranged_results`]): each one document's blocks, deflated and
//!   base64-encoded on its own, back to back in the file's one string
//!   literal, so a record is a byte range of the file. The client reads a
//!   result's record with an HTTP Range request (from the offsets the
//!   metadata bundle gives), or slices it out of the whole file where
//!   ranges are not served (`file://`, servers that answer 200).
//! * A Chinese word of 2–3 bigrams ranks from head shards too when the
//!   client can prove its first results from them (`certified` in search.js
//!   `rank`), else from the deep records when they prove them; otherwise
//!   from its terms' complete postings. A one-token query past the head's
//!   [`HEAD_DOCS`] results ("more results") ranks from its deep record.
//!
//! The split of the file budget between shards and result bundles minimises
//! the bytes of a typical query (see `allocate`).
//!
//! File names carry a hash of the payload, so a new build never mixes with a
//! cached old file. File counts are capped (see `MAX_*`): at most 300 files
//! per language whatever the site's size; files grow instead.

use crate::SearchError;
use crate::index::{DocPosting, Inverted};
use serde_json::{Value, json};

pub const FORMAT_VERSION: u64 = 5;
const MAGIC: [u8; 3] = *b"GS2";
const MAGIC_HEAD: [u8; 3] = *b"GH2";

/// Postings a head shard keeps per term (enough for two screens of 5).
pub const HEAD_DOCS: usize = 10;
/// Postings a deep record keeps per term (those of [`HEAD_DOCS`] and the
/// next best): "more results" in the search box ranks 50 hits (search.js
/// `HITS_KEPT`), and a Chinese word of two or three bigrams may need more
/// than a head to prove its first results. Every term in more than
/// [`HEAD_DOCS`] documents has one, in a `d.HASH.js` file read by range.
pub const DEEP_DOCS: usize = 50;
/// Files of deep records and of full records (every posting of a term in
/// more than [`DEEP_DOCS`] documents; a tiered index has no term shards),
/// and the size aimed at for one: they are read by range, so their size
/// matters only where ranges are not served.
const DEEP_FILES: usize = 10;
const FULL_FILES: usize = 40;
const RECORD_FILE_TARGET_BYTES: usize = 64 * 1024;
/// Sites whose raw postings exceed this get head shards, deep records and
/// metadata records (the Rust book, ~224 pages, has ~1 MB; 10,000 pages
/// ~30 MB).
const TIER_MIN_POSTINGS_BYTES: usize = 6 << 20;
/// Raw size aimed at for a head shard: a one-word query reads one whole
/// (a word of two or three bigrams, two or three), so heads get many small
/// files. At 10,000 pages a language 12 KB gives about 100 of them, 11 KB
/// each on disk (24 KB, the earlier size, read 20 KB a head).
const HEAD_TARGET_BYTES: usize = 12 * 1024;
/// Documents per metadata record: a result reads one record, and the
/// entry, which every query reads, carries each record's length.
pub const META_GROUP: usize = 16;
/// Metadata files are read by range: their size matters only where ranges
/// are not served.
const META_TARGET_BYTES: usize = 64 * 1024;
/// At most this share of the file budget goes to head shards and metadata.
const TIER_MAX_FILES: usize = 110;

/// Smallest useful sizes (before compression); on big sites files grow so
/// that the count stays within [`MAX_FILES`].
const SHARD_TARGET_BYTES: usize = 6 * 1024;
const RESULT_TARGET_BYTES: usize = 3 * 1024;
pub const MAX_FILES: usize = 300;

/// A written file: name relative to the language folder and its bytes.
pub struct OutFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Per-document data the entry does not hold, for result display.
pub struct DocMeta<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub section_path: &'a [String],
}

// ---------------------------------------------------------------- primitives

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn get_varint(data: &[u8], at: &mut usize) -> Result<u64, SearchError> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *data
            .get(*at)
            .ok_or(SearchError::Corrupt("varint past end"))?;
        *at += 1;
        if shift >= 64 {
            return Err(SearchError::Corrupt("varint too long"));
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Ok(v);
        }
        shift += 7;
    }
}

/// FNV-1a, 32 bits: a checksum that lets the client reject a damaged shard
/// with a clear message. Not a security measure.
pub fn fnv32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Standard base64 with padding (the client decodes with `atob`).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn unbase64(s: &str) -> Result<Vec<u8>, SearchError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| SearchError::Corrupt("bad base64"))
}

/// `GrassrootsSearch.register("name", payload);` — payload is a JS expression.
fn script(name: &str, payload: &str) -> Vec<u8> {
    let name = json!(name).to_string();
    let mut out = Vec::with_capacity(payload.len() + name.len() + 30);
    out.extend_from_slice(b"GrassrootsSearch.register(");
    out.extend_from_slice(name.as_bytes());
    out.push(b',');
    out.extend_from_slice(payload.as_bytes());
    out.extend_from_slice(b");\n");
    out
}

/// JSON text safe inside a script: U+2028/2029 escaped for older engines.
fn js_json(v: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(v).expect("JSON of plain data");
    if text.contains(['\u{2028}', '\u{2029}']) {
        text.replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        text
    }
}

/// A file holding `raw` deflated and base64-encoded, named by a hash of
/// that payload (`s.`, `h.`, `r.`, `m.` + hash + `.js`).
fn blob_file(prefix: &str, raw: &[u8]) -> OutFile {
    // A JSON string: the base64 alphabet needs no escaping.
    string_file(prefix, format!("\"{}\"", base64(&deflate(raw))))
}

/// A file whose payload is `payload` (a quoted string of base64), named
/// by a hash of it.
fn string_file(prefix: &str, payload: String) -> OutFile {
    let name = named(prefix, &payload);
    OutFile {
        bytes: script(&name, &payload),
        name,
    }
}

fn named(prefix: &str, payload: &str) -> String {
    format!("{prefix}.{}.js", hash8(payload))
}

/// Eight hex digits of a content hash (xxh3: the payloads add up to
/// megabytes, and a byte-at-a-time hash of them was 2% of an index build).
fn hash8(payload: &str) -> String {
    format!(
        "{:08x}",
        xxhash_rust::xxh3::xxh3_64(payload.as_bytes()) as u32
    )
}

/// The entry lists files by hash only; the client rebuilds
/// `{prefix}.{hash}.js` (saves bytes in the one file every query reads).
fn hash_of(name: &str) -> String {
    name.split('.').nth(1).unwrap_or("").to_string()
}

// -------------------------------------------------------------------- shards

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// Bytes [`encode_postings`] writes for term `t`.
fn postings_len(inv: &Inverted, t: usize) -> usize {
    let mut n = varint_len(inv.df(t) as u64);
    let mut prev = 0;
    for (i, (doc, _, data)) in inv.postings(t).enumerate() {
        n += varint_len(u64::from(if i == 0 { doc } else { doc - prev })) + 1 + data.len();
        prev = doc;
    }
    n
}

/// Postings of term `t`: `varint df`, df × (`varint doc delta`,
/// `u8 impact`, block list as in [`crate::index::encode_blocks`]).
fn encode_postings(inv: &Inverted, t: usize, out: &mut Vec<u8>) {
    put_varint(out, inv.df(t) as u64);
    let mut prev = 0;
    for (i, (doc, impact, data)) in inv.postings(t).enumerate() {
        put_varint(out, u64::from(if i == 0 { doc } else { doc - prev }));
        prev = doc;
        out.push(impact);
        out.extend_from_slice(data);
    }
}

/// Shard blob: `"GS2"`, FNV-1a-32 (LE) of the rest, then
/// `varint n`, n × (`varint shared prefix bytes`, `varint suffix bytes`,
/// suffix UTF-8, `varint postings bytes`), then all postings back to back
/// (see [`encode_postings`]).
fn encode_shard(inv: &Inverted, range: std::ops::Range<usize>) -> Vec<u8> {
    term_blob(MAGIC, inv, range, |t, out| encode_postings(inv, t, out))
}

/// A shard-like blob of the terms `range`: `magic`, the checksum, the
/// front-coded dictionary with each term's postings length, then the
/// postings `write(t, out)` appends for each term. The postings are written
/// first, so their lengths are measured rather than computed apart.
fn term_blob(
    magic: [u8; 3],
    inv: &Inverted,
    range: std::ops::Range<usize>,
    mut write: impl FnMut(usize, &mut Vec<u8>),
) -> Vec<u8> {
    let mut postings = Vec::new();
    let mut ends = Vec::with_capacity(range.len());
    for t in range.clone() {
        write(t, &mut postings);
        ends.push(postings.len());
    }
    let mut body = Vec::with_capacity(postings.len() + 8 * range.len());
    put_varint(&mut body, range.len() as u64);
    let (mut prev, mut start): (&[u8], usize) = (&[], 0);
    for (t, &end) in range.zip(&ends) {
        let term = inv.terms[t].as_bytes();
        let shared = prev.iter().zip(term).take_while(|(a, b)| a == b).count();
        put_varint(&mut body, shared as u64);
        put_varint(&mut body, (term.len() - shared) as u64);
        body.extend_from_slice(&term[shared..]);
        put_varint(&mut body, (end - start) as u64);
        (prev, start) = (term, end);
    }
    body.extend_from_slice(&postings);
    let mut out = Vec::with_capacity(body.len() + 7);
    out.extend_from_slice(&magic);
    out.extend_from_slice(&fnv32(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Decodes a shard blob (the inverse of [`encode_shard`] + postings), for
/// tests and tools. Errors on any damage instead of panicking.
pub fn decode_shard(blob: &[u8]) -> Result<Vec<(String, Vec<DocPosting>)>, SearchError> {
    if !blob.starts_with(&MAGIC) && blob.first() == Some(&0x78) {
        // As written to disk: deflated.
        return decode_shard_raw(&inflate(blob)?);
    }
    decode_shard_raw(blob)
}

fn decode_shard_raw(blob: &[u8]) -> Result<Vec<(String, Vec<DocPosting>)>, SearchError> {
    shard_entries(blob, MAGIC, "not a shard")?
        .into_iter()
        .map(|(term, data)| Ok((term, decode_postings(data)?)))
        .collect()
}

/// The terms of a shard blob (plain or head) with each term's postings
/// bytes: checks the magic and checksum, then reads the front-coded
/// dictionary. Errors on any damage.
fn shard_entries<'a>(
    blob: &'a [u8],
    magic: [u8; 3],
    not_it: &'static str,
) -> Result<Vec<(String, &'a [u8])>, SearchError> {
    if blob.len() < 7 || blob[..3] != magic {
        return Err(SearchError::Corrupt(not_it));
    }
    let sum = u32::from_le_bytes([blob[3], blob[4], blob[5], blob[6]]);
    let body = &blob[7..];
    if fnv32(body) != sum {
        return Err(SearchError::Corrupt("checksum mismatch"));
    }
    let mut at = 0;
    let n = get_varint(body, &mut at)? as usize;
    let mut dict = Vec::with_capacity(n.min(body.len()));
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..n {
        let shared = get_varint(body, &mut at)? as usize;
        let len = get_varint(body, &mut at)? as usize;
        let suffix = body
            .get(at..at.saturating_add(len))
            .ok_or(SearchError::Corrupt("term past end"))?;
        at += len;
        let mut t = prev
            .get(..shared)
            .ok_or(SearchError::Corrupt("bad prefix"))?
            .to_vec();
        t.extend_from_slice(suffix);
        let plen = get_varint(body, &mut at)? as usize;
        dict.push((t.clone(), plen));
        prev = t;
    }
    let mut out = Vec::with_capacity(dict.len());
    for (t, plen) in dict {
        let data = body
            .get(at..at.saturating_add(plen))
            .ok_or(SearchError::Corrupt("postings past end"))?;
        at += plen;
        let term = String::from_utf8(t).map_err(|_| SearchError::Corrupt("term not UTF-8"))?;
        out.push((term, data));
    }
    if at != body.len() {
        return Err(SearchError::Corrupt("shard length mismatch"));
    }
    Ok(out)
}

fn decode_postings(data: &[u8]) -> Result<Vec<DocPosting>, SearchError> {
    let mut at = 0;
    let df = get_varint(data, &mut at)? as usize;
    let mut out = Vec::with_capacity(df.min(data.len()));
    let mut doc = 0u64;
    for i in 0..df {
        let d = get_varint(data, &mut at)?;
        doc = if i == 0 { d } else { doc + d };
        let impact = *data
            .get(at)
            .ok_or(SearchError::Corrupt("impact past end"))?;
        at += 1;
        let blocks = crate::index::decode_blocks(data, &mut at)?;
        out.push(DocPosting {
            doc: doc as u32,
            impact,
            blocks,
        });
    }
    if at != data.len() {
        return Err(SearchError::Corrupt("postings length mismatch"));
    }
    Ok(out)
}

// --------------------------------------------------------------- head shards

/// A posting by reference: (doc, impact, encoded blocks).
type PostingRef<'a> = (u32, u8, &'a [u8]);

/// The best postings of term `t` for a one-term query: its head (the
/// [`HEAD_DOCS`] best) and, for a term in more documents than that, its
/// deep list (the [`DEEP_DOCS`] best), each by document. The client's
/// score of a one-term query is, per document, `2.2·impact/255 +
/// 3.5·[title hit] + 2.5·[heading hit]` (see `rank` in search.js): the
/// order here is the same, ties to the lower document.
fn best_postings(inv: &Inverted, t: usize) -> (Vec<PostingRef<'_>>, Vec<PostingRef<'_>>) {
    if inv.df(t) <= HEAD_DOCS {
        return (inv.postings(t).collect(), Vec::new());
    }
    // Sort key, best first: 2.2·impact/255 < 2.5 < 3.5, so the flags
    // dominate as in the client; then the lower document.
    let mut keyed: Vec<(std::cmp::Reverse<u32>, u32, PostingRef<'_>)> = inv
        .postings(t)
        .map(|p| {
            let (title, heading) = hits_of(p.2);
            let key = u32::from(title) * 4 * 256 + u32::from(heading) * 2 * 256 + u32::from(p.1);
            (std::cmp::Reverse(key), p.0, p)
        })
        .collect();
    if keyed.len() > DEEP_DOCS {
        keyed.select_nth_unstable_by_key(DEEP_DOCS - 1, |k| (k.0, k.1));
        keyed.truncate(DEEP_DOCS);
    }
    keyed.sort_unstable_by_key(|k| (k.0, k.1));
    let mut deep: Vec<PostingRef<'_>> = keyed.iter().map(|k| k.2).collect();
    let mut head = deep[..HEAD_DOCS].to_vec();
    head.sort_unstable_by_key(|p| p.0);
    deep.sort_unstable_by_key(|p| p.0);
    (head, deep)
}

/// A deep record (see [`DEEP_DOCS`]): FNV-1a-32 (LE) of the rest, then
/// the postings as [`encode_head_postings`] writes them (without a record
/// length), base64-encoded with padding.
fn deep_record(df: usize, deep: &[PostingRef<'_>]) -> String {
    let mut body = Vec::with_capacity(16 + deep.iter().map(|p| p.2.len() + 4).sum::<usize>());
    encode_head_postings(df, (None, None), deep, &mut body);
    let mut out = fnv32(&body).to_le_bytes().to_vec();
    out.extend_from_slice(&body);
    base64(&out)
}

/// Decodes one deep record (the bytes of its range in a `d.HASH.js` file):
/// (document frequency, postings). Errors on any damage.
pub fn decode_deep_record(range: &[u8]) -> Result<(usize, Vec<DocPosting>), SearchError> {
    let blob = record_bytes(range)?;
    if blob.len() < 4 || fnv32(&blob[4..]).to_le_bytes() != blob[..4] {
        return Err(SearchError::Corrupt("checksum mismatch"));
    }
    let mut k = 4;
    let df = get_varint(&blob, &mut k)? as usize;
    let postings = decode_postings(&blob[k..])?;
    if postings.len() > df {
        return Err(SearchError::Corrupt("more postings than documents"));
    }
    Ok((df, postings))
}

/// (title hit, heading hit) of an encoded block list: kept positions are
/// title positions in block 0 and heading positions in other blocks.
fn hits_of(data: &[u8]) -> (bool, bool) {
    // A scan of the encoding (see `index::encode_blocks`), no allocation:
    // this runs for every posting of every frequent term.
    let (mut title, mut heading) = (false, false);
    let at = &mut 0;
    let Ok(x) = get_varint(data, at) else {
        return (false, false);
    };
    if x & 1 == 0 {
        return (false, false);
    }
    let mut block = 0;
    for j in 0..x >> 1 {
        let Ok(v) = get_varint(data, at) else { break };
        block = if j == 0 { v >> 1 } else { block + (v >> 1) };
        if v & 1 == 1 {
            if block == 0 {
                title = true;
            } else {
                heading = true;
            }
            let Ok(np) = get_varint(data, at) else { break };
            for _ in 0..np {
                if get_varint(data, at).is_err() {
                    break;
                }
            }
        }
    }
    (title, heading)
}

/// Bytes [`encode_head_postings`] writes.
fn head_postings_len(
    df: usize,
    lens: (Option<usize>, Option<usize>),
    head: &[PostingRef<'_>],
) -> usize {
    let mut n = varint_len(df as u64)
        + lens.0.map_or(0, |l| varint_len(l as u64))
        + lens.1.map_or(0, |l| varint_len(l as u64))
        + varint_len(head.len() as u64);
    let mut prev = 0;
    for (i, &(doc, _, data)) in head.iter().enumerate() {
        n += varint_len(u64::from(if i == 0 { doc } else { doc - prev })) + 1 + data.len();
        prev = doc;
    }
    n
}

/// `varint df`; in a head shard, `varint` the length of the term's deep
/// record if it has one (`df` > [`HEAD_DOCS`]) and of its full record if
/// it has one (`df` > [`DEEP_DOCS`]); then `varint n`, n × (`varint doc
/// delta`, `u8 impact`, block list): the postings format with the document
/// frequency in front.
fn encode_head_postings(
    df: usize,
    lens: (Option<usize>, Option<usize>),
    head: &[PostingRef<'_>],
    out: &mut Vec<u8>,
) {
    put_varint(out, df as u64);
    for len in [lens.0, lens.1].into_iter().flatten() {
        put_varint(out, len as u64);
    }
    put_varint(out, head.len() as u64);
    let mut prev = 0;
    for (i, &(doc, impact, data)) in head.iter().enumerate() {
        put_varint(out, u64::from(if i == 0 { doc } else { doc - prev }));
        prev = doc;
        out.push(impact);
        out.extend_from_slice(data);
    }
}

/// Head shard blob: as [`encode_shard`] with magic `"GH2"` and each term's
/// postings as [`encode_head_postings`] writes them.
fn encode_head_shard(inv: &Inverted, range: std::ops::Range<usize>, best: &[Best<'_>]) -> Vec<u8> {
    term_blob(MAGIC_HEAD, inv, range, |t, out| {
        let b = &best[t];
        encode_head_postings(inv.df(t), record_lens(inv.df(t), b), &b.head, out)
    })
}

/// A term's head postings, its deep record and its full record ("" when
/// it has none).
struct Best<'a> {
    head: Vec<PostingRef<'a>>,
    deep: String,
    full: String,
}

/// The lengths a head shard's term carries: its deep record's (a term in
/// more than [`HEAD_DOCS`] documents) and its full record's (more than
/// [`DEEP_DOCS`]).
fn record_lens(df: usize, b: &Best<'_>) -> (Option<usize>, Option<usize>) {
    (
        (df > HEAD_DOCS).then_some(b.deep.len()),
        (df > DEEP_DOCS).then_some(b.full.len()),
    )
}

/// A full record: every posting of a term in more than [`DEEP_DOCS`]
/// documents, as a shard holds them ([`encode_postings`]): FNV-1a-32 (LE)
/// of those bytes, a flag byte, then the bytes as they are (flag 0) or
/// zlib-deflated (flag 1), base64-encoded with padding. Only records of at
/// least [`FULL_DEFLATE_MIN`] bytes are deflated: varint postings shrink
/// little, and deflating tens of thousands of small records cost the index
/// build a tenth of its time.
fn full_record(inv: &Inverted, t: usize, size_hint: usize) -> String {
    let mut raw = Vec::with_capacity(size_hint);
    encode_postings(inv, t, &mut raw);
    let mut out = Vec::with_capacity(raw.len() + 8);
    out.extend_from_slice(&fnv32(&raw).to_le_bytes());
    if raw.len() >= FULL_DEFLATE_MIN {
        out.push(1);
        out.extend_from_slice(&deflate(&raw));
    } else {
        out.push(0);
        out.extend_from_slice(&raw);
    }
    base64(&out)
}

/// Full records of at least this many bytes are deflated (see
/// [`full_record`]).
const FULL_DEFLATE_MIN: usize = 1024;

/// Decodes one full record (the bytes of its range in a `p.HASH.js`
/// file). Errors on any damage.
pub fn decode_full_record(range: &[u8]) -> Result<Vec<DocPosting>, SearchError> {
    let blob = record_bytes(range)?;
    if blob.len() < 5 {
        return Err(SearchError::Corrupt("record too short"));
    }
    let raw = match blob[4] {
        0 => blob[5..].to_vec(),
        1 => inflate(&blob[5..])?,
        _ => return Err(SearchError::Corrupt("bad record flag")),
    };
    if fnv32(&raw).to_le_bytes() != blob[..4] {
        return Err(SearchError::Corrupt("checksum mismatch"));
    }
    decode_postings(&raw)
}

/// A head shard's term: (term, document frequency, the lengths of its deep
/// and full records where it has them, head postings).
pub type HeadTerm = (
    String,
    usize,
    (Option<usize>, Option<usize>),
    Vec<DocPosting>,
);

/// Decodes a head shard blob (deflated as on disk, or not). Errors on any
/// damage.
pub fn decode_head_shard(blob: &[u8]) -> Result<Vec<HeadTerm>, SearchError> {
    let raw;
    let blob = if !blob.starts_with(&MAGIC_HEAD) && blob.first() == Some(&0x78) {
        raw = inflate(blob)?;
        &raw[..]
    } else {
        blob
    };
    let mut out = Vec::new();
    for (term, data) in shard_entries(blob, MAGIC_HEAD, "not a head shard")? {
        let mut k = 0;
        let df = get_varint(data, &mut k)? as usize;
        let mut len_if = |has: bool| -> Result<Option<usize>, SearchError> {
            Ok(if has {
                Some(get_varint(data, &mut k)? as usize)
            } else {
                None
            })
        };
        let lens = (len_if(df > HEAD_DOCS)?, len_if(df > DEEP_DOCS)?);
        let postings = decode_postings(&data[k..])?;
        if postings.len() > df || postings.len() < df.min(HEAD_DOCS) {
            return Err(SearchError::Corrupt("wrong number of head postings"));
        }
        out.push((term, df, lens, postings));
    }
    Ok(out)
}

/// [`group_starts`] as index ranges, one per file (none for no items).
fn group_ranges(sizes: &[usize], target: usize, max_groups: usize) -> Vec<std::ops::Range<usize>> {
    if sizes.is_empty() {
        return Vec::new();
    }
    let starts = group_starts(sizes, target, max_groups);
    let ends = starts.iter().skip(1).copied().chain([sizes.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// Groups consecutive items into at most `max_groups` groups of roughly
/// `target` bytes; when that would need too many groups, the smallest
/// larger target that fits is used (so the tail is never lumped into one
/// oversized group). Returns the start index of every group.
fn group_starts(sizes: &[usize], target: usize, max_groups: usize) -> Vec<usize> {
    let greedy = |target: usize| {
        let mut starts = vec![0];
        let mut acc = 0;
        for (i, &s) in sizes.iter().enumerate() {
            if acc > 0 && acc + s > target {
                starts.push(i);
                acc = 0;
            }
            acc += s;
        }
        starts
    };
    let max_groups = max_groups.max(1);
    let total: usize = sizes.iter().sum();
    let (mut lo, mut hi) = (target.max(total.div_ceil(max_groups)), total.max(1));
    if greedy(lo).len() <= max_groups {
        return greedy(lo);
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if greedy(mid).len() <= max_groups {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    greedy(lo)
}

/// libdeflate level. On the Rust book, level 1 deflates the index in 45% of
/// level 6's time (13.7 vs 30.7 ms for zh, 10.5 vs 22.2 ms for en) for
/// +2.9% (zh) / +1.7% (en) compressed bytes; the per-file inputs are small
/// (3–24 KB), where the costlier levels find little more. (libdeflate
/// replaced miniz_oxide, whose level 3 took longer than libdeflate's 6 and
/// wrote as many bytes.)
const DEFLATE_LEVEL: i32 = 1;

/// zlib-deflates `data` (the client inflates with `DecompressionStream`).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    use libdeflater::{CompressionLvl, Compressor};
    thread_local! {
        // One compressor per thread: setting one up costs more than
        // compressing one small file.
        static COMPRESSOR: std::cell::RefCell<Compressor> = std::cell::RefCell::new(
            Compressor::new(CompressionLvl::new(DEFLATE_LEVEL).expect("a valid level")),
        );
    }
    COMPRESSOR.with_borrow_mut(|c| {
        let mut out = vec![0; c.zlib_compress_bound(data.len())];
        let n = c
            .zlib_compress(data, &mut out)
            .expect("the bound is enough");
        out.truncate(n);
        out
    })
}

/// Inflates a zlib stream; damage is an error.
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, SearchError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|_| SearchError::Corrupt("bad deflate data"))?;
    Ok(out)
}

/// How many of the `MAX_FILES - 1` non-entry files go to term shards and how
/// many to result bundles. A one-word query reads about `SHARDS_READ` shards
/// and, for its first screen, `results_read` bundles (the search box loads
/// the result data of the top 5 first), so the expected bytes read,
/// `SHARDS_READ·S/ns + results_read·R/nr`, are least with
/// `ns/nr = sqrt(SHARDS_READ·S / (results_read·R))`. (A tiered index has
/// no shards: its result files take what the other kinds leave.)
fn allocate(
    shard_bytes: usize,
    result_bytes: usize,
    budget: usize,
    results_read: f64,
) -> (usize, usize) {
    const SHARDS_READ: f64 = 1.5;
    if shard_bytes == 0 || result_bytes == 0 {
        return (budget / 2, budget - budget / 2);
    }
    let r = (SHARDS_READ * shard_bytes as f64 / (results_read * result_bytes as f64)).sqrt();
    let ns = ((budget as f64 * r / (1.0 + r)).round() as usize).clamp(1, budget - 1);
    (ns, budget - ns)
}

/// Raw size aimed at for one excerpt record of a tiered index: a result
/// reads one record, so a long page is cut into several.
const RECORD_TARGET_BYTES: usize = 4096;

/// The excerpt records of document `d`'s blocks `blocks` (1-based; a
/// document without blocks has the one record `[""]`): `[text, heading,
/// anchor]`, or `[text]` when heading and anchor are the previous record's.
/// Borrowed from the blocks: they serialize as JSON arrays of strings.
fn excerpt_records<'a>(
    inv: &'a Inverted,
    first_block: &[u32],
    d: usize,
    blocks: std::ops::Range<u32>,
) -> Vec<Vec<&'a str>> {
    if first_block[d + 1] == first_block[d] {
        return vec![vec![""]];
    }
    let mut prev: Option<&crate::index::Block> = None;
    blocks
        .map(|b| {
            let c = &inv.blocks[(first_block[d] + b - 1) as usize];
            // Heading and anchor only when they change.
            let same = prev.is_some_and(|p| {
                p.chunk == c.chunk && p.heading == c.heading && p.anchor == c.anchor
            });
            prev = Some(c);
            if same {
                vec![c.text.as_str()]
            } else {
                vec![
                    c.text.as_str(),
                    c.heading.as_deref().unwrap_or(""),
                    c.anchor.as_deref().unwrap_or(""),
                ]
            }
        })
        .collect()
}

/// The result files of a tiered index and where each record lies.
struct Ranged {
    /// (entry key, file) per result file.
    files: Vec<(Value, OutFile)>,
    /// Per record, in document order: first block, byte offset in its
    /// file and length.
    first: Vec<u32>,
    offset: Vec<usize>,
    len: Vec<usize>,
    /// Records of document `d`: `doc_start[d]..doc_start[d + 1]`.
    doc_start: Vec<usize>,
}

impl Ranged {
    /// A metadata row's record list: `[length]` for a document in one
    /// record, else `[length, first block, length, …]` (the first record
    /// starts at block 1). Offsets are not stored: records are back to
    /// back, so the client adds up lengths from the bundle's first offset.
    fn doc_lens(&self, d: usize) -> Value {
        let mut out = Vec::new();
        for r in self.doc_start[d]..self.doc_start[d + 1] {
            if r > self.doc_start[d] {
                out.push(self.first[r] as usize);
            }
            out.push(self.len[r]);
        }
        json!(out)
    }
}

/// Result files of a tiered index: each record (a run of one document's
/// blocks, see [`RECORD_TARGET_BYTES`]) is the JSON `[doc, first block,
/// [excerpt records]]`, deflated and base64-encoded on its own (padded to
/// 4 characters). A file's payload is its records back to back in one
/// string literal, so the file is still a script that registers its whole
/// payload, and a record is bytes `offset..offset + length` of the file:
/// an HTTP Range request, or a slice of the payload once the file is
/// loaded whole (the payload starts `len('GrassrootsSearch.register("NAME","')`
/// bytes into the file).
fn ranged_results(inv: &Inverted, first_block: &[u32], n_docs: usize, max_files: usize) -> Ranged {
    use rayon::prelude::*;
    let (mut recs, mut sizes, mut doc_start) =
        (Vec::new(), Vec::new(), Vec::with_capacity(n_docs + 1));
    for d in 0..n_docs {
        doc_start.push(recs.len());
        let nb = first_block[d + 1] - first_block[d];
        if nb == 0 {
            recs.push((d as u32, 1, 2));
            sizes.push(8);
            continue;
        }
        let (mut b0, mut acc) = (1, 0);
        for b in 1..=nb {
            let size = inv.blocks[(first_block[d] + b - 1) as usize].text.len() + 8;
            if acc > 0 && acc + size > RECORD_TARGET_BYTES {
                recs.push((d as u32, b0, b));
                sizes.push(acc);
                b0 = b;
                acc = 0;
            }
            acc += size;
        }
        recs.push((d as u32, b0, nb + 1));
        sizes.push(acc);
    }
    doc_start.push(recs.len());
    let ranges = group_ranges(&sizes, RESULT_TARGET_BYTES, max_files);
    let out: Vec<(Value, OutFile, Vec<usize>, Vec<usize>)> = ranges
        .par_iter()
        .map(|range| {
            let (s, e) = (range.start, range.end);
            let mut body = String::from("\"");
            let mut lens = Vec::with_capacity(e - s);
            for &(d, b0, b1) in &recs[s..e] {
                let records = excerpt_records(inv, first_block, d as usize, b0..b1);
                let text = js_json(&(d, b0, records));
                let rec = base64(&deflate(text.as_bytes()));
                lens.push(rec.len());
                body.push_str(&rec);
            }
            body.push('"');
            let file = string_file("r", body);
            let mut at = format!("GrassrootsSearch.register({},\"", json!(file.name)).len();
            let offsets = lens
                .iter()
                .map(|l| {
                    at += l;
                    at - l
                })
                .collect();
            let (d, b0, _) = recs[s];
            (json!([d, b0, hash_of(&file.name)]), file, offsets, lens)
        })
        .collect();
    let mut r = Ranged {
        files: Vec::with_capacity(out.len()),
        first: recs.iter().map(|r| r.1).collect(),
        offset: Vec::with_capacity(recs.len()),
        len: Vec::with_capacity(recs.len()),
        doc_start,
    };
    for (key, f, offsets, lens) in out {
        r.files.push((key, f));
        r.offset.extend(offsets);
        r.len.extend(lens);
    }
    r
}

/// One metadata record (documents `range` of a tiered index): the JSON
/// `[first doc, [section path, ...], [[url, title, path index, record
/// lengths], ...], first record offset]`, deflated and base64-encoded (see
/// [`Ranged::doc_lens`] for the record lengths).
fn meta_record(docs: &[DocMeta<'_>], r: &Ranged, range: std::ops::Range<usize>) -> String {
    let mut paths: Vec<&[String]> = Vec::new();
    let rows: Vec<Value> = range
        .clone()
        .map(|d| {
            let m = &docs[d];
            let k = paths
                .iter()
                .position(|p| *p == m.section_path)
                .unwrap_or_else(|| {
                    paths.push(m.section_path);
                    paths.len() - 1
                });
            json!([m.url, m.title, k, r.doc_lens(d)])
        })
        .collect();
    let first_offset = r.offset[r.doc_start[range.start]];
    let text = js_json(&json!([range.start, paths, rows, first_offset]));
    base64(&deflate(text.as_bytes()))
}

/// Decodes one metadata record (the bytes of its range in an `m.HASH.js`
/// file). Errors on any damage.
pub fn decode_meta_record(range: &[u8]) -> Result<Value, SearchError> {
    let v = record_json(range)?;
    let ok = v[0].is_u64() && v[1].is_array() && v[2].is_array() && v[3].is_u64();
    if ok {
        Ok(v)
    } else {
        Err(SearchError::Corrupt("bad metadata record"))
    }
}

/// Record files of one kind (deep or full postings): the records of each
/// head shard's terms back to back in term order, whole head shards to a
/// file, and where each head shard's records start.
struct RecordFiles {
    files: Vec<OutFile>,
    /// Per head shard: (file index, offset in the file's payload).
    starts: Vec<(usize, usize)>,
}

fn record_files<'a>(
    prefix: &str,
    head_ranges: &[std::ops::Range<usize>],
    best: &'a [Best<'a>],
    record: impl Fn(&'a Best<'a>) -> &'a str + Sync,
    max_files: usize,
) -> RecordFiles {
    use rayon::prelude::*;
    let sizes: Vec<usize> = head_ranges
        .iter()
        .map(|r| best[r.clone()].iter().map(|b| record(b).len()).sum())
        .collect();
    let groups = group_ranges(&sizes, RECORD_FILE_TARGET_BYTES, max_files);
    let built: Vec<(OutFile, Vec<usize>)> = groups
        .par_iter()
        .map(|g| {
            let mut body = String::with_capacity(sizes[g.clone()].iter().sum::<usize>() + 2);
            body.push('"');
            let mut starts = Vec::with_capacity(g.len());
            for h in g.clone() {
                starts.push(body.len() - 1);
                for b in &best[head_ranges[h].clone()] {
                    body.push_str(record(b));
                }
            }
            body.push('"');
            (string_file(prefix, body), starts)
        })
        .collect();
    let mut out = RecordFiles {
        files: Vec::with_capacity(built.len()),
        starts: Vec::with_capacity(head_ranges.len()),
    };
    for (i, (file, starts)) in built.into_iter().enumerate() {
        out.files.push(file);
        out.starts.extend(starts.into_iter().map(|off| (i, off)));
    }
    out
}

/// Result bundles a plain index's first screen reads (see [`allocate`]).
const RESULTS_READ: f64 = 5.0;

/// Decodes one excerpt record of a tiered index's result file (the bytes
/// of its range: base64 of deflated JSON `[doc, first block, records]`).
/// Errors on any damage.
pub fn decode_record(range: &[u8]) -> Result<Value, SearchError> {
    let v = record_json(range)?;
    let ok = v[0].is_u64() && v[1].is_u64() && v[2].as_array().is_some_and(|r| !r.is_empty());
    if ok {
        Ok(v)
    } else {
        Err(SearchError::Corrupt("bad record"))
    }
}

/// The bytes of a record: the base64 text of its range, decoded.
fn record_bytes(range: &[u8]) -> Result<Vec<u8>, SearchError> {
    let text = std::str::from_utf8(range).map_err(|_| SearchError::Corrupt("record not ASCII"))?;
    unbase64(text)
}

/// The JSON of an excerpt or metadata record (deflated in its bytes).
fn record_json(range: &[u8]) -> Result<Value, SearchError> {
    serde_json::from_slice(&inflate(&record_bytes(range)?)?)
        .map_err(|_| SearchError::Corrupt("record not JSON"))
}

/// Whether an index with `postings_bytes` of raw postings gets head shards
/// and metadata bundles; `force` decides instead when given (tests).
fn tiered(postings_bytes: usize, force: Option<bool>) -> bool {
    force.unwrap_or(postings_bytes > TIER_MIN_POSTINGS_BYTES)
}

/// Writes every file of one language's index. `entry_name` names the entry
/// file when the caller must know it before the index exists (pages that
/// link to it are rendered first); by default it is hashed like the others.
///
/// Result bundles (`r.HASH.js`) hold contiguous runs of (document, block):
/// base64 of deflated JSON `[[doc, first block, url, title, section_path,
/// [[text, heading, anchor] | [text], ...]], ...]`; a `[text]` record has
/// the previous record's heading. The entry lists the first (doc, block) of
/// every bundle, so a result costs one small file.
pub fn write_index(
    inv: &Inverted,
    docs: &[DocMeta<'_>],
    entry_name: Option<&str>,
) -> Result<(Vec<OutFile>, String), SearchError> {
    write_index_with(inv, docs, entry_name, None)
}

/// As [`write_index`]; `tiers` forces head shards and metadata bundles on
/// or off (by default: on for big sites, see [`tiered`]).
pub fn write_index_with(
    inv: &Inverted,
    docs: &[DocMeta<'_>],
    entry_name: Option<&str>,
    tiers: Option<bool>,
) -> Result<(Vec<OutFile>, String), SearchError> {
    use rayon::prelude::*;

    // Term shards: sizes first, then each shard encoded, deflated and
    // dropped on its own (nothing holds every shard's raw bytes at once).
    let sizes: Vec<usize> = (0..inv.terms.len())
        .into_par_iter()
        .map(|t| inv.terms[t].len() + postings_len(inv, t) + 4)
        .collect();

    // Result units: one per text block (a document without blocks still
    // has one, for its title).
    let mut first_block = inv.first_block.clone();
    first_block.push(inv.blocks.len() as u32);
    let has_blocks = |d: usize| first_block[d + 1] > first_block[d];
    let block_of = |d: usize, b: u32| &inv.blocks[(first_block[d] + b - 1) as usize];
    let mut units: Vec<(u32, u32)> = Vec::with_capacity(inv.blocks.len() + 1);
    let mut unit_sizes = Vec::with_capacity(inv.blocks.len() + 1);
    for (d, meta) in docs.iter().enumerate() {
        let nb = (first_block[d + 1] - first_block[d]).max(1);
        let meta_size = meta.url.len()
            + meta.title.len()
            + meta.section_path.iter().map(|s| s.len() + 3).sum::<usize>()
            + 16;
        for b in 1..=nb {
            let text = if has_blocks(d) {
                block_of(d, b).text.len() + 8
            } else {
                4
            };
            units.push((d as u32, b));
            unit_sizes.push(text + if b == 1 { meta_size } else { 0 });
        }
    }

    // Tiers (see the module doc): head shards and metadata bundles take
    // their files from the budget first.
    let tiers = tiered(sizes.iter().sum(), tiers);
    let mut budget = MAX_FILES - 1;
    let (best, head_sizes) = if tiers {
        let best: Vec<Best<'_>> = (0..inv.terms.len())
            .into_par_iter()
            .map(|t| {
                let (head, deep) = best_postings(inv, t);
                let deep = if deep.is_empty() {
                    String::new()
                } else {
                    deep_record(inv.df(t), &deep)
                };
                let full = if inv.df(t) > DEEP_DOCS {
                    full_record(inv, t, sizes[t])
                } else {
                    String::new()
                };
                Best { head, deep, full }
            })
            .collect();
        let head_sizes: Vec<usize> = (0..inv.terms.len())
            .map(|t| {
                let lens = record_lens(inv.df(t), &best[t]);
                inv.terms[t].len() + head_postings_len(inv.df(t), lens, &best[t].head) + 4
            })
            .collect();
        (best, head_sizes)
    } else {
        (Vec::new(), Vec::new())
    };
    let meta_sizes: Vec<usize> = if tiers {
        docs.iter()
            .map(|m| m.url.len() + m.title.len() + 12)
            .collect()
    } else {
        Vec::new()
    };
    let (max_heads, max_meta) = if tiers {
        let h = head_sizes
            .iter()
            .sum::<usize>()
            .div_ceil(HEAD_TARGET_BYTES)
            .max(1);
        let m = meta_sizes
            .iter()
            .sum::<usize>()
            .div_ceil(META_TARGET_BYTES)
            .max(1);
        let scale = (TIER_MAX_FILES as f64 / (h + m) as f64).min(1.0);
        let h = ((h as f64 * scale) as usize).max(1);
        let m = ((m as f64 * scale) as usize).max(1);
        budget -= h + m + DEEP_FILES + FULL_FILES;
        (h, m)
    } else {
        (0, 0)
    };
    // A tiered index has no shards: its full postings are records too.
    let (max_shards, max_results) = if tiers {
        (0, budget)
    } else {
        allocate(
            sizes.iter().sum(),
            unit_sizes.iter().sum(),
            budget,
            RESULTS_READ,
        )
    };
    let shard_ranges = if tiers {
        Vec::new()
    } else {
        group_ranges(&sizes, SHARD_TARGET_BYTES, max_shards)
    };
    let shard_files: Vec<(String, OutFile)> = shard_ranges
        .par_iter()
        .enumerate()
        .map(|(i, range)| {
            let (s, e) = (range.start, range.end);
            // The first shard starts at "" so every term has a shard.
            let first = if i == 0 {
                String::new()
            } else {
                inv.terms[s].to_string()
            };
            (first, blob_file("s", &encode_shard(inv, s..e)))
        })
        .collect();
    let mut files = Vec::new();
    let mut shard_list = Vec::new();
    for (first, f) in shard_files {
        shard_list.push(json!([first, hash_of(&f.name)]));
        files.push(f);
    }

    // Result files. Plain: one JSON per file (see `write_index`). Tiered:
    // ranged records (see `ranged_results`), whose lengths the metadata
    // bundles carry.
    let mut result_list = Vec::new();
    let mut ranged: Option<Ranged> = None;
    if tiers {
        let mut r = ranged_results(inv, &first_block, docs.len(), max_results);
        for (key, f) in r.files.drain(..) {
            result_list.push(key);
            files.push(f);
        }
        ranged = Some(r);
    } else {
        let result_ranges = group_ranges(&unit_sizes, RESULT_TARGET_BYTES, max_results);
        let result_files: Vec<(Value, OutFile)> = result_ranges
            .par_iter()
            .map(|range| {
                let (s, e) = (range.start, range.end);
                let mut segments = Vec::new();
                let mut k = s;
                while k < e {
                    let (d, b0) = units[k];
                    let mut b1 = b0;
                    while k < e && units[k].0 == d {
                        b1 = units[k].1;
                        k += 1;
                    }
                    let d = d as usize;
                    let records = excerpt_records(inv, &first_block, d, b0..b1 + 1);
                    let m = &docs[d];
                    segments.push((d, b0, m.url, m.title, m.section_path, records));
                }
                let file = blob_file("r", js_json(&segments).as_bytes());
                let (d, b) = units[s];
                (json!([d, b, hash_of(&file.name)]), file)
            })
            .collect();
        for (key, f) in result_files {
            result_list.push(key);
            files.push(f);
        }
    }

    // Head shards: the same term ranges logic as shards, over head sizes;
    // then the deep records of each head shard's terms, back to back, in
    // files of whole head shards (the entry gives each head shard its
    // records' file and offset).
    let head_ranges = group_ranges(&head_sizes, HEAD_TARGET_BYTES, max_heads);
    let head_files: Vec<(String, OutFile)> = head_ranges
        .par_iter()
        .enumerate()
        .map(|(i, range)| {
            let (s, e) = (range.start, range.end);
            let file = blob_file("h", &encode_head_shard(inv, s..e, &best));
            let first = if i == 0 { "" } else { &inv.terms[s] };
            (first.to_string(), file)
        })
        .collect();
    // Where each head shard's terms' deep and full records lie: (file,
    // offset in its payload) for each kind.
    let deep = record_files("d", &head_ranges, &best, |b| b.deep.as_str(), DEEP_FILES);
    let full = record_files("p", &head_ranges, &best, |b| b.full.as_str(), FULL_FILES);
    let mut head_list = Vec::new();
    for (h, (first, file)) in head_files.iter().enumerate() {
        let (d, p) = (deep.starts[h], full.starts[h]);
        head_list.push(json!([first, hash_of(&file.name), d.0, d.1, p.0, p.1]));
    }
    let deep_list: Vec<Value> = deep.files.iter().map(|f| json!(hash_of(&f.name))).collect();
    let full_list: Vec<Value> = full.files.iter().map(|f| json!(hash_of(&f.name))).collect();
    files.extend(deep.files);
    files.extend(full.files);
    drop(best);
    for (_, f) in head_files {
        files.push(f);
    }

    // Metadata: records of META_GROUP documents each, read by range; the
    // entry gives each file's first document and its records' lengths.
    let mut meta_list = Vec::new();
    if let Some(r) = &ranged {
        let records: Vec<String> = (0..docs.len().div_ceil(META_GROUP))
            .into_par_iter()
            .map(|g| {
                meta_record(
                    docs,
                    r,
                    g * META_GROUP..((g + 1) * META_GROUP).min(docs.len()),
                )
            })
            .collect();
        let sizes: Vec<usize> = records.iter().map(String::len).collect();
        for range in group_ranges(&sizes, META_TARGET_BYTES, max_meta) {
            let file = string_file("m", format!("\"{}\"", records[range.clone()].concat()));
            meta_list.push(json!([
                range.start * META_GROUP,
                hash_of(&file.name),
                &sizes[range]
            ]));
            files.push(file);
        }
    }

    let mut entry = json!({
        "v": FORMAT_VERSION,
        "lang": inv.language.code(),
        "stem": inv.language.stems(),
        "docs": docs.len(),
        "k1": crate::index::K1,
        "span": crate::index::HEADING_SPAN,
        "shards": shard_list,
        "res": result_list,
    });
    if tiers {
        entry["k"] = json!(HEAD_DOCS);
        entry["kd"] = json!(DEEP_DOCS);
        entry["heads"] = Value::Array(head_list);
        entry["deep"] = Value::Array(deep_list);
        entry["full"] = Value::Array(full_list);
        entry["meta"] = Value::Array(meta_list);
        entry["mg"] = json!(META_GROUP);
    }
    let payload = js_json(&entry);
    let name = entry_name.map_or_else(|| named("entry", &payload), str::to_string);
    files.push(OutFile {
        bytes: script(&name, &payload),
        name: name.clone(),
    });
    if files.len() > MAX_FILES {
        return Err(SearchError::TooManyFiles(files.len()));
    }
    Ok((files, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_and_base64_round_trip() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            buf.clear();
            put_varint(&mut buf, v);
            let mut at = 0;
            assert_eq!(get_varint(&buf, &mut at).unwrap(), v);
            assert_eq!(at, buf.len());
        }
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37) as u8).collect();
            assert_eq!(unbase64(&base64(&data)).unwrap(), data);
        }
        assert!(get_varint(&[0x80, 0x80], &mut 0).is_err());
    }

    #[test]
    fn groups_are_capped() {
        let sizes = vec![100; 1000];
        assert!(group_starts(&sizes, 10, 7).len() <= 7);
        assert_eq!(group_starts(&sizes, 1000, 100).len(), 100);
    }
}
