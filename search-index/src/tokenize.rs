//! Tokenization shared by the index builder and (mirrored line by line) by
//! `client/search.js`. Every rule here must be reproducible in a browser
//! without a dictionary, because the query is tokenized there: a term the
//! index writes but the client cannot produce for the same text is a term
//! nobody can ever find.
//!
//! Rules, applied to the whole text:
//! 1. Unicode NFKC (full-width Latin letters, digits and punctuation become
//!    ASCII; compatibility ideographs become unified ones).
//! 2. The text splits into runs: CJK runs (Han, kana; see [`is_cjk`]),
//!    word runs (`char::is_alphanumeric`, i.e. Unicode Alphabetic or a
//!    numeric category) and separators (everything else, including `_`
//!    and apostrophes, so `read_to_string` is three words).
//! 3. A word is lowercased, cut to [`MAX_WORD_CHARS`] characters and, when the
//!    language stems and the word is plain ASCII letters, stemmed with
//!    Snowball English. Each word takes one position.
//! 4. A CJK run of n characters takes n positions: the bigram starting at each
//!    character, except the last character, which is emitted alone. Every
//!    character therefore starts exactly one term, so a one-character query
//!    is a prefix search over the terms that start with it, and a longer
//!    query is a chain of adjacent bigrams (a phrase).

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Longer words are cut; the client cuts identically (by code points).
pub use crate::format::constants::MAX_WORD_CHARS;

/// A cache is emptied when it reaches this many words (bounds memory) …
const STEM_CACHE_MAX: usize = 1 << 16;
/// … and holds no word longer than this.
const CACHED_WORD_MAX_BYTES: usize = 48;

/// Up to the first 8 bytes of `s`, byte `i` in bits `8i..8i + 8`: a string
/// of at most 8 bytes without NUL (no term or word has one) packed into an
/// integer, one to one. A shift loop, not a copy into an array: a copy of a
/// variable length is a call to memcpy, for every token.
#[inline]
pub(crate) fn first_bytes(s: &str) -> u64 {
    s.bytes()
        .take(8)
        .enumerate()
        .fold(0u64, |key, (i, x)| key | u64::from(x) << (8 * i))
}

/// `s` packed by [`first_bytes`] when it has at most 8 bytes (then the
/// integer stands for the whole string).
#[inline]
pub(crate) fn packed(s: &str) -> Option<u64> {
    (s.len() <= 8).then(|| first_bytes(s))
}

/// Memoised terms of a stemming tokenizer: word as written → term.
///
/// A word and its term of up to 8 bytes each (most English words) are
/// stored packed by [`first_bytes`]: a lookup is one probe of a table of
/// integers. Keyed by strings, a lookup also followed a pointer to the key
/// and compared it, a second cache miss in a table the size of the
/// vocabulary (the English index build took 9% longer).
#[derive(Default)]
pub(crate) struct StemCache {
    short: rustc_hash::FxHashMap<u64, u64>,
    long: rustc_hash::FxHashMap<Box<str>, Box<str>>,
}

impl StemCache {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// Puts the cached term of `word` in `out`; false if there is none.
    #[inline]
    fn get_into(&self, word: &str, out: &mut String) -> bool {
        out.clear();
        if let Some(key) = packed(word) {
            let Some(&term) = self.short.get(&key) else {
                return false;
            };
            let bytes = term.to_le_bytes();
            let len = 8 - term.leading_zeros() as usize / 8;
            // Packed from a str, so this cannot fail; a miss would only
            // cost a recomputation.
            match std::str::from_utf8(&bytes[..len]) {
                Ok(t) => out.push_str(t),
                Err(_) => return false,
            }
        } else {
            let Some(term) = self.long.get(word) else {
                return false;
            };
            out.push_str(term);
        }
        true
    }

    fn insert(&mut self, word: &str, term: &str) {
        if self.len() >= STEM_CACHE_MAX {
            self.clear();
        }
        match (packed(word), packed(term)) {
            (Some(w), Some(t)) if !term.is_empty() => {
                self.short.insert(w, t);
            }
            (None, _) => {
                self.long.insert(word.into(), term.into());
            }
            _ => {}
        }
        // (A short word whose term is longer, from a lowercase mapping that
        // grows, is rare: it is recomputed each time.)
    }
}

