//! `grassroots check`: links and translation coverage without writing output.

mod common;

use common::*;

#[test]
fn reports_translation_coverage_per_section_and_writes_nothing() {
    let f = Fixture::copy("nested");
    let report = grassroots::check::check(&f.options()).unwrap();
    let part_a = report
        .coverage
        .iter()
        .find(|(s, _)| s == "part-a/")
        .unwrap();
    assert_eq!(
        part_a.1,
        [(3, 3), (2, 3)],
        "two of three part-a documents are in English"
    );
    assert!(report.table().contains("part-a/"));
    assert!(report.orphans.is_empty());
    assert!(!f.public().exists(), "check writes nothing");
}

#[test]
fn broken_links_and_anchors_fail_the_check() {
    let f = Fixture::copy("nested");
    f.write(
        "content/intro.md",
        "+++\ntitle = \"导言\"\n+++\n\n[a](@/nope.md)\n",
    );
    f.write(
        "content/part-b/dated.md",
        "+++\ntitle = \"日期\"\n+++\n\n[b](@/part-a/one.md#无)\n",
    );
    let err = grassroots::check::check(&f.options())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("content/intro.md:5:1: broken internal link `@/nope.md`"),
        "{err}"
    );
    assert!(err.contains("no heading with id `无`"), "{err}");
}

#[test]
fn pages_in_folders_without_index_are_reported() {
    let f = Fixture::copy("nested");
    f.write("content/loose/page.md", "+++\ntitle = \"散页\"\n+++\n");
    let report = grassroots::check::check(&f.options()).unwrap();
    assert_eq!(report.orphans.len(), 1, "{:?}", report.orphans);
    assert!(report.orphans[0].contains("content/loose/page.md"));
}
