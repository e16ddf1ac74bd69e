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

use crate::tokenize::{Token, Tokenizer};
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

/// Where one term occurs in one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocPosting {
    pub doc: u32,
    /// Quantized BM25F term-frequency component (1..=255).
    pub impact: u8,
    /// (block index within the document, sorted positions), sorted by block.
    pub blocks: BlockPositions,
}

/// The inverted index of one language.
pub struct Inverted {
    pub language: Language,
    /// Terms sorted in UTF-16 code unit order (JavaScript's string order, so
    /// the client can binary-search shard boundaries with `<`).
    pub terms: Vec<(String, Vec<DocPosting>)>,
    /// Text blocks of every document (title blocks excluded), documents in
    /// input order.
    pub blocks: Vec<Block>,
    /// Global index in `blocks` of each document's block 1.
    pub first_block: Vec<u32>,
}

/// Positions of a term per block: (block index within the document, positions).
pub type BlockPositions = Vec<(u32, Vec<u32>)>;

struct DocTerms {
    blocks: Vec<Block>,
    /// term → (field term frequencies, per-block positions)
    terms: Vec<(String, [u32; 3], BlockPositions)>,
    length: u32,
}

pub fn invert(language: Language, docs: &[Document]) -> Inverted {
    let per_doc: Vec<DocTerms> = docs
        .par_iter()
        .map_init(|| Tokenizer::new(language), |tok, doc| doc_terms(tok, doc))
        .collect();

    let total_len: f64 = per_doc.iter().map(|d| d.length as f64).sum();
    let avg_len = if per_doc.is_empty() {
        1.0
    } else {
        (total_len / per_doc.len() as f64).max(1.0)
    };

    let mut map: HashMap<String, Vec<DocPosting>> = HashMap::default();
    let mut blocks = Vec::new();
    let mut first_block = Vec::with_capacity(per_doc.len());
    for (doc_id, doc) in per_doc.into_iter().enumerate() {
        first_block.push(blocks.len() as u32);
        blocks.extend(doc.blocks);
        let norm = 1.0 - B + B * doc.length as f64 / avg_len;
        for (term, tf, positions) in doc.terms {
            let weighted: f64 = tf
                .iter()
                .zip(FIELD_WEIGHTS)
                .map(|(&f, w)| f as f64 * w)
                .sum();
            let saturated = weighted / (weighted + K1 * norm); // in [0, 1)
            let impact = (saturated * 255.0).ceil().clamp(1.0, 255.0) as u8;
            map.entry(term).or_default().push(DocPosting {
                doc: doc_id as u32,
                impact,
                blocks: positions,
            });
        }
    }
    let mut terms: Vec<(Vec<u16>, String, Vec<DocPosting>)> = map
        .into_iter()
        .map(|(t, p)| (t.encode_utf16().collect(), t, p))
        .collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Inverted {
        language,
        terms: terms.into_iter().map(|(_, t, p)| (t, p)).collect(),
        blocks,
        first_block,
    }
}

fn doc_terms(tok: &Tokenizer, doc: &Document) -> DocTerms {
    let mut blocks: Vec<Block> = Vec::new();
    // (block index in doc, tokens); block 0 = title
    let mut tokenized: Vec<(u32, Vec<Token>)> = Vec::new();
    tokenized.push((0, tok.tokenize(&doc.title)));

    for (chunk_no, chunk) in doc.chunks.iter().enumerate() {
        let pieces = split_blocks(&chunk.text);
        for (i, piece) in pieces.iter().enumerate() {
            let mut tokens = Vec::new();
            if i == 0
                && let Some(h) = &chunk.heading
            {
                tok.tokenize_into(h, 0, &mut tokens);
                tokens.retain(|t| t.pos < HEADING_SPAN);
            }
            let mut pos = HEADING_SPAN;
            for para in piece.split('\n') {
                pos = tok.tokenize_into(para, pos, &mut tokens) + 1;
            }
            blocks.push(Block {
                chunk: chunk_no as u32,
                heading: chunk.heading.clone(),
                anchor: chunk.anchor.clone(),
                text: piece.clone(),
            });
            tokenized.push((blocks.len() as u32, tokens));
        }
    }

    let mut length = 0u32;
    let mut map: HashMap<&str, ([u32; 3], BlockPositions)> = HashMap::default();
    for (block, tokens) in &tokenized {
        length += tokens.len() as u32;
        for t in tokens {
            let field = if *block == 0 {
                0
            } else if t.pos < HEADING_SPAN {
                1
            } else {
                2
            };
            let entry = map.entry(t.term.as_str()).or_default();
            entry.0[field] += 1;
            match entry.1.last_mut() {
                Some((b, ps)) if b == block => ps.push(t.pos),
                _ => entry.1.push((*block, vec![t.pos])),
            }
        }
    }
    let terms = map
        .into_iter()
        .map(|(t, (tf, ps))| (t.to_string(), tf, ps))
        .collect();
    DocTerms {
        blocks,
        terms,
        length,
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
    loop {
        let chars: Vec<(usize, char)> = rest.char_indices().take(BLOCK_MAX_CHARS + 1).collect();
        if chars.len() <= BLOCK_MAX_CHARS {
            pieces.push(rest);
            return pieces;
        }
        // Search backwards from the limit for a separator, but not too far.
        let mut cut = chars[BLOCK_MAX_CHARS].0;
        for &(i, c) in chars[BLOCK_TARGET_CHARS..BLOCK_MAX_CHARS].iter().rev() {
            if !c.is_alphanumeric() {
                cut = i + c.len_utf8();
                break;
            }
        }
        let (head, tail) = rest.split_at(cut);
        pieces.push(head);
        rest = tail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
