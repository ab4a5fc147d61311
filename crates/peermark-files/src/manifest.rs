//! Which files peermark may write over: one rule for every command.
//!
//! A command never writes over
//! - an input of the same run (the essay `check` reads, the worksheet `export` fills, a
//!   submission `mark` reads) — not even with `--force`;
//! - a file another command owns (`overrides.csv`, `results.json`, a download, a worksheet);
//! - an existing file it cannot show it wrote (one not in a manifest, or changed since),
//!
//! unless `--force` is given for the last two. The refusal names the file and the flag.
//!
//! Each folder peermark writes into holds a manifest, [`MANIFEST`], listing the files written
//! there, which command wrote each and the SHA-256 of its bytes. `mark` writes its whole set
//! of outputs beside the old one and swaps it in ([`OutputSet`]), so no stale sheet survives a
//! re-mark; the binary tells input discovery to skip any folder whose manifest lists `mark`'s
//! outputs ([`is_mark_output`]).

pub use crate::error::Refused;
use crate::error::WriteError;
use crate::write;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The manifest's file name, in each folder peermark writes into.
pub const MANIFEST: &str = ".peermark-manifest.json";

/// The command that owns `mark`'s outputs, as the manifest names it.
pub const MARK: &str = "mark";

/// `mark`'s outputs at the top of its folder (sheets go in `feedback/` and `annotated/`).
pub const MARK_FILES: [&str; 4] = [
    "gradebook.csv",
    "results.json",
    "report.html",
    "assessor-notes.csv",
];
const MARK_FOLDERS: [&str; 2] = ["feedback", "annotated"];

/// A folder's manifest: what peermark wrote there.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// The format of this file (1).
    pub format: u32,
    /// Each file's path inside the folder (`/`-separated) → who wrote it and its SHA-256.
    pub files: BTreeMap<String, Written>,
}

/// One file in a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    /// The command that wrote it (`mark`, `check`, `sample`, `export moodle`, …).
    pub by: String,
    pub sha256: String,
}

impl Manifest {
    /// The manifest of `dir` (empty when there is none or it cannot be read: then nothing in
    /// the folder can be shown to be peermark's).
    pub fn read(dir: &Path) -> Manifest {
        fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn write(&self, dir: &Path) -> Result<(), WriteError> {
        let path = dir.join(MANIFEST);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| WriteError::io(&path, io::Error::other(e)))?;
        text.push('\n');
        crate::output::write_atomically(&path, text.as_bytes())
    }
}

/// Whether `dir` holds `mark`'s outputs by its manifest: input discovery skips such a folder.
pub fn is_mark_output(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file() && Manifest::read(dir).files.values().any(|w| w.by == MARK)
}

/// What one command may write over: its inputs never; with `--force`, anything else;
/// otherwise only files the manifest shows it wrote, unchanged since.
#[derive(Debug)]
pub struct Guard {
    by: String,
    force: bool,
    inputs: HashSet<PathBuf>,
    manifests: Mutex<HashMap<PathBuf, Arc<Manifest>>>,
}

impl Guard {
    /// The guard of command `by` (as the manifest names it), with `--force` or not.
    pub fn new(by: &str, force: bool) -> Guard {
        Guard {
            by: by.to_string(),
            force,
            inputs: HashSet::new(),
            manifests: Mutex::new(HashMap::new()),
        }
    }

    /// `path` is an input of this run: never written over.
    pub fn input(mut self, path: &Path) -> Guard {
        self.add_input(path);
        self
    }

    pub fn add_input(&mut self, path: &Path) {
        if let Ok(p) = fs::canonicalize(path) {
            self.inputs.insert(p);
        }
    }

    /// The command this guard is for.
    pub fn by(&self) -> &str {
        &self.by
    }

    fn manifest(&self, dir: &Path) -> Arc<Manifest> {
        let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut m = self.manifests.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(key)
            .or_insert_with(|| Arc::new(Manifest::read(dir)))
            .clone()
    }

