//! Scale check: builds one language's index alone and writes it to
//! OUTDIR/search/LANG (so `client/cli.mjs OUTDIR LANG QUERY` can query it).
//!
//! Two sources of pages:
//!
//!     # N synthetic pages of ~600 characters cut from a corpus directory's text
//!     cargo run --release -p grassroots-search --example scale -- CORPUS_DIR LANG N OUTDIR
//!     # the pages of a site made by bench's gen_corpus.py (zola layout:
//!     # content/**/NAME.md for the default language "zh", NAME.LANG.md for
//!     # the others), turned into documents the way the site build does it
//!     cargo run --release -p grassroots-search --example scale -- --site CONTENT_DIR LANG OUTDIR
//!
//! Prints the build time, the file count and bytes, and the peak RSS of the
//! process (VmHWM, Linux). With `GRASSROOTS_REPEAT=R` in the environment the
//! index is built R times and the fastest build is reported;
//! `GRASSROOTS_TIERS=1` gives a small index the big-site files too (head
//! shards, deep and full records, metadata records), for tests;
//! `GRASSROOTS_TIERS=0` leaves them out of a big one, for comparisons.

use grassroots_search::{Document, Language, TextChunk, build_index_with};
use std::path::Path;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (docs, lang, out) = if a.first().map(String::as_str) == Some("--site") && a.len() >= 4 {
        (
            site_docs(Path::new(&a[1]), &a[2]),
            a[2].clone(),
            a[3].clone(),
        )
    } else if a.len() >= 4 && !a[0].starts_with("--") {
        let n: usize = a[2].parse().unwrap_or(10_000);
        (corpus_docs(&a[0], n), a[1].clone(), a[3].clone())
    } else {
        eprintln!(
            "usage: scale CORPUS_DIR LANG N OUTDIR\n       scale --site CONTENT_DIR LANG OUTDIR"
        );
        std::process::exit(2);
    };
    // GRASSROOTS_REPEAT=R builds the index R times and reports the fastest
    // (for profiling and for timing the index alone, without the disk).
    let repeat: usize = std::env::var("GRASSROOTS_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let tiers = match std::env::var("GRASSROOTS_TIERS").as_deref() {
        Ok("1") => Some(true),
        Ok("0") => Some(false),
        _ => None,
    };
    let n = docs.len();
    let (mut index, mut el) = (None, std::time::Duration::MAX);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        index =
            Some(build_index_with(Language::from_code(&lang), &docs, None, tiers).expect("index"));
        el = el.min(t.elapsed());
    }
    let index = index.expect("built once");
    let total = index
        .write_dir(&Path::new(&out).join("search").join(&lang))
        .expect("write the index");
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "?".into());
    println!(
        "{n} docs: {} files, {total} bytes, built in {:.0} ms, peak RSS {peak} kB",
        index.files.len(),
        el.as_secs_f64() * 1000.0
    );
}

