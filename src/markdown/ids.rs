//! Heading ids that people can read in a URL.
//!
//! Generic slug crates transliterate Chinese to pinyin without tones
//! ("diao-cha-yan-jiu"), which nobody can read back; so ids are made here:
//! letters and digits of every script are kept (CJK stays CJK), ASCII is
//! lowercased, and everything else becomes a single `-`.

use std::collections::HashMap;

/// The readable id for a heading text: "调查研究下基层" → "调查研究下基层",
/// "Key points: the 4 units" → "key-points-the-4-units", "一、要义" → "一-要义".
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Hands out ids unique within one page: the second "要义" becomes "要义-1".
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashMap<String, usize>,
}

impl IdAllocator {
    /// Reserves an id the author gave explicitly (`## Title {#my-id}`).
    pub fn reserve(&mut self, id: &str) -> String {
        self.unique(id.to_string())
    }

    /// A unique id for a heading text.
    pub fn for_heading(&mut self, text: &str) -> String {
        let base = slugify(text);
        self.unique(if base.is_empty() {
            "section".to_string()
        } else {
            base
        })
    }

    fn unique(&mut self, base: String) -> String {
        if !self.used.contains_key(&base) {
            self.used.insert(base.clone(), 0);
            return base;
        }
        let mut n = self.used[&base];
        loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.used.contains_key(&candidate) {
                self.used.insert(base, n);
                self.used.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headings_stay_chinese() {
        assert_eq!(slugify("调查研究下基层"), "调查研究下基层");
        assert_eq!(slugify("一、要义"), "一-要义");
        assert_eq!(slugify("“上访”变“下访”"), "上访-变-下访");
        assert_eq!(slugify("第 3 章：Rust 入门"), "第-3-章-rust-入门");
    }

    #[test]
    fn english_headings() {
        assert_eq!(slugify("Key points: the 4 units"), "key-points-the-4-units");
        assert_eq!(slugify("  What's new?  "), "what-s-new");
        assert_eq!(slugify("snake_case stays"), "snake_case-stays");
    }

    #[test]
    fn ids_are_unique_per_page() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.for_heading("要义"), "要义");
        assert_eq!(ids.for_heading("要义"), "要义-1");
        assert_eq!(ids.reserve("要义-2"), "要义-2");
        assert_eq!(ids.for_heading("要义"), "要义-3");
        assert_eq!(ids.for_heading("!!!"), "section");
        assert_eq!(ids.for_heading("？"), "section-1");
    }
}
