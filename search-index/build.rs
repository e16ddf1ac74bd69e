//! Ships the browser scripts minified: `client/search.js`, which every cold
//! query reads, and `client/ui.js`, which every page with a search box
//! loads. The minifier is oxc's: it renames local variables, folds
//! constants and drops comments and whitespace. Both scripts are classic
//! scripts (each one function called at once), parsed as scripts, so
//! top-level names and property names stay as written. The tests run the
//! shipped copies (see `client/test/` and `tests/e2e/`).

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_minifier::{Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    for (src, name, what) in [
        ("client/search.js", "search.js", "grassroots search client"),
        ("client/ui.js", "ui.js", "grassroots search box"),
    ] {
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("read {src}: {e}"));
        let shipped = format!(
            "/* {what}: {src} in the grassroots sources, minified */\n{}\n",
            minify(src, &text)
        );
        let dest = std::path::Path::new(&out_dir).join(name);
        std::fs::write(&dest, shipped).unwrap_or_else(|e| panic!("write {}: {e}", dest.display()));
    }
}

/// `text` minified; a syntax error stops the build with its message.
fn minify(src: &str, text: &str) -> String {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, text, SourceType::script()).parse();
    if let Some(e) = parsed.diagnostics.first() {
        panic!("{src} does not parse: {e}");
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions::default()).minify(&allocator, &mut program);
    Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code
}
