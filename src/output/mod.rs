//! Stage 6, write: the build writes into a fresh staging folder next to the
//! output folder and swaps it in only when everything succeeded, so a failed
//! build leaves the previous `public/` exactly as it was.
//!
//! The build only ever deletes folders it made: the staging folder, and an
//! old output folder that carries our marker file.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every moment
//! `public/` is the old output or the new one, even if the build is killed.
//! Elsewhere it is two renames (old aside, new in).
//!
//! A killed build leaves its staging folder (`.public.building-XXXX`) and a
//! lock file beside it. Each build holds an `flock` on its lock file, which
//! the kernel drops when the process dies; the next build removes every
//! staging or old folder whose lock it can take ([`remove_stale`]).
//!
//! Dotfiles at the top of the output (`.git` of a gh-pages worktree,
//! `.nojekyll`, `.well-known`) are not the build's: they move into the new
//! output at the swap, as Zola's `preserve_dotfiles_in_output` does (here
//! always on).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

pub mod assets;
pub mod sitemap;

/// Marks an output folder as ours, so a later build may replace it.
pub const MARKER: &str = ".grassroots-output";

/// Where rendered files go: a staging folder (full builds) or an existing
/// output folder updated in place (the dev server's incremental rebuilds).
pub trait Sink: Sync {
    /// Writes `bytes` to `rel` (a path with `/` separators) below the folder.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.write(rel, bytes)
    }
}

/// Updates files of a finished output folder. Each file is written beside
/// its target and renamed over it, so a reader never sees half a file.
pub struct InPlace {
    pub root: PathBuf,
}

impl Sink for InPlace {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let target = self.root.join(rel);
        let mut tmp = target.clone().into_os_string();
        tmp.push(format!(".grassroots-{}.tmp", std::process::id()));
        let tmp = PathBuf::from(tmp);
        write_file(&tmp, bytes)?;
        fs::rename(&tmp, &target).map_err(|e| Error::io(&target, "replace the file", e))
    }
}

pub struct Staging {
    /// Where the finished site goes.
    output: PathBuf,
    /// Where it is being written.
    dir: tempfile::TempDir,
    /// Held (flock) while this build runs; see [`remove_stale`].
    _lock: Option<StagingLock>,
}

/// The lock file beside a staging folder: `.public.building-XXXX.lock`.
/// The lock goes when the process ends, however it ends; the file is
/// removed with the staging folder.
struct StagingLock {
    path: PathBuf,
    _file: fs::File,
}

impl Drop for StagingLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Suffix of a staging folder's lock file.
const LOCK_SUFFIX: &str = ".lock";

/// The lock file's path for a staging folder.
fn lock_path(staging: &Path) -> PathBuf {
    let mut p = staging.as_os_str().to_owned();
    p.push(LOCK_SUFFIX);
    PathBuf::from(p)
}

/// Takes the lock without waiting; `None` when another process holds it
/// (or locks are not available here).
fn try_lock(path: &Path, create: bool) -> Option<fs::File> {
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .truncate(false)
        .open(path)
        .ok()?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        flock(&file, FlockOperation::NonBlockingLockExclusive).ok()?;
    }
    Some(file)
}

