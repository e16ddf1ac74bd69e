//! Replays the inputs kept in fuzz/regressions/ (inputs that once found a
//! bug, or that stand for one the issue named) through the same checks as
//! the fuzz targets in fuzz/fuzz_targets/, so CI runs them without
//! libFuzzer.

mod common;

use std::fs;
use std::path::Path;

use grassroots::serve::http::{Resolved, add_slash_location, decode_path, resolve};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::repo().join("fuzz/regressions").join(target);
    let mut found: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no inputs in {}", dir.display());
    found
}

#[test]
fn serve_path_inputs() {
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("public");
    fs::create_dir_all(root.join("units/调查研究")).unwrap();
    fs::write(root.join("index.html"), "home").unwrap();
    fs::write(base.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(base.path(), root.join("up")).unwrap();
    let root = root.canonicalize().unwrap();
    for (name, data) in inputs("serve_path") {
        let Ok(raw) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Some((segments, _)) = decode_path(raw) {
            for s in &segments {
                assert!(!s.is_empty() && s != "." && s != "..", "{name}: {s:?}");
                assert!(!s.contains(['/', '\\', '\0']), "{name}: {s:?}");
            }
        }
        match resolve(&root, raw) {
            Resolved::File(p) => assert!(p.starts_with(&root), "{name}: {}", p.display()),
            Resolved::AddSlash => {
                assert!(!add_slash_location(raw, None).starts_with("//"), "{name}")
            }
            _ => {}
        }
        let location = add_slash_location(raw, Some("q"));
        let second = location[1..].chars().next();
        assert!(
            location.starts_with('/')
                && !second.is_some_and(|c| c == '/'
                    || c == '\\'
                    || c.is_ascii_whitespace()
                    || c.is_ascii_control()),
            "{name}: {location}"
        );
    }
}

#[test]
fn front_matter_inputs() {
    for (name, data) in inputs("front_matter") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        for is_section in [false, true] {
            if let Ok(s) = grassroots::content::front_matter::split(
                text,
                Path::new("content/fuzz.md"),
                is_section,
            ) {
                assert!(s.body_line >= 1, "{name}");
            }
        }
    }
}
