//! Builds search indexes of the Rust book corpus, one Document per chapter,
//! for measuring ranking quality with `client/eval.mjs`.
//!
//!     cargo run --release -p grassroots-search --example eval_trpl -- \
//!         /work/shared/corpus/trpl OUTDIR
//!
//! Writes OUTDIR/search/{zh,en}/… and prints build times. The Markdown
//! handling is deliberately rough (the real site goes through the main crate).

use grassroots_search::{Document, Language, TextChunk, build_index};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: eval_trpl CORPUS_DIR OUT_DIR");
        std::process::exit(2);
    }
    let corpus = Path::new(&args[1]);
    let out = Path::new(&args[2]);
    for lang in ["zh", "en"] {
        let docs = load(&corpus.join(lang));
        let t = Instant::now();
        let index = build_index(Language::from_code(lang), &docs).expect("index");
        let elapsed = t.elapsed();
        let total = index
            .write_dir(&out.join("search").join(lang))
            .expect("write the index");
        println!(
            "{lang}: {} docs, {} files, {} bytes, entry {}, built in {:.1} ms",
            docs.len(),
            index.files.len(),
            total,
            index.entry,
            elapsed.as_secs_f64() * 1000.0
        );
    }
}

pub fn load(dir: &Path) -> Vec<Document> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "SUMMARY.md")
        .collect();
    names.sort();
    let mut docs: Vec<Document> = Vec::new();
    let mut part_title = String::new();
    for name in names {
        let src = std::fs::read_to_string(dir.join(&name)).expect("read");
        let mut doc = parse(&src);
        let stem = name.trim_end_matches(".md");
        doc.url = format!("{stem}/");
        // chNN-00-*.md introduces a part; later chapters sit under it.
        if stem.contains("-00-") || stem == "appendix-00" {
            part_title = doc.title.clone();
        } else {
            doc.section_path = vec![part_title.clone()];
        }
        docs.push(doc);
    }
    docs
}

fn parse(src: &str) -> Document {
    let mut doc = Document::default();
    let mut chunk = TextChunk::default();
    let mut in_code = false;
    for line in src.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code && trimmed.starts_with('#') {
            let heading = clean(trimmed.trim_start_matches('#').trim());
            if doc.title.is_empty() {
                doc.title = heading;
                continue;
            }
            if !chunk.text.is_empty() || chunk.heading.is_some() {
                doc.chunks.push(std::mem::take(&mut chunk));
            }
            chunk.anchor = Some(slug(&heading));
            chunk.heading = Some(heading);
            continue;
        }
        if trimmed.starts_with("{{#") || (trimmed.starts_with('[') && trimmed.contains("]: ")) {
            continue;
        }
        let text = if in_code {
            line.to_string()
        } else {
            clean(line)
        };
        if !text.trim().is_empty() {
            chunk.text.push_str(text.trim());
            chunk.text.push('\n');
        }
    }
    if !chunk.text.is_empty() || chunk.heading.is_some() {
        doc.chunks.push(chunk);
    }
    doc
}

/// Strips inline Markdown and HTML roughly: links keep their text, tags and
/// emphasis markers go.
fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => {
                // skip an HTML tag
                if let Some(end) = chars[i..].iter().position(|&x| x == '>') {
                    i += end + 1;
                    continue;
                }
                out.push(c);
            }
            ']' if chars.get(i + 1) == Some(&'(') || chars.get(i + 1) == Some(&'[') => {
                let close = if chars[i + 1] == '(' { ')' } else { ']' };
                if let Some(end) = chars[i + 1..].iter().position(|&x| x == close) {
                    i += end + 2;
                    continue;
                }
            }
            '[' | ']' | '*' | '`' => {}
            '!' if chars.get(i + 1) == Some(&'[') => {}
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn slug(heading: &str) -> String {
    let mut s = String::new();
    for c in heading.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            s.push(c);
        } else if c.is_whitespace() {
            s.push('-');
        }
    }
    s
}