    /// Who wrote `path` by the manifest of its folder or of the folder above (for `mark`'s
    /// `feedback/…` and `annotated/…`), or by the look of a folder marked before manifests.
    fn owner(&self, path: &Path) -> Option<Written> {
        let name = path.file_name()?.to_string_lossy().into_owned();
        let parent = parent_of(path);
        if let Some(w) = self.manifest(parent).files.get(&name) {
            return Some(w.clone());
        }
        let sub = parent.file_name().map(|s| s.to_string_lossy().into_owned());
        let above = parent.parent().filter(|p| !p.as_os_str().is_empty());
        if let (Some(sub), Some(above)) = (&sub, above) {
            if let Some(w) = self.manifest(above).files.get(&format!("{sub}/{name}")) {
                return Some(w.clone());
            }
        }
        // A folder `mark` wrote before manifests: a gradebook beside its results, no manifest.
        let legacy = |dir: &Path| {
            !dir.join(MANIFEST).exists()
                && dir.join("gradebook.csv").is_file()
                && dir.join("results.json").is_file()
        };
        let is_mark = (MARK_FILES.contains(&name.as_str()) && legacy(parent))
            || (sub.as_deref().is_some_and(|s| MARK_FOLDERS.contains(&s))
                && above.is_some_and(legacy));
        is_mark.then(|| Written {
            by: MARK.into(),
            sha256: String::new(),
        })
    }

    /// Whether this command may write `path`; the refusal says why and what to do.
    pub fn check(&self, path: &Path) -> Result<(), Refused> {
        let refuse = |why: String| Err(Refused { why });
        if path.file_name().is_some_and(|n| n == MANIFEST) {
            return Ok(());
        }
        let target = fs::canonicalize(path).ok().or_else(|| {
            let dir = fs::canonicalize(parent_of(path)).ok()?;
            Some(dir.join(path.file_name()?))
        });
        if target.as_ref().is_some_and(|t| self.inputs.contains(t)) {
            return refuse(
                "is an input of this command and would be replaced; choose another file name"
                    .into(),
            );
        }
        let Ok(meta) = fs::symlink_metadata(path) else {
            return Ok(());
        };
        if meta.is_dir() {
            return refuse("is a folder; give a file name".into());
        }
        if self.force {
            return Ok(());
        }
        let again = "choose another file name, or add --force to replace it";
        match self.owner(path) {
            Some(w) if w.by != self.by => refuse(format!(
                "{} belongs to `peermark {}`; {again}",
                if w.by == MARK && path.file_name().is_some_and(|n| n == "results.json") {
                    "holds the marked results and"
                } else {
                    "was written by another command and"
                },
                w.by
            )),
            Some(w) if w.sha256.is_empty() => Ok(()),
            Some(w) => match write::file_sha256(path) {
                Ok(h) if h == w.sha256 => Ok(()),
                _ => refuse(format!(
                    "has changed since `peermark {}` wrote it; {again}",
                    w.by
                )),
            },
            None if path.file_name().is_some_and(|n| n == "overrides.csv") => refuse(format!(
                "holds the assessor's overrides (`peermark override` adds to it); {again}"
            )),
            None => refuse(format!(
                "already exists and peermark did not write it; {again}"
            )),
        }
    }

