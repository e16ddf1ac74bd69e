//! Stage 6, write: the build writes into a fresh staging folder next to the
//! output folder and swaps it in only when everything succeeded, so a failed
//! build leaves the previous `public/` exactly as it was.
//!
//! The build only ever deletes folders it made: the staging folder, and an
//! old output folder that carries our marker file.

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
}

impl Staging {
    /// Checks that `output` is safe to replace and creates the staging folder.
    /// `protected` are folders the output must neither be nor contain (the
    /// site folder, its content).
    pub fn new(output: &Path, protected: &[&Path]) -> Result<Staging> {
        let output = absolute(output);
        for p in protected {
            let p = absolute(p);
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
            let empty = fs::read_dir(&output)
                .map_err(|e| Error::io(&output, "read the output folder", e))?
                .next()
                .is_none();
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
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, "create a staging folder", e))?;
        Ok(Staging { output, dir })
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
        let staged = self.dir.keep();
        write_file(
            &staged.join(MARKER),
            b"This folder was written by grassroots; a build replaces it whole.\n",
        )?;
        let output = self.output;
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
        if let Err(e) = fs::rename(&staged, &output) {
            if had_old {
                let _ = fs::rename(&old, &output);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::io(&output, "move the new output into place", e));
        }
        if had_old && (old.join(MARKER).is_file() || is_empty_dir(&old)) {
            remove_tree(&old);
        }
        Ok(output)
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
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|e| {
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(e.path()),
            _ => fs::remove_file(e.path()),
        };
    });
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
