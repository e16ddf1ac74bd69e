//! Templates from any theme cannot abort a build: a partial that includes
//! itself, a macro that calls itself without end, a loop over a billion
//! numbers and `get_env` each end the build with an error naming the
//! template, exit status 1 and no signal, the previous output untouched.
//!
//! These run the release binary: a stack overflow would kill the process,
//! which only a child process can show.

mod common;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use common::Fixture;

fn grassroots(f: &Fixture) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_grassroots"))
        .arg("build")
        .arg(f.path())
        .env("SECRET_TOKEN", "hunter2")
        .output()
        .unwrap()
}

fn snapshot(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(f.public())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(f.public()).unwrap();
            (rel.display().to_string(), fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Builds the nested fixture, writes `templates` into the site, builds
/// again and returns the second build's stderr after checking that it
/// exited with status 1 (no signal) and left `public/` as it was.
fn failing_build(templates: &[(&str, &str)]) -> String {
    let f = Fixture::copy("nested");
    let first = grassroots(&f);
    assert!(first.status.success(), "{first:?}");
    let before = snapshot(&f);
    for (rel, text) in templates {
        f.write(&format!("templates/{rel}"), text);
    }
    let out = grassroots(&f);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(snapshot(&f), before, "public/ changed after a failed build");
    let leftovers: Vec<_> = fs::read_dir(f.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    stderr
}

fn assert_mentions(err: &str, needles: &[&str]) {
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in:\n{err}");
    }
}

#[test]
fn a_partial_that_includes_itself() {
    let err = failing_build(&[(
        "partials/nav.html",
        "<nav>\n{% include \"partials/nav.html\" %}\n</nav>\n",
    )]);
    assert_mentions(
        &err,
        &[
            "templates/partials/nav.html:2",
            "`partials/nav.html` includes `partials/nav.html`",
        ],
    );
}

#[test]
fn partials_that_include_each_other_and_macros_that_import_each_other() {
    let err = failing_build(&[
        ("partials/nav.html", "{% include \"partials/b.html\" %}"),
        ("partials/b.html", "b\n{% include \"partials/nav.html\" %}"),
        (
            "m1.html",
            "{% import \"m2.html\" as m2 %}{% macro a() %}{% endmacro a %}",
        ),
        (
            "m2.html",
            "{% import \"m1.html\" as m1 %}{% macro b() %}{% endmacro b %}",
        ),
    ]);
    assert_mentions(
        &err,
        &[
            "templates/partials/b.html:2: `partials/b.html` includes `partials/nav.html`, which includes `partials/b.html`",
            "templates/m1.html:1: `m1.html` imports macros from `m2.html`, which imports macros from `m1.html`",
        ],
    );
}

#[test]
fn a_macro_that_calls_itself_without_end() {
    let err = failing_build(&[(
        "404.html",
        "{% macro down(n) %}\n{{ self::down(n=n+1) }}\n{% endmacro down %}\n{{ self::down(n=1) }}\n",
    )]);
    assert_mentions(
        &err,
        &[
            "templates/404.html:1",
            "the macro `down` in `404.html` calls itself too deeply",
        ],
    );
}

#[test]
fn a_macro_may_call_itself_when_it_stops() {
    let f = Fixture::copy("nested");
    f.write(
        "templates/404.html",
        "{% macro down(n) %}{% if n < 300 %}{{ self::down(n=n+1) }}{% else %}depth {{ n }}{% endif %}{% endmacro down %}{{ self::down(n=1) }}",
    );
    let out = grassroots(&f);
    assert!(out.status.success(), "{out:?}");
    let page = fs::read_to_string(f.public().join("404.html")).unwrap();
    assert_eq!(page, "depth 300");
}

#[test]
fn a_loop_over_a_billion_numbers() {
    let err = failing_build(&[(
        "404.html",
        "{% for i in range(end=1000000000) %}{{ i }}{% endfor %}",
    )]);
    assert_mentions(
        &err,
        &["templates/404.html:1", "would make 1000000000 numbers"],
    );
}

#[test]
fn nested_loops_that_run_away() {
    let err = failing_build(&[(
        "404.html",
        "x\n{% for i in range(end=1000000) %}{% for j in range(end=1000000) %}{{ i }}{% endfor %}{% endfor %}",
    )]);
    assert_mentions(
        &err,
        &[
            "templates/404.html:2",
            "ran more than 10000000 loop iterations and macro calls",
            "the `for j in …` loop",
        ],
    );
}

#[test]
fn get_env_is_refused() {
    let err = failing_build(&[("404.html", "<p>\n{{ get_env(name=\"SECRET_TOKEN\") }}")]);
    assert_mentions(
        &err,
        &[
            "templates/404.html:2",
            "get_env(name=\"SECRET_TOKEN\") is refused",
            "allowed_env",
        ],
    );
    assert!(!err.contains("hunter2"), "{err}");
}
