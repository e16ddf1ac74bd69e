//! Term shards (`s.HASH.js`, a plain index's dictionary and postings) and
//! what head shards share with them: the postings encoding and the
//! front-coded, checksummed term dictionary (see `docs/search-format.md`,
//! "Term shards").

use super::codec::{fnv32, get_varint, inflate, put_varint, varint_len};
use super::constants::SHARD_MAGIC;
use crate::SearchError;
use crate::index::{DocPosting, Inverted};

/// Bytes [`encode_postings`] writes for term `t`.
pub(super) fn postings_len(inv: &Inverted, t: usize) -> usize {
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
pub(super) fn encode_postings(inv: &Inverted, t: usize, out: &mut Vec<u8>) {
    put_varint(out, inv.df(t) as u64);
    let mut prev = 0;
    for (i, (doc, impact, data)) in inv.postings(t).enumerate() {
        put_varint(out, u64::from(if i == 0 { doc } else { doc - prev }));
        prev = doc;
        out.push(impact);
        out.extend_from_slice(data);
    }
}

/// Shard blob: [`SHARD_MAGIC`], FNV-1a-32 (LE) of the rest, then
/// `varint n`, n × (`varint shared prefix bytes`, `varint suffix bytes`,
/// suffix UTF-8, `varint postings bytes`), then all postings back to back
/// (see [`encode_postings`]).
pub(super) fn encode_shard(inv: &Inverted, range: std::ops::Range<usize>) -> Vec<u8> {
    term_blob(SHARD_MAGIC, inv, range, |t, out| {
        encode_postings(inv, t, out)
    })
}

/// A shard-like blob of the terms `range`: `magic`, the checksum, the
/// front-coded dictionary with each term's postings length, then the
/// postings `write(t, out)` appends for each term. The postings are written
/// first, so their lengths are measured rather than computed apart.
pub(super) fn term_blob(
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

/// Decodes a shard blob (the inverse of `encode_shard`), for
/// tests and tools. Errors on any damage instead of panicking.
pub fn decode_shard(blob: &[u8]) -> Result<Vec<(String, Vec<DocPosting>)>, SearchError> {
    if !blob.starts_with(&SHARD_MAGIC) && blob.first() == Some(&0x78) {
        // As written to disk: deflated.
        return decode_shard_raw(&inflate(blob)?);
    }
    decode_shard_raw(blob)
}

fn decode_shard_raw(blob: &[u8]) -> Result<Vec<(String, Vec<DocPosting>)>, SearchError> {
    shard_entries(blob, SHARD_MAGIC, "not a shard")?
        .into_iter()
        .map(|(term, data)| Ok((term, decode_postings(data)?)))
        .collect()
}

/// The terms of a shard blob (plain or head) with each term's postings
/// bytes: checks the magic and checksum, then reads the front-coded
/// dictionary. Errors on any damage.
pub(super) fn shard_entries<'a>(
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

pub(super) fn decode_postings(data: &[u8]) -> Result<Vec<DocPosting>, SearchError> {
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
