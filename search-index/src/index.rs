//! Inversion: documents → blocks → per-term postings with positions, plus
//! the statistics BM25 needs.
//!
//! A document is cut into *blocks*: block 0 holds the title, blocks 1.. hold
//! the page text in reading order, a few hundred characters each, never
//! crossing a heading. Blocks are the unit of excerpts (the client fetches
//! the block that holds the best match, not the whole page) and of deep
//! links (each block knows its heading's anchor).
//!
//! Positions are local to a block. In the first block of a chunk the heading
//! takes positions `0..HEADING_SPAN`, and body text always starts at
//! `HEADING_SPAN`, so the client can tell heading hits from body hits by the
//! position alone. A gap of one position separates paragraphs so a phrase
//! never matches across them.

use crate::tokenize::{StemCache, TokenSink, Tokenizer, first_bytes, packed};
use crate::{Document, Language};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Body positions start here; heading positions are below it.
pub const HEADING_SPAN: u32 = 64;
/// A block is closed once it holds at least this many characters …
const BLOCK_TARGET_CHARS: usize = 240;
/// … and a long paragraph is cut into pieces of at most this many.
const BLOCK_MAX_CHARS: usize = 420;

/// BM25 parameters. Field weights multiply term frequency before saturation
/// (BM25F): a title hit counts as several body hits.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
pub const FIELD_WEIGHTS: [f64; 3] = [6.0, 3.0, 1.0]; // title, heading, body

/// One block of excerpt text.
#[derive(Clone, Debug)]
pub struct Block {
    /// Index of the chunk within its document (blocks of one chunk share it).
    pub chunk: u32,
    pub heading: Option<String>,
    pub anchor: Option<String>,
    pub text: String,
}

/// Strings back to back in one buffer: a vocabulary of 100,000 terms is
/// two allocations, not 100,000 (freeing them one by one took a fifth of
/// an index build's serial time).
#[derive(Clone, Debug, Default)]
pub struct Terms {
    text: String,
    /// End of term `t` in `text`; it starts where term `t - 1` ends.
    end: Vec<u32>,
}

impl Terms {
    pub fn with_capacity(bytes: usize, terms: usize) -> Terms {
        Terms {
            text: String::with_capacity(bytes),
            end: Vec::with_capacity(terms),
        }
    }

    pub fn push(&mut self, term: &str) {
        self.text.push_str(term);
        self.end.push(self.text.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.end.len()
    }

    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|t| &self[t])
    }
}

impl std::ops::Index<usize> for Terms {
    type Output = str;

    fn index(&self, t: usize) -> &str {
        let start = if t == 0 { 0 } else { self.end[t - 1] as usize };
        &self.text[start..self.end[t] as usize]
    }
}

/// Where one term occurs in one document (decoded form, for tests and
/// tools; the index itself keeps postings in flat arrays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocPosting {
    pub doc: u32,
    /// Quantized BM25F term-frequency component (1..=255).
    pub impact: u8,
    /// (block index within the document, positions kept), sorted by block.
    /// Only title (block 0) and heading positions are kept: in the body
    /// only the block matters.
    pub blocks: BlockPositions,
}

/// Positions of a term per block: (block index within the document, positions).
pub type BlockPositions = Vec<(u32, Vec<u32>)>;

/// The inverted index of one language, in flat arrays (no allocation per
/// posting or per block: a 10,000-page site has millions of postings).
///
/// Documents are numbered in URL order (`doc_order` maps a number to the
/// input index): pages of one section share vocabulary, so they are often
/// retrieved together and then share result files, and doc gaps are small.
pub struct Inverted {
    pub language: Language,
    /// Terms sorted in UTF-16 code unit order (JavaScript's string order, so
    /// the client can binary-search shard boundaries with `<`).
    pub terms: Terms,
    /// Postings of term `t` are `term_start[t]..term_start[t + 1]` in the
    /// `post_*` arrays, by ascending document.
    pub term_start: Vec<u32>,
    pub post_doc: Vec<u32>,
    pub post_impact: Vec<u8>,
    /// Encoded block list of posting `p` (see [`encode_blocks`]):
    /// `post_data[post_end[p - 1]..post_end[p]]`.
    pub post_data: Vec<u8>,
    pub post_end: Vec<u32>,
    /// Text blocks of every document (title blocks excluded), documents in
    /// number order.
    pub blocks: Vec<Block>,
    /// Global index in `blocks` of each document's block 1.
    pub first_block: Vec<u32>,
    /// Input index of each document number.
    pub doc_order: Vec<u32>,
}

