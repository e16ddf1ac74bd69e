//! What a result shows: excerpt text and the documents' url, title and
//! section path. A plain index writes result bundles (`r.HASH.js`, one
//! deflated JSON each); a tiered one writes excerpt records (`r.HASH.js`)
//! and metadata records (`m.HASH.js`), read by range (see
//! `docs/search-format.md`, "Result bundles", "Metadata records" and
//! "Excerpt records").

use super::DocMeta;
use super::budget::group_ranges;
use super::codec::{base64, deflate, inflate, record_bytes};
use super::constants::{REGISTER_CALL, RESULT_FILE_PREFIX};
use super::files::{OutFile, blob_file, hash_of, js_json, string_file};
use super::schema::{BundleSegment, Excerpt, ExcerptRecord, MetaRecord, MetaRow, ResultFileRef};
use crate::SearchError;
use crate::index::Inverted;

/// Raw size aimed at for one excerpt record of a tiered index: a result
/// reads one record, so a long page is cut into several.
const RECORD_TARGET_BYTES: usize = 4096;

/// Raw size aimed at for a result file (bundle or file of records); on big
/// sites files grow so that the count stays within the budget.
pub(super) const RESULT_TARGET_BYTES: usize = 3 * 1024;

/// Blocks of an index, by document: document `d`'s blocks are numbered
/// from 1 (block 0 is the title) and are `blocks[first[d]..first[d + 1]]`.
pub(super) struct DocBlocks<'a> {
    pub inv: &'a Inverted,
    /// `inv.first_block` with the end of the last document's blocks.
    pub first: Vec<u32>,
}

impl<'a> DocBlocks<'a> {
    pub fn new(inv: &'a Inverted) -> DocBlocks<'a> {
        let mut first = inv.first_block.clone();
        first.push(inv.blocks.len() as u32);
        DocBlocks { inv, first }
    }

    /// Text blocks of document `d`.
    pub fn count(&self, d: usize) -> u32 {
        self.first[d + 1] - self.first[d]
    }

    /// Block `b` (1-based) of document `d`.
    pub fn block(&self, d: usize, b: u32) -> &'a crate::index::Block {
        &self.inv.blocks[(self.first[d] + b - 1) as usize]
    }

    /// The excerpts of document `d`'s blocks `blocks` (1-based; a document
    /// without blocks has the one excerpt `[""]`), borrowed from the
    /// blocks: heading and anchor only where they change.
    fn excerpts(&self, d: usize, blocks: std::ops::Range<u32>) -> Vec<Excerpt<'a>> {
        if self.count(d) == 0 {
            return vec![Excerpt::Continued(["".into()])];
        }
        let mut prev: Option<&crate::index::Block> = None;
        blocks
            .map(|b| {
                let c = self.block(d, b);
                let same = prev.is_some_and(|p| {
                    p.chunk == c.chunk && p.heading == c.heading && p.anchor == c.anchor
                });
                prev = Some(c);
                if same {
                    Excerpt::Continued([c.text.as_str().into()])
                } else {
                    Excerpt::Headed(
                        c.text.as_str().into(),
                        c.heading.as_deref().unwrap_or("").into(),
                        c.anchor.as_deref().unwrap_or("").into(),
                    )
                }
            })
            .collect()
    }
}

/// A plain index's result bundles: each holds the result units (one per
/// text block, see `write_index_with`) `units[range]` of one range from
/// `ranges`, as deflated JSON `[segment, ...]` (see [`BundleSegment`]),
/// one segment per document. With each file, its key in the entry.
pub(super) fn bundles(
    blocks: &DocBlocks<'_>,
    docs: &[DocMeta<'_>],
    units: &[(u32, u32)],
    ranges: &[std::ops::Range<usize>],
) -> Vec<(ResultFileRef, OutFile)> {
    use rayon::prelude::*;
    ranges
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
                let m = &docs[d];
                segments.push(BundleSegment(
                    d,
                    b0,
                    m.url.into(),
                    m.title.into(),
                    m.section_path.into(),
                    blocks.excerpts(d, b0..b1 + 1),
                ));
            }
            let file = blob_file(RESULT_FILE_PREFIX, js_json(&segments).as_bytes());
            let (d, b) = units[s];
            (ResultFileRef(d, b, hash_of(&file.name)), file)
        })
        .collect()
}

/// The result files of a tiered index and where each record lies.
pub(super) struct Ranged {
    /// (entry key, file) per result file.
    pub files: Vec<(ResultFileRef, OutFile)>,
    /// Per record, in document order: first block, byte offset in its
    /// file and length.
    first: Vec<u32>,
    offset: Vec<usize>,
    len: Vec<usize>,
    /// Records of document `d`: `doc_start[d]..doc_start[d + 1]`.
    doc_start: Vec<usize>,
}

