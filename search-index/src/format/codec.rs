//! The encodings every kind of index file is built from: varints, the
//! FNV-1a checksum, base64 and zlib deflate (see `docs/search-format.md`).

use super::constants::{FNV_OFFSET, FNV_PRIME};
use crate::SearchError;

/// Appends `v` as a LEB128 varint: 7 bits a byte, low bits first.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads the varint at `*at` and moves past it; damage is an error.
pub fn get_varint(data: &[u8], at: &mut usize) -> Result<u64, SearchError> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *data
            .get(*at)
            .ok_or(SearchError::Corrupt("varint past end"))?;
        *at += 1;
        if shift >= 64 {
            return Err(SearchError::Corrupt("varint too long"));
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Ok(v);
        }
        shift += 7;
    }
}

/// FNV-1a, 32 bits: a checksum that lets the client reject a damaged shard
/// with a clear message. Not a security measure.
pub fn fnv32(data: &[u8]) -> u32 {
    let mut h = FNV_OFFSET;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Standard base64 with padding (the client decodes with `atob`).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Inverse of [`base64()`].
pub fn unbase64(s: &str) -> Result<Vec<u8>, SearchError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| SearchError::Corrupt("bad base64"))
}

/// libdeflate level. On the Rust book, level 1 deflates the index in 45% of
/// level 6's time (13.7 vs 30.7 ms for zh, 10.5 vs 22.2 ms for en) for
/// +2.9% (zh) / +1.7% (en) compressed bytes; the per-file inputs are small
/// (3–24 KB), where the costlier levels find little more. (libdeflate
/// replaced miniz_oxide, whose level 3 took longer than libdeflate's 6 and
/// wrote as many bytes.)
const DEFLATE_LEVEL: i32 = 1;

/// zlib-deflates `data` (the client inflates with `DecompressionStream`).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    use libdeflater::{CompressionLvl, Compressor};
    thread_local! {
        // One compressor per thread: setting one up costs more than
        // compressing one small file.
        static COMPRESSOR: std::cell::RefCell<Compressor> = std::cell::RefCell::new(
            Compressor::new(CompressionLvl::new(DEFLATE_LEVEL).expect("a valid level")),
        );
    }
    COMPRESSOR.with_borrow_mut(|c| {
        let mut out = vec![0; c.zlib_compress_bound(data.len())];
        let n = c
            .zlib_compress(data, &mut out)
            .expect("the bound is enough");
        out.truncate(n);
        out
    })
}

/// Inflates a zlib stream; damage is an error.
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, SearchError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|_| SearchError::Corrupt("bad deflate data"))?;
    Ok(out)
}

/// The bytes of a record read by range: the base64 text of its range,
/// decoded.
pub(super) fn record_bytes(range: &[u8]) -> Result<Vec<u8>, SearchError> {
    let text = std::str::from_utf8(range).map_err(|_| SearchError::Corrupt("record not ASCII"))?;
    unbase64(text)
}

/// Bytes [`put_varint`] writes for `v`.
pub(super) fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_and_base64_round_trip() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            buf.clear();
            put_varint(&mut buf, v);
            let mut at = 0;
            assert_eq!(get_varint(&buf, &mut at).unwrap(), v);
            assert_eq!(at, buf.len());
            assert_eq!(varint_len(v), buf.len());
        }
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37) as u8).collect();
            assert_eq!(unbase64(&base64(&data)).unwrap(), data);
        }
        assert!(get_varint(&[0x80, 0x80], &mut 0).is_err());
    }
}
