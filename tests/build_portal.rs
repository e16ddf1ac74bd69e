//! The portal in site/ builds, in both languages, with every link intact.

mod common;

use common::*;

#[test]
fn portal_builds_with_all_links_resolving() {
    let f = Fixture::portal();
    let report = f.build().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.documents.len(), 2);
    assert!(
        report.documents.iter().all(|(_, n)| *n >= 7),
        "{:?}",
        report.documents
    );
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn four_units_in_order_in_both_languages() {
    let f = Fixture::portal();
    f.build().unwrap();
    let zh = f.page("units/index.html");
    assert_eq!(
        texts(&zh, ".cards .card-title"),
        [
            "宣传党的路线方针政策下基层",
            "调查研究下基层",
            "信访接待下基层",
            "现场办公下基层"
        ]
    );
    let en = f.page("en/units/index.html");
    let titles = texts(&en, ".cards .card-title");
    assert_eq!(titles.len(), 4, "{titles:?}");
    for (t, word) in titles
        .iter()
        .zip(["policies", "research", "letters", "on-site"])
    {
        assert!(t.to_lowercase().contains(word), "{t} should mention {word}");
    }
}

#[test]
fn every_portal_page_is_translated_and_switches_to_its_counterpart() {
    let f = Fixture::portal();
    f.build().unwrap();
    for rel in html_files(&f.public()) {
        let rel = rel.to_str().unwrap().to_string();
        if rel.ends_with("404.html") || rel.ends_with("print/index.html") {
            continue;
        }
        let doc = f.page(&rel);
        assert!(
            doc.select(&sel(".notice")).next().is_none(),
            "{rel} is untranslated"
        );
        let switch = attr(&doc, ".lang-switch a", "href").unwrap();
        let target = f
            .public()
            .join(&rel)
            .parent()
            .unwrap()
            .join(decode(&switch))
            .join("index.html");
        let counterpart = if let Some(zh) = rel.strip_prefix("en/") {
            zh.to_string()
        } else {
            format!("en/{rel}")
        };
        assert_eq!(
            target.canonicalize().unwrap(),
            f.public().join(&counterpart).canonicalize().unwrap(),
            "switcher of {rel}"
        );
    }
}

#[test]
fn unit_pages_have_readable_chinese_anchors_and_a_toc() {
    let f = Fixture::portal();
    f.build().unwrap();
    let doc = f.page("units/research/index.html");
    let ids: Vec<_> = doc
        .select(&sel(".content h2"))
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    assert!(ids.contains(&"要义".to_string()), "{ids:?}");
    assert!(doc.select(&sel(".toc a[href='#要义']")).next().is_some());
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("zh-CN"));
    assert!(text(&doc, ".content").contains("调查研究"));
}
