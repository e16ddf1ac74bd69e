//! Blocks: how a chunk of page text is cut into blocks (the unit of
//! excerpts and deep links), and how a posting's block list is encoded
//! (see `docs/search-format.md`, "Encodings").

use super::BlockPositions;

/// A block is closed once it holds at least this many characters …
const BLOCK_TARGET_CHARS: usize = 240;
/// … and a long paragraph is cut into pieces of at most this many.
const BLOCK_MAX_CHARS: usize = 420;

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