impl Inverted {
    /// (doc, impact, encoded blocks) of every posting of term `t`.
    pub fn postings(&self, t: usize) -> impl Iterator<Item = (u32, u8, &[u8])> + '_ {
        let range = self.term_start[t] as usize..self.term_start[t + 1] as usize;
        range.map(move |p| {
            let start = if p == 0 {
                0
            } else {
                self.post_end[p - 1] as usize
            };
            (
                self.post_doc[p],
                self.post_impact[p],
                &self.post_data[start..self.post_end[p] as usize],
            )
        })
    }

    /// Number of documents of term `t`.
    pub fn df(&self, t: usize) -> usize {
        (self.term_start[t + 1] - self.term_start[t]) as usize
    }

    /// The postings of term `t`, decoded.
    pub fn decoded(&self, t: usize) -> Vec<DocPosting> {
        self.postings(t)
            .map(|(doc, impact, data)| DocPosting {
                doc,
                impact,
                blocks: decode_blocks(data, &mut 0).expect("own encoding"),
            })
            .collect()
    }
}

/// Block list of one posting. `varint x`: if `x` is even, the term is in
/// the single block `x >> 1` with no kept positions (the common case);
/// else `x >> 1` blocks follow, each `varint (block delta << 1 | has
/// positions)` and, with positions, `varint count` and `varint position
/// deltas`. `blocks` holds (block, start, end) of its positions in
/// `positions`.
pub fn encode_blocks(blocks: &[(u32, usize, usize)], positions: &[u32], out: &mut Vec<u8>) {
    use crate::format::put_varint;
    if let [(b, s, e)] = blocks
        && s == e
    {
        put_varint(out, u64::from(*b) << 1);
        return;
    }
    put_varint(out, (blocks.len() as u64) << 1 | 1);
    let mut prev_block = 0;
    for (j, &(block, s, e)) in blocks.iter().enumerate() {
        let ps = &positions[s..e];
        let delta = u64::from(if j == 0 { block } else { block - prev_block });
        prev_block = block;
        put_varint(out, delta << 1 | u64::from(!ps.is_empty()));
        if !ps.is_empty() {
            put_varint(out, ps.len() as u64);
            let mut prev = 0;
            for (k, &p) in ps.iter().enumerate() {
                put_varint(out, u64::from(if k == 0 { p } else { p - prev }));
                prev = p;
            }
        }
    }
}

/// Inverse of [`encode_blocks`].
pub fn decode_blocks(data: &[u8], at: &mut usize) -> Result<BlockPositions, crate::SearchError> {
    use crate::format::get_varint;
    let x = get_varint(data, at)?;
    if x & 1 == 0 {
        return Ok(vec![((x >> 1) as u32, Vec::new())]);
    }
    let nb = (x >> 1) as usize;
    let mut blocks = Vec::with_capacity(nb.min(data.len()));
    let mut block = 0u64;
    for j in 0..nb {
        let v = get_varint(data, at)?;
        block = if j == 0 { v >> 1 } else { block + (v >> 1) };
        let mut positions = Vec::new();
        if v & 1 == 1 {
            let np = get_varint(data, at)? as usize;
            positions.reserve(np.min(data.len()));
            let mut pos = 0u64;
            for k in 0..np {
                let p = get_varint(data, at)?;
                pos = if k == 0 { p } else { pos + p };
                positions.push(pos as u32);
            }
        }
        blocks.push((block as u32, positions));
    }
    Ok(blocks)
}

/// Numbers for distinct terms, in order of first sight. Terms of up to 8
/// bytes (CJK bigrams, most English stems) are keyed by their bytes packed
/// into a `u64`: hashing and comparing an integer is several times cheaper
/// than a string, and a site has millions of tokens. Packing is one-to-one
/// because a term never contains a NUL byte (NUL is not alphanumeric).
#[derive(Default)]
struct TermIds {
    short: HashMap<u64, u32>,
    long: HashMap<Box<str>, u32>,
}

