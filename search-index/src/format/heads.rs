//! A tiered index's postings: head shards (`h.HASH.js`), each term's best
//! postings for a one-term query; deep records (`d.HASH.js`), the next
//! best; full records (`p.HASH.js`), every posting of a frequent term.
//! Records are read by range, from the offsets the entry and the head
//! shards give (see `docs/search-format.md`, "Head shards", "Deep records"
//! and "Full records").

use super::budget::group_ranges;
use super::codec::{
    base64, deflate, fnv32, get_varint, inflate, put_varint, record_bytes, varint_len,
};
use super::constants::{DEEP_DOCS, FULL_RECORD_DEFLATED, HEAD_MAGIC};
use super::files::{OutFile, string_file};
use super::shards::{decode_postings, encode_postings, shard_entries, term_blob};
use crate::SearchError;
use crate::index::{DocPosting, Inverted};

/// Postings a head shard keeps per term (enough for two screens of 5).
pub const HEAD_DOCS: usize = 10;

/// Deep and full record files are read by range, so their size matters
/// only where ranges are not served: this is the size aimed at for one.
const RECORD_FILE_TARGET_BYTES: usize = 64 * 1024;

/// A posting by reference: (doc, impact, encoded blocks).
pub(super) type PostingRef<'a> = (u32, u8, &'a [u8]);

/// The best postings of term `t` for a one-term query: its head (the
/// [`HEAD_DOCS`] best) and, for a term in more documents than that, its
/// deep list (the [`DEEP_DOCS`] best), each by document. The client's
/// score of a one-term query is, per document, `2.2·impact/255 +
/// 3.5·[title hit] + 2.5·[heading hit]` (see `rank` in search.js): the
/// order here is the same, ties to the lower document.
pub(super) fn best_postings(
    inv: &Inverted,
    t: usize,
) -> (Vec<PostingRef<'_>>, Vec<PostingRef<'_>>) {
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
pub(super) fn deep_record(df: usize, deep: &[PostingRef<'_>]) -> String {
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
pub(super) fn head_postings_len(
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

/// Head shard blob: as [`encode_shard`](super::shards::encode_shard), with
/// magic [`HEAD_MAGIC`] and each term's postings as
/// [`encode_head_postings`] writes them.
pub(super) fn encode_head_shard(
    inv: &Inverted,
    range: std::ops::Range<usize>,
    best: &[Best<'_>],
) -> Vec<u8> {
    term_blob(HEAD_MAGIC, inv, range, |t, out| {
        let b = &best[t];
        encode_head_postings(inv.df(t), record_lens(inv.df(t), b), &b.head, out)
    })
}

/// A term's head postings, its deep record and its full record ("" when
/// it has none).
pub(super) struct Best<'a> {
    pub head: Vec<PostingRef<'a>>,
    pub deep: String,
    pub full: String,
}

/// The lengths a head shard's term carries: its deep record's (a term in
/// more than [`HEAD_DOCS`] documents) and its full record's (more than
/// [`DEEP_DOCS`]).
pub(super) fn record_lens(df: usize, b: &Best<'_>) -> (Option<usize>, Option<usize>) {
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
pub(super) fn full_record(inv: &Inverted, t: usize, size_hint: usize) -> String {
    let mut raw = Vec::with_capacity(size_hint);
    encode_postings(inv, t, &mut raw);
    let mut out = Vec::with_capacity(raw.len() + 8);
    out.extend_from_slice(&fnv32(&raw).to_le_bytes());
    if raw.len() >= FULL_DEFLATE_MIN {
        out.push(FULL_RECORD_DEFLATED);
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
        FULL_RECORD_DEFLATED => inflate(&blob[5..])?,
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
    let blob = if !blob.starts_with(&HEAD_MAGIC) && blob.first() == Some(&0x78) {
        raw = inflate(blob)?;
        &raw[..]
    } else {
        blob
    };
    let mut out = Vec::new();
    for (term, data) in shard_entries(blob, HEAD_MAGIC, "not a head shard")? {
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

/// Record files of one kind (deep or full postings): the records of each
/// head shard's terms back to back in term order, whole head shards to a
/// file, and where each head shard's records start.
pub(super) struct RecordFiles {
    pub files: Vec<OutFile>,
    /// Per head shard: (file index, offset in the file's payload).
    pub starts: Vec<(usize, usize)>,
}

pub(super) fn record_files<'a>(
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
