//! Finding submissions: files and folders from the command line, their ids and order.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::archive::{Archive, Member};
use crate::submission::{Extra, Found, Problem, Submission};
use crate::{Format, IngestError};

/// A file or folder that was found but is not a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    /// Why, e.g. "not a submission (.csv)".
    pub reason: String,
}

/// What [`discover`] found.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    /// Sorted by id (byte order).
    pub submissions: Vec<Submission>,
    /// In the order found.
    pub skipped: Vec<Skipped>,
}

/// Finds the submissions under `paths` (files and folders, folders walked recursively in
/// byte order of names).
///
/// Hidden files and folders (`.name`) and Office lock files (`~$name`) are skipped and
/// listed, as are files whose extension is not a submission format and symbolic links that
/// point outside the folder being walked (or nowhere). Links to files and folders inside
/// it are followed, but a file found twice (given twice, or through a link) is read once,
/// at its real place rather than through the link; link loops end there too. A folder
/// below the top that cannot be read is listed in `skipped`. A path on the command line
/// that does not exist is [`IngestError::NotFound`], one that cannot be read
/// [`IngestError::Walk`] (usage errors, whose messages name the path).
///
/// Ids: the file's stem; where stems collide (compared ignoring case, since ids name
/// output files), the colliding files use their path relative to the input folder without
/// extension, `/` replaced by `-`; if that still collides, the extension is appended
/// (`strong-docx`). Should even that collide (the same relative path under two input
/// folders), later files get `-2`, `-3`, … so that every id is unique.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, IngestError> {
    discover_skipping(paths, None)
}

/// [`discover`], also skipping (and listing) each folder below the top for which
/// `output_folder` says it holds peermark's outputs (the binary asks the manifest).
pub fn discover_skipping(
    paths: &[PathBuf],
    output_folder: Option<fn(&Path) -> bool>,
) -> Result<Discovery, IngestError> {
    let mut w = Walker {
        output_folder,
        ..Walker::default()
    };
    for arg in paths {
        let walk_error = |e: std::io::Error| IngestError::Walk {
            path: arg.clone(),
            message: crate::error::io_message(&e),
        };
        let meta = fs::metadata(arg).map_err(|e| match e.kind() {
            ErrorKind::NotFound => IngestError::NotFound { path: arg.clone() },
            _ => walk_error(e),
        })?;
        let shown = arg.to_string_lossy().into_owned();
        w.container = match arg.parent() {
            Some(p) if !meta.is_dir() => p.to_string_lossy().into_owned(),
            _ => shown.clone(),
        };
        if meta.is_dir() {
            let root = fs::canonicalize(arg).map_err(walk_error)?;
            let entries = read_sorted(arg).map_err(walk_error)?;
            w.dirs.insert(root.clone());
            w.walk(arg, entries, "", &root);
            // Links to folders inside this one are walked last, so that files are found
            // (and named) at their real place first.
            while !w.linked_dirs.is_empty() {
                for (path, shown, rel, canonical) in std::mem::take(&mut w.linked_dirs) {
                    if !w.dirs.insert(canonical) {
                        w.skip(shown, "symbolic link to a folder already read");
                        continue;
                    }
                    match read_sorted(&path) {
                        Ok(entries) => w.walk(&path, entries, &rel, &root),
                        Err(e) => w.skip(
                            shown,
                            format!("folder cannot be read ({})", crate::error::io_message(&e)),
                        ),
                    }
                }
            }
        } else if meta.is_file() {
            let name = arg
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| shown.clone());
            if name.starts_with("~$") {
                w.skip(shown, LOCK_FILE);
            } else {
                w.file(arg.clone(), shown, name, false);
            }
        } else {
            w.skip(shown, "not a regular file");
        }
    }
    let found = w.dedup();
    let (found, mut lms_submissions) =
        crate::lms_group::group(found, std::mem::take(&mut w.extras));
    let ids = assign_ids(&found);
    let mut submissions: Vec<Submission> = found
        .into_iter()
        .zip(ids)
        .map(|(f, id)| Submission {
            id,
            file: f.file,
            path: f.path,
            format: f.format,
            learner: None,
            others: Vec::new(),
            member: f.member,
            problem: f.problem,
            name_span: None,
        })
        .collect();
    submissions.append(&mut lms_submissions);
    unique_ids(&mut submissions);
    submissions.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
    Ok(Discovery {
        submissions,
        skipped: w.skipped,
    })
}

