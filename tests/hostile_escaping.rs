//! Markup in config values and titles reaches every output escaped: HTML
//! pages, the sitemap, the feeds and robots.txt carry `<script>` and `"`
//! as text, never as markup.

mod common;

use std::fs;

use common::{Fixture, html_files, text};

const CONFIG: &str = r#"title = "测试<script>alert(1)</script>\"'"
description = "desc<script>alert(2)</script>\""
default_language = "zh"
base_url = "https://example.org/x\"><script>alert(3)</script>"

[languages.en]
title = "Test<script>alert(4)</script>\""
description = "A nested<script>alert(5)</script>\""
"#;

fn hostile_site() -> Fixture {
    let f = Fixture::copy("nested");
    f.write("config.toml", CONFIG);
    let page = fs::read_to_string(f.path().join("content/part-b/dated.md")).unwrap();
    f.write(
        "content/part-b/dated.md",
        page.replace(
            "title: 带日期的一页",
            "title: \"带日期<script>alert(6)</script>\\\"\"",
        ),
    );
    f.build().unwrap();
    f
}

#[test]
fn no_markup_from_config_or_titles_reaches_any_file() {
    let f = hostile_site();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(f.public()).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_file() || name.ends_with(".gz") {
            continue;
        }
        let Ok(body) = fs::read_to_string(entry.path()) else {
            continue;
        };
        assert!(
            !body.contains("<script>alert"),
            "{} carries markup from the config or a title",
            entry.path().display()
        );
        checked += 1;
    }
    assert!(checked > 20, "only {checked} files checked");
}

#[test]
fn titles_read_back_as_text_in_pages_sitemap_feeds_and_robots() {
    let f = hostile_site();
    let page = f.page("part-b/dated/index.html");
    assert!(
        text(&page, "title").contains("带日期<script>alert(6)</script>\""),
        "{}",
        text(&page, "title")
    );
    assert!(html_files(&f.public()).len() > 10);

    let sitemap = fs::read_to_string(f.public().join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is well-formed");
    let loc = doc
        .descendants()
        .find(|n| n.has_tag_name("loc"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(loc.starts_with("https://example.org/x\"><script>"), "{loc}");

    let feed = fs::read_to_string(f.public().join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("atom.xml is well-formed");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"测试<script>alert(1)</script>\"'"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"带日期<script>alert(6)</script>\""),
        "{titles:?}"
    );

    let robots = fs::read_to_string(f.public().join("robots.txt")).unwrap();
    assert_eq!(
        robots.lines().last().unwrap(),
        "Sitemap: https://example.org/x%22%3E%3Cscript%3Ealert(3)%3C/script%3E/sitemap.xml"
    );
}
