use grassroots_search::format::{decode_shard, unbase64};
use grassroots_search::index::{HEADING_SPAN, invert};
use grassroots_search::{
    Document, Language, SearchError, TextChunk, Tokenizer, build_index, build_index_with,
};

fn terms(lang: Language, text: &str) -> Vec<String> {
    Tokenizer::new(lang).terms(text)
}

fn doc(url: &str, title: &str, text: &str) -> Document {
    Document {
        url: url.into(),
        title: title.into(),
        section_path: vec!["节".into()],
        chunks: vec![
            TextChunk {
                heading: None,
                anchor: None,
                text: text.into(),
            },
            TextChunk {
                heading: Some("标题 Heading".into()),
                anchor: Some("标题-heading".into()),
                text: "更多 text".into(),
            },
        ],
    }
}

#[test]
fn tokenizer_mixed_scripts() {
    assert_eq!(
        terms(Language::Chinese, "Rust的trait和crate"),
        ["rust", "的", "trait", "和", "crate"]
    );
    assert_eq!(
        terms(Language::Chinese, "中文English"),
        ["中文", "文", "english"]
    );
}

#[test]
fn tokenizer_full_width_and_punctuation() {
    assert_eq!(
        terms(Language::English, "ＡＢＣ１２３，ｈｅｌｌｏ！"),
        ["abc123", "hello"]
    );
    assert_eq!(
        terms(Language::Chinese, "你好，世界。"),
        ["你好", "好", "世界", "界"]
    );
    assert_eq!(
        terms(Language::English, "don't stop—“quoted”"),
        ["don", "t", "stop", "quot"]
    );
}

#[test]
fn tokenizer_code_spans_and_numbers() {
    assert_eq!(
        terms(Language::English, "`read_to_string()` std::io v1.2"),
        ["read", "to", "string", "std", "io", "v1", "2"]
    );
    assert_eq!(terms(Language::Chinese, "第3章"), ["第", "3", "章"]);
}

#[test]
fn tokenizer_stemming_and_positions() {
    assert_eq!(
        terms(Language::English, "Educating education"),
        ["educ", "educ"]
    );
    assert_eq!(terms(Language::Other, "Educating"), ["educating"]);
    let toks = Tokenizer::new(Language::Chinese).tokenize("猜数字 game");
    let pos: Vec<u32> = toks.iter().map(|t| t.pos).collect();
    assert_eq!(pos, [0, 1, 2, 3]);
    // long words are cut, not dropped
    assert_eq!(
        terms(Language::Other, &"x".repeat(100))[0].chars().count(),
        40
    );
}

#[test]
fn tokenizer_survives_odd_input() {
    for s in [
        "",
        " ",
        "\u{0}\u{1}",
        "\u{FEFF}",
        "😀😀",
        "\u{301}",
        "𠀀",
        "ǅ",
        "ß",
        "İ",
    ] {
        let _ = terms(Language::Chinese, s);
    }
}

fn shard_payloads(files: &[grassroots_search::IndexFile]) -> Vec<Vec<u8>> {
    payloads(files, "s.")
}

fn payloads(files: &[grassroots_search::IndexFile], prefix: &str) -> Vec<Vec<u8>> {
    files
        .iter()
        .filter(|f| f.name.starts_with(prefix))
        .map(|f| {
            let text = String::from_utf8(f.bytes.clone()).unwrap();
            let start = text.find("\",\"").unwrap() + 3;
            let end = text.rfind("\");").unwrap();
            unbase64(&text[start..end]).unwrap()
        })
        .collect()
}

