//! The on-disk format of a language's index under `public/search/{lang}/`,
//! written here and read by `client/search.js`. The format is described
//! once, in `docs/search-format.md`: every file kind, its name, its layout,
//! how the client finds records and how it is versioned. This module
//! decides what goes in which file ([`write_index_with`]); its submodules
//! hold the pieces:
//!
//! * [`constants`]: the numbers and strings the client shares (written
//!   into `client/search.js` by `build.rs`);
//! * [`schema`]: the JSON files and records, as serde types;
//! * `files`: the script every file is and how files are named;
//! * `codec`: varints, checksums, base64, deflate;
//! * `shards`: term shards, the postings encoding and the term dictionary;
//! * `heads`: a tiered index's head shards, deep and full records;
//! * `results`: result bundles, excerpt and metadata records;
//! * `budget`: whether an index is tiered, and how its files are counted.

mod budget;
mod codec;
pub mod constants;
mod files;
mod heads;
mod results;
pub mod schema;
mod shards;

pub use codec::{base64, deflate, fnv32, get_varint, inflate, put_varint, unbase64};
pub use constants::{DEEP_DOCS, FORMAT_VERSION};
pub use files::{OutFile, payload_of};
pub use heads::{HEAD_DOCS, HeadTerm, decode_deep_record, decode_full_record, decode_head_shard};
pub use results::{decode_meta_record, decode_record};
pub use shards::decode_shard;

use crate::SearchError;
use crate::index::Inverted;
use budget::{RESULTS_READ, allocate, group_ranges, tiered};
use constants::{
    DEEP_FILE_PREFIX, FULL_FILE_PREFIX, HEAD_FILE_PREFIX, META_FILE_PREFIX, SHARD_FILE_PREFIX,
};
use files::{blob_file, entry_file, hash_of, js_json, string_file};
use heads::{
    Best, best_postings, deep_record, encode_head_shard, full_record, head_postings_len,
    record_files, record_lens,
};
use results::{DocBlocks, RESULT_TARGET_BYTES, Ranged, bundles, meta_record, ranged_results};
use schema::{Entry, HeadShardRef, MetaFileRef, ShardRef};
use shards::{encode_shard, postings_len};

/// Files of deep records and of full records (every posting of a term in
/// more than [`DEEP_DOCS`] documents; a tiered index has no term shards).
const DEEP_FILES: usize = 10;
const FULL_FILES: usize = 40;
/// Raw size aimed at for a head shard: a one-word query reads one whole
/// (a word of two or three bigrams, two or three), so heads get many small
/// files. At 10,000 pages a language 12 KB gives about 100 of them, 11 KB
/// each on disk (24 KB, the earlier size, read 20 KB a head).
const HEAD_TARGET_BYTES: usize = 12 * 1024;
/// Documents per metadata record: a result reads one record, and the
/// entry, which every query reads, carries each record's length.
pub const META_GROUP: usize = 16;
/// Metadata files are read by range: their size matters only where ranges
/// are not served.
const META_TARGET_BYTES: usize = 64 * 1024;
/// At most this share of the file budget goes to head shards and metadata.
const TIER_MAX_FILES: usize = 110;

/// Smallest useful size of a term shard (before compression); on big sites
/// files grow so that the count stays within [`MAX_FILES`].
const SHARD_TARGET_BYTES: usize = 6 * 1024;
/// Files per language, whatever the site's size (static hosts limit file
/// counts): files grow instead.
pub const MAX_FILES: usize = 300;

/// Per-document data the entry does not hold, for result display.
pub struct DocMeta<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub section_path: &'a [String],
}

