//! The dev server's rebuilds, edit after edit, must leave exactly what a
//! fresh `grassroots build` of the same files writes. Edits of existing
//! pages (body or front matter) take the incremental path; new, deleted and
//! renamed files and drafts rebuild whole.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use grassroots::serve::rebuild::Rebuilder;

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(root).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Rebuilds after `changed`, brings search up to date, and compares the
/// served folder with a fresh build. Returns whether it was incremental.
fn rebuild_and_compare(f: &Fixture, rebuilder: &mut Rebuilder, changed: &[PathBuf]) -> bool {
    let outcome = rebuilder.rebuild(changed);
    let built = outcome.result.unwrap_or_else(|e| panic!("{e}"));
    if let Some(r) = rebuilder.refresh_search() {
        r.unwrap();
    }
    let incremental = built
        .report
        .documents
        .iter()
        .any(|(l, _)| l == "re-rendered");
    let fresh = tempfile::tempdir().unwrap();
    let mut opts = options(f);
    opts.output_dir = Some(fresh.path().join("out"));
    grassroots::build(&opts).unwrap();
    let (served, expected) = (files(&built.root), files(&fresh.path().join("out")));
    let served_names: Vec<_> = served.keys().collect();
    let expected_names: Vec<_> = expected.keys().collect();
    assert_eq!(served_names, expected_names, "same files after {changed:?}");
    for (name, bytes) in &expected {
        assert!(
            served[name] == *bytes,
            "{name} differs from a fresh build after {changed:?}"
        );
    }
    incremental
}

/// With a base URL, so the sitemap and feeds are compared too.
fn options(f: &Fixture) -> grassroots::BuildOptions {
    let mut opts = f.options();
    opts.base_url = Some("https://example.org/study".into());
    opts
}

fn edit(f: &Fixture, rel: &str, from: &str, to: &str) -> PathBuf {
    let path = f.path().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    fs::write(&path, text.replace(from, to)).unwrap();
    path
}