#[test]
fn format_round_trip() {
    let docs = vec![
        doc(
            "a/",
            "猜数字游戏",
            "程序将会生成一个随机数。Random numbers!",
        ),
        doc(
            "b/",
            "Guessing game",
            "猜数字。another paragraph\nsecond line",
        ),
        doc("", "首页", ""),
    ];
    let index = build_index(Language::Chinese, &docs).unwrap();
    assert!(index.files.iter().any(|f| f.name == index.entry));
    assert!(index.entry.starts_with("entry.") && index.entry.ends_with(".js"));
    let mut decoded = Vec::new();
    for blob in shard_payloads(&index.files) {
        decoded.extend(decode_shard(&blob).unwrap());
    }
    let inv = invert(Language::Chinese, &docs);
    assert_eq!(decoded.len(), inv.terms.len());
    for (i, ((t1, p1), t2)) in decoded.iter().zip(inv.terms.iter()).enumerate() {
        assert_eq!(t1, t2);
        assert_eq!(p1, &inv.decoded(i));
    }
    // Title and heading positions are kept, body positions are not.
    let i = inv.terms.iter().position(|t| t == "猜数").unwrap();
    let doc_a = inv.doc_order.iter().position(|&d| d == 0).unwrap() as u32;
    let p = inv.decoded(i);
    let a = p.iter().find(|p| p.doc == doc_a).unwrap();
    assert_eq!(a.blocks, vec![(0, vec![0])]);
    assert!(p.iter().all(|p| {
        p.blocks
            .iter()
            .all(|(b, ps)| *b == 0 || ps.iter().all(|&x| x < HEADING_SPAN))
    }));
    // same input → same file names (content hashes), different input → new entry
    let again = build_index(Language::Chinese, &docs).unwrap();
    assert_eq!(again.entry, index.entry);
    let changed = build_index(Language::Chinese, &docs[..2]).unwrap();
    assert_ne!(changed.entry, index.entry);
}