impl TermIds {
    /// `term`'s number, or `next` (inserted) when it is new; and whether it was new.
    #[inline]
    fn get_or_insert(&mut self, term: &str, next: u32) -> (u32, bool) {
        let id = match packed(term) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => match self.long.get(term) {
                Some(&id) => id,
                None => *self.long.entry(term.into()).or_insert(next),
            },
        };
        (id, id == next)
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

/// One document, tokenized: its distinct terms with weighted term
/// frequencies and encoded block lists.
struct DocTerms {
    blocks: Vec<Block>,
    /// Distinct terms back to back; term `i` ends at `term_end[i]`.
    vocab: String,
    term_end: Vec<u32>,
    /// Field-weighted term frequency (integer weights).
    weighted: Vec<u32>,
    data: Vec<u8>,
    data_end: Vec<u32>,
    length: u32,
}

/// Per-thread scratch space reused across documents.
#[derive(Default)]
struct Scratch {
    local: TermIds,
    /// (local term, block, position) of every token, in reading order.
    occ: Vec<(u32, u32, u32)>,
    /// `occ` grouped by term (a counting sort into this buffer).
    by_term: Vec<(u32, u32, u32)>,
    counts: Vec<u32>,
    kept: Vec<u32>,
    spans: Vec<(u32, usize, usize)>,
    stems: StemCache,
    /// This document's words as written (packed, up to 8 bytes) → their
    /// term's number: a word seen before in the document skips the stem
    /// cache (a table of the whole vocabulary, whose probes miss the CPU
    /// cache) and the numbering of its term.
    words: HashMap<u64, u32>,
}

thread_local! {
    /// Each worker thread's scratch space, kept across documents, batches
    /// and builds: its stem cache warms up once, not once per rayon job.
    /// (The cache serves every language: the one stemmer is Snowball
    /// English.) `doc_terms` starts no parallel work, so a borrow is never
    /// re-entered by work stealing.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Global vocabulary and postings in input order, filled batch by batch.
#[derive(Default)]
struct Merger {
    gids: TermIds,
    names: Terms,
    post_term: Vec<u32>,
    post_doc: Vec<u32>,
    post_w: Vec<u32>,
    post_data: Vec<u8>,
    post_end: Vec<u32>,
    doc_len: Vec<u32>,
    blocks: Vec<Block>,
    first_block: Vec<u32>,
}

impl Merger {
    fn merge(&mut self, outs: Vec<DocTerms>) {
        for out in outs {
            let doc_id = self.doc_len.len() as u32;
            self.doc_len.push(out.length);
            self.first_block.push(self.blocks.len() as u32);
            self.blocks.extend(out.blocks);
            let mut start = 0usize;
            for &end in &out.term_end {
                let term = &out.vocab[start..end as usize];
                start = end as usize;
                let (gid, new) = self.gids.get_or_insert(term, self.names.len() as u32);
                if new {
                    self.names.push(term);
                }
                self.post_term.push(gid);
            }
            let n = out.term_end.len();
            self.post_doc.extend(std::iter::repeat_n(doc_id, n));
            self.post_w.extend_from_slice(&out.weighted);
            // The document's block lists in one copy, not one per posting.
            let base = self.post_data.len() as u32;
            self.post_data.extend_from_slice(&out.data);
            self.post_end.extend(out.data_end.iter().map(|&e| base + e));
        }
    }
}

/// Documents tokenized at once; bounds the memory of per-document data.
const BATCH_DOCS: usize = 2048;

pub fn invert(language: Language, docs: &[Document]) -> Inverted {
    // Number documents in URL order (stable: equal URLs keep input order).
    let mut doc_order: Vec<u32> = (0..docs.len() as u32).collect();
    doc_order.sort_by(|&a, &b| docs[a as usize].url.cmp(&docs[b as usize].url));

    let mut m = Merger::default();
    m.doc_len.reserve(docs.len());
    m.first_block.reserve(docs.len());
    let tokenize = |batch: &[u32]| -> Vec<DocTerms> {
        batch
            .par_iter()
            .map_init(
                || Tokenizer::new(language),
                |tok, &d| SCRATCH.with_borrow_mut(|s| doc_terms(tok, s, &docs[d as usize])),
            )
            .collect()
    };
    // Pipelined: batch k is merged (serially) while batch k + 1 is
    // tokenized on the other threads.
    let mut pending: Option<Vec<DocTerms>> = None;
    // At least a few batches, so that even a small site's merging overlaps
    // with tokenizing.
    let batch_docs = (docs.len() / 8).clamp(16, BATCH_DOCS);
    for batch in doc_order.chunks(batch_docs) {
        let prev = pending.take();
        let (outs, ()) = rayon::join(
            || tokenize(batch),
            || {
                if let Some(p) = prev {
                    m.merge(p)
                }
            },
        );
        pending = Some(outs);
    }
    if let Some(p) = pending {
        m.merge(p);
    }
    let Merger {
        gids,
        names,
        post_term,
        post_doc,
        post_w,
        post_data,
        post_end,
        doc_len,
        blocks,
        first_block,
    } = m;
    drop(gids);

    let total_len: f64 = doc_len.iter().map(|&l| l as f64).sum();
    let avg_len = if doc_len.is_empty() {
        1.0
    } else {
        (total_len / doc_len.len() as f64).max(1.0)
    };
    let post_impact: Vec<u8> = post_w
        .par_iter()
        .zip(&post_doc)
        .map(|(&w, &d)| {
            let norm = 1.0 - B + B * doc_len[d as usize] as f64 / avg_len;
            let weighted = w as f64;
            let saturated = weighted / (weighted + K1 * norm); // in [0, 1)
            (saturated * 255.0).ceil().clamp(1.0, 255.0) as u8
        })
        .collect();
    drop(post_w);

    // Sort terms in UTF-16 order; bucket postings by sorted term.
    // Byte order is UTF-16 order unless a term has a supplementary
    // character (4-byte UTF-8): then compare the slow way.
    let sorted: Vec<u32> = if names.text.bytes().any(|b| b >= 0xF0) {
        let mut sorted: Vec<u32> = (0..names.len() as u32).collect();
        sorted.par_sort_unstable_by(|&a, &b| utf16_cmp(&names[a as usize], &names[b as usize]));
        sorted
    } else {
        // Byte order, mostly on integers: a term's first 8 bytes, big-endian,
        // decide unless two terms share them (string comparisons of 34,000
        // Chinese terms were a tenth of the Rust book's zh index).
        let mut keyed: Vec<(u64, u32)> = (0..names.len())
            .map(|g| (prefix_key(&names[g]), g as u32))
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| names[a.1 as usize].cmp(&names[b.1 as usize]))
        });
        keyed.into_iter().map(|(_, g)| g).collect()
    };
    let mut rank = vec![0u32; names.len()];
    for (r, &g) in sorted.iter().enumerate() {
        rank[g as usize] = r as u32;
    }
    // Each posting's term, as its rank in sorted order.
    let post_rank: Vec<u32> = post_term.par_iter().map(|&g| rank[g as usize]).collect();
    drop(post_term);
    // Move postings into term order: each term's postings become one
    // contiguous run (sequential reads when shards are written).
    let ByTerm {
        term_start,
        doc: post_doc,
        impact: post_impact,
        data: post_data,
        end: post_end,
    } = scatter_by_term(
        &post_rank,
        names.len(),
        Postings {
            doc: &post_doc,
            impact: &post_impact,
            data: &post_data,
            end: &post_end,
        },
    );
    drop(post_rank);
    let mut terms = Terms::with_capacity(names.text.len(), names.len());
    for &g in &sorted {
        terms.push(&names[g as usize]);
    }
    drop(names);

    Inverted {
        language,
        terms,
        term_start,
        post_doc,
        post_impact,
        post_data,
        post_end,
        blocks,
        first_block,
        doc_order,
    }
}

