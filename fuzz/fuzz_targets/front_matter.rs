//! Front matter splitting and parsing: any text gives a front matter and a
//! body, or an error; never a panic or a hang.
#![no_main]

use std::path::Path;

use grassroots::content::front_matter::split;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for is_section in [false, true] {
        if let Ok(s) = split(text, Path::new("content/fuzz.md"), is_section) {
            assert!(s.body_line >= 1);
            assert!(text.ends_with(s.body) || s.body.is_empty());
        }
    }
});
