//! The numbers and strings of the search format that the browser client
//! needs as well as the Rust side. `build.rs` compiles this file on its own
//! (so it uses nothing else) and writes each constant into the generated
//! block at the top of `client/search.js`: each has this one definition.
//! The format itself: `docs/search-format.md`.

/// The format's version: the entry's `v`. The client reads this version
/// only; change it with any change to the files' layout.
pub const FORMAT_VERSION: u64 = 5;

/// First bytes of a term shard's blob (`s.HASH.js`).
pub const SHARD_MAGIC: [u8; 3] = *b"GS2";
/// First bytes of a head shard's blob (`h.HASH.js`).
pub const HEAD_MAGIC: [u8; 3] = *b"GH2";

/// Postings a deep record keeps per term (those of the head and the next
/// best): "more results" in the search box ranks this many hits, and a
/// Chinese word of two or three bigrams may need more than a head to prove
/// its first results. Every term in more documents than a head keeps has
/// one, in a `d.HASH.js` file read by range. (The entry carries it too, as
/// `kd`.)
pub const DEEP_DOCS: usize = 50;

/// Longer words are cut to this many characters (code points), by the
/// index builder and by the client's tokenizer alike.
pub const MAX_WORD_CHARS: usize = 40;

/// Every index file is the script `GrassrootsSearch.register("NAME",
/// PAYLOAD);`: this is its start, and a ranged record's offset counts from
/// the file's first byte.
pub const REGISTER_CALL: &str = "GrassrootsSearch.register(";

/// FNV-1a, 32 bits (the checksum of shards and postings records): the
/// offset basis and the prime.
pub const FNV_OFFSET: u32 = 0x811c_9dc5;
pub const FNV_PRIME: u32 = 0x0100_0193;

/// The flag byte of a full record whose postings are zlib-deflated (0:
/// stored as they are).
pub const FULL_RECORD_DEFLATED: u8 = 1;

/// File name prefixes: a file is `PREFIX` + eight hex digits of its
/// payload's hash + `.js`, and the entry lists files by hash alone.
pub const SHARD_FILE_PREFIX: &str = "s.";
pub const HEAD_FILE_PREFIX: &str = "h.";
pub const RESULT_FILE_PREFIX: &str = "r.";
pub const META_FILE_PREFIX: &str = "m.";
pub const DEEP_FILE_PREFIX: &str = "d.";
pub const FULL_FILE_PREFIX: &str = "p.";
