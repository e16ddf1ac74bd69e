//! Unit tests of front matter splitting and checking.

use super::*;

fn parse(text: &str) -> Result<Split<'_>> {
    split(text, Path::new("content/a.md"), false)
}

#[test]
fn toml_front_matter() {
    let s = parse(
        "+++\ntitle = \"调查研究\"\nweight = 2\ndate = 2023-09-01\n[extra]\nx = 1\n+++\n\n正文\n",
    )
    .unwrap();
    assert_eq!(s.front.title.as_deref(), Some("调查研究"));
    assert_eq!(s.front.weight, Some(2));
    assert_eq!(s.front.date.unwrap().to_string(), "2023-09-01");
    assert_eq!(s.front.extra["x"], 1);
    assert_eq!(s.body, "\n正文\n");
    assert_eq!(s.body_line, 8);
}

#[test]
fn yaml_front_matter() {
    let s = parse("---\ntitle: Research\ndraft: true\ndate: 2023-09-01\n---\nBody\n").unwrap();
    assert_eq!(s.front.title.as_deref(), Some("Research"));
    assert!(s.front.draft);
    assert_eq!(s.body, "Body\n");
}

#[test]
fn no_front_matter_is_allowed() {
    let s = parse("# Title\n\ntext").unwrap();
    assert_eq!(s.front, FrontMatter::default());
    assert_eq!(s.body_line, 1);
}

#[test]
fn unclosed_block_points_at_line_one() {
    let e = parse("+++\ntitle = \"x\"\n\nbody\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("content/a.md:1:1: front matter opened with `+++`"),
        "{e}"
    );
}

#[test]
fn malformed_toml_names_the_line() {
    let e = parse("+++\ntitle = \"ok\"\nweight = = 3\n+++\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("content/a.md:3:"), "{e}");
    assert!(e.contains("malformed TOML"), "{e}");
}

#[test]
fn malformed_yaml_names_the_line() {
    let e = parse("---\ntitle: ok\n  bad: [\n---\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("malformed YAML"), "{e}");
    assert!(e.starts_with("content/a.md:3:"), "{e}");
}

#[test]
fn unknown_key_is_an_error_with_position() {
    let e = parse("+++\ntitle = \"x\"\n  autor = \"me\"\n+++\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("content/a.md:3:3: unknown front matter key `autor`"),
        "{e}"
    );
    assert!(e.contains("[extra]"), "{e}");
}

#[test]
fn wrong_types_are_reported() {
    let e = parse("+++\nweight = \"first\"\n+++\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`weight` must be a whole number"), "{e}");
    let e = parse("---\ndate: yesterday\n---\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`date` must be a date"), "{e}");
}

#[test]
fn zola_sort_orders() {
    let section = |v: &str| {
        split(
            &format!("+++\nsort_by = \"{v}\"\n+++\n"),
            Path::new("_index.md"),
            true,
        )
        .map(|s| s.front.sort_by)
    };
    assert_eq!(section("title_bytes").unwrap(), Some(SortBy::Title));
    let e = section("update_date").unwrap_err().to_string();
    assert!(e.contains("Zola's \"update_date\""), "{e}");
}

#[test]
fn sort_by_only_on_sections() {
    assert!(parse("+++\nsort_by = \"weight\"\n+++\n").is_err());
    let s = split(
        "+++\nsort_by = \"date\"\n+++\n",
        Path::new("_index.md"),
        true,
    )
    .unwrap();
    assert_eq!(s.front.sort_by, Some(SortBy::Date));
}

#[test]
fn every_zola_page_key_is_accepted() {
    let s = parse("+++\ntitle = \"t\"\nupdated = 2024-01-02\nauthors = [\"张三\", \"Li\"]\naliases = [\"/old/\"]\npath = \"about/team\"\nrender = true\nin_search_index = false\n[taxonomies]\ntags = [\"rust\", \"学习\"]\n+++\nbody\n").unwrap();
    let f = &s.front;
    assert_eq!(f.updated.unwrap().to_string(), "2024-01-02");
    assert_eq!(f.authors, ["张三", "Li"]);
    assert_eq!(f.aliases, ["/old/"]);
    assert_eq!(f.path.as_deref(), Some("about/team"));
    assert!(f.render && !f.in_search_index);
    assert_eq!(
        f.taxonomies,
        [(
            "tags".to_string(),
            vec!["rust".to_string(), "学习".to_string()]
        )]
    );
    let pending: Vec<_> = f.pending.iter().map(|(k, _)| *k).collect();
    assert!(pending.is_empty(), "{pending:?}");
}

#[test]
fn every_zola_section_key_is_accepted() {
    let s = split(
        "---\ntitle: S\nsort_by: date\npage_template: post.html\ntransparent: true\ninsert_anchor_links: right\npaginate_by: 5\npaginate_path: seite\npaginate_reversed: true\nredirect_to: https://example.org\ngenerate_feeds: true\nrender: false\naliases: [a]\nin_search_index: false\n---\n",
        Path::new("_index.md"),
        true,
    )
    .unwrap();
    let f = &s.front;
    assert_eq!(f.page_template.as_deref(), Some("post.html"));
    assert_eq!(f.paginate_by, Some(5));
    assert!(f.transparent && f.paginate_reversed && !f.render);
    assert_eq!(f.pending.len(), 6, "{:?}", f.pending);
}

#[test]
fn section_keys_on_pages_and_bad_values_are_all_reported() {
    let e = parse("+++\npaginate_by = 3\naliases = \"x\"\n[taxonomies]\ntags = \"one\"\n+++\n")
        .unwrap_err();
    let msg = e.to_string();
    assert_eq!(e.diagnostics().len(), 3, "{msg}");
    assert!(
        msg.contains("content/a.md:2:1: front matter key `paginate_by` only applies to sections"),
        "{msg}"
    );
    assert!(
        msg.contains("content/a.md:3:1: front matter key `aliases` must be a list"),
        "{msg}"
    );
    assert!(
        msg.contains("content/a.md:5:1: `taxonomies.tags` must be a list of terms"),
        "{msg}"
    );
}

#[test]
fn blank_lines_before_the_fence_are_accepted() {
    let s = parse("\n\n+++\ntitle = \"x\"\nweight = \"w\"\n+++\nbody\n");
    let e = s.unwrap_err().to_string();
    assert!(
        e.starts_with("content/a.md:5:1: front matter key `weight`"),
        "{e}"
    );
    let s = parse("\n  \n---\ntitle: x\n---\nbody\n").unwrap();
    assert_eq!(s.front.title.as_deref(), Some("x"));
    assert_eq!(s.body, "body\n");
    assert_eq!(s.body_line, 6);
}

#[test]
fn crlf_files_work() {
    let s = parse("+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n").unwrap();
    assert_eq!(s.front.title.as_deref(), Some("x"));
    assert_eq!(s.body, "body\r\n");
}
