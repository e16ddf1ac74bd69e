//! The JSON of the index, as types: the entry file and every JSON record
//! (result bundles, excerpt records, metadata records). These types are
//! the schema: the writers build them and serde writes them, the decoders
//! read them back, and `docs/search-format.md` describes the same shapes.
//!
//! JSON arrays are tuple structs (a field's position is its place in the
//! array). The entry's fields are in the order its keys are written:
//! alphabetical, as the `serde_json::Value` it replaced wrote them; moving
//! a field changes every entry file's bytes.

use super::constants::FORMAT_VERSION;
use crate::SearchError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The entry file's payload (`entry.js`): what every query reads first.
/// The fields marked *tiered* are present exactly when the index has the
/// big-site files (head shards, deep and full records, metadata records).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// *Tiered*: hashes of the deep record files (`d.HASH.js`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deep: Option<Vec<String>>,
    /// Documents in the index.
    pub docs: usize,
    /// *Tiered*: hashes of the full record files (`p.HASH.js`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<Vec<String>>,
    /// *Tiered*: the head shards, in term order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<Vec<HeadShardRef>>,
    /// *Tiered*: postings a head shard keeps per term (`HEAD_DOCS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
    /// BM25 `k1` (the client scores with it).
    pub k1: f64,
    /// *Tiered*: postings a deep record keeps per term (`DEEP_DOCS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kd: Option<usize>,
    /// The tokenizer's language: "zh", "en" or "other".
    pub lang: Cow<'static, str>,
    /// *Tiered*: the metadata files, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Vec<MetaFileRef>>,
    /// *Tiered*: documents per metadata record (`META_GROUP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mg: Option<usize>,
    /// The result files (bundles, or excerpt records when tiered), in
    /// (document, block) order.
    pub res: Vec<ResultFileRef>,
    /// The term shards, in term order (none when tiered).
    pub shards: Vec<ShardRef>,
    /// Positions below this in a block are heading positions
    /// (`index::HEADING_SPAN`).
    pub span: u32,
    /// Whether Latin words are stemmed (the client stems the query alike).
    pub stem: bool,
    /// The format version, [`FORMAT_VERSION`].
    pub v: u64,
}

impl Entry {
    /// Reads an entry's JSON; an entry of another format version is an
    /// error, as it is for the client.
    pub fn from_json(json: &[u8]) -> Result<Entry, SearchError> {
        let entry: Entry =
            serde_json::from_slice(json).map_err(|_| SearchError::Corrupt("entry not JSON"))?;
        if entry.v != FORMAT_VERSION {
            return Err(SearchError::Corrupt("entry of another format version"));
        }
        Ok(entry)
    }
}

/// `[first term, hash]`: a term shard (`s.HASH.js`) and the first term it
/// holds ("" for the first shard, so every term has a shard).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardRef(pub String, pub String);

/// `[first term, hash, deep file, deep offset, full file, full offset]`:
/// a head shard (`h.HASH.js`) and where its terms' records start, for deep
/// and for full records: an index into the entry's `deep` (`full`) list and
/// an offset into that file's payload (the string literal's text, after
/// its opening quote).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadShardRef(
    pub String,
    pub String,
    pub usize,
    pub usize,
    pub usize,
    pub usize,
);

/// `[first document, first block, hash]`: a result file (`r.HASH.js`) and
/// the first (document, block) it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultFileRef(pub u32, pub u32, pub String);

/// `[first document, hash, [record length, ...]]`: a metadata file
/// (`m.HASH.js`) and the lengths of its records, back to back from its
/// payload's start; record `g` holds `META_GROUP` documents from `first
/// document + g·META_GROUP`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetaFileRef(pub usize, pub String, pub Vec<usize>);

/// One excerpt block: `[text, heading, anchor]`, or `[text]` when its
/// heading and anchor are the previous block's. A document without text
/// has the one excerpt `[""]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Excerpt<'a> {
    Headed(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>),
    Continued([Cow<'a, str>; 1]),
}

impl Excerpt<'_> {
    pub fn text(&self) -> &str {
        match self {
            Excerpt::Headed(text, _, _) | Excerpt::Continued([text]) => text,
        }
    }
}

/// One run of a document's blocks in a plain index's result bundle
/// (`r.HASH.js`, deflated JSON: an array of these): `[document, first
/// block, url, title, section path, [excerpt, ...]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleSegment<'a>(
    pub usize,
    pub u32,
    pub Cow<'a, str>,
    pub Cow<'a, str>,
    pub Cow<'a, [String]>,
    pub Vec<Excerpt<'a>>,
);

/// An excerpt record of a tiered index's result file, read by range:
/// `[document, first block, [excerpt, ...]]` (deflated JSON in base64).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExcerptRecord<'a>(pub u32, pub u32, pub Vec<Excerpt<'a>>);

