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
pub const MAX_WORD_CHARS: usize = 40;

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

/// Characters tokenized as CJK (bigrams). Hangul is left out on purpose:
/// Korean separates words with spaces, so it tokenizes as words.
/// The same table is in `client/search.js`.
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

/// A term and its position in the token stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub pos: u32,
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
    pub fn scan(&self, text: &str, start: u32, mut emit: impl FnMut(&str, u32)) -> u32 {
        // Most text is already NFKC (always so for ASCII): skip the copy.
        let owned: String;
        let normalized: &str = if unicode_normalization::is_nfkc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            text
        } else {
            owned = text.nfkc().collect();
            &owned
        };
        let mut pos = start;
        let mut word = String::new();
        let mut scratch = String::new();
        let mut run: Vec<char> = Vec::new();
        let mut emit_run = |run: &[char], pos: &mut u32, emit: &mut dyn FnMut(&str, u32)| {
            for (i, &c) in run.iter().enumerate() {
                scratch.clear();
                scratch.push(c);
                if let Some(&next) = run.get(i + 1) {
                    scratch.push(next);
                }
                emit(&scratch, *pos + i as u32);
            }
            *pos += run.len() as u32;
        };
        let mut term = String::new();
        let mut emit_word = |word: &str, pos: &mut u32, emit: &mut dyn FnMut(&str, u32)| {
            self.word_term_into(word, &mut term);
            emit(&term, *pos);
            *pos += 1;
        };
        for c in normalized.chars() {
            if is_cjk(c) {
                if !word.is_empty() {
                    emit_word(&word, &mut pos, &mut emit);
                    word.clear();
                }
                run.push(c);
            } else if c.is_alphanumeric() {
                if !run.is_empty() {
                    emit_run(&run, &mut pos, &mut emit);
                    run.clear();
                }
                word.push(c);
            } else {
                if !word.is_empty() {
                    emit_word(&word, &mut pos, &mut emit);
                    word.clear();
                }
                if !run.is_empty() {
                    emit_run(&run, &mut pos, &mut emit);
                    run.clear();
                }
            }
        }
        if !word.is_empty() {
            emit_word(&word, &mut pos, &mut emit);
        }
        if !run.is_empty() {
            emit_run(&run, &mut pos, &mut emit);
        }
        pos
    }

    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, 0, &mut out);
        out
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
        Tokenizer::new(lang)
            .tokenize(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
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
    fn language_codes() {
        assert_eq!(Language::from_code("zh-CN"), Language::Chinese);
        assert_eq!(Language::from_code("zh_Hans"), Language::Chinese);
        assert_eq!(Language::from_code("EN-gb"), Language::English);
        assert_eq!(Language::from_code("fr"), Language::Other);
        assert_eq!(Language::from_code(""), Language::Other);
    }
}