/// Which rules apply to a language's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
    Other,
}

impl Language {
    /// "zh", "zh-CN", "zh-Hans", "zh_TW" → Chinese; "en", "en-GB" → English;
    /// anything else → Other. Case-insensitive.
    pub fn from_code(code: &str) -> Language {
        let primary = code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "cmn" | "yue" => Language::Chinese,
            "en" => Language::English,
            _ => Language::Other,
        }
    }

    /// Latin words are stemmed in Chinese text too: the untranslated terms in
    /// Chinese technical prose are English ("vectors", "closures").
    pub fn stems(self) -> bool {
        matches!(self, Language::Chinese | Language::English)
    }

    /// Short code written into the entry file.
    pub fn code(self) -> &'static str {
        match self {
            Language::Chinese => "zh",
            Language::English => "en",
            Language::Other => "other",
        }
    }
}

/// Characters tokenized as CJK (bigrams), and the crate's one answer to
/// "is this character read one by one?" (exported as `grassroots_search::is_cjk`).
/// Han ideographs of every extension, kana, 々 and 〇. Hangul is left out on
/// purpose: Korean separates words with spaces, so it tokenizes as words.
/// The same table is in `client/search.js` (`isCjk`).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007                // 々 〇
        | 0x3040..=0x30FF              // Hiragana, Katakana
        | 0x31F0..=0x31FF              // Katakana phonetic extensions
        | 0x3400..=0x4DBF              // CJK Extension A
        | 0x4E00..=0x9FFF              // CJK Unified Ideographs
        | 0xF900..=0xFAFF              // CJK Compatibility Ideographs
        | 0x20000..=0x3FFFF) // Extensions B and later
}

/// True when `c` is NFKC_QC=Yes with canonical combining class 0: text can
/// be cut before such a character and each side normalised on its own
/// (UAX #15 §9), and the character itself is left unchanged.
#[inline]
fn nfkc_stable(c: char) -> bool {
    let u = c as u32;
    // Fast ranges: ASCII, and CJK Unified Ideographs (+ Extension A), which
    // NFKC never changes and which never combine with a neighbour.
    if u < 0x80 || (0x4E00..=0x9FFF).contains(&u) || (0x3400..=0x4DBF).contains(&u) {
        return true;
    }
    if u < 0x10000 {
        return bmp_stable(u);
    }
    nfkc_stable_lookup(c)
}

fn nfkc_stable_lookup(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) == 0
        && unicode_normalization::is_nfkc_quick(std::iter::once(c))
            == unicode_normalization::IsNormalized::Yes
}

/// [`nfkc_stable`] for a BMP code point, from a bitmap filled 64 code
/// points at a time on first use: Chinese punctuation (。、“”《》) is
/// frequent, and the Unicode tables take several lookups per character.
fn bmp_stable(u: u32) -> bool {
    use std::sync::atomic::{AtomicU64, Ordering};
    /// Bit `u % 64` of word `u / 64`: whether `u` is stable …
    static STABLE: [AtomicU64; 1024] = [const { AtomicU64::new(0) }; 1024];
    /// … valid once bit `u / 64 % 64` of word `u / 4096` is set here.
    static FILLED: [AtomicU64; 16] = [const { AtomicU64::new(0) }; 16];
    let (block, bit) = ((u / 64) as usize, u % 64);
    let filled_bit = 1u64 << (block % 64);
    if FILLED[block / 64].load(Ordering::Acquire) & filled_bit == 0 {
        let mut bits = 0u64;
        for k in 0..64 {
            let stable = char::from_u32(block as u32 * 64 + k).is_some_and(nfkc_stable_lookup);
            bits |= u64::from(stable) << k;
        }
        // Two threads may fill a block at once; they store the same bits.
        STABLE[block].store(bits, Ordering::Relaxed);
        FILLED[block / 64].fetch_or(filled_bit, Ordering::Release);
    }
    STABLE[block].load(Ordering::Relaxed) >> bit & 1 == 1
}

