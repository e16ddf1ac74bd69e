//! Whole builds of the nested fixture: navigation, translations, ids, links.

mod common;

use std::collections::HashSet;

use common::*;

fn built() -> Fixture {
    let f = Fixture::copy("nested");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    f
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let f = built();
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn ids_are_unique_and_chinese_headings_stay_readable() {
    let f = built();
    for rel in html_files(&f.public()) {
        let doc = f.page(rel.to_str().unwrap());
        let ids: Vec<_> = doc
            .select(&sel("[id]"))
            .map(|e| e.value().attr("id").unwrap().to_string())
            .collect();
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(
            ids.len(),
            unique.len(),
            "duplicate ids in {}: {ids:?}",
            rel.display()
        );
    }
    let one = f.page("part-a/one/index.html");
    let heading_ids: Vec<_> = one
        .select(&sel(".content h2, .content h3"))
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(heading_ids, ["要义", "要义-1", "细节-第-3-点"]);
    let toc = texts(&one, ".toc a");
    assert_eq!(
        toc,
        ["要义#", "要义#", "细节：第 3 点#"].map(|s| s.trim_end_matches('#').to_string())
    );
}

#[test]
fn pages_link_to_their_translation_and_back() {
    let f = built();
    let zh = f.page("part-a/one/index.html");
    assert_eq!(attr(&zh, "html", "lang").as_deref(), Some("zh-CN"));
    assert_eq!(
        attr(&zh, ".lang-switch a[hreflang=en]", "href").as_deref(),
        Some("../../en/part-a/one/")
    );
    assert_eq!(
        attr(&zh, "link[rel=alternate][hreflang=en]", "href").as_deref(),
        Some("../../en/part-a/one/")
    );
    let en = f.page("en/part-a/one/index.html");
    assert_eq!(attr(&en, "html", "lang").as_deref(), Some("en"));
    assert_eq!(
        attr(&en, ".lang-switch a[hreflang=zh-CN]", "href").as_deref(),
        Some("../../../part-a/one/")
    );
    // Every translated page names its counterpart in the switcher.
    for rel in html_files(&f.public()) {
        let rel = rel.to_str().unwrap();
        if rel.ends_with("404.html") || rel.ends_with("print/index.html") {
            continue;
        }
        let doc = f.page(rel);
        assert_eq!(doc.select(&sel(".lang-switch a")).count(), 1, "{rel}");
    }
}

#[test]
fn untranslated_page_falls_back_with_notice_and_switcher_goes_to_nearest_section() {
    let f = built();
    // The English side exists, shows the Chinese text, says so in English, and is marked in the nav.
    let en = f.page("en/part-a/two/index.html");
    assert!(
        text(&en, ".notice").contains("not been translated"),
        "{}",
        text(&en, ".notice")
    );
    assert_eq!(attr(&en, "article", "lang").as_deref(), Some("zh-CN"));
    assert!(text(&en, ".content").contains("这一篇只有中文"));
    assert_eq!(
        attr(&en, "meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    let en_section = f.page("en/part-a/index.html");
    let badge = en_section
        .select(&sel(".sidebar a[href='../../en/part-a/two/'] .badge"))
        .count();
    assert_eq!(badge, 1);
    // From the Chinese page, the switcher goes to the English section above it.
    let zh = f.page("part-a/two/index.html");
    assert_eq!(
        attr(&zh, ".lang-switch a[hreflang=en]", "href").as_deref(),
        Some("../../en/part-a/")
    );
    assert!(
        zh.select(&sel("link[rel=alternate][hreflang=en]"))
            .next()
            .is_none()
    );
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let f = built();
    assert!(!f.public().join("part-a/draft").exists());
    let mut opts = f.options();
    opts.drafts = true;
    grassroots::build(&opts).unwrap();
    assert!(f.public().join("part-a/draft/index.html").exists());
}

#[test]
fn breadcrumbs_show_the_path() {
    let f = built();
    let leaf = f.page("part-b/deep/leaf-page/index.html");
    assert_eq!(
        texts(&leaf, ".breadcrumbs li"),
        ["首页", "第二部分", "深层栏目", "叶子"]
    );
    assert_eq!(
        attr(&leaf, ".breadcrumbs a", "href").as_deref(),
        Some("../../../")
    );
}

#[test]
fn prev_next_follow_reading_order_across_sections() {
    let f = built();
    let order = [
        ("index.html", "首页"),
        ("intro/index.html", "导言"),
        ("part-a/index.html", "第一部分"),
        ("part-a/one/index.html", "第一篇"),
        ("part-a/two/index.html", "第二篇"),
        ("part-b/index.html", "第二部分"),
        ("part-b/dated/index.html", "带日期的一页"),
        ("part-b/deep/index.html", "深层栏目"),
        ("part-b/deep/leaf-page/index.html", "叶子"),
    ];
    for (i, (path, title)) in order.iter().enumerate() {
        let doc = f.page(path);
        assert_eq!(text(&doc, "h1"), *title, "{path}");
        let prev = text(&doc, ".pager-prev .pager-title");
        let next = text(&doc, ".pager-next .pager-title");
        assert_eq!(
            prev,
            if i > 0 { order[i - 1].1 } else { "" },
            "prev of {path}"
        );
        assert_eq!(next, order.get(i + 1).map_or("", |o| o.1), "next of {path}");
    }
    // The English reading order includes the untranslated page too.
    let en = f.page("en/part-a/one/index.html");
    assert_eq!(text(&en, ".pager-next .pager-title"), "第二篇");
}

#[test]
fn sidebar_marks_the_current_page_and_opens_its_section() {
    let f = built();
    let doc = f.page("part-a/one/index.html");
    let current: Vec<_> = doc.select(&sel(".sidebar [aria-current=page]")).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].text().collect::<String>(), "第一篇");
    assert_eq!(current[0].value().attr("href"), Some("../../part-a/one/"));
    assert_eq!(texts(&doc, ".sidebar .is-open > a"), ["第一部分"]);
    let top: Vec<_> = texts(&doc, ".sidebar > ul > li > a");
    assert_eq!(top, ["导言", "第一部分", "第二部分"]);
}

#[test]
fn reading_time_dates_and_code() {
    let f = built();
    let zh = f.page("part-a/one/index.html");
    assert_eq!(text(&zh, ".meta time"), "2024年3月5日");
    assert_eq!(
        attr(&zh, ".meta time", "datetime").as_deref(),
        Some("2024-03-05")
    );
    assert!(text(&zh, ".meta").contains("阅读约 1 分钟"));
    assert!(
        zh.select(&sel("pre.code code.language-rust span[class^=hl-]"))
            .next()
            .is_some()
    );
    let en = f.page("en/part-a/one/index.html");
    assert_eq!(text(&en, ".meta time"), "March 5, 2024");
    assert!(text(&en, ".meta").contains("1 min read"));
}

#[test]
fn section_lists_its_children_and_404_pages_exist() {
    let f = built();
    let sec = f.page("part-b/index.html");
    assert_eq!(
        texts(&sec, ".cards .card-title"),
        ["带日期的一页", "深层栏目"]
    );
    let nf = f.page("404.html");
    assert_eq!(text(&nf, "h1"), "页面不存在");
    let nf_en = f.page("en/404.html");
    assert_eq!(text(&nf_en, "h1"), "Page not found");
    assert_eq!(attr(&nf_en, "html", "lang").as_deref(), Some("en"));
}

#[test]
fn assets_are_fingerprinted_and_linked() {
    let f = built();
    let doc = f.page("index.html");
    let css: Vec<_> = doc
        .select(&sel("link[rel=stylesheet]"))
        .map(|l| l.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        css.len(),
        1,
        "a page without code needs no highlighting CSS: {css:?}"
    );
    assert!(
        css[0].starts_with("./assets/style.") && css[0].ends_with(".css"),
        "{css:?}"
    );
    let with_code = f.page("part-a/one/index.html");
    let highlight = with_code
        .select(&sel("link[rel=stylesheet]"))
        .map(|l| l.value().attr("href").unwrap().to_string())
        .find(|h| h.contains("highlight."))
        .expect("pages with code link the highlighting CSS");
    let css_text = std::fs::read_to_string(f.public().join("part-a/one").join(&highlight)).unwrap();
    assert!(css_text.contains(".hl-") && css_text.contains("prefers-color-scheme: dark"));
}

#[test]
fn default_language_in_subdir_gets_a_language_picker() {
    let f = Fixture::copy("nested");
    let config = std::fs::read_to_string(f.path().join("config.toml")).unwrap();
    f.write(
        "config.toml",
        config.replace(
            "default_language = \"zh\"",
            "default_language = \"zh\"\ndefault_language_in_subdir = true",
        ),
    );
    f.build().unwrap();
    assert!(f.public().join("zh/part-a/one/index.html").exists());
    assert!(f.public().join("en/part-a/one/index.html").exists());
    let picker = f.page("index.html");
    let links: Vec<_> = picker
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(links, ["zh/", "en/"]);
    assert!(text(&picker, "script").contains("navigator.language"));
    assert!(
        broken_links(&f.public()).is_empty(),
        "{:#?}",
        broken_links(&f.public())
    );
}

#[test]
fn offline_links_name_index_html() {
    let f = Fixture::copy("nested");
    let mut opts = f.options();
    opts.offline = Some(true);
    grassroots::build(&opts).unwrap();
    let doc = f.page("part-a/one/index.html");
    assert_eq!(
        attr(&doc, ".breadcrumbs a", "href").as_deref(),
        Some("../../index.html")
    );
    for a in doc.select(&sel(".sidebar a, .pager a, .lang-switch a")) {
        let href = a.value().attr("href").unwrap();
        assert!(href.ends_with("index.html"), "{href}");
    }
    assert!(broken_links(&f.public()).is_empty());
}

#[test]
fn base_url_gives_canonical_and_absolute_alternates() {
    let f = Fixture::copy("nested");
    let mut opts = f.options();
    opts.base_url = Some("https://example.org/study/".into());
    grassroots::build(&opts).unwrap();
    let doc = f.page("part-a/one/index.html");
    assert_eq!(
        attr(&doc, "link[rel=canonical]", "href").as_deref(),
        Some("https://example.org/study/part-a/one/")
    );
    assert_eq!(
        attr(&doc, "link[rel=alternate][hreflang=en]", "href").as_deref(),
        Some("https://example.org/study/en/part-a/one/")
    );
    // Links inside the site stay relative.
    assert_eq!(
        attr(&doc, ".breadcrumbs a", "href").as_deref(),
        Some("../../")
    );
}

#[test]
fn print_pages_hold_the_section_in_reading_order_with_internal_anchors() {
    let f = built();
    let whole = f.page("print/index.html");
    assert_eq!(
        texts(&whole, ".print-toc li"),
        [
            "导言",
            "第一部分",
            "第一篇",
            "第二篇",
            "第二部分",
            "带日期的一页",
            "深层栏目",
            "叶子"
        ]
    );
    assert_eq!(texts(&whole, ".print-doc-title").len(), 8);
    // The intro links to part one's heading: inside the print page, to the prefixed id.
    let intro_link = whole
        .select(&sel(".print-doc a"))
        .find(|a| a.text().collect::<String>().contains("第一篇的要义"))
        .unwrap();
    let href = intro_link.value().attr("href").unwrap();
    let target = decode(href.trim_start_matches('#'));
    assert!(
        whole
            .select(&sel(".print-doc [id]"))
            .any(|e| e.value().attr("id") == Some(target.as_str())),
        "{href}"
    );
    // A section's print page links out to pages outside it.
    let part_a = f.page("part-a/print/index.html");
    assert_eq!(texts(&part_a, ".print-toc li"), ["第一篇", "第二篇"]);
    let leaf_link = part_a
        .select(&sel(".print-doc a"))
        .find(|a| a.text().collect::<String>() == "叶子页")
        .unwrap();
    assert_eq!(
        decode(leaf_link.value().attr("href").unwrap()),
        "../../part-b/deep/leaf-page/#叶子的标题"
    );
    // English print page of the whole site, with the untranslated page marked.
    let en = f.page("en/print/index.html");
    assert_eq!(attr(&en, "html", "lang").as_deref(), Some("en"));
    assert!(
        en.select(&sel(".print-doc[lang=zh-CN] .notice"))
            .next()
            .is_some()
    );
}

#[test]
fn sitemap_robots_and_feeds_with_base_url_only() {
    let f = built();
    assert!(
        !f.public().join("sitemap.xml").exists(),
        "no sitemap without base_url"
    );
    let mut opts = f.options();
    opts.base_url = Some("https://example.org/study".into());
    opts.precompress = Some(true);
    let report = grassroots::build(&opts).unwrap();
    assert!(report.notes.iter().any(|n| n.contains(".gz")));

    let sitemap = std::fs::read_to_string(f.public().join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert!(
        locs.contains(&"https://example.org/study/part-a/one/".to_string()),
        "{locs:?}"
    );
    assert!(locs.contains(&"https://example.org/study/en/part-a/one/".to_string()));
    assert!(
        !locs.contains(&"https://example.org/study/en/part-a/two/".to_string()),
        "fallback pages are not listed"
    );
    let one = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("url")
                && n.children()
                    .any(|c| c.text() == Some("https://example.org/study/part-a/one/"))
        })
        .unwrap();
    let alternates: Vec<_> = one
        .children()
        .filter(|c| c.has_tag_name("link"))
        .map(|c| c.attribute("hreflang").unwrap())
        .collect();
    assert_eq!(alternates, ["zh-CN", "en"]);

    let robots = std::fs::read_to_string(f.public().join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/study/sitemap.xml"));

    let feed = std::fs::read_to_string(f.public().join("en/atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<_> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .unwrap()
                .text()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(titles, ["Part one", "A dated page"], "newest first");

    let gz = std::fs::read(f.public().join("index.html.gz")).unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(gz.as_slice()), &mut html)
        .unwrap();
    assert_eq!(
        html,
        std::fs::read_to_string(f.public().join("index.html")).unwrap()
    );
}
