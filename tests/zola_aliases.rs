//! Zola's `aliases` and `redirect_to`: redirect pages with a meta refresh,
//! a canonical link and `noindex`, linking relatively; aliases that would
//! take another page's place are errors naming both files.

mod common;

use common::*;
use grassroots::ErrorKind;

/// The redirect page's refresh target, canonical link and robots value.
fn redirect(doc: &scraper::Html) -> (String, String, String) {
    let refresh = attr(doc, "meta[http-equiv=refresh]", "content").expect("a meta refresh");
    let canonical = attr(doc, "link[rel=canonical]", "href").expect("a canonical link");
    let robots = attr(doc, "meta[name=robots]", "content").expect("a robots meta");
    (refresh, canonical, robots)
}

#[test]
fn an_alias_is_a_redirect_page_to_the_page() {
    let f = Fixture::copy("zola-blog");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    // A folder alias, from the site root: two levels up to the root.
    let (refresh, canonical, robots) = redirect(&f.page("old/hidden/index.html"));
    assert_eq!(refresh, "0; url=../../posts/hidden/");
    assert_eq!(canonical, "https://example.org/posts/hidden/");
    assert_eq!(robots, "noindex");
    // A Chinese alias and an `.html` alias of a page with a `path`.
    let (refresh, ..) = redirect(&f.page("团队/index.html"));
    assert_eq!(refresh, "0; url=../about/team/");
    let (refresh, ..) = redirect(&f.page("old/team.html"));
    assert_eq!(refresh, "0; url=../about/team/");
    // The redirect leads to a page that exists.
    assert!(f.public().join("about/team/index.html").is_file());
}

#[test]
fn a_section_with_redirect_to_is_a_redirect_in_each_language() {
    let f = Fixture::copy("zola-blog");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    let (refresh, ..) = redirect(&f.page("old-home/index.html"));
    assert_eq!(refresh, "0; url=../posts/");
    // The English section falls back to the Chinese file; its redirect
    // stays in English.
    let (refresh, ..) = redirect(&f.page("en/old-home/index.html"));
    assert_eq!(refresh, "0; url=../../en/posts/");
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn offline_redirects_name_index_html() {
    let f = Fixture::copy("zola-blog");
    let c = std::fs::read_to_string(f.path().join("config.toml")).unwrap();
    f.write("config.toml", format!("offline = true\n{c}"));
    f.build().unwrap_or_else(|e| panic!("{e}"));
    let (refresh, ..) = redirect(&f.page("old/hidden/index.html"));
    assert_eq!(refresh, "0; url=../../posts/hidden/index.html");
}

#[test]
fn aliases_that_take_another_place_are_errors_naming_both_files() {
    let f = Fixture::copy("zola-blog");
    f.write(
        "content/posts/amp.md",
        "+++\ntitle = \"别名\"\naliases = [\"/posts/hidden/\", \"/en/\", \"/assets/x/\", \"/search/zh/\", \"/posts/print/\", \"/old/hidden\", \"../up\"]\n+++\n正文。\n",
    );
    let before = f.public().exists();
    let err = f.build().unwrap_err();
    let msg = err.to_string();
    assert!(err.kinds().iter().all(|k| *k == ErrorKind::Url), "{msg}");
    assert_eq!(err.kinds().len(), 7, "{msg}");
    for expected in [
        "amp.md:3:1: alias \"/posts/hidden/\" is the URL of ",
        "content/posts/hidden.md\n",
        "alias \"/en/\" is a language's home page",
        "alias \"/assets/x/\" is inside assets/",
        "alias \"/search/zh/\" is inside search/",
        "alias \"/posts/print/\" is the URL of the print page of ",
        "content/posts/_index.md\n",
        "is the URL of an alias of ",
        "alias \"../up\" has an empty, `.` or `..` segment",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in\n{msg}");
    }
    assert_eq!(f.public().exists(), before, "nothing written");
}

#[test]
fn a_redirect_to_a_missing_file_is_an_error() {
    let f = Fixture::copy("zola-blog");
    f.write(
        "content/old-home/_index.md",
        "+++\ntitle = \"旧\"\nredirect_to = \"@/nowhere.md\"\n+++\n",
    );
    let msg = f.build().unwrap_err().to_string();
    assert!(
        msg.contains("_index.md:3:1: `redirect_to = \"@/nowhere.md\"` names content/nowhere.md"),
        "{msg}"
    );
}
