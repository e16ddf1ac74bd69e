//! Zola's page bundles: `post/index.md` is a page at `post/`, and the files
//! beside it are published with it, in every language.

mod common;

use common::*;

fn built() -> (Fixture, grassroots::BuildReport) {
    let f = Fixture::copy("zola-bundle");
    let report = f.build().unwrap_or_else(|e| panic!("{e}"));
    (f, report)
}

#[test]
fn a_bundle_is_a_page_at_its_folder_in_both_languages() {
    let (f, _) = built();
    assert_eq!(text(&f.page("posts/trip/index.html"), "h1"), "旅行");
    assert_eq!(text(&f.page("en/posts/trip/index.html"), "h1"), "The trip");
    assert!(!f.public().join("posts/trip/index").exists());
    assert!(!f.public().join("posts/2020-01-02_trip").exists());
    let home = f.page("index.html");
    assert_eq!(
        attr(&home, "main a[href*='trip']", "href").as_deref(),
        Some("./posts/trip/")
    );
}

#[test]
fn bundle_and_section_assets_are_published_beside_them_in_every_language() {
    let (f, report) = built();
    for lang in ["", "en/"] {
        for file in [
            "posts/trip/photo.png",
            "posts/trip/files/notes.txt",
            "posts/map.png",
        ] {
            let p = f.public().join(format!("{lang}{file}"));
            assert!(p.is_file(), "{} missing", p.display());
        }
        assert!(
            !f.public()
                .join(format!("{lang}posts/trip/raw.psd"))
                .exists(),
            "ignored_content"
        );
    }
    assert!(
        !report.warnings.iter().any(|w| w.contains("not published")),
        "{:?}",
        report.warnings
    );
    // Print pages (SECTION/print/) do not rebase relative links yet (issue
    // 16, render/print.rs): they are left out here, not forgotten.
    let problems: Vec<String> = broken_links(&f.public())
        .into_iter()
        .filter(|p| !p.contains("print/index.html"))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}