impl Staging {
    /// Checks that `output` is safe to replace and creates the staging folder.
    /// `protected` are folders the output must neither be nor contain (the
    /// site folder, its content).
    pub fn new(output: &Path, protected: &[&Path]) -> Result<Staging> {
        let output = absolute(output);
        for p in protected {
            let p = absolute(p);
            if output.starts_with(&p) {
                return Err(Error::in_file(
                    ErrorKind::Output,
                    &output,
                    format!(
                        "the output folder is inside {}, which the build reads",
                        p.display()
                    ),
                )
                .hint("the build would write its pages among its own sources; choose an output folder outside them, such as SITE/public"));
            }
            if p.starts_with(&output) {
                return Err(Error::in_file(
                    ErrorKind::Output,
                    &output,
                    format!(
                        "the output folder contains {}, which the build reads",
                        p.display()
                    ),
                )
                .hint("choose an output folder outside the site's sources, such as SITE/public"));
            }
        }
        if output.exists() {
            if !output.is_dir() {
                return Err(Error::in_file(
                    ErrorKind::Output,
                    &output,
                    "the output path exists and is not a folder",
                )
                .hint("remove it or choose another --output"));
            }
            // Dotfiles alone (a fresh gh-pages worktree's `.git`) are kept
            // by the swap, so such a folder counts as empty.
            let empty = fs::read_dir(&output)
                .map_err(|e| Error::io(&output, "read the output folder", e))?
                .flatten()
                .all(|e| e.file_name().to_string_lossy().starts_with('.'));
            if !empty && !output.join(MARKER).is_file() {
                return Err(Error::in_file(ErrorKind::Output, &output, "the output folder is not empty and was not made by grassroots")
                    .hint("the build replaces the whole output folder; choose an empty or new folder, or delete this one yourself"));
            }
        }
        let parent = output.parent().ok_or_else(|| {
            Error::in_file(
                ErrorKind::Output,
                &output,
                "the output folder cannot be the file system root",
            )
        })?;
        fs::create_dir_all(parent)
            .map_err(|e| Error::io(parent, "create the output's parent folder", e))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale(parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, "create a staging folder", e))?;
        // The lock, then the marker: a folder with the marker and a free
        // lock is one a killed build left, and another build removes it.
        let lock_file = lock_path(dir.path());
        let lock = try_lock(&lock_file, true).map(|file| StagingLock {
            path: lock_file,
            _file: file,
        });
        write_file(&dir.path().join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            output,
            dir,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Writes `bytes` to `rel` (a path with `/` separators) below the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_file(&self.dir.path().join(rel), bytes)
    }

    /// Swaps the staging folder in as the output folder. The old output is
    /// renamed aside first and removed only after the new one is in place.
    pub fn commit(self) -> Result<PathBuf> {
        let Staging {
            output,
            dir,
            _lock: lock,
        } = self;
        let staged = dir.keep();
        write_file(&staged.join(MARKER), MARKER_TEXT)?;
        let result = swap_in(&staged, &output);
        drop(lock);
        result
    }
}

/// The text of the marker file.
const MARKER_TEXT: &[u8] = b"This folder was written by grassroots; a build replaces it whole.\n";

/// Puts `staged` where `output` is, atomically where the system can.
#[cfg(target_os = "linux")]
fn swap_in(staged: &Path, output: &Path) -> Result<PathBuf> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    if !output.exists() {
        fs::rename(staged, output).map_err(|e| {
            let _ = fs::remove_dir_all(staged);
            Error::io(output, "move the new output into place", e)
        })?;
        return Ok(output.to_path_buf());
    }
    // Dotfiles first: until the exchange they live in the staging folder,
    // which [`remove_stale`] gives back should the build die here.
    keep_dotfiles(output, staged);
    match renameat_with(CWD, staged, CWD, output, RenameFlags::EXCHANGE) {
        Ok(()) => {
            // `staged` now holds the previous output.
            if staged.join(MARKER).is_file() || is_empty_dir(staged) {
                remove_tree(staged);
            }
            Ok(output.to_path_buf())
        }
        // Old kernels and some file systems lack the exchange.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
            keep_dotfiles(staged, output);
            swap_in_two_steps(staged, output)
        }
        Err(e) => {
            keep_dotfiles(staged, output);
            let _ = fs::remove_dir_all(staged);
            Err(Error::io(output, "swap the new output in", e.into()))
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn swap_in(staged: &Path, output: &Path) -> Result<PathBuf> {
    if output.exists() {
        keep_dotfiles(output, staged);
    }
    swap_in_two_steps(staged, output)
}

/// Moves the top-level dotfiles (but our marker) of `from` into `to`
/// where `to` has none of that name. Best effort: what cannot move stays.
fn keep_dotfiles(from: &Path, to: &Path) {
    let Ok(entries) = fs::read_dir(from) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_dotfile = name.to_string_lossy().starts_with('.');
        if is_dotfile && name != MARKER && !to.join(&name).exists() {
            let _ = fs::rename(e.path(), to.join(&name));
        }
    }
}

