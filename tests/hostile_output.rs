//! The output folder under faults: builds killed with SIGKILL at random
//! moments leave `public/` either the old output or the new one, never
//! missing or mixed, and the next build removes what they left; `.git` and
//! other dotfiles in the output survive builds; output folders inside the
//! site's sources are refused. These run the release binary.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::Fixture;

/// A site big enough that a build takes a while: the nested fixture plus
/// `pages` pages in one section, each naming `version`.
fn big_site(pages: usize) -> Fixture {
    let f = Fixture::copy("nested");
    f.write(
        "content/many/_index.md",
        "---\ntitle: 许多\n---\n\n许多页。\n",
    );
    for i in 0..pages {
        let body = "这是一段用来填充页面的文字，让构建需要一些时间。\n\n".repeat(20);
        f.write(
            &format!("content/many/p{i}.md"),
            format!("---\ntitle: 第{i}页\nweight: {i}\n---\n\n{body}"),
        );
    }
    set_version(&f, 0);
    f
}

fn set_version(f: &Fixture, version: u32) {
    f.write(
        "content/intro.md",
        format!("---\ntitle: 导言\nweight: 1\n---\n\nversion-{version}\n"),
    );
}

/// The binary, with its own cache and temporary folders so the test can
/// tell what it leaves there, run outside the repository so that it uses
/// its built-in theme as an installed binary does.
fn command(f: &Fixture, env: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_grassroots"));
    c.arg("build")
        .arg(f.path())
        .current_dir(env)
        .env("XDG_CACHE_HOME", env.join("cache"))
        .env("TMPDIR", env.join("tmp"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn build(f: &Fixture, env: &Path) {
    let out = command(f, env).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Which version `public/` holds, after checking it is whole: every page
/// there, the marker, the `.git` planted in it.
fn served_version(f: &Fixture, pages: usize) -> u32 {
    let public = f.public();
    assert!(public.is_dir(), "public/ is missing");
    assert!(public.join(".grassroots-output").is_file(), "no marker");
    assert_eq!(
        fs::read_to_string(public.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/gh-pages\n",
        ".git lost"
    );
    for i in 0..pages {
        assert!(
            public.join(format!("many/p{i}/index.html")).is_file(),
            "page {i} missing: a mixed or partial output"
        );
    }
    let intro = fs::read_to_string(public.join("intro/index.html")).unwrap();
    let at = intro
        .find("version-")
        .expect("the intro page names its version");
    intro[at + 8..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// What the site folder, the cache and the temporary folder hold besides
/// the site itself.
fn leftovers(f: &Fixture, env: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(f.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !["config.toml", "content", "public"].contains(&n.as_str()))
        .collect();
    for sub in ["tmp", "cache/grassroots"] {
        if let Ok(entries) = fs::read_dir(env.join(sub)) {
            names.extend(
                entries
                    .flatten()
                    .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy()))
                    .filter(|n| !n.starts_with("cache/grassroots/theme-default-")),
            );
        }
    }
    names.sort();
    names
}

#[test]
fn killed_builds_leave_the_old_or_the_new_output_and_the_next_build_cleans_up() {
    const PAGES: usize = 1500;
    let f = big_site(PAGES);
    let env = tempfile::tempdir().unwrap();
    fs::create_dir_all(env.path().join("tmp")).unwrap();
    build(&f, env.path());
    f.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    let started = Instant::now();
    build(&f, env.path());
    let full = started.elapsed();
    assert_eq!(served_version(&f, PAGES), 0);

    // Kill moments spread over the whole build, the swap at its end too.
    let mut seed = started.elapsed().subsec_nanos() as u64 | 1;
    let mut last_good = 0;
    let mut killed = 0;
    for version in 1..=16u32 {
        set_version(&f, version);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = full.mul_f64((seed % 1000) as f64 / 1000.0 * 1.1);
        let mut child = command(&f, env.path()).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = served_version(&f, PAGES);
        assert!(
            now == last_good || now == version,
            "public/ holds version {now}, neither {last_good} nor {version}"
        );
        last_good = now;
    }
    assert!(
        killed >= 4,
        "only {killed} builds were killed before they ended"
    );

    // The next build removes what the killed ones left.
    set_version(&f, 99);
    build(&f, env.path());
    assert_eq!(served_version(&f, PAGES), 99);
    assert_eq!(leftovers(&f, env.path()), Vec::<String>::new());
    let copies = fs::read_dir(env.path().join("cache/grassroots"))
        .unwrap()
        .count();
    assert_eq!(copies, 1, "one cached copy of the built-in theme");
}

#[test]
fn dotfiles_in_the_output_are_kept_and_a_gh_pages_worktree_is_accepted() {
    let f = Fixture::copy("nested");
    let env = tempfile::tempdir().unwrap();
    // A fresh worktree: only `.git`, no marker yet.
    f.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    f.write("public/.nojekyll", "");
    f.write("public/.well-known/security.txt", "Contact: me\n");
    build(&f, env.path());
    build(&f, env.path());
    let public = f.public();
    assert_eq!(
        fs::read_to_string(public.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/gh-pages\n"
    );
    assert!(public.join(".nojekyll").is_file());
    assert!(public.join(".well-known/security.txt").is_file());
    assert!(public.join("index.html").is_file());
}

#[test]
fn output_folders_inside_the_sources_are_refused() {
    let f = Fixture::copy("nested");
    f.write("static/robots.txt", "User-agent: *\n");
    f.write("templates/404.html", "gone");
    let env = tempfile::tempdir().unwrap();
    for (inside, folder) in [
        ("content/out", "content"),
        ("static/out", "static"),
        ("templates/out", "templates"),
    ] {
        let out = command(&f, env.path())
            .arg("--output")
            .arg(f.path().join(inside))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "the output folder is inside {}",
                f.path().join(folder).display()
            )),
            "{stderr}"
        );
        assert!(!f.path().join(inside).exists(), "{inside} was written");
    }
}