const LOCK_FILE: &str = "Office lock file, not an essay";

fn not_a_submission(path: &Path) -> String {
    match path.extension() {
        Some(ext) => format!("not a submission (.{})", ext.to_string_lossy()),
        None => "not a submission (no extension)".to_string(),
    }
}

/// Makes every id unique (ignoring case): later duplicates get `-2`, `-3`, …
fn unique_ids(subs: &mut [Submission]) {
    let mut taken: HashSet<String> = HashSet::new();
    for s in subs.iter_mut() {
        let base = s.id.clone();
        let mut n = 1;
        while !taken.insert(s.id.to_lowercase()) {
            n += 1;
            s.id = format!("{base}-{n}");
        }
    }
}

#[derive(Default)]
struct Walker {
    found: Vec<Found>,
    skipped: Vec<Skipped>,
    /// Canonical paths of folders already walked.
    dirs: HashSet<PathBuf>,
    /// Symbolic links to folders inside the walked folder: (path, shown, rel, canonical).
    linked_dirs: Vec<(PathBuf, String, String, PathBuf)>,
    /// Files that are not a submission format.
    extras: Vec<Extra>,
    /// The container of the files being found now.
    container: String,
    /// Whether a folder holds peermark's outputs (by its manifest).
    output_folder: Option<fn(&Path) -> bool>,
}

/// Whether a folder's entries are `peermark mark`'s output: a gradebook beside its results.
fn is_marked_folder(entries: &[fs::DirEntry]) -> bool {
    let has = |name: &str| entries.iter().any(|e| e.file_name() == name);
    has("gradebook.csv") && has("results.json")
}

fn read_sorted(dir: &Path) -> std::io::Result<Vec<fs::DirEntry>> {
    let mut entries = fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by(|a, b| {
        a.file_name()
            .as_encoded_bytes()
            .cmp(b.file_name().as_encoded_bytes())
    });
    Ok(entries)
}