#[test]
fn damaged_shards_are_errors() {
    let docs = vec![doc("a/", "标题", "正文内容")];
    let index = build_index(Language::Chinese, &docs).unwrap();
    let blob = shard_payloads(&index.files).remove(0);
    for cut in [0, 3, 7, blob.len() / 2, blob.len() - 1] {
        assert!(decode_shard(&blob[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = blob.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    assert!(matches!(
        decode_shard(&flipped),
        Err(SearchError::Corrupt(_))
    ));
}

#[test]
fn empty_site_builds() {
    let index = build_index(Language::English, &[]).unwrap();
    assert_eq!(index.files.len(), 1);
    let index = build_index(Language::English, &[Document::default()]).unwrap();
    assert!(!index.files.is_empty());
}

#[test]
fn file_count_is_bounded() {
    let docs: Vec<Document> = (0..4000)
        .map(|i| {
            let text = format!("第{i}页 内容 page{i} {}", "学习材料很长的正文。".repeat(30));
            doc(&format!("p{i}/"), &format!("页面{i}"), &text)
        })
        .collect();
    let index = build_index(Language::Chinese, &docs).unwrap();
    assert!(index.files.len() <= 300, "{} files", index.files.len());
}

/// 30 pages share "学习"; a few have it in the title or a heading: those
/// must be the head postings.
fn tier_docs() -> Vec<Document> {
    tier_docs_n(30)
}

/// `n` pages in the pattern of [`tier_docs`]; past 30, page 67's title
/// also has "学习".
fn tier_docs_n(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let title = match i {
                7 | 21 | 67 => format!("学习第{i}页"),
                _ => format!("第{i}页"),
            };
            let mut d = doc(
                &format!("p{i:02}/"),
                &title,
                &format!("{}正文{i}", "学习".repeat(1 + i % 4)),
            );
            if i == 13 {
                d.chunks.push(TextChunk {
                    heading: Some("学习方法".into()),
                    anchor: Some("m".into()),
                    text: "内容".into(),
                });
            }
            d.section_path = vec![format!("单元{}", i / 10)];
            d
        })
        .collect()
}

#[test]
fn head_shards_round_trip() {
    use grassroots_search::format::{HEAD_DOCS, decode_head_shard};
    let docs = tier_docs();
    let plain = build_index(Language::Chinese, &docs).unwrap();
    assert!(
        !plain
            .files
            .iter()
            .any(|f| f.name.starts_with("h.") || f.name.starts_with("m."))
    );
    let index = build_index_with(Language::Chinese, &docs, None, Some(true)).unwrap();
    let inv = invert(Language::Chinese, &docs);
    let mut decoded = Vec::new();
    for blob in payloads(&index.files, "h.") {
        assert!(decode_shard(&blob).is_err(), "a head shard is not a shard");
        decoded.extend(decode_head_shard(&blob).unwrap());
    }
    assert_eq!(decoded.len(), inv.terms.len());
    for (t, (term, df, _, head)) in decoded.iter().enumerate() {
        assert_eq!(term, &inv.terms[t]);
        let full = inv.decoded(t);
        assert_eq!(*df, full.len());
        assert_eq!(head.len(), full.len().min(HEAD_DOCS));
        assert!(head.iter().all(|p| full.contains(p)));
        assert!(head.windows(2).all(|w| w[0].doc < w[1].doc));
    }
    // "学习": in 30 pages; the title and heading hits are kept first.
    let t = inv.terms.iter().position(|t| t == "学习").unwrap();
    let number = |i: u32| inv.doc_order.iter().position(|&d| d == i).unwrap() as u32;
    let head = &decoded[t].3;
    for i in [7, 21, 13] {
        assert!(head.iter().any(|p| p.doc == number(i)), "page {i} kept");
    }
    // The rest are the highest impacts.
    let kept_min = head.iter().map(|p| p.impact).min().unwrap();
    let full = inv.decoded(t);
    let dropped_max = full
        .iter()
        .filter(|p| !head.contains(p))
        .map(|p| p.impact)
        .max()
        .unwrap();
    assert!(dropped_max <= kept_min, "{dropped_max} > {kept_min}");
}

/// The index's entry (JSON).
fn entry_of(index: &grassroots_search::SearchIndex) -> serde_json::Value {
    let entry = index.files.iter().find(|f| f.name == index.entry).unwrap();
    let text = String::from_utf8(entry.bytes.clone()).unwrap();
    let start = text.find(',').unwrap() + 1;
    let end = text.rfind(");").unwrap();
    serde_json::from_str(&text[start..end]).unwrap()
}

/// The metadata records of a tiered index, in document order, found as
/// the client finds them: each file's records back to back from its
/// payload, their lengths in the entry. As JSON values, the way the client
/// sees them.
fn meta_records(index: &grassroots_search::SearchIndex) -> Vec<serde_json::Value> {
    use grassroots_search::format::{META_GROUP, decode_meta_record};
    let entry = entry_of(index);
    assert_eq!(entry["mg"], META_GROUP);
    let mut out = Vec::new();
    for m in entry["meta"].as_array().unwrap() {
        let name = format!("m.{}.js", m[1].as_str().unwrap());
        let file = &index.files.iter().find(|f| f.name == name).unwrap().bytes;
        let mut off = format!("GrassrootsSearch.register(\"{name}\",\"").len();
        assert_eq!(m[0].as_u64().unwrap() as usize, out.len() * META_GROUP);
        for len in m[2].as_array().unwrap() {
            let len = len.as_u64().unwrap() as usize;
            let record = decode_meta_record(&file[off..off + len]).unwrap();
            out.push(serde_json::to_value(record).unwrap());
            off += len;
        }
        assert_eq!(&file[off..], b"\");\n", "{name}: records fill the payload");
    }
    out
}

/// The entry of a real index, plain and tiered, reads back as the typed
/// entry (version checked) and writes back to the same bytes.
#[test]
fn typed_entry_matches_the_file() {
    use grassroots_search::format::schema::Entry;
    use grassroots_search::format::{FORMAT_VERSION, payload_of};
    for tiers in [false, true] {
        let index = build_index_with(Language::Chinese, &tier_docs(), None, Some(tiers)).unwrap();
        let file = index.files.iter().find(|f| f.name == index.entry).unwrap();
        let payload = payload_of(&file.bytes).unwrap();
        let entry = Entry::from_json(payload).unwrap();
        assert_eq!(entry.v, FORMAT_VERSION);
        assert_eq!(entry.heads.is_some(), tiers);
        assert_eq!(entry.shards.is_empty(), tiers);
        assert_eq!(serde_json::to_vec(&entry).unwrap(), payload);
    }
}

#[test]
fn metadata_records_round_trip() {
    use grassroots_search::format::{META_GROUP, decode_meta_record};
    let docs = tier_docs();
    let index = build_index_with(Language::Chinese, &docs, None, Some(true)).unwrap();
    let inv = invert(Language::Chinese, &docs);
    let mut rows = Vec::new();
    let records = meta_records(&index);
    assert_eq!(records.len(), docs.len().div_ceil(META_GROUP));
    for v in &records {
        assert_eq!(v[0].as_u64().unwrap() as usize, rows.len());
        for r in v[2].as_array().unwrap() {
            let path = &v[1][r[2].as_u64().unwrap() as usize];
            rows.push((r[0].clone(), r[1].clone(), path.clone()));
        }
    }
    assert_eq!(rows.len(), docs.len());
    for (n, &i) in inv.doc_order.iter().enumerate() {
        let d = &docs[i as usize];
        assert_eq!(rows[n].0, d.url.as_str());
        assert_eq!(rows[n].1, d.title.as_str());
        assert_eq!(rows[n].2, serde_json::json!(d.section_path));
    }
    assert!(
        decode_meta_record(b"eJyLjgUAARUAuQ==").is_err(),
        "[] is not a record"
    );
    assert!(decode_meta_record(b"!!!!").is_err());
}

/// (title hit, heading hit, impact) of a posting: the order of a
/// one-term query's results (`format::heads::best_postings`).
fn one_term_key(p: &grassroots_search::index::DocPosting) -> (bool, bool, u8) {
    let kept = |b: &(u32, Vec<u32>)| !b.1.is_empty();
    (
        p.blocks.iter().any(|b| b.0 == 0 && kept(b)),
        p.blocks.iter().any(|b| b.0 > 0 && kept(b)),
        p.impact,
    )
}

#[test]
fn deep_and_full_records_round_trip() {
    use grassroots_search::format::{
        DEEP_DOCS, HEAD_DOCS, decode_deep_record, decode_full_record, decode_head_shard,
    };
    let docs = tier_docs_n(90);
    let index = build_index_with(Language::Chinese, &docs, None, Some(true)).unwrap();
    let inv = invert(Language::Chinese, &docs);
    let entry = entry_of(&index);
    assert_eq!(entry["kd"], DEEP_DOCS);
    let file = |name: &str| &index.files.iter().find(|f| f.name == name).unwrap().bytes;
    // A tiered index has no term shards: full postings are records.
    assert!(!index.files.iter().any(|f| f.name.starts_with("s.")));
    let (mut t, mut deep_terms, mut cut, mut full_terms) = (0, 0, 0, 0);
    let mut a_record = None;
    // Where a head shard's records of one kind start: (file bytes, offset).
    let start = |list: &str, h: &serde_json::Value, i: usize| {
        let name = format!(
            "{}.{}.js",
            if list == "deep" { "d" } else { "p" },
            entry[list][h[i].as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
        );
        let at = format!("GrassrootsSearch.register(\"{name}\",\"").len();
        (file(&name), at + h[i + 1].as_u64().unwrap() as usize)
    };
    for h in entry["heads"].as_array().unwrap() {
        // This head shard's terms' deep records start at h[3] in deep file
        // h[2], their full records at h[5] in full file h[4].
        let (dfile, mut off) = start("deep", h, 2);
        let (pfile, mut poff) = start("full", h, 4);
        let hname = format!("h.{}.js", h[1].as_str().unwrap());
        let blob = payloads(&index.files, &hname).remove(0);
        for (term, df, (deep_len, full_len), head) in decode_head_shard(&blob).unwrap() {
            assert_eq!(term, inv.terms[t]);
            let full = inv.decoded(t);
            assert_eq!(deep_len.is_some(), df > HEAD_DOCS, "{term}");
            assert_eq!(full_len.is_some(), df > DEEP_DOCS, "{term}");
            if let Some(len) = full_len {
                let got = decode_full_record(&pfile[poff..poff + len]).unwrap();
                assert_eq!(got, full, "{term}");
                poff += len;
                full_terms += 1;
            }
            if let Some(len) = deep_len {
                let (ddf, deep) = decode_deep_record(&dfile[off..off + len]).unwrap();
                assert_eq!(ddf, df);
                assert_eq!(deep.len(), df.min(DEEP_DOCS), "{term}");
                assert!(deep.windows(2).all(|w| w[0].doc < w[1].doc));
                assert!(deep.iter().all(|p| full.contains(p)));
                assert!(
                    head.iter().all(|p| deep.contains(p)),
                    "{term}: the head is in the deep list"
                );
                // The best: nothing left out ranks above what is kept.
                let kept_min = deep.iter().map(one_term_key).min().unwrap();
                let dropped = full
                    .iter()
                    .filter(|p| !deep.contains(p))
                    .map(one_term_key)
                    .max();
                assert!(dropped.is_none_or(|d| d <= kept_min), "{term}");
                cut += usize::from(df > DEEP_DOCS);
                a_record.get_or_insert_with(|| dfile[off..off + len].to_vec());
                off += len;
                deep_terms += 1;
            }
            t += 1;
        }
    }
    assert_eq!(t, inv.terms.len());
    assert!(
        deep_terms > 0 && cut > 0,
        "{deep_terms} records, {cut} cut to {DEEP_DOCS}"
    );
    assert_eq!(
        full_terms, cut,
        "a full record for each term past the deep list"
    );
    // Damage is an error, not a panic.
    let rec = a_record.unwrap();
    assert!(decode_deep_record(&rec[..rec.len() - 4]).is_err());
    let mut flipped = rec.clone();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    assert!(decode_deep_record(&flipped).is_err());
    assert!(
        decode_full_record(&rec).is_err(),
        "a deep record is not a full one"
    );
}

#[test]
fn damaged_head_shards_are_errors() {
    use grassroots_search::format::{decode_head_shard, inflate};
    let index = build_index_with(Language::Chinese, &tier_docs(), None, Some(true)).unwrap();
    let blob = inflate(&payloads(&index.files, "h.").remove(0)).unwrap();
    for cut in [0, 3, 7, blob.len() / 2, blob.len() - 1] {
        assert!(decode_head_shard(&blob[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = blob.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    assert!(matches!(
        decode_head_shard(&flipped),
        Err(SearchError::Corrupt(_))
    ));
}

/// Where each document's excerpt records lie, computed as the client does
/// (search.js `recordsOf`): per document, [(first block, file, offset,
/// length)].
fn record_ranges(index: &grassroots_search::SearchIndex) -> Vec<Vec<(u64, String, usize, usize)>> {
    let entry = entry_of(index);
    let res = entry["res"].as_array().unwrap();
    let mut out = Vec::new();
    for v in meta_records(index) {
        let first_doc = v[0].as_u64().unwrap();
        assert_eq!(first_doc as usize, out.len());
        let mut off = v[3].as_u64().unwrap() as usize;
        let mut file = String::new();
        for (i, row) in v[2].as_array().unwrap().iter().enumerate() {
            let doc = first_doc + i as u64;
            let lens: Vec<u64> = row[3]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            assert_eq!(lens.len() % 2, 1);
            let mut recs = Vec::new();
            for j in (0..lens.len()).step_by(2) {
                let first = if j == 0 { 1 } else { lens[j - 1] };
                // The bundle holding (doc, first): last key <= it.
                let k = res
                    .iter()
                    .rposition(|r| {
                        let (d, b) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
                        d < doc || (d == doc && b <= first)
                    })
                    .unwrap();
                let name = format!("r.{}.js", res[k][2].as_str().unwrap());
                if res[k][0] == doc && res[k][1] == first {
                    off = format!("GrassrootsSearch.register(\"{name}\",\"").len();
                }
                if file.is_empty() {
                    file = name.clone();
                }
                recs.push((first, name, off, lens[j] as usize));
                off += lens[j] as usize;
            }
            out.push(recs);
        }
    }
    out
}

#[test]
fn excerpt_records_are_byte_ranges() {
    use grassroots_search::format::decode_record;
    use grassroots_search::format::schema::Excerpt;
    let mut docs = tier_docs();
    // A long page: cut into several records.
    docs[3].chunks.push(TextChunk {
        heading: Some("长文".into()),
        anchor: Some("long".into()),
        text: "很长的正文内容。\n".repeat(400),
    });
    let index = build_index_with(Language::Chinese, &docs, None, Some(true)).unwrap();
    let inv = invert(Language::Chinese, &docs);
    let ranges = record_ranges(&index);
    assert_eq!(ranges.len(), docs.len());
    let mut split = false;
    for (doc, recs) in ranges.iter().enumerate() {
        split |= recs.len() > 1;
        let mut next_block = 1;
        for (first, name, off, len) in recs {
            assert_eq!(*first, next_block);
            let file = index.files.iter().find(|f| &f.name == name).unwrap();
            // Every file stays a script that registers its whole payload.
            assert!(file.bytes.starts_with(b"GrassrootsSearch.register("));
            assert!(file.bytes.ends_with(b"\");\n"));
            assert_eq!(len % 4, 0);
            let v = decode_record(&file.bytes[*off..off + len]).unwrap();
            assert_eq!(u64::from(v.0), doc as u64);
            assert_eq!(u64::from(v.1), *first);
            let records = &v.2;
            let fb = inv.first_block[doc] as usize;
            for (k, r) in records.iter().enumerate() {
                let block = &inv.blocks[fb + *first as usize - 1 + k];
                assert_eq!(r.text(), block.text.as_str());
            }
            // The first record of a range names its heading.
            assert!(matches!(records[0], Excerpt::Headed(..)));
            next_block += records.len() as u64;
        }
    }
    assert!(split, "the long page has several records");
    // Damage is an error, not a panic.
    let (_, name, off, len) = &ranges[5][0];
    let file = &index.files.iter().find(|f| &f.name == name).unwrap().bytes;
    let rec = &file[*off..off + len];
    for cut in [0, 4, len / 2, len - 4] {
        assert!(decode_record(&rec[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = rec.to_vec();
    flipped[len / 2] = if flipped[len / 2] == b'A' { b'B' } else { b'A' };
    assert!(decode_record(&flipped).is_err());
    assert!(decode_record(&file[off + 1..off + len]).is_err());
}

/// The index numbers a document's words through caches (a word's term is
/// remembered per document and per thread): each document's terms must
/// still be exactly the tokenizer's.
#[test]
fn indexed_terms_are_the_tokenizers() {
    use std::collections::BTreeSet;
    let texts = [
        "Running runners RUNNING ran; running Runs. The vectors' Vectors closures running",
        "implementation implementations Implementation 12 345 x2 Straße STRASSE straße 12 x2",
        "所有权规则 Ownership ownership 所有权 ownerships 使用Vectors running 中文english",
        "ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ abc Ａbc ĲssEL ĳssel İstanbul istanbul",
    ];
    for lang in [Language::English, Language::Chinese] {
        let docs: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| doc(&format!("d{i}/"), t, texts[(i + 1) % texts.len()]))
            .collect();
        let inv = invert(lang, &docs);
        let tok = Tokenizer::new(lang);
        for (number, &input) in inv.doc_order.iter().enumerate() {
            let d = &docs[input as usize];
            let mut want = BTreeSet::new();
            want.extend(tok.terms(&d.title));
            for c in &d.chunks {
                want.extend(tok.terms(c.heading.as_deref().unwrap_or("")));
                want.extend(tok.terms(&c.text));
            }
            let got: BTreeSet<String> = (0..inv.terms.len())
                .filter(|&t| inv.decoded(t).iter().any(|p| p.doc == number as u32))
                .map(|t| inv.terms[t].to_string())
                .collect();
            assert_eq!(got, want, "{lang:?} document {input}");
            // The title keeps every position: each term's are the tokenizer's.
            for term in &want {
                let t = (0..inv.terms.len())
                    .find(|&t| &inv.terms[t] == term)
                    .unwrap();
                let posting = inv.decoded(t).into_iter().find(|p| p.doc == number as u32);
                let title: Vec<u32> = posting
                    .and_then(|p| p.blocks.into_iter().find(|(b, _)| *b == 0))
                    .map(|(_, ps)| ps)
                    .unwrap_or_default();
                let want_title: Vec<u32> = tok
                    .tokenize(&d.title)
                    .into_iter()
                    .filter(|x| &x.term == term)
                    .map(|x| x.pos)
                    .collect();
                assert_eq!(title, want_title, "{lang:?} document {input}, {term:?}");
            }
        }
    }
}
