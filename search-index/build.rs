//! Ships the browser scripts minified: `client/search.js`, which every cold
//! query reads, and `client/ui.js`, which every page with a search box
//! loads. The minifier is oxc's: it renames local variables, folds
//! constants and drops comments and whitespace. Both scripts are classic
//! scripts (each one function called at once), parsed as scripts, so
//! top-level names and property names stay as written. The tests run the
//! shipped copies (see `client/test/` and `tests/e2e/`).
//!
//! First it writes the format's shared constants (`src/format/constants.rs`)
//! into `client/search.js`, between its `BEGIN format constants` and `END
//! format constants` lines, so the client holds the Rust side's values
//! whether it is shipped or run as it is (the Node tests `require` the
//! source). The file is rewritten only when the block is out of date; the
//! minifier inlines the constants, so they cost the shipped script nothing.

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_minifier::{Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

#[allow(dead_code)] // build.rs writes what the client needs of it
#[path = "src/format/constants.rs"]
mod constants;

const CLIENT: &str = "client/search.js";
const BLOCK_BEGIN: &str = "  // BEGIN format constants";
const BLOCK_END: &str = "  // END format constants";

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    println!("cargo:rerun-if-changed=src/format/constants.rs");
    for (src, name, what) in [
        (CLIENT, "search.js", "grassroots search client"),
        ("client/ui.js", "ui.js", "grassroots search box"),
    ] {
        println!("cargo:rerun-if-changed={src}");
        let mut text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("read {src}: {e}"));
        if src == CLIENT {
            let current = with_constants(&text);
            if current != text {
                std::fs::write(src, &current).unwrap_or_else(|e| panic!("write {src}: {e}"));
                println!("cargo:warning=updated the format constants in {src}");
                text = current;
            }
        }
        let shipped = format!(
            "/* {what}: {src} in the grassroots sources, minified */\n{}\n",
            minify(src, &text)
        );
        let dest = std::path::Path::new(&out_dir).join(name);
        std::fs::write(&dest, shipped).unwrap_or_else(|e| panic!("write {}: {e}", dest.display()));
    }
}

/// The client's generated block: one `const` per shared constant, named
/// as in Rust.
fn constants_block() -> String {
    use constants::*;
    let string = |s: &str| format!("{s:?}");
    let magic = |m: [u8; 3]| string(std::str::from_utf8(&m).expect("ASCII magic"));
    let values = [
        ("FORMAT_VERSION", FORMAT_VERSION.to_string()),
        ("SHARD_MAGIC", magic(SHARD_MAGIC)),
        ("HEAD_MAGIC", magic(HEAD_MAGIC)),
        ("DEEP_DOCS", DEEP_DOCS.to_string()),
        ("MAX_WORD_CHARS", MAX_WORD_CHARS.to_string()),
        ("REGISTER_CALL", string(REGISTER_CALL)),
        ("FNV_OFFSET", format!("{FNV_OFFSET:#x}")),
        ("FNV_PRIME", format!("{FNV_PRIME:#010x}")),
        ("FULL_RECORD_DEFLATED", FULL_RECORD_DEFLATED.to_string()),
        ("SHARD_FILE_PREFIX", string(SHARD_FILE_PREFIX)),
        ("HEAD_FILE_PREFIX", string(HEAD_FILE_PREFIX)),
        ("RESULT_FILE_PREFIX", string(RESULT_FILE_PREFIX)),
        ("META_FILE_PREFIX", string(META_FILE_PREFIX)),
        ("DEEP_FILE_PREFIX", string(DEEP_FILE_PREFIX)),
        ("FULL_FILE_PREFIX", string(FULL_FILE_PREFIX)),
    ];
    values
        .iter()
        .map(|(name, value)| format!("  const {name} = {value};\n"))
        .collect()
}

/// `text` (the client) with its generated block written from the constants:
/// the lines between the `BEGIN` and the `END` line.
fn with_constants(text: &str) -> String {
    let missing = || panic!("{CLIENT} has no \"{BLOCK_BEGIN}\" … \"{BLOCK_END}\" block");
    let begin = text.find(BLOCK_BEGIN).unwrap_or_else(missing);
    let body = begin + text[begin..].find('\n').unwrap_or_else(missing) + 1;
    let end = text[body..].find(BLOCK_END).unwrap_or_else(missing) + body;
    format!("{}{}{}", &text[..body], constants_block(), &text[end..])
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
