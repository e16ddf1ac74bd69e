//! Ships `client/search.js` without its comment lines and indentation (the
//! client is read by every cold query: ~27 KB instead of ~37 KB). Only
//! whole-line comments are dropped (`//` lines and `/* … */` blocks that
//! start a line and end one), which is safe for that file: it has no
//! template literals or multi-line strings. The tests run the shipped copy
//! (see `client/test/`).

fn main() {
    let src = "client/search.js";
    println!("cargo:rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).expect("read client/search.js");
    let mut out = String::from(
        "/* grassroots search client (client/search.js in the grassroots sources, without comments) */\n",
    );
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if in_block {
            in_block = !t.ends_with("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.ends_with("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("search.js");
    std::fs::write(dest, out).expect("write search.js");
}