/// The ASCII character NFKC maps a full-width form (U+FF01..U+FF5E) or the
/// ideographic space to.
#[inline]
fn full_width_ascii(c: char) -> Option<char> {
    match c as u32 {
        0x3000 => Some(' '),
        u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0),
        _ => None,
    }
}

/// The character that starts at byte `i` of `text` (a char boundary).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().expect("a character starts here")
}

/// How many bytes from `i` on satisfy `keep` (up to the end).
#[inline]
fn run_while(bytes: &[u8], i: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| !keep(b))
        .unwrap_or(bytes.len() - i)
}

/// NFKC of `text`, or None when `text` is already NFKC. Only the segments
/// around characters that NFKC may change are normalised (a segment runs
/// from the last stable character before them to the next stable one), so
/// the result equals `text.nfkc()` exactly at a fraction of the cost on
/// Chinese prose with full-width punctuation. ASCII, always stable, is
/// skipped a run at a time.
pub fn nfkc_fast(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // Start (byte) of the text not yet copied to `out`.
    let mut copied = 0usize;
    // Byte offset of the last stable character seen (a safe cut point).
    let mut last_stable = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += run_while(bytes, i, |b| b < 0x80);
            last_stable = i - 1;
            continue;
        }
        let c = char_at(text, i);
        let next = i + c.len_utf8();
        if nfkc_stable(c) {
            last_stable = i;
            i = next;
            continue;
        }
        // Fast path for Chinese prose: a full-width ASCII form (，（）：１)
        // or the ideographic space is a starter whose NFKC is one ASCII
        // character that composes with nothing before it; followed by a
        // stable character (or nothing), that character is final.
        if let Some(ascii) = full_width_ascii(c)
            && text[next..].chars().next().is_none_or(nfkc_stable)
        {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..i]);
            o.push(ascii);
            copied = next;
            i = next;
            continue;
        }
        // Unstable: normalise from the last stable character (it may
        // compose with what follows) to the next stable one.
        let seg_start = last_stable.max(copied);
        let mut seg_end = text.len();
        let mut j = next;
        while j < bytes.len() {
            let d = char_at(text, j);
            if nfkc_stable(d) {
                seg_end = j;
                last_stable = j;
                break;
            }
            j += d.len_utf8();
        }
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[copied..seg_start]);
        o.extend(text[seg_start..seg_end].nfkc());
        copied = seg_end;
        if seg_end == text.len() {
            break;
        }
        // The stable character at `seg_end` needs no further look.
        i = seg_end + char_at(text, seg_end).len_utf8();
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// A term and its position in the token stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub pos: u32,
}

/// Receives the tokens of [`Tokenizer::scan_into`].
pub(crate) trait TokenSink {
    /// A term of a CJK run: a bigram, or the run's last character.
    fn cjk(&mut self, term: &str, pos: u32);
    /// A word as written: a run of letters and digits.
    fn word(&mut self, word: &str, pos: u32);
}

/// The sink of [`Tokenizer::scan`]: every token's term to `emit` (its
/// words' terms memoised in `cache`, if given).
struct EmitTerms<'a, F> {
    tok: &'a Tokenizer,
    cache: Option<&'a mut StemCache>,
    term: String,
    emit: F,
}

impl<F: FnMut(&str, u32)> TokenSink for EmitTerms<'_, F> {
    fn cjk(&mut self, term: &str, pos: u32) {
        (self.emit)(term, pos)
    }

    fn word(&mut self, word: &str, pos: u32) {
        self.tok
            .word_term_cached(word, self.cache.as_deref_mut(), &mut self.term);
        (self.emit)(&self.term, pos)
    }
}

/// The end of the word that continues at byte `i` of `text`: letters and
/// digits, not CJK.
#[inline]
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        i += run_while(bytes, i, |b| b.is_ascii_alphanumeric());
        match bytes.get(i) {
            Some(&b) if b >= 0x80 => {
                let c = char_at(text, i);
                if is_cjk(c) || !c.is_alphanumeric() {
                    return i;
                }
                i += c.len_utf8();
            }
            _ => return i,
        }
    }
}