/// The old output aside, the new one in, the old one removed: `output`
/// is missing for a moment.
fn swap_in_two_steps(staged: &Path, output: &Path) -> Result<PathBuf> {
    let output = output.to_path_buf();
    let old = output.with_file_name(format!(
        ".{}.old-{}",
        output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let had_old = output.exists();
    if had_old {
        fs::rename(&output, &old)
            .map_err(|e| Error::io(&output, "move the previous output aside", e))?;
    }
    if let Err(e) = fs::rename(staged, &output) {
        if had_old {
            let _ = fs::rename(&old, &output);
        }
        let _ = fs::remove_dir_all(staged);
        return Err(Error::io(&output, "move the new output into place", e));
    }
    if had_old && (old.join(MARKER).is_file() || is_empty_dir(&old)) {
        remove_tree(&old);
    }
    Ok(output)
}

/// Removes what killed builds of `parent/name` left: staging folders
/// (`.name.building-XXXX`) and old outputs (`.name.old-PID`) that carry
/// our marker and whose lock no live build holds, and their lock files.
/// Dotfiles that a killed build had moved into its staging folder go back
/// to the output first. Best effort: a folder that cannot be removed is
/// left for the next build.
pub fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let building = format!(".{name}.building-");
    let old = format!(".{name}.old-");
    let output = parent.join(name);
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if !(file_name.starts_with(&building) || file_name.starts_with(&old)) {
            continue;
        }
        if let Some(folder) = file_name.strip_suffix(LOCK_SUFFIX) {
            // A lock file whose folder is gone, and whose lock is free.
            if !parent.join(folder).exists() && try_lock(&path, false).is_some() {
                let _ = fs::remove_file(&path);
            }
            continue;
        }
        let Ok(kind) = e.file_type() else { continue };
        let lock = lock_path(&path);
        // Ours: it has the marker, or a lock file (which only a build makes).
        if !kind.is_dir() || !(path.join(MARKER).is_file() || lock.is_file()) {
            continue;
        }
        let lock_is_free = !lock.exists() || try_lock(&lock, false).is_some();
        if !lock_is_free {
            continue; // a build running now
        }
        if output.is_dir() {
            keep_dotfiles(&path, &output);
        }
        remove_tree(&path);
        let _ = fs::remove_file(&lock);
    }
}

/// Removes a folder and what it holds, its top-level entries in parallel
/// (a site's folder holds a folder per section or page: removing the Rust
/// book's previous output one file at a time took as long as writing the
/// index). Symbolic links are removed, never followed. Best effort, like
/// `remove_dir_all`: what cannot be removed stays.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    // The marker goes last, so a removal cut short still marks the rest
    // as ours for the next build.
    let entries: Vec<fs::DirEntry> = entries
        .flatten()
        .filter(|e| e.file_name() != MARKER)
        .collect();
    entries.par_iter().for_each(|e| {
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(e.path()),
            _ => fs::remove_file(e.path()),
        };
    });
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create a folder", e))?;
    }
    let mut f = fs::File::create(path).map_err(|e| Error::io(path, "create the file", e))?;
    f.write_all(bytes)
        .map_err(|e| Error::io(path, "write the file", e))
}

/// Copies a folder's files into the staging folder below `into` (a relative
/// path, "" for the top), keeping their layout.
pub fn copy_tree(from: &Path, staging: &Staging, into: &str) -> Result<usize> {
    if !from.is_dir() {
        return Ok(0);
    }
    let mut count = 0;
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("could not read {}: {e}", from.display()),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = staging.path().join(into).join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create a folder", e))?;
        }
        fs::copy(entry.path(), &target).map_err(|e| Error::io(entry.path(), "copy the file", e))?;
        count += 1;
    }
    Ok(count)
}

