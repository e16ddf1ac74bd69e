//! Scale check: N synthetic pages of ~600 characters cut from a corpus
//! directory's text, indexed and written to OUTDIR/search/LANG.
//!
//!     cargo run --release -p grassroots-search --example scale -- CORPUS_DIR LANG N OUTDIR

use grassroots_search::{Document, Language, TextChunk, build_index};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 4 {
        eprintln!("usage: scale CORPUS_DIR LANG N OUTDIR");
        std::process::exit(2);
    }
    let n: usize = a[2].parse().unwrap_or(10_000);
    let mut text = String::new();
    let mut names: Vec<_> = std::fs::read_dir(&a[0])
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
    let docs: Vec<Document> = (0..n)
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
        .collect();
    let t = Instant::now();
    let inv = grassroots_search::index::invert(Language::from_code(&a[1]), &docs);
    println!(
        "invert alone: {:.0} ms ({} terms)",
        t.elapsed().as_secs_f64() * 1000.0,
        inv.terms.len()
    );
    drop(inv);
    let t = Instant::now();
    let index = build_index(Language::from_code(&a[1]), &docs).expect("index");
    let el = t.elapsed();
    let dir = std::path::Path::new(&a[3]).join("search").join(&a[1]);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut total = 0;
    for f in &index.files {
        total += f.bytes.len();
        std::fs::write(dir.join(&f.name), &f.bytes).expect("write");
    }
    println!(
        "{n} docs: {} files, {total} bytes, built in {:.0} ms",
        index.files.len(),
        el.as_secs_f64() * 1000.0
    );
}