/// Numbers one document's terms as they are tokenized and records each
/// occurrence (term, block, position).
struct DocSink<'a> {
    tok: &'a Tokenizer,
    stems: &'a mut StemCache,
    words: &'a mut HashMap<u64, u32>,
    local: &'a mut TermIds,
    /// Distinct terms back to back; term `i` ends at `term_end[i]`.
    vocab: String,
    term_end: Vec<u32>,
    /// A word's term, computed.
    term: String,
    occ: &'a mut Vec<(u32, u32, u32)>,
    /// The block being tokenized.
    block: u32,
    /// Positions from here on are dropped (a heading keeps its first
    /// `HEADING_SPAN`).
    limit: u32,
}

impl DocSink<'_> {
    /// `term`'s number in this document.
    fn number(&mut self, term: &str) -> u32 {
        let (id, new) = self.local.get_or_insert(term, self.term_end.len() as u32);
        if new {
            self.vocab.push_str(term);
            self.term_end.push(self.vocab.len() as u32);
        }
        id
    }
}

impl TokenSink for DocSink<'_> {
    fn cjk(&mut self, term: &str, pos: u32) {
        if pos < self.limit {
            let id = self.number(term);
            self.occ.push((id, self.block, pos));
        }
    }

    fn word(&mut self, word: &str, pos: u32) {
        if pos >= self.limit {
            return;
        }
        let key = packed(word);
        let id = match key.and_then(|k| self.words.get(&k)) {
            Some(&id) => id,
            None => {
                let mut term = std::mem::take(&mut self.term);
                self.tok.word_term_cached(word, Some(self.stems), &mut term);
                let id = self.number(&term);
                self.term = term;
                if let Some(k) = key {
                    self.words.insert(k, id);
                }
                id
            }
        };
        self.occ.push((id, self.block, pos));
    }
}

