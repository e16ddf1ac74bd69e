//! The on-disk format under `public/search/{lang}/`. Every file is a classic
//! script `GrassrootsSearch.register("NAME", PAYLOAD);` so one format loads by
//! `<script>` element over HTTP and from `file://` (where `fetch` is not
//! allowed), and by reading + evaluating in Node.
//!
//! * `entry.HASH.js` — JSON: statistics, the first term of every shard and
//!   the first document / block of every bundle, with their file names.
//! * `s.HASH.js` — a term shard, base64 of a binary blob (see
//!   [`encode_shard`]): a front-coded dictionary, then varint/delta-coded
//!   postings with positions. Terms are in UTF-16 order and a shard is a
//!   contiguous range, so a word and its prefixes land in one or two shards.
//! * `m.HASH.js` — JSON: per document `[url, title, section_path, first
//!   block, block count]` for a contiguous range of documents.
//! * `t.HASH.js` — JSON: excerpt blocks for a contiguous range of blocks,
//!   `[text, heading, anchor]`, or `[text]` when the heading is the previous
//!   record's.
//!
//! File names carry a hash of the payload, so a new build never mixes with a
//! cached old file. File counts are capped (see `MAX_*`): at most 300 files
//! per language whatever the site's size; files grow instead.

use crate::SearchError;
use crate::index::{DocPosting, HEADING_SPAN, Inverted};
use serde_json::{Value, json};

pub const FORMAT_VERSION: u64 = 1;
const MAGIC: [u8; 3] = *b"GS1";

const SHARD_TARGET_BYTES: usize = 10 * 1024;
const META_TARGET_BYTES: usize = 6 * 1024;
const TEXT_TARGET_BYTES: usize = 4 * 1024;
pub const MAX_SHARDS: usize = 120;
pub const MAX_META: usize = 24;
pub const MAX_TEXT: usize = 150;
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