/// Writes every file of one language's index, plain or tiered by its
/// size, and returns them with the entry's name. `entry_name` names the
/// entry file when the caller must know it before the index exists (pages
/// that link to it are rendered first); by default it is hashed like the
/// others.
pub fn write_index(
    inv: &Inverted,
    docs: &[DocMeta<'_>],
    entry_name: Option<&str>,
) -> Result<(Vec<OutFile>, String), SearchError> {
    write_index_with(inv, docs, entry_name, None)
}

/// As [`write_index`]; `tiers` forces the tiered layout (head shards,
/// deep, full, metadata and excerpt records) on or off; `None` decides by
/// size (see `budget::tiered`).
pub fn write_index_with(
    inv: &Inverted,
    docs: &[DocMeta<'_>],
    entry_name: Option<&str>,
    tiers: Option<bool>,
) -> Result<(Vec<OutFile>, String), SearchError> {
    use rayon::prelude::*;

    // Term shards: sizes first, then each shard encoded, deflated and
    // dropped on its own (nothing holds every shard's raw bytes at once).
    let sizes: Vec<usize> = (0..inv.terms.len())
        .into_par_iter()
        .map(|t| inv.terms[t].len() + postings_len(inv, t) + 4)
        .collect();

    // Result units: one per text block (a document without blocks still
    // has one, for its title).
    let blocks = DocBlocks::new(inv);
    let mut units: Vec<(u32, u32)> = Vec::with_capacity(inv.blocks.len() + 1);
    let mut unit_sizes = Vec::with_capacity(inv.blocks.len() + 1);
    for (d, meta) in docs.iter().enumerate() {
        let nb = blocks.count(d).max(1);
        let meta_size = meta.url.len()
            + meta.title.len()
            + meta.section_path.iter().map(|s| s.len() + 3).sum::<usize>()
            + 16;
        for b in 1..=nb {
            let text = if blocks.count(d) > 0 {
                blocks.block(d, b).text.len() + 8
            } else {
                4
            };
            units.push((d as u32, b));
            unit_sizes.push(text + if b == 1 { meta_size } else { 0 });
        }
    }

    // Tiers (see the module doc): head shards and metadata bundles take
    // their files from the budget first.
    let tiers = tiered(sizes.iter().sum(), tiers);
    let mut budget = MAX_FILES - 1;
    let (best, head_sizes) = if tiers {
        let best: Vec<Best<'_>> = (0..inv.terms.len())
            .into_par_iter()
            .map(|t| {
                let (head, deep) = best_postings(inv, t);
                let deep = if deep.is_empty() {
                    String::new()
                } else {
                    deep_record(inv.df(t), &deep)
                };
                let full = if inv.df(t) > DEEP_DOCS {
                    full_record(inv, t, sizes[t])
                } else {
                    String::new()
                };
                Best { head, deep, full }
            })
            .collect();
        let head_sizes: Vec<usize> = (0..inv.terms.len())
            .map(|t| {
                let lens = record_lens(inv.df(t), &best[t]);
                inv.terms[t].len() + head_postings_len(inv.df(t), lens, &best[t].head) + 4
            })
            .collect();
        (best, head_sizes)
    } else {
        (Vec::new(), Vec::new())
    };
    let meta_sizes: Vec<usize> = if tiers {
        docs.iter()
            .map(|m| m.url.len() + m.title.len() + 12)
            .collect()
    } else {
        Vec::new()
    };
    let (max_heads, max_meta) = if tiers {
        let h = head_sizes
            .iter()
            .sum::<usize>()
            .div_ceil(HEAD_TARGET_BYTES)
            .max(1);
        let m = meta_sizes
            .iter()
            .sum::<usize>()
            .div_ceil(META_TARGET_BYTES)
            .max(1);
        let scale = (TIER_MAX_FILES as f64 / (h + m) as f64).min(1.0);
        let h = ((h as f64 * scale) as usize).max(1);
        let m = ((m as f64 * scale) as usize).max(1);
        budget -= h + m + DEEP_FILES + FULL_FILES;
        (h, m)
    } else {
        (0, 0)
    };
    // A tiered index has no shards: its full postings are records too.
    let (max_shards, max_results) = if tiers {
        (0, budget)
    } else {
        allocate(
            sizes.iter().sum(),
            unit_sizes.iter().sum(),
            budget,
            RESULTS_READ,
        )
    };
    let shard_ranges = if tiers {
        Vec::new()
    } else {
        group_ranges(&sizes, SHARD_TARGET_BYTES, max_shards)
    };
    let shard_files: Vec<(String, OutFile)> = shard_ranges
        .par_iter()
        .enumerate()
        .map(|(i, range)| {
            let (s, e) = (range.start, range.end);
            // The first shard starts at "" so every term has a shard.
            let first = if i == 0 {
                String::new()
            } else {
                inv.terms[s].to_string()
            };
            (
                first,
                blob_file(SHARD_FILE_PREFIX, &encode_shard(inv, s..e)),
            )
        })
        .collect();
    let mut files = Vec::new();
    let mut shard_list = Vec::new();
    for (first, f) in shard_files {
        shard_list.push(ShardRef(first, hash_of(&f.name)));
        files.push(f);
    }

    // Result files. Plain: one JSON per file (see `write_index`). Tiered:
    // ranged records (see `ranged_results`), whose lengths the metadata
    // bundles carry.
    let mut result_list = Vec::new();
    let mut ranged: Option<Ranged> = None;
    if tiers {
        let mut r = ranged_results(&blocks, docs.len(), max_results);
        for (key, f) in r.files.drain(..) {
            result_list.push(key);
            files.push(f);
        }
        ranged = Some(r);
    } else {
        let result_ranges = group_ranges(&unit_sizes, RESULT_TARGET_BYTES, max_results);
        let result_files = bundles(&blocks, docs, &units, &result_ranges);
        for (key, f) in result_files {
            result_list.push(key);
            files.push(f);
        }
    }

    // Head shards: the same term ranges logic as shards, over head sizes;
    // then the deep records of each head shard's terms, back to back, in
    // files of whole head shards (the entry gives each head shard its
    // records' file and offset).
    let head_ranges = group_ranges(&head_sizes, HEAD_TARGET_BYTES, max_heads);
    let head_files: Vec<(String, OutFile)> = head_ranges
        .par_iter()
        .enumerate()
        .map(|(i, range)| {
            let (s, e) = (range.start, range.end);
            let file = blob_file(HEAD_FILE_PREFIX, &encode_head_shard(inv, s..e, &best));
            let first = if i == 0 { "" } else { &inv.terms[s] };
            (first.to_string(), file)
        })
        .collect();
    // Where each head shard's terms' deep and full records lie: (file,
    // offset in its payload) for each kind.
    let deep = record_files(
        DEEP_FILE_PREFIX,
        &head_ranges,
        &best,
        |b| b.deep.as_str(),
        DEEP_FILES,
    );
    let full = record_files(
        FULL_FILE_PREFIX,
        &head_ranges,
        &best,
        |b| b.full.as_str(),
        FULL_FILES,
    );
    let mut head_list = Vec::new();
    for (h, (first, file)) in head_files.iter().enumerate() {
        let (d, p) = (deep.starts[h], full.starts[h]);
        head_list.push(HeadShardRef(
            first.clone(),
            hash_of(&file.name),
            d.0,
            d.1,
            p.0,
            p.1,
        ));
    }
    let deep_list: Vec<String> = deep.files.iter().map(|f| hash_of(&f.name)).collect();
    let full_list: Vec<String> = full.files.iter().map(|f| hash_of(&f.name)).collect();
    files.extend(deep.files);
    files.extend(full.files);
    drop(best);
    for (_, f) in head_files {
        files.push(f);
    }

    // Metadata: records of META_GROUP documents each, read by range; the
    // entry gives each file's first document and its records' lengths.
    let mut meta_list = Vec::new();
    if let Some(r) = &ranged {
        let records: Vec<String> = (0..docs.len().div_ceil(META_GROUP))
            .into_par_iter()
            .map(|g| {
                meta_record(
                    docs,
                    r,
                    g * META_GROUP..((g + 1) * META_GROUP).min(docs.len()),
                )
            })
            .collect();
        let sizes: Vec<usize> = records.iter().map(String::len).collect();
        for range in group_ranges(&sizes, META_TARGET_BYTES, max_meta) {
            let file = string_file(
                META_FILE_PREFIX,
                format!("\"{}\"", records[range.clone()].concat()),
            );
            meta_list.push(MetaFileRef(
                range.start * META_GROUP,
                hash_of(&file.name),
                sizes[range].to_vec(),
            ));
            files.push(file);
        }
    }

    // Tiered: the lists of the big-site files and the numbers the client
    // needs to read them; none of them on a plain index.
    let entry = Entry {
        deep: tiers.then_some(deep_list),
        docs: docs.len(),
        full: tiers.then_some(full_list),
        heads: tiers.then_some(head_list),
        k: tiers.then_some(HEAD_DOCS),
        k1: crate::index::K1,
        kd: tiers.then_some(DEEP_DOCS),
        lang: inv.language.code().into(),
        meta: tiers.then_some(meta_list),
        mg: tiers.then_some(META_GROUP),
        res: result_list,
        shards: shard_list,
        span: crate::index::HEADING_SPAN,
        stem: inv.language.stems(),
        v: FORMAT_VERSION,
    };
    let entry = entry_file(entry_name, &js_json(&entry));
    let name = entry.name.clone();
    files.push(entry);
    if files.len() > MAX_FILES {
        return Err(SearchError::TooManyFiles(files.len()));
    }
    Ok((files, name))
}