fn doc_terms(tok: &Tokenizer, s: &mut Scratch, doc: &Document) -> DocTerms {
    let mut blocks: Vec<Block> = Vec::new();
    s.local.clear();
    s.words.clear();
    s.occ.clear();
    let Scratch {
        local,
        occ,
        by_term,
        counts,
        kept,
        spans,
        stems,
        words,
    } = s;
    let mut sink = DocSink {
        tok,
        stems,
        words,
        local,
        vocab: String::new(),
        term_end: Vec::new(),
        term: String::new(),
        occ,
        block: 0,
        limit: u32::MAX,
    };
    tok.scan_into(&doc.title, 0, &mut sink);

    for (chunk_no, chunk) in doc.chunks.iter().enumerate() {
        let pieces = split_blocks(&chunk.text);
        for (i, piece) in pieces.into_iter().enumerate() {
            sink.block = blocks.len() as u32 + 1;
            if i == 0
                && let Some(h) = &chunk.heading
            {
                sink.limit = HEADING_SPAN;
                tok.scan_into(h, 0, &mut sink);
                sink.limit = u32::MAX;
            }
            let mut pos = HEADING_SPAN;
            for para in piece.split('\n') {
                pos = tok.scan_into(para, pos, &mut sink) + 1;
            }
            blocks.push(Block {
                chunk: chunk_no as u32,
                heading: chunk.heading.clone(),
                anchor: chunk.anchor.clone(),
                text: piece,
            });
        }
    }
    let DocSink {
        vocab,
        term_end,
        occ,
        ..
    } = sink;

    let length = occ.len() as u32;
    let n = term_end.len();
    group_by_term(occ, n, counts, by_term);
    let occ = by_term;
    let mut weighted = Vec::with_capacity(n);
    let mut data = Vec::new();
    let mut data_end = Vec::with_capacity(n);
    let w = FIELD_WEIGHTS.map(|w| w as u32);
    let mut i = 0;
    while i < occ.len() {
        let term = occ[i].0;
        let mut j = i;
        let mut wsum = 0u32;
        kept.clear();
        spans.clear();
        while j < occ.len() && occ[j].0 == term {
            let (_, block, pos) = occ[j];
            let field = if block == 0 {
                0
            } else if pos < HEADING_SPAN {
                1
            } else {
                2
            };
            wsum += w[field];
            if spans.last().is_none_or(|sp| sp.0 != block) {
                spans.push((block, kept.len(), kept.len()));
            }
            if block == 0 || pos < HEADING_SPAN {
                kept.push(pos);
                spans.last_mut().expect("pushed").2 = kept.len();
            }
            j += 1;
        }
        encode_blocks(spans, kept, &mut data);
        weighted.push(wsum);
        data_end.push(data.len() as u32);
        i = j;
    }
    debug_assert_eq!(weighted.len(), n);
    DocTerms {
        blocks,
        vocab,
        term_end,
        weighted,
        data,
        data_end,
        length,
    }
}

