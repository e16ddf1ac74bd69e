//! How every index file is wrapped and named: the script
//! `GrassrootsSearch.register("NAME", PAYLOAD);` around a payload, and the
//! name `PREFIX` + a hash of the payload + `.js` (see
//! `docs/search-format.md`, "Files").

use super::codec::{base64, deflate};
use super::constants::REGISTER_CALL;
use crate::SearchError;

/// A written file: name relative to the language folder and its bytes.
pub struct OutFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The entry's name when the caller gives none: `entry.HASH.js`.
const ENTRY_FILE_PREFIX: &str = "entry.";

/// `GrassrootsSearch.register("name", payload);` — payload is a JS expression.
pub(super) fn script(name: &str, payload: &str) -> Vec<u8> {
    let name = js_json(&name);
    let mut out = Vec::with_capacity(payload.len() + name.len() + 30);
    out.extend_from_slice(REGISTER_CALL.as_bytes());
    out.extend_from_slice(name.as_bytes());
    out.push(b',');
    out.extend_from_slice(payload.as_bytes());
    out.extend_from_slice(b");\n");
    out
}

/// The payload of an index file (the script every file is); anything
/// else is an error.
pub fn payload_of(file: &[u8]) -> Result<&[u8], SearchError> {
    let not_it = SearchError::Corrupt("not a search index file");
    let rest = file
        .strip_prefix(REGISTER_CALL.as_bytes())
        .ok_or(not_it.clone())?;
    let rest = rest.strip_suffix(b");\n").ok_or(not_it.clone())?;
    // The name is a JSON string of a file name: no comma or escaped quote.
    let comma = rest.iter().position(|&b| b == b',').ok_or(not_it)?;
    Ok(&rest[comma + 1..])
}

/// JSON text safe inside a script: U+2028/2029 escaped for older engines.
pub(super) fn js_json(v: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(v).expect("JSON of plain data");
    if text.contains(['\u{2028}', '\u{2029}']) {
        text.replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        text
    }
}

/// A file holding `raw` deflated and base64-encoded, named by a hash of
/// that payload (`s.`, `h.`, `r.`, `m.` + hash + `.js`).
pub(super) fn blob_file(prefix: &str, raw: &[u8]) -> OutFile {
    // A JSON string: the base64 alphabet needs no escaping.
    string_file(prefix, format!("\"{}\"", base64(&deflate(raw))))
}

/// A file whose payload is `payload` (a quoted string of base64), named
/// by a hash of it.
pub(super) fn string_file(prefix: &str, payload: String) -> OutFile {
    let name = named(prefix, &payload);
    OutFile {
        bytes: script(&name, &payload),
        name,
    }
}

/// The entry file, whose payload is `payload` (JSON), named `name` or by a
/// hash of its payload.
pub(super) fn entry_file(name: Option<&str>, payload: &str) -> OutFile {
    let name = name.map_or_else(|| named(ENTRY_FILE_PREFIX, payload), str::to_string);
    OutFile {
        bytes: script(&name, payload),
        name,
    }
}

fn named(prefix: &str, payload: &str) -> String {
    format!("{prefix}{}.js", hash8(payload))
}

/// Eight hex digits of a content hash (xxh3: the payloads add up to
/// megabytes, and a byte-at-a-time hash of them was 2% of an index build).
fn hash8(payload: &str) -> String {
    format!(
        "{:08x}",
        xxhash_rust::xxh3::xxh3_64(payload.as_bytes()) as u32
    )
}

/// The entry lists files by hash only; the client rebuilds
/// `{prefix}{hash}.js` (saves bytes in the one file every query reads).
pub(super) fn hash_of(name: &str) -> String {
    name.split('.').nth(1).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_a_script_around_its_payload() {
        let file = string_file(super::super::constants::META_FILE_PREFIX, "\"QUJD\"".into());
        assert!(file.name.starts_with("m.") && file.name.ends_with(".js"));
        assert_eq!(file.name.len(), "m.12345678.js".len());
        let text = String::from_utf8(file.bytes.clone()).unwrap();
        assert_eq!(
            text,
            format!("GrassrootsSearch.register(\"{}\",\"QUJD\");\n", file.name)
        );
        assert_eq!(payload_of(&file.bytes).unwrap(), b"\"QUJD\"");
        assert_eq!(hash_of(&file.name), &file.name[2..10]);
        assert!(payload_of(b"register(\"x\",1);\n").is_err());
    }
}