/// Tokenizer with its stemmer built once.
pub struct Tokenizer {
    stemmer: Option<Stemmer>,
}

impl Tokenizer {
    pub fn new(language: Language) -> Tokenizer {
        Tokenizer {
            stemmer: language
                .stems()
                .then(|| Stemmer::create(Algorithm::English)),
        }
    }

    /// Tokenizes `text`, numbering positions from `start`. Returns the next
    /// free position.
    pub fn tokenize_into(&self, text: &str, start: u32, out: &mut Vec<Token>) -> u32 {
        self.scan(text, start, |term, pos| {
            out.push(Token {
                term: term.to_string(),
                pos,
            })
        })
    }

    /// As [`Tokenizer::tokenize_into`], calling `emit(term, position)` for
    /// each token instead of allocating it. Returns the next free position.
    pub fn scan(&self, text: &str, start: u32, emit: impl FnMut(&str, u32)) -> u32 {
        let mut sink = EmitTerms {
            tok: self,
            cache: None,
            term: String::new(),
            emit,
        };
        self.scan_into(text, start, &mut sink)
    }

    /// Tokenizes `text` into `sink`, numbering positions from `start`:
    /// CJK terms as they are, words as written (the sink turns them into
    /// terms with [`Tokenizer::word_term_cached`], and may remember a
    /// word's term or what it made of it). Returns the next free position.
    pub(crate) fn scan_into(&self, text: &str, start: u32, sink: &mut impl TokenSink) -> u32 {
        // Most text is already NFKC (always so for ASCII): skip the copy.
        let owned: String;
        let normalized: &str = match nfkc_fast(text) {
            None => text,
            Some(s) => {
                owned = s;
                &owned
            }
        };
        // Words and CJK terms are slices of the normalized text: a bigram
        // is the two characters' bytes as they stand, so nothing is copied.
        // Each character of a CJK run starts one term: the bigram with the
        // next character, or, at the end of the run, itself alone.
        let mut pos = start;
        let bytes = normalized.as_bytes();
        // Start of the previous character of the CJK run being read.
        let mut cjk_prev: Option<usize> = None;
        let mut i = 0;
        while i < bytes.len() {
            // ASCII is classified by its byte; other characters are decoded.
            let b = bytes[i];
            let (word, len) = if b < 0x80 {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = char_at(normalized, i);
                let len = c.len_utf8();
                if is_cjk(c) {
                    if let Some(p) = cjk_prev {
                        sink.cjk(&normalized[p..i + len], pos);
                        pos += 1;
                    }
                    cjk_prev = Some(i);
                    i += len;
                    continue;
                }
                (c.is_alphanumeric(), len)
            };
            if let Some(p) = cjk_prev.take() {
                sink.cjk(&normalized[p..i], pos);
                pos += 1;
            }
            if word {
                let end = word_end(normalized, i + len);
                sink.word(&normalized[i..end], pos);
                pos += 1;
                i = end;
            } else {
                i += len;
            }
        }
        if let Some(p) = cjk_prev {
            sink.cjk(&normalized[p..], pos);
            pos += 1;
        }
        pos
    }