/// Postings in flat arrays (see [`Inverted`]).
struct Postings<'a> {
    doc: &'a [u32],
    impact: &'a [u8],
    data: &'a [u8],
    end: &'a [u32],
}

/// Postings in term order, with where each term's run starts.
struct ByTerm {
    term_start: Vec<u32>,
    doc: Vec<u32>,
    impact: Vec<u8>,
    data: Vec<u8>,
    end: Vec<u32>,
}

/// Postings in term order: posting `p`, whose term has rank `rank[p]` (of
/// `terms`), goes to the next free slot of its term, so postings keep
/// document order within a term.
///
/// The postings are read in order and written scattered: a gather in
/// term order (read scattered, write in order) waits on a cache miss per
/// read, where scattered writes do not stall; at 10,000 pages the gather
/// was a sixth of the index build. Each thread writes the postings of one
/// range of terms, reading all postings.
fn scatter_by_term(rank: &[u32], terms: usize, from: Postings<'_>) -> ByTerm {
    let span = |p: usize| {
        let start = if p == 0 { 0 } else { from.end[p - 1] as usize };
        start..from.end[p] as usize
    };
    // Where each term's postings and block lists start in the output.
    let mut term_start = vec![0u32; terms + 1];
    let mut data_start = vec![0u32; terms + 1];
    for (p, &r) in rank.iter().enumerate() {
        term_start[r as usize + 1] += 1;
        data_start[r as usize + 1] += span(p).len() as u32;
    }
    for t in 0..terms {
        term_start[t + 1] += term_start[t];
        data_start[t + 1] += data_start[t];
    }
    let (mut doc, mut impact) = (vec![0u32; rank.len()], vec![0u8; rank.len()]);
    let mut data = vec![0u8; data_start[terms] as usize];
    let mut end = vec![0u32; rank.len()];

    // Term ranges of about equal postings, one per thread, and each one's
    // part of every output.
    let pieces = rayon::current_num_threads().clamp(1, 8);
    let mut bounds = vec![0usize];
    for k in 1..pieces {
        let goal = (rank.len() * k / pieces) as u32;
        let t = term_start.partition_point(|&s| s < goal).min(terms);
        bounds.push(t.max(*bounds.last().expect("has 0")));
    }
    bounds.push(terms);
    let mut parts = Vec::with_capacity(pieces);
    let (mut d_rest, mut i_rest) = (&mut doc[..], &mut impact[..]);
    let (mut b_rest, mut e_rest) = (&mut data[..], &mut end[..]);
    for w in bounds.windows(2) {
        let (t0, t1) = (w[0], w[1]);
        let n = (term_start[t1] - term_start[t0]) as usize;
        let bytes = (data_start[t1] - data_start[t0]) as usize;
        let (d, dr) = std::mem::take(&mut d_rest).split_at_mut(n);
        let (i, ir) = std::mem::take(&mut i_rest).split_at_mut(n);
        let (b, br) = std::mem::take(&mut b_rest).split_at_mut(bytes);
        let (e, er) = std::mem::take(&mut e_rest).split_at_mut(n);
        (d_rest, i_rest, b_rest, e_rest) = (dr, ir, br, er);
        parts.push((t0 as u32..t1 as u32, d, i, b, e));
    }
    parts
        .into_par_iter()
        .for_each(|(terms, doc, impact, data, end)| {
            let (p0, b0) = (
                term_start[terms.start as usize],
                data_start[terms.start as usize],
            );
            // Next free posting slot and data byte of each term, relative to
            // this part.
            let mut slot: Vec<u32> = term_start[terms.start as usize..terms.end as usize]
                .iter()
                .map(|&s| s - p0)
                .collect();
            let mut byte: Vec<u32> = data_start[terms.start as usize..terms.end as usize]
                .iter()
                .map(|&s| s - b0)
                .collect();
            for (p, &r) in rank.iter().enumerate() {
                if !terms.contains(&r) {
                    continue;
                }
                let t = (r - terms.start) as usize;
                let i = slot[t] as usize;
                slot[t] += 1;
                doc[i] = from.doc[p];
                impact[i] = from.impact[p];
                let src = &from.data[span(p)];
                let at = byte[t] as usize;
                let to = &mut data[at..at + src.len()];
                // Most block lists are 1–3 bytes: a call to memcpy each would
                // cost more than the bytes.
                if src.len() <= 4 {
                    for (t, &b) in to.iter_mut().zip(src) {
                        *t = b;
                    }
                } else {
                    to.copy_from_slice(src);
                }
                byte[t] += src.len() as u32;
                end[i] = b0 + byte[t];
            }
        });
    ByTerm {
        term_start,
        doc,
        impact,
        data,
        end,
    }
}