#[test]
fn edit_sequences_end_where_a_fresh_build_would() {
    let f = Fixture::copy("nested");
    let mut rebuilder = Rebuilder::new(options(&f)).unwrap();
    rebuilder.rebuild(&[]).result.unwrap();

    // A body edit: incremental, search included.
    let one = edit(
        &f,
        "content/part-a/one.md",
        "“脚力”化为“能力”。",
        "“脚力”化为“能力”，调查研究。",
    );
    assert!(
        rebuild_and_compare(&f, &mut rebuilder, std::slice::from_ref(&one)),
        "body edits are incremental"
    );

    // An editor's atomic save: write a temporary file, rename it over the page.
    let intro = f.path().join("content/intro.md");
    let tmp = f.path().join("content/.intro.md.swp");
    fs::write(
        &tmp,
        fs::read_to_string(&intro)
            .unwrap()
            .replace("学习的意义。", "学习的意义在于实践。"),
    )
    .unwrap();
    fs::rename(&tmp, &intro).unwrap();
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&intro)
    ));

    // Rapid successive saves, gathered into one rebuild; a new heading changes ids and the TOC.
    edit(&f, "content/part-a/one.en.md", "Deeper.", "Deeper still.");
    edit(
        &f,
        "content/part-a/one.en.md",
        "Deeper still.",
        "Deeper still.\n\n## A new heading\n\nMore.",
    );
    let one_en = f.path().join("content/part-a/one.en.md");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[one_en.clone(), one_en.clone()]
    ));

    // A broken link is an error; the served site stays as it was; the fix applies.
    let before = files(rebuilder.rebuild(&[]).result.unwrap().root.as_path());
    edit(
        &f,
        "content/intro.md",
        "学习的意义在于实践。",
        "学习的意义在于实践。[坏](@/nope.md)",
    );
    let err = rebuilder
        .rebuild(std::slice::from_ref(&intro))
        .result
        .err()
        .expect("a broken link fails");
    assert!(err.to_string().contains("content/intro.md"), "{err}");
    edit(&f, "content/intro.md", "[坏](@/nope.md)", "");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&intro)
    ));
    assert_ne!(before.len(), 0);

    // A heading renamed that another page links to by anchor: an error, then fixed.
    edit(&f, "content/part-a/one.md", "## 要义", "## 要点");
    let err = rebuilder
        .rebuild(std::slice::from_ref(&one))
        .result
        .err()
        .expect("intro links to #要义");
    assert!(
        err.to_string().contains("content/intro.md") && err.to_string().contains("要义"),
        "{err}"
    );
    edit(&f, "content/part-a/one.md", "## 要点", "## 要义");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&one)
    ));

    // Front matter edits re-render what shows them, in place: a title
    // (in the sidebar, the section's list, neighbours' prev/next and the
    // untranslated English fallback) …
    let two = edit(
        &f,
        "content/part-a/two.md",
        "title = \"第二篇\"",
        "title = \"第二篇（修订）\"",
    );
    assert!(
        rebuild_and_compare(&f, &mut rebuilder, std::slice::from_ref(&two)),
        "a title edit is incremental"
    );
    // … a weight that reorders a section (prev/next, print page order) …
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[edit(
            &f,
            "content/part-a/one.md",
            "weight = 1",
            "weight = 5"
        )]
    ));
    // … a slug: the page moves and nothing stays at its old URL …
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[edit(
            &f,
            "content/part-b/deep/leaf.md",
            "slug = \"leaf-page\"",
            "slug = \"叶子页\""
        )]
    ));
    // … a section's title (breadcrumbs of everything below it) and a date.
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[
            edit(
                &f,
                "content/part-b/_index.md",
                "title = \"第二部分\"",
                "title = \"第二部分（修订）\""
            ),
            edit(
                &f,
                "content/part-b/dated.md",
                "date: 2024-01-02",
                "date: 2025-06-30"
            ),
        ]
    ));
    // A slug that takes another page's URL is an error; fixing it applies.
    let clash = edit(
        &f,
        "content/part-a/one.md",
        "weight = 5",
        "weight = 5\nslug = \"two\"",
    );
    let err = rebuilder
        .rebuild(std::slice::from_ref(&clash))
        .result
        .err()
        .expect("two pages at part-a/two/");
    assert!(err.to_string().contains("part-a/two"), "{err}");
    edit(&f, "content/part-a/one.md", "\nslug = \"two\"", "");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&clash)
    ));
    // A page becoming a draft leaves the tree, in place.
    edit(
        &f,
        "content/part-a/two.md",
        "weight = 2",
        "weight = 2\ndraft = true",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&two)
    ));
    edit(&f, "content/part-a/two.md", "\ndraft = true", "");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&two)
    ));

    // Create, rename, delete: in place too.
    f.write(
        "content/part-a/three.md",
        "+++\ntitle = \"第三篇\"\nweight = 3\n+++\n\n新的一篇。\n",
    );
    let three = f.path().join("content/part-a/three.md");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&three)
    ));
    let renamed = f.path().join("content/part-a/third.md");
    fs::rename(&three, &renamed).unwrap();
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[three.clone(), renamed.clone()]
    ));
    // A page that links to the new one, then the new one deleted: the
    // broken link is an error, the served site stays; the fix applies.
    let intro = edit(
        &f,
        "content/intro.md",
        "+++\n\n",
        "+++\n\n见[第三篇](@/part-a/third.md)。\n\n",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&intro)
    ));
    fs::remove_file(&renamed).unwrap();
    let err = rebuilder
        .rebuild(std::slice::from_ref(&renamed))
        .result
        .err()
        .expect("a link to a deleted page is an error");
    assert!(err.to_string().contains("content/intro.md"), "{err}");
    assert!(err.to_string().contains("@/part-a/third.md"), "{err}");
    edit(
        &f,
        "content/intro.md",
        "见[第三篇](@/part-a/third.md)。\n\n",
        "",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[intro.clone(), renamed]
    ));

    // A new section with a page, in both languages, then a translation
    // removed (the page falls back to the original) and the section deleted.
    f.write(
        "content/part-c/_index.md",
        "+++\ntitle = \"第三部分\"\nweight = 3\n+++\n",
    );
    f.write(
        "content/part-c/_index.en.md",
        "+++\ntitle = \"Part C\"\nweight = 3\n+++\n",
    );
    f.write(
        "content/part-c/new.md",
        "+++\ntitle = \"新篇\"\n+++\n\n## 要点\n\n正文。\n",
    );
    f.write(
        "content/part-c/new.en.md",
        "+++\ntitle = \"New\"\n+++\n\n## Points\n\nText.\n",
    );
    let part_c: Vec<PathBuf> = ["_index.md", "_index.en.md", "new.md", "new.en.md"]
        .iter()
        .map(|n| f.path().join("content/part-c").join(n))
        .collect();
    assert!(rebuild_and_compare(&f, &mut rebuilder, &part_c));
    fs::remove_file(&part_c[3]).unwrap();
    assert!(rebuild_and_compare(&f, &mut rebuilder, &part_c[3..]));
    fs::remove_dir_all(f.path().join("content/part-c")).unwrap();
    assert!(rebuild_and_compare(&f, &mut rebuilder, &part_c));
    // A translation added to a page that had none.
    f.write(
        "content/part-a/two.en.md",
        "+++\ntitle = \"Two\"\nweight = 2\n+++\n\nIn English.\n",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-a/two.en.md")]
    ));

    // And body edits are incremental again afterwards.
    edit(
        &f,
        "content/part-b/dated.md",
        "YAML 头信息。",
        "YAML 头信息，已更新。",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-b/dated.md")]
    ));
}

