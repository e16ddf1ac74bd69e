//! Ships the browser scripts minified: `client/search.js`, which every cold
//! query reads, and `client/ui.js`, which every page with a search box
//! loads. The minifier is rustdoc's (the `minifier` crate): it drops
//! comments and whitespace and keeps names, so the shipped code reads like
//! the source, on one line. The tests run the shipped copies (see
//! `client/test/` and `tests/e2e/`).

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    for (src, name, what) in [
        ("client/search.js", "search.js", "grassroots search client"),
        ("client/ui.js", "ui.js", "grassroots search box"),
    ] {
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("read {src}: {e}"));
        let minified = minifier::js::minify(&text)
            .unwrap_or_else(|e| panic!("{src} could not be minified: {e}"))
            .to_string();
        let shipped =
            format!("/* {what}: {src} in the grassroots sources, minified */\n{minified}\n");
        let dest = std::path::Path::new(&out_dir).join(name);
        std::fs::write(&dest, shipped).unwrap_or_else(|e| panic!("write {}: {e}", dest.display()));
    }
}