/// Compares two strings in UTF-16 code unit order without encoding them.
/// UTF-8 byte order is code point order, and the two orders differ only
/// where a supplementary character (a surrogate pair, 0xD800..) meets one
/// of U+E000..U+FFFF: so compare bytes, and decide by the first differing
/// character's first UTF-16 unit.
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    // The strings agree up to `i`, so the differing characters start at the
    // same byte: the last lead byte at or before `i`.
    let start = (0..=i).rev().find(|&k| x[k] & 0xC0 != 0x80).unwrap_or(0);
    let first_unit = |s: &str| {
        let c = s[start..].chars().next().map_or(0, u32::from);
        let unit = if c < 0x10000 {
            c
        } else {
            0xD800 + ((c - 0x10000) >> 10)
        };
        (unit, c)
    };
    first_unit(a).cmp(&first_unit(b))
}

/// The first 8 bytes of `term` as a big-endian integer, zero-padded: for
/// two strings without NUL bytes, a smaller key means a smaller string in
/// byte order, and equal keys leave the order to the remaining bytes.
fn prefix_key(term: &str) -> u64 {
    first_bytes(term).swap_bytes()
}

/// Groups `occ` by term number (`0..terms`) into `out`, keeping reading
/// order within a term: a counting sort, linear in the tokens.
fn group_by_term(
    occ: &[(u32, u32, u32)],
    terms: usize,
    counts: &mut Vec<u32>,
    out: &mut Vec<(u32, u32, u32)>,
) {
    counts.clear();
    counts.resize(terms + 1, 0);
    for o in occ {
        counts[o.0 as usize + 1] += 1;
    }
    for t in 0..terms {
        counts[t + 1] += counts[t];
    }
    out.clear();
    out.resize(occ.len(), (0, 0, 0));
    for &o in occ {
        let at = &mut counts[o.0 as usize];
        out[*at as usize] = o;
        *at += 1;
    }
}

