//! Prints the Rust tokenizer's output for every line of FILE as JSON, for the
//! JS/Rust agreement test: `[[lang, line, [[term, pos], ...]], ...]`.
//!
//!     cargo run -p grassroots-search --example tokenize -- FILE [LANG...]

use grassroots_search::{Language, Tokenizer};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: tokenize FILE [LANG...]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| {
        eprintln!("{file}: {e}");
        std::process::exit(1);
    });
    let langs: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec!["zh", "en", "fr"]
    };
    let mut out = Vec::new();
    for lang in langs {
        let tok = Tokenizer::new(Language::from_code(lang));
        for line in text.lines() {
            let tokens: Vec<serde_json::Value> = tok
                .tokenize(line)
                .into_iter()
                .map(|t| serde_json::json!([t.term, t.pos]))
                .collect();
            out.push(serde_json::json!([lang, line, tokens]));
        }
    }
    println!("{}", serde_json::Value::Array(out));
}
