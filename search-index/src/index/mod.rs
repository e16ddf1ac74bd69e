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

mod blocks;
mod order;

pub use blocks::{decode_blocks, encode_blocks, split_blocks};
pub use order::utf16_cmp;

use crate::tokenize::{StemCache, TokenSink, Tokenizer, packed};
use crate::{Document, Language};
use order::{ByTerm, Postings, group_by_term, prefix_key, scatter_by_term};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Body positions start here; heading positions are below it.
pub const HEADING_SPAN: u32 = 64;

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