impl Ranged {
    /// A metadata row's record lengths (see [`MetaRow`]). Offsets are not
    /// stored: records are back to back, so the client adds up lengths
    /// from the record's first offset.
    fn doc_lens(&self, d: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for r in self.doc_start[d]..self.doc_start[d + 1] {
            if r > self.doc_start[d] {
                out.push(self.first[r] as usize);
            }
            out.push(self.len[r]);
        }
        out
    }
}

/// Result files of a tiered index: each record (a run of one document's
/// blocks, see [`RECORD_TARGET_BYTES`]) is an [`ExcerptRecord`], deflated
/// and base64-encoded on its own (padded to 4 characters). A file's
/// payload is its records back to back in one string literal, so the file
/// is still a script that registers its whole payload, and a record is
/// bytes `offset..offset + length` of the file: an HTTP Range request, or
/// a slice of the payload once the file is loaded whole (the payload starts
/// `len('GrassrootsSearch.register("NAME","')` bytes into the file).
pub(super) fn ranged_results(blocks: &DocBlocks<'_>, n_docs: usize, max_files: usize) -> Ranged {
    use rayon::prelude::*;
    let (mut recs, mut sizes, mut doc_start) =
        (Vec::new(), Vec::new(), Vec::with_capacity(n_docs + 1));
    for d in 0..n_docs {
        doc_start.push(recs.len());
        let nb = blocks.count(d);
        if nb == 0 {
            recs.push((d as u32, 1, 2));
            sizes.push(8);
            continue;
        }
        let (mut b0, mut acc) = (1, 0);
        for b in 1..=nb {
            let size = blocks.block(d, b).text.len() + 8;
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
    let out: Vec<(ResultFileRef, OutFile, Vec<usize>, Vec<usize>)> = ranges
        .par_iter()
        .map(|range| {
            let (s, e) = (range.start, range.end);
            let mut body = String::from("\"");
            let mut lens = Vec::with_capacity(e - s);
            for &(d, b0, b1) in &recs[s..e] {
                let record = ExcerptRecord(d, b0, blocks.excerpts(d as usize, b0..b1));
                let rec = base64(&deflate(js_json(&record).as_bytes()));
                lens.push(rec.len());
                body.push_str(&rec);
            }
            body.push('"');
            let file = string_file(RESULT_FILE_PREFIX, body);
            let mut at = REGISTER_CALL.len() + js_json(&file.name).len() + ",\"".len();
            let offsets = lens
                .iter()
                .map(|l| {
                    at += l;
                    at - l
                })
                .collect();
            let (d, b0, _) = recs[s];
            (
                ResultFileRef(d, b0, hash_of(&file.name)),
                file,
                offsets,
                lens,
            )
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

/// One metadata record (documents `range` of a tiered index, see
/// [`MetaRecord`]), deflated and base64-encoded.
pub(super) fn meta_record(
    docs: &[DocMeta<'_>],
    r: &Ranged,
    range: std::ops::Range<usize>,
) -> String {
    let mut paths: Vec<&[String]> = Vec::new();
    let rows: Vec<MetaRow<'_>> = range
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
            MetaRow(m.url.into(), m.title.into(), k, r.doc_lens(d))
        })
        .collect();
    let first_offset = r.offset[r.doc_start[range.start]];
    let paths = paths.into_iter().map(Into::into).collect();
    let record = MetaRecord(range.start, paths, rows, first_offset);
    base64(&deflate(js_json(&record).as_bytes()))
}

/// Decodes one metadata record (the bytes of its range in an `m.HASH.js`
/// file). Errors on any damage.
pub fn decode_meta_record(range: &[u8]) -> Result<MetaRecord<'static>, SearchError> {
    record_json(range, "bad metadata record")
}

/// Decodes one excerpt record of a tiered index's result file (the bytes
/// of its range). Errors on any damage.
pub fn decode_record(range: &[u8]) -> Result<ExcerptRecord<'static>, SearchError> {
    let record: ExcerptRecord = record_json(range, "bad record")?;
    if record.2.is_empty() {
        return Err(SearchError::Corrupt("bad record"));
    }
    Ok(record)
}

/// A record of type `T`: deflated JSON in the base64 text of its range;
/// JSON not of that shape is the error `bad_shape`.
fn record_json<T: serde::de::DeserializeOwned>(
    range: &[u8],
    bad_shape: &'static str,
) -> Result<T, SearchError> {
    serde_json::from_slice(&inflate(&record_bytes(range)?)?)
        .map_err(|_| SearchError::Corrupt(bad_shape))
}