/// FNV-1a, 64 bits, for content-hashed file names.
pub fn fnv64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= n {
                out.push(B64[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn unbase64(s: &str) -> Result<Vec<u8>, SearchError> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = B64
            .iter()
            .position(|&x| x == c)
            .ok_or(SearchError::Corrupt("bad base64"))? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

/// `GrassrootsSearch.register("name", payload);` — payload is a JS expression.
fn script(name: &str, payload: &str) -> Vec<u8> {
    format!("GrassrootsSearch.register({},{});\n", json!(name), payload).into_bytes()
}

/// JSON text safe inside a script: U+2028/2029 escaped for older engines.
fn js_json(v: &Value) -> String {
    v.to_string()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn named(prefix: &str, payload: &str) -> String {
    format!("{prefix}.{}.js", hash8(payload))
}

fn hash8(payload: &str) -> String {
    format!("{:08x}", fnv64(payload.as_bytes()) as u32)
}

/// The entry lists files by hash only; the client rebuilds
/// `{prefix}.{hash}.js` (saves bytes in the one file every query reads).
fn hash_of(name: &str) -> String {
    name.split('.').nth(1).unwrap_or("").to_string()
}

// -------------------------------------------------------------------- shards

fn encode_postings(postings: &[DocPosting], out: &mut Vec<u8>) {
    put_varint(out, postings.len() as u64);
    let mut prev_doc = 0u32;
    for (i, p) in postings.iter().enumerate() {
        put_varint(out, (if i == 0 { p.doc } else { p.doc - prev_doc }) as u64);
        prev_doc = p.doc;
        out.push(p.impact);
        put_varint(out, p.blocks.len() as u64);
        let mut prev_block = 0u32;
        for (j, (block, positions)) in p.blocks.iter().enumerate() {
            let delta = (if j == 0 { *block } else { block - prev_block }) as u64;
            prev_block = *block;
            // Body positions are not stored: in the body only the block
            // matters (proximity = same block). Title and heading positions
            // are kept for phrase matches, which rank best.
            let keep = |p: &u32| *block == 0 || *p < HEADING_SPAN;
            let kept = positions.iter().filter(|p| keep(p)).count();
            put_varint(out, delta << 1 | u64::from(kept > 0));
            if kept > 0 {
                put_varint(out, kept as u64);
                let mut prev = 0u32;
                for (k, &pos) in positions.iter().filter(|p| keep(p)).enumerate() {
                    put_varint(out, (if k == 0 { pos } else { pos - prev }) as u64);
                    prev = pos;
                }
            }
        }
    }
}

/// Shard blob: `"GS1"`, FNV-1a-32 (LE) of the rest, then
/// `varint n`, n × (`varint shared prefix bytes`, `varint suffix bytes`,
/// suffix UTF-8, `varint postings bytes`), then all postings back to back.
/// Postings: `varint df`, df × (`varint doc delta`, `u8 impact`,
/// `varint block count`, per block: `varint block delta`, `varint count`,
/// `varint (block delta << 1 | has positions)`, and if it has positions:
/// `varint count`, `varint position deltas` — title and heading positions
/// only).
pub fn encode_shard(terms: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    put_varint(&mut body, terms.len() as u64);
    let mut prev: &[u8] = &[];
    for (term, postings) in terms {
        let t = term.as_bytes();
        let shared = prev.iter().zip(t).take_while(|(a, b)| a == b).count();
        put_varint(&mut body, shared as u64);
        put_varint(&mut body, (t.len() - shared) as u64);
        body.extend_from_slice(&t[shared..]);
        put_varint(&mut body, postings.len() as u64);
        prev = t;
    }
    for (_, postings) in terms {
        body.extend_from_slice(postings);
    }
    let mut out = Vec::with_capacity(body.len() + 7);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&fnv32(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Decodes a shard blob (the inverse of [`encode_shard`] + postings), for
/// tests and tools. Errors on any damage instead of panicking.
pub fn decode_shard(blob: &[u8]) -> Result<Vec<(String, Vec<DocPosting>)>, SearchError> {
    if blob.len() < 7 || blob[..3] != MAGIC {
        return Err(SearchError::Corrupt("not a shard"));
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
        out.push((term, decode_postings(data)?));
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
        let nb = get_varint(data, &mut at)? as usize;
        let mut blocks = Vec::with_capacity(nb.min(data.len()));
        let mut block = 0u64;
        for j in 0..nb {
            let v = get_varint(data, &mut at)?;
            block = if j == 0 { v >> 1 } else { block + (v >> 1) };
            let np = if v & 1 == 1 {
                get_varint(data, &mut at)? as usize
            } else {
                0
            };
            let mut positions = Vec::with_capacity(np.min(data.len()));
            let mut pos = 0u64;
            for k in 0..np {
                let p = get_varint(data, &mut at)?;
                pos = if k == 0 { p } else { pos + p };
                positions.push(pos as u32);
            }
            blocks.push((block as u32, positions));
        }
        out.push(DocPosting {
            doc: doc as u32,
            impact,
            blocks,
        });
    }
    Ok(out)
}

/// Groups consecutive items into at most `max_groups` groups of roughly
/// `target` bytes (the target grows when the cap would be exceeded).
/// Returns the start index of every group.
fn group_starts(sizes: &[usize], target: usize, max_groups: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let target = target.max(total.div_ceil(max_groups.max(1)));
    let mut starts = vec![0];
    let mut acc = 0;
    for (i, &s) in sizes.iter().enumerate() {
        if acc > 0 && acc + s > target && starts.len() < max_groups {
            starts.push(i);
            acc = 0;
        }
        acc += s;
    }
    starts
}

/// Writes every file of one language's index. `entry_name` names the entry
/// file when the caller must know it before the index exists (pages that
/// link to it are rendered first); by default it is hashed like the others.
pub fn write_index(
    inv: &Inverted,
    docs: &[DocMeta<'_>],
    entry_name: Option<&str>,
) -> Result<(Vec<OutFile>, String), SearchError> {
    let mut files = Vec::new();

    // Term shards.
    let encoded: Vec<(String, Vec<u8>)> = inv
        .terms
        .iter()
        .map(|(t, p)| {
            let mut buf = Vec::new();
            encode_postings(p, &mut buf);
            (t.clone(), buf)
        })
        .collect();
    let sizes: Vec<usize> = encoded.iter().map(|(t, p)| t.len() + p.len() + 4).collect();
    let starts = if encoded.is_empty() {
        Vec::new()
    } else {
        group_starts(&sizes, SHARD_TARGET_BYTES, MAX_SHARDS)
    };
    let mut shard_list = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(encoded.len());
        let payload = json!(base64(&encode_shard(&encoded[s..e]))).to_string();
        let name = named("s", &payload);
        // The first shard starts at "" so every term has a shard.
        let first = if i == 0 {
            String::new()
        } else {
            encoded[s].0.clone()
        };
        shard_list.push(json!([first, hash_of(&name)]));
        files.push(OutFile {
            bytes: script(&name, &payload),
            name,
        });
    }

    // Document data.
    let mut first_block = inv.first_block.clone();
    first_block.push(inv.blocks.len() as u32);
    let metas: Vec<Value> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let start = first_block[i];
            json!([
                d.url,
                d.title,
                d.section_path,
                start,
                first_block[i + 1] - start
            ])
        })
        .collect();
    let meta_list = bundle(&metas, META_TARGET_BYTES, MAX_META, "m", &mut files);

    let mut texts = Vec::with_capacity(inv.blocks.len());
    for (i, b) in inv.blocks.iter().enumerate() {
        // A block repeats its heading only when it starts a chunk or a
        // bundle; bundles are cut later, so record "same as previous" here
        // and let `bundle` expand the first record of each bundle.
        let same = i > 0 && {
            let p = &inv.blocks[i - 1];
            p.chunk == b.chunk && p.anchor == b.anchor && p.heading == b.heading
        };
        texts.push((same, b));
    }
    let text_values: Vec<Value> = texts
        .iter()
        .map(|(same, b)| {
            if *same {
                json!([b.text])
            } else {
                json!([
                    b.text,
                    b.heading.as_deref().unwrap_or(""),
                    b.anchor.as_deref().unwrap_or("")
                ])
            }
        })
        .collect();
    let full = |i: usize| {
        let b = texts[i].1;
        json!([
            b.text,
            b.heading.as_deref().unwrap_or(""),
            b.anchor.as_deref().unwrap_or("")
        ])
    };
    let text_list = bundle_with(
        &text_values,
        TEXT_TARGET_BYTES,
        MAX_TEXT,
        "t",
        &mut files,
        full,
    );

    let entry = json!({
        "v": FORMAT_VERSION,
        "lang": inv.language.code(),
        "stem": inv.language.stems(),
        "docs": docs.len(),
        "k1": crate::index::K1,
        "span": crate::index::HEADING_SPAN,
        "shards": shard_list,
        "meta": meta_list,
        "text": text_list,
    });
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

fn bundle(
    values: &[Value],
    target: usize,
    max: usize,
    prefix: &str,
    files: &mut Vec<OutFile>,
) -> Vec<Value> {
    bundle_with(values, target, max, prefix, files, |i| values[i].clone())
}

/// Writes `values` as bundles; `first(i)` gives the self-contained form of
/// record `i` when it opens a bundle. Returns `[[first index, name], ...]`.
fn bundle_with(
    values: &[Value],
    target: usize,
    max: usize,
    prefix: &str,
    files: &mut Vec<OutFile>,
    first: impl Fn(usize) -> Value,
) -> Vec<Value> {
    if values.is_empty() {
        return Vec::new();
    }
    let texts: Vec<String> = values.iter().map(js_json).collect();
    let sizes: Vec<usize> = texts.iter().map(|t| t.len() + 1).collect();
    let starts = group_starts(&sizes, target, max);
    let mut list = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(values.len());
        let mut parts = Vec::with_capacity(e - s);
        parts.push(js_json(&first(s)));
        parts.extend(texts[s + 1..e].iter().cloned());
        let payload = format!("[{}]", parts.join(","));
        let name = named(prefix, &payload);
        list.push(json!([s, hash_of(&name)]));
        files.push(OutFile {
            bytes: script(&name, &payload),
            name,
        });
    }
    list
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
