//! Term order: the vocabulary sorted in UTF-16 order (the client's string
//! order, which shard ranges follow), and postings moved from document
//! order into term order.

use crate::tokenize::first_bytes;
use rayon::prelude::*;

/// Postings in flat arrays (see [`Inverted`](super::Inverted)).
pub(super) struct Postings<'a> {
    pub doc: &'a [u32],
    pub impact: &'a [u8],
    pub data: &'a [u8],
    pub end: &'a [u32],
}

/// Postings in term order, with where each term's run starts.
pub(super) struct ByTerm {
    pub term_start: Vec<u32>,
    pub doc: Vec<u32>,
    pub impact: Vec<u8>,
    pub data: Vec<u8>,
    pub end: Vec<u32>,
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
pub(super) fn scatter_by_term(rank: &[u32], terms: usize, from: Postings<'_>) -> ByTerm {
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
pub(super) fn prefix_key(term: &str) -> u64 {
    first_bytes(term).swap_bytes()
}

/// Groups `occ` by term number (`0..terms`) into `out`, keeping reading
/// order within a term: a counting sort, linear in the tokens.
pub(super) fn group_by_term(
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
}
