//! A site written for Zola (its config.toml and front matter as Zola's
//! documentation writes them) builds with the default theme: Zola's keys
//! are honoured or warned about, never silently dropped.

mod common;

use common::*;
use grassroots::ErrorKind;

fn built() -> (Fixture, grassroots::BuildReport) {
    let f = Fixture::copy("zola-blog");
    let report = f.build().unwrap_or_else(|e| panic!("{e}"));
    (f, report)
}

#[test]
fn zola_config_builds_with_one_warning_per_unused_key() {
    let (_f, report) = built();
    let w = report.warnings.join("\n");
    assert!(
        w.contains("config.toml:4:1: `compile_sass` is a Zola setting"),
        "{w}"
    );
    assert!(
        w.contains("config.toml:10:1: `markdown.render_emoji`"),
        "{w}"
    );
    assert!(w.contains("config.toml:12:2: `link_checker`"), "{w}");
    assert!(!w.contains("internal_level"), "{w}");
    assert!(w.contains("no `title`"), "{w}");
    assert!(!w.contains("taxonomies"), "taxonomies are carried out: {w}");
}

#[test]
fn zola_front_matter_not_carried_out_yet_is_a_warning_naming_the_key() {
    let (_f, report) = built();
    let w = report.warnings.join("\n");
    assert!(!w.contains("`aliases`"), "aliases are carried out: {w}");
    assert!(!w.contains("`redirect_to`"), "{w}");
    assert!(
        w.contains("`paginate_by` is Zola's front matter key"),
        "{w}"
    );
    assert!(!w.contains("`taxonomies`"), "{w}");
}

#[test]
fn blank_lines_before_the_fence_and_dates_in_file_names() {
    let (f, _) = built();
    let doc = f.page("posts/a-post/index.html");
    assert_eq!(text(&doc, "h1"), "第一篇帖子");
    assert!(
        !doc.html().contains("+++"),
        "front matter leaked into the page"
    );
    assert!(
        !doc.html().contains("authors"),
        "front matter leaked into the page"
    );
    let time = attr(&doc, "time", "datetime").unwrap_or_default();
    assert!(
        time.starts_with("2016-10-08"),
        "date from the file name: {time:?}"
    );
    let en = f.page("en/posts/a-post/index.html");
    assert_eq!(text(&en, "h1"), "A first post");
    assert!(!f.public().join("posts/2016-10-08_a-post").exists());
}

#[test]
fn slug_with_ampersand_and_path_and_render_false() {
    let (f, _) = built();
    assert!(f.public().join("posts/something-else/index.html").is_file());
    // A file name with URL-breaking characters: the folder and links agree.
    assert!(f.public().join("posts/问答/index.html").is_file());
    assert!(f.public().join("about/team/index.html").is_file());
    assert!(f.public().join("en/about/team/index.html").is_file());
    assert!(!f.public().join("posts/gone").exists());
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn draft_section_drops_its_pages() {
    let (f, _) = built();
    assert!(!f.public().join("drafts").exists());
    assert!(!f.public().join("en/drafts").exists());
}

#[test]
fn in_search_index_false_keeps_a_page_out_of_the_index() {
    let (f, _) = built();
    let v = query(&f.public(), "zh", "蝴蝶兰花园");
    assert_eq!(v["results"].as_array().map(Vec::len), Some(0), "{v}");
    let v = query(&f.public(), "zh", "正文第一段");
    assert!(!v["results"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn config_errors_are_all_listed_in_one_run_with_positions() {
    let f = Fixture::copy("zola-blog");
    let c = std::fs::read_to_string(f.path().join("config.toml")).unwrap();
    f.write(
        "config.toml",
        format!("typo_key = 1\n{c}\n[search]\nenable = false\n")
            .replace("[languages.en]\n", "[languages.en]\ntitel = \"x\"\n"),
    );
    let err = f.build().unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kinds(), [ErrorKind::Config; 3], "{msg}");
    assert!(
        msg.contains("config.toml:1:1: unknown configuration key `typo_key`"),
        "{msg}"
    );
    assert!(
        msg.contains("config.toml:20:1: unknown configuration key `languages.en.titel`"),
        "{msg}"
    );
    assert!(
        msg.contains("unknown configuration key `search.enable`"),
        "{msg}"
    );
}