/// Splits chunk text into blocks at paragraph breaks; cuts paragraphs that
/// are too long at a space or punctuation near the limit. A chunk with no
/// text still yields one (empty) block so its heading is searchable.
pub fn split_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_chars = 0usize;
    for para in text.split('\n') {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        for piece in cut_paragraph(para) {
            let n = piece.chars().count();
            if current_chars > 0 && current_chars + n > BLOCK_MAX_CHARS {
                out.push(std::mem::take(&mut current));
                current_chars = 0;
            }
            if current_chars > 0 {
                current.push('\n');
            }
            current.push_str(piece);
            current_chars += n;
            if current_chars >= BLOCK_TARGET_CHARS {
                out.push(std::mem::take(&mut current));
                current_chars = 0;
            }
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

/// Cuts one paragraph into pieces of at most `BLOCK_MAX_CHARS` characters,
/// preferring a cut after whitespace or punctuation.
fn cut_paragraph(para: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = para;
    // Byte offset of the character after the first BLOCK_MAX_CHARS (a
    // piece of at most that many bytes has no more characters than that,
    // so most paragraphs are not walked at all).
    while let Some((limit, _)) = (rest.len() > BLOCK_MAX_CHARS)
        .then(|| rest.char_indices().nth(BLOCK_MAX_CHARS))
        .flatten()
    {
        // Search backwards from the limit for a separator, but not too far.
        let from = rest
            .char_indices()
            .nth(BLOCK_TARGET_CHARS)
            .map_or(0, |(i, _)| i);
        let cut = rest[from..limit]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(limit, |(i, c)| from + i + c.len_utf8());
        let (head, tail) = rest.split_at(cut);
        pieces.push(head);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_order_without_encoding() {
        let words = [
            "",
            "a",
            "ab",
            "b",
            "é",
            "中",
            "中文",
            "\u{FF01}",
            "\u{E000}",
            "\u{FFFD}",
            "\u{10000}",
            "\u{1F600}",
            "\u{20000}字",
            "\u{20000}",
            "a\u{10000}",
            "a\u{FFFF}",
        ];
        for x in words {
            for y in words {
                let want = x.encode_utf16().cmp(y.encode_utf16());
                assert_eq!(utf16_cmp(x, y), want, "{x:?} vs {y:?}");
            }
        }
    }

    #[test]
    fn prefix_keys_follow_byte_order() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "b",
            "中",
            "中文",
        ];
        for x in words {
            for y in words {
                let (kx, ky) = (prefix_key(x), prefix_key(y));
                assert!(
                    kx.cmp(&ky).then_with(|| x.cmp(y)) == x.cmp(y),
                    "{x:?} vs {y:?}"
                );
                if kx < ky {
                    assert!(x < y, "{x:?} vs {y:?}");
                }
            }
        }
    }

    #[test]
    fn scatter_moves_postings_into_term_order() {
        // Postings in document order with their terms' ranks; each posting's
        // block list is one or more bytes that name it.
        let rank = [2u32, 0, 1, 2, 0, 3, 0, 2, 1, 3, 3, 0];
        let n = rank.len();
        let doc: Vec<u32> = (0..n as u32).map(|p| p / 3).collect();
        let impact: Vec<u8> = (0..n as u8).map(|p| p + 100).collect();
        let (mut data, mut end) = (Vec::new(), Vec::new());
        for p in 0..n {
            // 1 to 6 bytes: both the short copy and memcpy.
            data.extend(std::iter::repeat_n(p as u8, p % 6 + 1));
            end.push(data.len() as u32);
        }
        // What a stable sort by rank gives.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&p| rank[p]);
        let want_data: Vec<u8> = order
            .iter()
            .flat_map(|&p| std::iter::repeat_n(p as u8, p % 6 + 1))
            .collect();
        // One to five pieces (threads), including more pieces than terms.
        for threads in 1..=5 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let from = Postings {
                doc: &doc,
                impact: &impact,
                data: &data,
                end: &end,
            };
            let ByTerm {
                doc: d,
                impact: i,
                data: b,
                end: e,
                ..
            } = pool.install(|| scatter_by_term(&rank, 4, from));
            assert_eq!(d, order.iter().map(|&p| doc[p]).collect::<Vec<_>>());
            assert_eq!(i, order.iter().map(|&p| impact[p]).collect::<Vec<_>>());
            assert_eq!(b, want_data, "{threads} threads");
            let mut at = 0;
            for (k, &p) in order.iter().enumerate() {
                at += p % 6 + 1;
                assert_eq!(e[k] as usize, at, "end of posting {p}");
            }
        }
    }

    #[test]
    fn grouping_keeps_reading_order() {
        let occ = [(2, 1, 5), (0, 1, 6), (2, 2, 1), (1, 0, 0), (0, 3, 3)];
        let (mut counts, mut out) = (Vec::new(), Vec::new());
        group_by_term(&occ, 3, &mut counts, &mut out);
        assert_eq!(out, [(0, 1, 6), (0, 3, 3), (1, 0, 0), (2, 1, 5), (2, 2, 1)]);
    }

    #[test]
    fn blocks_respect_limits() {
        let long = "字".repeat(1000);
        let blocks = split_blocks(&long);
        assert!(blocks.iter().all(|b| b.chars().count() <= BLOCK_MAX_CHARS));
        assert_eq!(blocks.concat(), long);
        assert_eq!(split_blocks(""), vec![String::new()]);
        let paras = "a\n\nb\nc";
        assert_eq!(split_blocks(paras), vec!["a\nb\nc".to_string()]);
    }
}