/// A metadata record (`m.HASH.js`, read by range): `[first document,
/// [section path, ...], [row, ...], first excerpt record's offset]`, one
/// row per document; rows name their section path by its index in the
/// record's list (documents of a section share it). The offset is that of
/// the first document's first excerpt record in its result file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetaRecord<'a>(
    pub usize,
    pub Vec<Cow<'a, [String]>>,
    pub Vec<MetaRow<'a>>,
    pub usize,
);

/// `[url, title, section path index, record lengths]`. The record
/// lengths: `[length]` for a document in one excerpt record, else
/// `[length, first block, length, …]` (the first record starts at block
/// 1). Records are back to back, so offsets are sums of lengths.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetaRow<'a>(
    pub Cow<'a, str>,
    pub Cow<'a, str>,
    pub usize,
    pub Vec<usize>,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn tiered_entry() -> Entry {
        Entry {
            deep: Some(vec!["38f45d34".into()]),
            docs: 7,
            full: Some(vec!["38f45d34".into()]),
            heads: Some(vec![
                HeadShardRef("".into(), "57dcf87b".into(), 0, 0, 0, 0),
                HeadShardRef("站内".into(), "0e17fc52".into(), 0, 12, 0, 40),
            ]),
            k: Some(10),
            k1: 1.2,
            kd: Some(50),
            lang: "zh".into(),
            meta: Some(vec![MetaFileRef(0, "898024fb".into(), vec![380])]),
            mg: Some(16),
            res: vec![ResultFileRef(0, 1, "04ca550b".into())],
            shards: vec![],
            span: 64,
            stem: true,
            v: FORMAT_VERSION,
        }
    }

    #[test]
    fn entry_keys_are_written_in_their_order() {
        // A plain entry as the format has always written it.
        let plain = r#"{"docs":7,"k1":1.2,"lang":"zh","res":[[0,1,"a41037e7"]],"shards":[["","7f5e4604"],["对破","8767ca38"]],"span":64,"stem":true,"v":5}"#;
        let entry = Entry::from_json(plain.as_bytes()).unwrap();
        assert_eq!(entry.heads, None);
        assert_eq!(entry.shards[1], ShardRef("对破".into(), "8767ca38".into()));
        assert_eq!(serde_json::to_string(&entry).unwrap(), plain);
    }

    #[test]
    fn tiered_entry_round_trips() {
        let entry = tiered_entry();
        let json = serde_json::to_string(&entry).unwrap();
        assert!(json.starts_with(r#"{"deep":["38f45d34"],"docs":7,"full""#));
        assert!(json.contains(r#""heads":[["","57dcf87b",0,0,0,0],["站内","0e17fc52",0,12,0,40]],"k":10,"k1":1.2,"kd":50,"#));
        assert_eq!(Entry::from_json(json.as_bytes()).unwrap(), entry);
    }

    #[test]
    fn another_version_is_refused() {
        let mut entry = tiered_entry();
        entry.v = FORMAT_VERSION + 1;
        let json = serde_json::to_vec(&entry).unwrap();
        assert!(Entry::from_json(&json).is_err());
        assert!(Entry::from_json(b"[]").is_err());
    }

    #[test]
    fn records_round_trip_as_arrays() {
        let path = vec!["单元".to_string()];
        let excerpts = vec![
            Excerpt::Headed("正文".into(), "要义".into(), "要义".into()),
            Excerpt::Continued(["下文".into()]),
        ];
        let record = ExcerptRecord(3, 1, excerpts.clone());
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(json, r#"[3,1,[["正文","要义","要义"],["下文"]]]"#);
        assert_eq!(
            serde_json::from_str::<ExcerptRecord>(&json).unwrap(),
            record
        );

        let segment = BundleSegment(
            3,
            1,
            "u/".into(),
            "T".into(),
            path.as_slice().into(),
            excerpts,
        );
        let json = serde_json::to_string(&segment).unwrap();
        assert_eq!(
            json,
            r#"[3,1,"u/","T",["单元"],[["正文","要义","要义"],["下文"]]]"#
        );
        assert_eq!(
            serde_json::from_str::<BundleSegment>(&json).unwrap(),
            segment
        );

        let meta = MetaRecord(
            16,
            vec![path.as_slice().into()],
            vec![MetaRow("u/".into(), "T".into(), 0, vec![120, 4, 96])],
            310,
        );
        let json = serde_json::to_string(&meta).unwrap();
        assert_eq!(json, r#"[16,[["单元"]],[["u/","T",0,[120,4,96]]],310]"#);
        assert_eq!(serde_json::from_str::<MetaRecord>(&json).unwrap(), meta);
    }
}