    /// The term of `word` into `out`, memoised in `cache` when the
    /// tokenizer stems (Snowball is the costliest step, and most words
    /// repeat).
    pub(crate) fn word_term_cached(
        &self,
        word: &str,
        cache: Option<&mut StemCache>,
        out: &mut String,
    ) {
        match cache.filter(|_| self.stemmer.is_some()) {
            Some(cache) if word.len() <= CACHED_WORD_MAX_BYTES => {
                if !cache.get_into(word, out) {
                    self.word_term_into(word, out);
                    cache.insert(word, out);
                }
            }
            _ => self.word_term_into(word, out),
        }
    }

    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, 0, &mut out);
        out
    }

    /// Just the terms of `text`, in order (what tests and tools compare).
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.tokenize(text).into_iter().map(|t| t.term).collect()
    }

    /// The term a single word becomes (lowercase, cut, stemmed).
    pub fn word_term(&self, word: &str) -> String {
        let mut out = String::new();
        self.word_term_into(word, &mut out);
        out
    }

    /// As [`Tokenizer::word_term`], into a reused buffer.
    pub fn word_term_into(&self, word: &str, out: &mut String) {
        out.clear();
        if word.is_ascii() {
            // Fast path: ASCII lowercases byte by byte, one byte a char.
            out.extend(
                word.chars()
                    .take(MAX_WORD_CHARS)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else {
            out.extend(word.to_lowercase().chars().take(MAX_WORD_CHARS));
        }
        if let Some(stemmer) = &self.stemmer {
            // Snowball English is defined on English letters; stemming other
            // scripts would only produce surprises the client must copy.
            if !out.is_empty() && out.bytes().all(|b| b.is_ascii_lowercase()) {
                let stemmed = stemmer.stem(out);
                if stemmed.as_ref() != out.as_str() {
                    let s = stemmed.into_owned();
                    *out = s;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: Language, text: &str) -> Vec<String> {
        Tokenizer::new(lang).terms(text)
    }

    #[test]
    fn chinese_bigrams_and_words() {
        assert_eq!(
            terms(Language::Chinese, "使用Vector存储"),
            ["使用", "用", "vector", "存储", "储"]
        );
        assert_eq!(terms(Language::Chinese, "锁"), ["锁"]);
    }

    #[test]
    fn nfkc_fast_matches_full_nfkc() {
        let full = |s: &str| -> String { s.nfkc().collect() };
        let samples = [
            "",
            "plain ascii",
            "使用Vector存储，（括号）！",
            "ｆｕｌｌ－ｗｉｄｔｈ１２３",
            "e\u{301}a\u{300}\u{316}x",
            "\u{301}leading mark",
            "한\u{11A8}글 \u{1100}\u{1161}\u{11A8}",
            "\u{F900}\u{FA0E}豈 ﬁ ① ㍿ ｶﾞ",
            "末尾，",
            "Å\u{212B}\u{2126}",
            "Ａ\u{301}，\u{3000}ｅ\u{300}（中）\u{3000}",
            "ｆｕｌｌ，",
            // ASCII runs (skipped a run at a time) next to marks that
            // compose with their last letter.
            "plain ascii e\u{301} then more ascii",
            "abc\u{301}\u{302}de ｆ",
            "中文abc\u{300}",
        ];
        for s in samples {
            let got = nfkc_fast(s).unwrap_or_else(|| s.to_string());
            assert_eq!(got, full(s), "{s:?}");
        }
        // Pseudo-random mixes of interesting characters.
        let pool: Vec<char> = "aeAE a\u{301}\u{300}\u{327}\u{316}，。（）ｆ１\u{3000}Ａ字漢\u{F900}ｶﾞﾞ\u{3099}か\u{1100}\u{1161}\u{11A8}가ﬁ①"
            .chars()
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(pool[(x % pool.len() as u64) as usize]);
            }
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            let got = nfkc_fast(&s).unwrap_or_else(|| s.clone());
            assert_eq!(got, full(&s), "{s:?}");
        }
    }

    #[test]
    fn stable_bitmap_matches_unicode_tables() {
        for u in 0..0x10000u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(nfkc_stable(c), nfkc_stable_lookup(c), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn stem_cache_gives_same_terms() {
        let tok = Tokenizer::new(Language::English);
        let text = "Running runners ran; the vectors' closures RUNNING 使用Vectors running";
        let mut plain = Vec::new();
        tok.scan(text, 0, |t, p| plain.push((t.to_string(), p)));
        let mut cache = StemCache::default();
        for _ in 0..2 {
            let mut cached = Vec::new();
            let mut sink = EmitTerms {
                tok: &tok,
                cache: Some(&mut cache),
                term: String::new(),
                emit: |t: &str, p| cached.push((t.to_string(), p)),
            };
            tok.scan_into(text, 0, &mut sink);
            assert_eq!(cached, plain);
        }
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::from_code("zh-CN"), Language::Chinese);
        assert_eq!(Language::from_code("zh_Hans"), Language::Chinese);
        assert_eq!(Language::from_code("EN-gb"), Language::English);
        assert_eq!(Language::from_code("fr"), Language::Other);
        assert_eq!(Language::from_code(""), Language::Other);
    }
}