/// Synthetic pages cut from the text of a directory of Markdown files.
fn corpus_docs(corpus: &str, n: usize) -> Vec<Document> {
    let mut text = String::new();
    let mut names: Vec<_> = std::fs::read_dir(corpus)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    for p in names {
        for line in std::fs::read_to_string(p).unwrap_or_default().lines() {
            if !line.starts_with("```") && !line.starts_with("{{") && !line.trim().is_empty() {
                text.push_str(line.trim());
                text.push('\n');
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    (0..n)
        .map(|i| {
            let start = (i * 997) % chars.len().saturating_sub(700).max(1);
            let body: String = chars[start..(start + 600).min(chars.len())]
                .iter()
                .collect();
            let (a, b) = body.split_at(body.char_indices().nth(300).map_or(body.len(), |x| x.0));
            Document {
                url: format!("p/{i}/"),
                title: format!("第{i}页 {}", a.chars().take(12).collect::<String>()),
                section_path: vec![format!("单元{}", i / 100)],
                chunks: vec![
                    TextChunk {
                        heading: None,
                        anchor: None,
                        text: a.to_string(),
                    },
                    TextChunk {
                        heading: Some(b.chars().take(10).collect()),
                        anchor: Some(format!("h{i}")),
                        text: b.to_string(),
                    },
                ],
            }
        })
        .collect()
}

/// The pages and sections of a generated site in one language. A small
/// Markdown reader for what gen_corpus.py writes (headings, paragraphs,
/// lists, tables, fenced code, links), producing text as
/// `src/markdown` does: blocks end with "\n", code text is indexed.
fn site_docs(content: &Path, lang: &str) -> Vec<Document> {
    let default = lang == "zh";
    let mut files = Vec::new();
    walk(content, &mut files);
    files.sort();
    let suffix = format!(".{lang}.md");
    let mine = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if default {
            name.ends_with(".md") && name.matches('.').count() == 1
        } else {
            name.ends_with(&suffix)
        }
    };
    // Section titles by folder, for the breadcrumbs.
    let mut section_title = std::collections::HashMap::new();
    let mut docs = Vec::new();
    for p in files.iter().filter(|p| mine(p)) {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let (title, body) = front_matter(&text);
        let rel = p.strip_prefix(content).unwrap_or(p);
        let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = name.split('.').next().unwrap_or("");
        let base = if default {
            String::new()
        } else {
            format!("{lang}/")
        };
        let dir_url: String = dir
            .iter()
            .map(|c| format!("{}/", c.to_string_lossy()))
            .collect();
        let (url, folder) = if stem == "_index" {
            section_title.insert(dir.clone(), title.clone());
            (
                format!("{base}{dir_url}"),
                dir.parent().map(Path::to_path_buf),
            )
        } else {
            (format!("{base}{dir_url}{stem}/"), Some(dir.clone()))
        };
        docs.push((
            folder,
            Document {
                url,
                title,
                section_path: Vec::new(),
                chunks: chunks(body),
            },
        ));
    }
    docs.into_iter()
        .map(|(folder, mut d)| {
            let mut path = Vec::new();
            let mut f = folder;
            while let Some(dir) = f {
                if let Some(t) = section_title.get(&dir) {
                    path.push(t.clone());
                }
                f = dir.parent().map(Path::to_path_buf);
            }
            path.reverse();
            d.section_path = path;
            d
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn front_matter(text: &str) -> (String, &str) {
    let Some(rest) = text.strip_prefix("+++\n") else {
        return (String::new(), text);
    };
    let Some(end) = rest.find("\n+++\n") else {
        return (String::new(), text);
    };
    let title = rest[..end]
        .lines()
        .find_map(|l| l.strip_prefix("title = "))
        .map(|t| t.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    (title, &rest[end + 5..])
}

/// `[text](target)` → text, `` `code` `` → code.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after
            .find("](")
            .and_then(|j| after[j..].find(')').map(|k| (j, j + k)))
        {
            Some((j, k)) => {
                out.push_str(&after[..j]);
                rest = &after[k + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace('`', "")
}

fn chunks(body: &str) -> Vec<TextChunk> {
    let mut chunks: Vec<TextChunk> = Vec::new();
    fn cur(chunks: &mut Vec<TextChunk>) -> &mut TextChunk {
        if chunks.is_empty() {
            chunks.push(TextChunk::default());
        }
        chunks.last_mut().expect("one")
    }
    fn block_end(chunks: &mut Vec<TextChunk>) {
        let c = cur(chunks);
        if !c.text.is_empty() && !c.text.ends_with('\n') {
            c.text.push('\n');
        }
    }
    let mut code: Option<String> = None;
    let mut para = false;
    for line in body.lines() {
        if let Some(c) = code.as_mut() {
            if line.starts_with("```") {
                let c = code.take().unwrap_or_default();
                cur(&mut chunks).text.push_str(&c);
                block_end(&mut chunks);
            } else {
                c.push_str(line);
                c.push('\n');
            }
            continue;
        }
        let t = line.trim();
        if t.starts_with("```") {
            if para {
                block_end(&mut chunks);
                para = false;
            }
            code = Some(String::new());
        } else if t.is_empty() {
            if para {
                block_end(&mut chunks);
                para = false;
            }
        } else if t.starts_with('#') {
            let h = inline(t.trim_start_matches('#').trim());
            chunks.push(TextChunk {
                anchor: Some(h.to_lowercase().replace(' ', "-")),
                heading: Some(h),
                text: String::new(),
            });
            para = false;
        } else if let Some(item) = t.strip_prefix("- ") {
            let c = cur(&mut chunks);
            c.text.push_str(&inline(item));
            block_end(&mut chunks);
        } else if t.starts_with('|') {
            if t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            for cell in t.trim_matches('|').split('|') {
                cur(&mut chunks).text.push_str(&inline(cell.trim()));
                block_end(&mut chunks);
            }
        } else {
            let c = cur(&mut chunks);
            if para {
                c.text.push(' ');
            }
            c.text.push_str(&inline(t));
            para = true;
        }
    }
    chunks.retain(|c| c.heading.is_some() || !c.text.trim().is_empty());
    for c in &mut chunks {
        let n = c.text.trim_end().len();
        c.text.truncate(n);
    }
    chunks
}