#[test]
fn changes_are_classified_before_a_rebuild_path_is_chosen() {
    use grassroots::incremental::change::{ChangeKind, PathKind};
    let f = Fixture::copy("nested");
    let mut opts = options(&f);
    opts.keep_html = true;
    opts.output_dir = Some(f.path().join("out"));
    let (_, session) = grassroots::build::build_session(&opts).unwrap();
    let kind = |path: PathBuf| session.classify(&path).unwrap().0;

    let body = edit(&f, "content/part-a/one.md", "化为", "变成");
    assert_eq!(kind(body), ChangeKind::Body);
    let title = edit(&f, "content/part-a/one.md", "第一篇", "首篇");
    assert_eq!(kind(title), ChangeKind::FrontMatter);
    let draft = edit(&f, "content/part-a/two.md", "+++\n", "+++\ndraft = true\n");
    assert_eq!(kind(draft), ChangeKind::Reshaped);
    f.write("content/part-a/three.md", "+++\ntitle = \"三\"\n+++\n");
    assert_eq!(
        kind(f.path().join("content/part-a/three.md")),
        ChangeKind::NewContent
    );
    fs::remove_file(f.path().join("content/intro.en.md")).unwrap();
    assert_eq!(
        kind(f.path().join("content/intro.en.md")),
        ChangeKind::RemovedContent
    );
    f.write("templates/page.html", "{% extends \"base.html\" %}");
    assert_eq!(
        kind(f.path().join("templates/page.html")),
        ChangeKind::Other(PathKind::Template)
    );
    assert_eq!(
        kind(f.path().join("config.toml")),
        ChangeKind::Other(PathKind::Config)
    );
}

#[test]
fn draft_sections_and_bundles_with_files_rebuild_whole() {
    let f = Fixture::copy("nested");
    let mut rebuilder = Rebuilder::new(options(&f)).unwrap();
    rebuilder.rebuild(&[]).result.unwrap();
    f.write(
        "content/part-d/_index.md",
        "+++\ntitle = \"第四部分\"\n+++\n",
    );
    f.write("content/part-d/p.md", "+++\ntitle = \"一篇\"\n+++\n正文\n");
    let section = f.path().join("content/part-d/_index.md");
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[section.clone(), f.path().join("content/part-d/p.md")]
    ));
    // A section becoming a draft takes its pages with it: a full build.
    edit(
        &f,
        "content/part-d/_index.md",
        "+++\n",
        "+++\ndraft = true\n",
    );
    assert!(!rebuild_and_compare(
        &f,
        &mut rebuilder,
        std::slice::from_ref(&section)
    ));
    // A page added inside the draft section stays out, as in a fresh build.
    f.write(
        "content/part-d/later.md",
        "+++\ntitle = \"稍后\"\n+++\n正文\n",
    );
    assert!(!rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-d/later.md")]
    ));
    edit(
        &f,
        "content/part-d/_index.md",
        "+++\ndraft = true\n",
        "+++\n",
    );
    assert!(!rebuild_and_compare(&f, &mut rebuilder, &[section]));
    // A page bundle appearing beside its image: where the image is
    // published follows the bundle, so the whole site is rebuilt.
    f.write("content/part-a/trip/photo.txt", "照片说明");
    assert!(!rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-a/trip/photo.txt")]
    ));
    f.write(
        "content/part-a/trip/index.md",
        "+++\ntitle = \"调研行\"\n+++\n见照片。\n",
    );
    assert!(!rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-a/trip/index.md")]
    ));
    // A plain page next to it is in place again.
    f.write(
        "content/part-a/four.md",
        "+++\ntitle = \"第四篇\"\n+++\n正文\n",
    );
    assert!(rebuild_and_compare(
        &f,
        &mut rebuilder,
        &[f.path().join("content/part-a/four.md")]
    ));
}