impl Walker {
    fn skip(&mut self, file: String, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            file,
            reason: reason.into(),
        });
    }

    fn walk(&mut self, dir: &Path, entries: Vec<fs::DirEntry>, prefix: &str, root: &Path) {
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = dir.join(entry.file_name());
            let shown = path.to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(ft) = entry.file_type() else {
                self.skip(shown, "cannot be read");
                continue;
            };
            if name.starts_with('.') {
                let what = if ft.is_dir() {
                    "hidden folder"
                } else {
                    "hidden file"
                };
                self.skip(shown, what);
                continue;
            }
            if name.starts_with("~$") {
                self.skip(shown, LOCK_FILE);
                continue;
            }
            if ft.is_symlink() {
                let target = match fs::canonicalize(&path) {
                    Ok(t) => t,
                    Err(_) => {
                        self.skip(shown, "broken symbolic link");
                        continue;
                    }
                };
                if !target.starts_with(root) {
                    self.skip(shown, "symbolic link to outside the folder (not followed)");
                    continue;
                }
                match fs::metadata(&target) {
                    Ok(m) if m.is_dir() => self.linked_dirs.push((path, shown, rel, target)),
                    Ok(m) if m.is_file() => self.file(path, shown, rel, true),
                    Ok(_) => self.skip(shown, "not a regular file"),
                    Err(_) => self.skip(shown, "broken symbolic link"),
                }
            } else if ft.is_dir() {
                let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !self.dirs.insert(canonical) {
                    self.skip(shown, "folder already read");
                    continue;
                }
                match read_sorted(&path) {
                    // A folder peermark marked into (`cd cohort && peermark mark .`, run
                    // again) holds sheets and annotated copies, not submissions.
                    Ok(entries) if is_marked_folder(&entries) => self.skip(
                        shown,
                        "a folder peermark marked into (gradebook.csv beside results.json): its sheets are not submissions",
                    ),
                    Ok(_) if self.output_folder.is_some_and(|f| f(&path)) => self.skip(
                        shown,
                        "a folder peermark marked into (its manifest lists mark's outputs): its sheets are not submissions",
                    ),
                    Ok(entries) => self.walk(&path, entries, &rel, root),
                    Err(e) => self.skip(
                        shown,
                        format!("folder cannot be read ({})", crate::error::io_message(&e)),
                    ),
                }
            } else if ft.is_file() {
                self.file(path, shown, rel, false);
            } else {
                self.skip(shown, "not a regular file");
            }
        }
    }

    fn file(&mut self, path: PathBuf, shown: String, rel: String, linked: bool) {
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            self.archive(path, shown, rel, linked);
            return;
        }
        let Some(format) = Format::from_path(&path) else {
            let reason = not_a_submission(&path);
            self.extras.push(Extra {
                container: self.container.clone(),
                rel,
                file: shown.clone(),
            });
            self.skip(shown, reason);
            return;
        };
        let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        self.found.push(Found {
            file: shown,
            path,
            rel,
            format,
            canonical,
            linked,
            container: self.container.clone(),
            size,
            member: None,
            problem: None,
        });
    }

    /// A zip archive: its members are found (read in place, never extracted); a zip that
    /// cannot be opened gets its own error row.
    fn archive(&mut self, path: PathBuf, shown: String, rel: String, linked: bool) {
        let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let (archive, entries) = match Archive::open(&path) {
            Ok(a) => a,
            Err(detail) => {
                self.found.push(Found {
                    file: shown,
                    path,
                    rel,
                    format: Format::Docx,
                    canonical,
                    linked,
                    container: self.container.clone(),
                    size: 0,
                    member: None,
                    problem: Some(Problem::DamagedZip(detail)),
                });
                return;
            }
        };
        let container = shown.clone();
        for e in entries {
            let member_shown = format!("{shown}!{}", e.name);
            let base = e.name.rsplit('/').next().unwrap_or_default();
            let hidden = e
                .name
                .split('/')
                .any(|c| c.starts_with('.') || c == "__MACOSX");
            if hidden {
                self.skip(member_shown, "hidden file");
                continue;
            }
            if base.starts_with("~$") {
                self.skip(member_shown, LOCK_FILE);
                continue;
            }
            let Some(format) = Format::from_path(Path::new(base)) else {
                let reason = not_a_submission(Path::new(base));
                self.extras.push(Extra {
                    container: container.clone(),
                    rel: e.name.clone(),
                    file: member_shown.clone(),
                });
                self.skip(member_shown, reason);
                continue;
            };
            let mut member_canonical = canonical.clone().into_os_string();
            member_canonical.push(format!("!{}", e.index));
            self.found.push(Found {
                file: member_shown,
                path: path.clone(),
                rel: e.name.clone(),
                format,
                canonical: PathBuf::from(member_canonical),
                linked,
                container: container.clone(),
                size: e.size,
                member: Some(Member {
                    archive: archive.clone(),
                    index: e.index,
                    name: e.name,
                }),
                problem: None,
            });
        }
    }

    /// A file found more than once (given twice, or through a link) is kept once: where it
    /// was first found other than through a link.
    fn dedup(&mut self) -> Vec<Found> {
        let mut keep: HashMap<PathBuf, usize> = HashMap::new();
        for (i, f) in self.found.iter().enumerate() {
            match keep.get(&f.canonical) {
                Some(&k) if !self.found[k].linked || f.linked => {}
                _ => {
                    keep.insert(f.canonical.clone(), i);
                }
            }
        }
        let mut out = Vec::with_capacity(keep.len());
        let mut dropped = Vec::new();
        for (i, f) in std::mem::take(&mut self.found).into_iter().enumerate() {
            if keep.get(&f.canonical) == Some(&i) {
                out.push(f);
            } else {
                dropped.push(f);
            }
        }
        for f in dropped {
            let first = out
                .iter()
                .find(|k| k.canonical == f.canonical)
                .map(|k| k.file.clone())
                .unwrap_or_default();
            self.skip(f.file, format!("the same file as {first}"));
        }
        out
    }
}

