//! Bad input: every case fails with one message naming the file and line,
//! and leaves the previous output exactly as it was.

mod common;

use std::fs;

use common::*;
use grassroots::ErrorKind;

/// Builds the fixture once, applies `breakage`, builds again and returns the
/// error text, after checking the first build's output is untouched and that
/// the build failed with exactly one diagnostic of `kind`.
fn failing_build(kind: ErrorKind, breakage: impl FnOnce(&Fixture)) -> String {
    let f = Fixture::copy("nested");
    f.build().unwrap();
    let before = snapshot(&f);
    breakage(&f);
    let err = f.build().expect_err("the build should fail");
    assert_eq!(err.kinds(), [kind], "{err}");
    let err = err.to_string();
    assert_eq!(snapshot(&f), before, "public/ changed after a failed build");
    let leftovers: Vec<_> = fs::read_dir(f.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".building-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
    err
}

fn snapshot(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(f.public())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(f.public())
                    .unwrap()
                    .display()
                    .to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn assert_mentions(err: &str, needles: &[&str]) {
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in:\n{err}");
    }
}

#[test]
fn malformed_toml_front_matter() {
    let err = failing_build(ErrorKind::FrontMatter, |f| {
        f.write(
            "content/intro.md",
            "+++\ntitle = \"导言\"\nweight = = 1\n+++\n\n正文\n",
        )
    });
    assert_mentions(
        &err,
        &["content/intro.md:3:", "malformed TOML front matter"],
    );
}

#[test]
fn malformed_yaml_front_matter() {
    let err = failing_build(ErrorKind::FrontMatter, |f| {
        f.write(
            "content/part-b/dated.md",
            "---\ntitle: 带日期\ndate: [2024\n---\n正文\n",
        )
    });
    assert_mentions(
        &err,
        &["content/part-b/dated.md:", "malformed YAML front matter"],
    );
}

#[test]
fn unclosed_front_matter() {
    let err = failing_build(ErrorKind::FrontMatter, |f| {
        f.write("content/intro.md", "+++\ntitle = \"导言\"\n\n正文\n")
    });
    assert_mentions(&err, &["content/intro.md:1:1", "never closed"]);
}

#[test]
fn unknown_front_matter_key() {
    let err = failing_build(ErrorKind::FrontMatter, |f| {
        f.write(
            "content/intro.md",
            "+++\ntitle = \"导言\"\nauthor = \"我\"\n+++\n\n正文\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "content/intro.md:3:1",
            "unknown front matter key `author`",
            "[extra]",
        ],
    );
}

#[test]
fn invalid_utf8() {
    let err = failing_build(ErrorKind::Encoding, |f| {
        f.write(
            "content/intro.md",
            b"+++\ntitle = \"x\"\n+++\n\n\xd5\xe2\xca\xc7 GBK\n".as_slice(),
        )
    });
    assert_mentions(&err, &["content/intro.md:5:1", "not valid UTF-8"]);
}

#[test]
fn duplicate_url() {
    let err = failing_build(ErrorKind::Url, |f| {
        f.write(
            "content/part-a/three.md",
            "+++\ntitle = \"三\"\nslug = \"one\"\n+++\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "same URL /part-a/one/",
            "part-a/one.md",
            "part-a/three.md",
            "slug",
        ],
    );
}

#[test]
fn broken_internal_link() {
    let err = failing_build(ErrorKind::BrokenLink, |f| {
        f.write(
            "content/intro.md",
            "+++\ntitle = \"导言\"\n+++\n\n第一行\n\n见[不存在](@/part-a/nope.md)。\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "content/intro.md:7:2",
            "broken internal link `@/part-a/nope.md`",
        ],
    );
}

#[test]
fn broken_anchor() {
    let err = failing_build(ErrorKind::BrokenAnchor, |f| {
        f.write(
            "content/intro.md",
            "+++\ntitle = \"导言\"\n+++\n\n见[要点](@/part-a/one.md#没有这个)。\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "content/intro.md:5:2",
            "no heading with id `没有这个`",
            "要义",
        ],
    );
}

#[test]
fn template_syntax_error() {
    let err = failing_build(ErrorKind::Template, |f| {
        f.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "templates/page.html:4:1",
            "template error",
            "Failed to parse",
        ],
    );
}

#[test]
fn missing_template() {
    let err = failing_build(ErrorKind::Template, |f| {
        f.write(
            "content/intro.md",
            "+++\ntitle = \"导言\"\ntemplate = \"special.html\"\n+++\n",
        )
    });
    assert_mentions(
        &err,
        &["content/intro.md:3:1", "template `special.html` not found"],
    );
}

#[test]
fn template_runtime_error_is_reported_once() {
    let err = failing_build(ErrorKind::Template, |f| {
        f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}{{ no_such_variable }}{% endblock main %}\n")
    });
    assert_mentions(&err, &["no_such_variable", "while rendering", "more"]);
    assert_eq!(err.matches("no_such_variable").count(), 1, "{err}");
}

#[test]
fn translation_in_unconfigured_language() {
    let err = failing_build(ErrorKind::Content, |f| {
        f.write(
            "content/intro.fr.md",
            "+++\ntitle = \"Introduction\"\n+++\n",
        )
    });
    assert_mentions(
        &err,
        &[
            "content/intro.fr.md",
            "\"fr\", which config.toml does not configure",
            "[languages.fr]",
        ],
    );
}

#[test]
fn unknown_config_key() {
    let err = failing_build(ErrorKind::Config, |f| {
        let c = fs::read_to_string(f.path().join("config.toml")).unwrap();
        f.write("config.toml", format!("{c}\n[search]\nenable = false\n"));
    });
    assert_mentions(
        &err,
        &["config.toml:", "unknown configuration key `search.enable`"],
    );
}

#[test]
fn output_folder_that_is_not_ours_is_refused() {
    let f = Fixture::copy("nested");
    f.write("public/keep-me.txt", "precious");
    let err = f.build().unwrap_err();
    assert_eq!(err.kinds(), [ErrorKind::Output]);
    let err = err.to_string();
    assert_mentions(&err, &["not made by grassroots"]);
    assert_eq!(
        fs::read_to_string(f.public().join("keep-me.txt")).unwrap(),
        "precious"
    );
    let mut opts = f.options();
    opts.output_dir = Some(f.path().to_path_buf());
    let err = grassroots::build(&opts).unwrap_err().to_string();
    assert_mentions(&err, &["contains"]);
}