/// Writes `name.gz` beside every text file (HTML, CSS, JS, XML, JSON, SVG,
/// TXT) of the staging folder, for hosts that serve precompressed files
/// (nginx `gzip_static`, many CDNs). Returns how many were written.
pub fn precompress(staging: &Staging) -> Result<usize> {
    use flate2::{Compression, write::GzEncoder};
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(staging.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| {
                ["html", "css", "js", "xml", "json", "svg", "txt"]
                    .iter()
                    .any(|t| x == *t)
            })
        })
        .collect();
    files
        .par_iter()
        .map(|path| {
            let bytes = fs::read(path).map_err(|e| Error::io(path, "read the file", e))?;
            let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::best());
            gz.write_all(&bytes)
                .map_err(|e| Error::io(path, "compress the file", e))?;
            let out = gz
                .finish()
                .map_err(|e| Error::io(path, "compress the file", e))?;
            let mut target = path.clone().into_os_string();
            target.push(".gz");
            write_file(Path::new(&target), &out)
        })
        .collect::<Result<Vec<()>>>()
        .map(|v| v.len())
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    // Resolve `..` and symlinks where the path exists, so "site/../site/public" compares equal.
    match fs::canonicalize(&p) {
        Ok(c) => c,
        Err(_) => match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => absolute(parent).join(name),
            _ => p,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_own_output_and_keeps_it_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out, &[]).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        // A build that fails drops its staging folder: the output stays.
        let s = Staging::new(&out, &[]).unwrap();
        s.write("a/index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder cleaned up");

        let s = Staging::new(&out, &[]).unwrap();
        s.write("b.html", b"three").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a").exists());
        assert!(out.join("b.html").exists());
    }

    #[test]
    fn commit_removes_the_old_output_without_following_links() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir_all(outside.join("dir")).unwrap();
        fs::write(outside.join("dir/keep.txt"), "mine").unwrap();
        fs::write(outside.join("keep.txt"), "mine").unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out, &[]).unwrap();
        for page in ["a/index.html", "b/c/index.html", "index.html"] {
            s.write(page, b"old").unwrap();
        }
        s.commit().unwrap();
        // Links planted in the output, as a theme's static/ folder may hold.
        std::os::unix::fs::symlink(outside.join("dir"), out.join("linked-dir")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), out.join("b/linked.txt")).unwrap();

        let s = Staging::new(&out, &[]).unwrap();
        s.write("new/index.html", b"new").unwrap();
        s.commit().unwrap();
        let mut names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["outside", "public"], "the old output is gone");
        assert!(!out.join("a").exists() && out.join("new/index.html").is_file());
        assert_eq!(
            fs::read_to_string(outside.join("dir/keep.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn stale_staging_is_removed_but_not_a_running_builds_or_a_strangers() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let running = Staging::new(&out, &[]).unwrap();
        running.write("index.html", b"running").unwrap();
        // A killed build's folder: marker, free lock, a `.git` it had taken.
        let killed = tmp.path().join(".public.building-killed");
        fs::create_dir_all(killed.join(".git")).unwrap();
        fs::write(killed.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(killed.join(".git/HEAD"), "ref").unwrap();
        fs::write(lock_path(&killed), "").unwrap();
        // Someone else's folder that happens to have such a name.
        let stranger = tmp.path().join(".public.building-mine");
        fs::create_dir(&stranger).unwrap();
        fs::write(stranger.join("keep.txt"), "mine").unwrap();
        fs::create_dir(&out).unwrap();

        let next = Staging::new(&out, &[]).unwrap();
        assert!(!killed.exists() && !lock_path(&killed).exists());
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        assert!(stranger.join("keep.txt").is_file());
        assert!(
            running.path().join("index.html").is_file(),
            "a running build's folder is kept"
        );
        drop(next);
        running.commit().unwrap();
        assert!(out.join(".git/HEAD").is_file() && out.join("index.html").is_file());
    }

    #[test]
    fn refuses_foreign_or_enclosing_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "mine").unwrap();
        let e = Staging::new(&foreign, &[]).err().unwrap().to_string();
        assert!(e.contains("not made by grassroots"), "{e}");

        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        let e = Staging::new(&site, &[&site.join("content")])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("contains"), "{e}");
        assert!(Staging::new(tmp.path(), &[&site]).is_err());
    }
}