/// Ids per `cli.md`: stem; colliding → relative path without extension, `/` → `-`; still
/// colliding → extension appended; still colliding → numbered.
fn assign_ids(found: &[Found]) -> Vec<String> {
    struct Cand {
        stem: String,
        path: String,
        ext: String,
    }
    let cands: Vec<Cand> = found
        .iter()
        .map(|f| {
            let (dir, name) = match f.rel.rfind('/') {
                Some(i) => (&f.rel[..=i], &f.rel[i + 1..]),
                None => ("", f.rel.as_str()),
            };
            let (stem, ext) = match name.rfind('.') {
                Some(i) if i > 0 => (&name[..i], &name[i + 1..]),
                _ => (name, ""),
            };
            Cand {
                stem: stem.to_string(),
                path: format!("{dir}{stem}").replace('/', "-"),
                ext: ext.to_string(),
            }
        })
        .collect();
    let id_at = |c: &Cand, level: u8| match level {
        0 => c.stem.clone(),
        1 => c.path.clone(),
        _ if c.ext.is_empty() => c.path.clone(),
        _ => format!("{}-{}", c.path, c.ext),
    };
    let key = |s: &str| s.to_lowercase();
    let mut levels = vec![0u8; cands.len()];
    loop {
        let ids: Vec<String> = cands
            .iter()
            .zip(&levels)
            .map(|(c, l)| id_at(c, *l))
            .collect();
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            groups.entry(key(id)).or_default().push(i);
        }
        let mut changed = false;
        for members in groups.values().filter(|g| g.len() > 1) {
            for &i in members {
                if levels[i] < 2 {
                    levels[i] += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            // Whatever still collides is numbered, in the order found.
            let mut taken: HashSet<String> = HashSet::new();
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let mut candidate = id.clone();
                let mut n = 1;
                while !taken.insert(key(&candidate)) {
                    n += 1;
                    candidate = format!("{id}-{n}");
                }
                out.push(candidate);
            }
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(rels: &[&str]) -> Vec<String> {
        let found: Vec<Found> = rels
            .iter()
            .map(|r| Found {
                file: r.to_string(),
                path: PathBuf::from(r),
                rel: r.to_string(),
                format: Format::Txt,
                canonical: PathBuf::from(r),
                linked: false,
                container: String::new(),
                size: 0,
                member: None,
                problem: None,
            })
            .collect();
        assign_ids(&found)
    }

    #[test]
    fn stems_are_ids() {
        assert_eq!(ids(&["e01.docx", "sub/e02.txt"]), vec!["e01", "e02"]);
    }

    #[test]
    fn colliding_stems_use_the_relative_path() {
        assert_eq!(
            ids(&["a/essay.docx", "b/essay.docx", "other.txt"]),
            vec!["a-essay", "b-essay", "other"]
        );
        assert_eq!(
            ids(&["x/y/essay.docx", "essay.md"]),
            vec!["x-y-essay", "essay"]
        );
    }

    #[test]
    fn still_colliding_ids_get_the_extension() {
        assert_eq!(
            ids(&["strong.docx", "strong.txt", "weak.txt"]),
            vec!["strong-docx", "strong-txt", "weak"]
        );
    }

    #[test]
    fn a_longer_id_that_meets_a_stem_is_resolved() {
        // "a/essay" becomes "a-essay", which meets the stem of "a-essay.txt".
        let got = ids(&["a-essay.txt", "a/essay.docx", "b/essay.docx"]);
        let unique: HashSet<_> = got.iter().collect();
        assert_eq!(unique.len(), 3);
        assert_eq!(got[2], "b-essay");
    }

    #[test]
    fn identical_relative_paths_are_numbered() {
        assert_eq!(ids(&["e.txt", "e.txt"]), vec!["e-txt", "e-txt-2"]);
    }

    #[test]
    fn collisions_ignore_case() {
        assert_eq!(ids(&["a/E01.txt", "b/e01.txt"]), vec!["a-E01", "b-e01"]);
    }
}
