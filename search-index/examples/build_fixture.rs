//! Builds a small bilingual fixture site's search index for the client tests:
//!
//!     cargo run -p grassroots-search --example build_fixture -- OUTDIR [--tiers]
//!
//! Writes OUTDIR/search/{zh,en}/… plus OUTDIR/{zh,en}/index.html with the
//! search box markup, and the client scripts under OUTDIR/assets/.

use grassroots_search::{CLIENT_JS, Document, Language, TextChunk, UI_JS, build_index_with};
use std::path::Path;

fn chunk(heading: Option<&str>, anchor: Option<&str>, text: &str) -> TextChunk {
    TextChunk {
        heading: heading.map(str::to_string),
        anchor: anchor.map(str::to_string),
        text: text.to_string(),
    }
}

fn doc(url: &str, title: &str, section: &[&str], chunks: Vec<TextChunk>) -> Document {
    Document {
        url: url.to_string(),
        title: title.to_string(),
        section_path: section.iter().map(|s| s.to_string()).collect(),
        chunks,
    }
}

pub fn zh_docs() -> Vec<Document> {
    vec![
        doc(
            "",
            "首页",
            &[],
            vec![chunk(
                None,
                None,
                "欢迎来到学习园地。这里收录四下基层的学习材料。",
            )],
        ),
        doc(
            "units/propaganda/",
            "宣传党的路线方针政策下基层",
            &["四下基层"],
            vec![
                chunk(
                    None,
                    None,
                    "本单元介绍宣传工作的基本方法。\n宣传要贴近群众。",
                ),
                chunk(
                    Some("信访接待下基层"),
                    Some("信访接待下基层"),
                    "领导干部定期到基层接待来访群众，当面听取意见。",
                ),
                chunk(
                    Some("调查研究"),
                    Some("调查研究"),
                    "调查研究是谋事之基、成事之道。使用HTTP请求获取数据时要注意安全。",
                ),
            ],
        ),
        doc(
            "units/study/",
            "现场办公下基层",
            &["四下基层"],
            vec![chunk(
                Some("工作方法"),
                Some("工作方法"),
                "现场办公解决问题。信访工作也很重要，但本页主要讲现场办公。ＡＢＣ全角字母与１２３数字。",
            )],
        ),
    ]
}

pub fn en_docs() -> Vec<Document> {
    vec![
        doc(
            "",
            "Home",
            &[],
            vec![chunk(None, None, "Welcome to the study portal.")],
        ),
        doc(
            "units/education/",
            "Education at the grassroots",
            &["Four visits"],
            vec![
                chunk(None, None, "Why education matters for local officials."),
                chunk(
                    Some("Methods of teaching"),
                    Some("methods-of-teaching"),
                    "Teaching happens in villages and towns.\nThe <script> tag is not special here & neither is \"quoting\".",
                ),
            ],
        ),
        doc(
            "units/petitions/",
            "Receiving petitions",
            &["Four visits"],
            vec![chunk(
                Some("Open days"),
                Some("open-days"),
                "Officials receive petitioners in person. Run `cargo clippy` to lint code.",
            )],
        ),
    ]
}

fn page(lang: &str, entry: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="{lang}" data-root="../">
<head><meta charset="utf-8"><title>fixture</title>
<meta name="grassroots-search" content="search/{lang}/{entry}"></head>
<body><form class="search" role="search" action="#"><label for="search-input">search</label>
<input type="search" id="search-input" autocomplete="off" data-no-results="none" data-results="{{n}} results">
<div id="search-results" aria-live="polite"></div></form>
<script src="../assets/ui.js" defer data-search-client="../assets/search.js"></script>
</body></html>
"##
    )
}

fn main() {
    // --tiers: with the big-site files (head shards, metadata bundles).
    let tiers = std::env::args().any(|a| a == "--tiers").then_some(true);
    let Some(out) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: build_fixture OUTDIR [--tiers]");
        std::process::exit(2);
    };
    let out = Path::new(&out);
    std::fs::create_dir_all(out.join("assets")).expect("mkdir");
    std::fs::write(out.join("assets/search.js"), CLIENT_JS).expect("write");
    std::fs::write(out.join("assets/ui.js"), UI_JS).expect("write");
    for (lang, docs) in [("zh", zh_docs()), ("en", en_docs())] {
        let index = build_index_with(Language::from_code(lang), &docs, None, tiers).expect("index");
        index
            .write_dir(&out.join("search").join(lang))
            .expect("write the index");
        std::fs::create_dir_all(out.join(lang)).expect("mkdir");
        std::fs::write(out.join(lang).join("index.html"), page(lang, &index.entry)).expect("write");
    }
    println!("{}", out.display());
}
