//! The dev server's path handling: whatever request path arrives, a
//! resolved file lies inside the served folder, decoded segments are never
//! `.`, `..` or hold a separator, and the add-a-slash redirect never
//! points at another host (`//host`).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use grassroots::serve::http::{Resolved, add_slash_location, decode_path, resolve};
use libfuzzer_sys::fuzz_target;

/// A served folder with a page, a folder and a link out of it, next to a
/// secret it must never give out.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("grassroots-fuzz-{}", std::process::id()));
        let root = base.join("public");
        std::fs::create_dir_all(root.join("units/调查研究")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("units/调查研究/index.html"), "page").unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        let _ = std::os::unix::fs::symlink(base.join("secret.txt"), root.join("link.txt"));
        let _ = std::os::unix::fs::symlink(&base, root.join("up"));
        root.canonicalize().unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((segments, _)) = decode_path(raw) {
        for s in &segments {
            assert!(!s.is_empty() && s != "." && s != "..", "{raw:?} -> {s:?}");
            assert!(!s.contains(['/', '\\', '\0']), "{raw:?} -> {s:?}");
        }
    }
    let root = root();
    match resolve(root, raw) {
        Resolved::File(p) => assert!(p.starts_with(root), "{raw:?} -> {}", p.display()),
        Resolved::AddSlash => {
            let location = add_slash_location(raw, None);
            assert!(!location.starts_with("//"), "{raw:?} -> {location}");
        }
        _ => {}
    }
    let location = add_slash_location(raw, Some("q"));
    assert!(location.starts_with('/'), "{raw:?} -> {location}");
    let second = location[1..].chars().next();
    assert!(
        !second.is_some_and(|c| c == '/'
            || c == '\\'
            || c.is_ascii_whitespace()
            || c.is_ascii_control()),
        "{raw:?} -> {location}: a browser may read it as another host"
    );
});