    /// Adds the files this command wrote (outside a [`OutputSet`]) to their folders'
    /// manifests, so that the next run may replace them.
    pub fn record(&self, written: &BTreeMap<PathBuf, String>) -> Result<(), WriteError> {
        let mut by_dir: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
        for (path, sha) in written {
            let Some(name) = path.file_name() else {
                continue;
            };
            if name == MANIFEST {
                continue;
            }
            by_dir
                .entry(parent_of(path).to_path_buf())
                .or_default()
                .push((name.to_string_lossy().into_owned(), sha.clone()));
        }
        for (dir, files) in by_dir {
            let mut m = Manifest::read(&dir);
            m.format = 1;
            for (name, sha256) in files {
                m.files.insert(
                    name,
                    Written {
                        by: self.by.clone(),
                        sha256,
                    },
                );
            }
            m.write(&dir)?;
        }
        Ok(())
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

static GUARD: Mutex<Option<Arc<Guard>>> = Mutex::new(None);

/// Makes `guard` the rule for every write from now on (the binary installs one per command)
/// and starts recording what is written.
pub fn install(guard: Guard) {
    let guard = Arc::new(guard);
    *GUARD.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard.clone());
    write::set_check(Box::new(move |path: &Path| guard.check(path)));
    write::start_recording();
}

/// After a command succeeded: records what it wrote in the manifests.
pub fn finish() -> Result<(), WriteError> {
    let g = GUARD.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let written = write::take_recorded();
    match g {
        Some(g) => g.record(&written),
        None => Ok(()),
    }
}

/// `mark`'s outputs, written into a staging folder inside `--out` and swapped in as one set.
pub struct OutputSet {
    out: PathBuf,
    staging: PathBuf,
    committed: bool,
}

/// What [`OutputSet::commit`] did.
#[derive(Debug, Default, PartialEq)]
pub struct Swapped {
    /// Files of the set that replaced an earlier run's.
    pub replaced: usize,
    /// Earlier outputs that this run did not write again, removed (paths inside `--out`).
    pub removed: Vec<String>,
    /// Earlier outputs not written again but changed since, left in place.
    pub left: Vec<String>,
}

const STAGING: &str = ".peermark-staging-";

impl OutputSet {
    /// Creates `out` (private) and a staging folder in it; removes staging folders that a
    /// killed run left.
    pub fn begin(out: &Path) -> Result<OutputSet, WriteError> {
        if out.is_file() {
            return Err(WriteError::Refused {
                path: out.display().to_string(),
                why: "is a file; give --out a folder".into(),
            });
        }
        if !out.exists() {
            write::create_dir_all(out).map_err(|e| WriteError::io(out, e))?;
            crate::interrupt::created_folder(out);
        }
        if let Ok(entries) = fs::read_dir(out) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix(STAGING) {
                    if !process_alive(pid) {
                        let _ = fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let staging = out.join(format!("{STAGING}{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        crate::interrupt::in_progress(&staging);
        write::create_dir_all(&staging).map_err(|e| WriteError::io(&staging, e))?;
        write::start_recording();
        Ok(OutputSet {
            out: out.to_path_buf(),
            staging,
            committed: false,
        })
    }

    /// Where the outputs are written until [`OutputSet::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Swaps the written set into `--out`: each file replaces the earlier run's, earlier
    /// outputs not written again are removed (unless changed since), and the manifest lists
    /// the new set. Refuses, writing nothing, if a file in the way is not `mark`'s to replace
    /// (see [`Guard::check`]).
    pub fn commit(mut self, guard: &Guard) -> Result<Swapped, WriteError> {
        let written = write::take_recorded();
        let mut set: BTreeMap<String, String> = BTreeMap::new();
        for (path, sha) in &written {
            if let Ok(rel) = path.strip_prefix(&self.staging) {
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if path.is_file() {
                    set.insert(rel, sha.clone());
                }
            }
        }
        for rel in set.keys() {
            let target = self.out.join(rel);
            guard.check(&target).map_err(|r| WriteError::Refused {
                path: target.display().to_string(),
                why: r.why,
            })?;
        }
        let old = Manifest::read(&self.out);
        let _swapping = crate::interrupt::swapping();
        let mut done = Swapped::default();
        for rel in set.keys() {
            let (from, to) = (self.staging.join(rel), self.out.join(rel));
            if let Some(dir) = to.parent() {
                write::create_dir_all(dir).map_err(|e| WriteError::io(dir, e))?;
            }
            if to.exists() {
                done.replaced += 1;
            }
            fs::rename(&from, &to).map_err(|e| WriteError::io(&to, e))?;
        }
        // Earlier outputs this run did not write: by the manifest, or by the look of a
        // folder marked before manifests.
        let mut earlier: Vec<(String, Option<String>)> = old
            .files
            .iter()
            .filter(|(_, w)| w.by == MARK)
            .map(|(rel, w)| (rel.clone(), Some(w.sha256.clone())))
            .collect();
        if old.files.is_empty() && guard.owner(&self.out.join("gradebook.csv")).is_some() {
            for sub in MARK_FOLDERS {
                for e in fs::read_dir(self.out.join(sub))
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if e.path().is_file() && (name.ends_with(".md") || name.ends_with(".docx")) {
                        earlier.push((format!("{sub}/{name}"), None));
                    }
                }
            }
        }
        for (rel, sha) in earlier {
            if set.contains_key(&rel) {
                continue;
            }
            let p = self.out.join(&rel);
            if !p.is_file() {
                continue;
            }
            let unchanged = match &sha {
                Some(s) => write::file_sha256(&p).is_ok_and(|h| &h == s),
                None => true,
            };
            if unchanged && fs::remove_file(&p).is_ok() {
                done.removed.push(rel);
            } else {
                done.left.push(rel);
            }
        }
        for sub in MARK_FOLDERS {
            // Only removed when empty.
            let _ = fs::remove_dir(self.out.join(sub));
        }
        let mut m = Manifest {
            format: 1,
            files: old
                .files
                .into_iter()
                .filter(|(rel, w)| w.by != MARK && self.out.join(rel).is_file())
                .collect(),
        };
        for (rel, sha256) in set {
            m.files.insert(
                rel,
                Written {
                    by: MARK.into(),
                    sha256,
                },
            );
        }
        for rel in &done.left {
            m.files.remove(rel);
        }
        m.write(&self.out)?;
        let _ = fs::remove_dir_all(&self.staging);
        crate::interrupt::done(&self.staging);
        self.committed = true;
        Ok(done)
    }
}

impl Drop for OutputSet {
    /// A set not committed (an error, a refusal) leaves `--out` as it was.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            crate::interrupt::done(&self.staging);
        }
    }
}

/// Whether process `pid` (a staging folder's suffix) may still be running: on Linux by
/// `/proc`; elsewhere a staging folder is only removed by its own run.
fn process_alive(pid: &str) -> bool {
    if pid.parse::<u32>().is_err() {
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(g: &Guard, p: &Path) -> String {
        g.check(p).err().map(|r| r.why).unwrap_or_default()
    }

    #[test]
    fn a_folder_marked_before_manifests_is_marks_and_no_one_elses() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("gradebook.csv"), b"g").unwrap();
        fs::write(d.join("results.json"), b"[]").unwrap();
        fs::create_dir(d.join("feedback")).unwrap();
        fs::write(d.join("feedback/e01.md"), b"sheet").unwrap();
        let mark = Guard::new(MARK, false);
        assert!(mark.check(&d.join("gradebook.csv")).is_ok());
        assert!(mark.check(&d.join("feedback/e01.md")).is_ok());
        let sample = Guard::new("sample", false);
        assert!(why(&sample, &d.join("results.json")).contains("holds the marked results"));
        assert!(why(&sample, &d.join("feedback/e01.md")).contains("`peermark mark`"));
        assert!(Guard::new("sample", true)
            .check(&d.join("feedback/e01.md"))
            .is_ok());
        // Not one of mark's names: nobody's.
        fs::write(d.join("notes.txt"), b"n").unwrap();
        assert!(why(&mark, &d.join("notes.txt")).contains("peermark did not write it"));
    }

    #[test]
    fn recorded_files_may_be_replaced_by_their_command_until_changed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sample.csv");
        fs::write(&p, b"a,b\n").unwrap();
        let sample = Guard::new("sample", false);
        assert!(why(&sample, &p).contains("peermark did not write it"));
        let mut written = BTreeMap::new();
        written.insert(p.clone(), write::sha256_hex(b"a,b\n"));
        sample.record(&written).unwrap();
        let again = Guard::new("sample", false);
        assert!(again.check(&p).is_ok());
        assert!(why(&Guard::new("check", false), &p).contains("`peermark sample`"));
        fs::write(&p, b"a,b\nedited\n").unwrap();
        assert!(why(&Guard::new("sample", false), &p).contains("has changed since"));
        // An input is never written over, even with --force; a folder never.
        let g = Guard::new("sample", true).input(&p);
        assert!(why(&g, &p).contains("is an input"));
        assert!(why(&g, dir.path()).contains("is a folder"));
        // A file that does not exist yet may always be written.
        assert!(Guard::new("sample", false)
            .check(&dir.path().join("new.csv"))
            .is_ok());
    }
}
