//! How outputs reach the disk: private by default, names that cannot leave `--out`, and
//! temporary files that never outlive a run.
//!
//! - The output folder (and any folder peermark makes in it) is created `0700` and every
//!   file `0600` — essays hold mental-health histories — unless `--shared-output` asks for
//!   the usual modes (`0777`/`0666` less the umask).
//! - Every output is written to a temporary file in its own folder (created exclusively, so
//!   never through a planted link) and renamed over the old one: an interrupted run leaves
//!   the previous output whole. A temporary file left by a killed run is removed by the
//!   next run into the same folder.
//! - A name that comes from a submission (its id, from a file or archive name) is made into
//!   a safe file name by [`safe_file_name`], and names that meet are told apart by
//!   [`unique_file_names`].

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

static SHARED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicU64 = AtomicU64::new(0);
/// What every write asks first (the installed guard of `manifest`): `Err` refuses.
type Check = Box<dyn Fn(&Path) -> Result<(), crate::error::Refused> + Send + Sync>;
static CHECK: Mutex<Option<Check>> = Mutex::new(None);

/// Sets what every write asks first (`manifest::install` sets the command's guard).
pub fn set_check(check: Check) {
    *CHECK.lock().unwrap_or_else(|e| e.into_inner()) = Some(check);
}

/// Every file written since [`start_recording`], with the SHA-256 of its bytes (hex).
static RECORDED: Mutex<Option<BTreeMap<PathBuf, String>>> = Mutex::new(None);

/// From now on, remember every file written and the SHA-256 of its bytes (`mark` lists them
/// in its manifest; see [`crate::manifest`]). The hash is taken as the bytes are written.
pub fn start_recording() {
    *RECORDED.lock().unwrap_or_else(|e| e.into_inner()) = Some(BTreeMap::new());
}

/// The files written since [`start_recording`] (path → SHA-256), and stops recording.
pub fn take_recorded() -> BTreeMap<PathBuf, String> {
    RECORDED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .unwrap_or_default()
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of the file at `path`, in lower-case hex.
pub fn file_sha256(path: &Path) -> io::Result<String> {
    let mut h = Sha256::new();
    io::copy(&mut File::open(path)?, &mut h)?;
    Ok(hex(&h.finalize()))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: io::Write> io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Sets whether outputs are shared (`--shared-output`: usual modes) or private (the
/// default: folders `0700`, files `0600`).
pub fn set_shared_output(shared: bool) {
    SHARED.store(shared, Ordering::SeqCst);
}

/// Whether outputs are written with the usual modes rather than owner-only.
pub fn shared_output() -> bool {
    SHARED.load(Ordering::SeqCst)
}

/// Creates `dir` and its missing parents, `0700` unless outputs are shared.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    if !shared_output() {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates a new file (never opening an existing one or following a link), `0600` unless
/// outputs are shared.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if !shared_output() {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

pub const TMP_MARK: &str = ".tmp-peermark-";

/// Writes `bytes` to `path` through a temporary file beside it, flushed to disk, and a
/// rename. The temporary file is removed if anything fails.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_then(path, bytes, true, || Ok(()))
}

/// [`write_atomically`] without flushing to disk before the rename: for the per-learner
/// sheets, which a re-run writes again. An interrupted run (Ctrl-C, a kill, a full disk)
/// still never leaves a half-written file; only a power cut could, and one `fsync` per sheet
/// was a fifth of the time `mark` spent on a 1,000-essay cohort.
pub fn write_replaceable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_then(path, bytes, false, || Ok(()))
}

/// [`write_atomically`] for a large output written a piece at a time by `write` (through a
/// buffer), so it is never held whole in memory.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    write_with(path, true, write, || Ok(()))
}

/// [`write_atomically`], calling `before_rename` once the temporary file is written (tests
/// interrupt a write there).
fn write_then(
    path: &Path,
    bytes: &[u8],
    sync: bool,
    before_rename: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    write_with(path, sync, |f| f.write_all(bytes), before_rename)
}

fn write_with(
    path: &Path,
    sync: bool,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    before_rename: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    if crate::interrupt::interrupted() {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    if let Some(check) = CHECK.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        check(path).map_err(io::Error::other)?;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(
        ".{name}{TMP_MARK}{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    crate::interrupt::in_progress(&tmp);
    let written = (|| {
        let mut f = Hashing {
            inner: io::BufWriter::with_capacity(64 * 1024, create_new(&tmp)?),
            hash: Sha256::new(),
        };
        write(&mut f)?;
        let digest = f.hash.finalize();
        let f = f
            .inner
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        if sync {
            f.sync_all().ok();
        }
        drop(f);
        before_rename()?;
        fs::rename(&tmp, path)?;
        if let Some(r) = RECORDED.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            r.insert(path.to_path_buf(), hex(&digest));
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    crate::interrupt::done(&tmp);
    written
}

/// Removes temporary files that an interrupted run left in `dir` and its sub-folders
/// (only peermark's own, by name; links are not followed).
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let name = e.file_name();
        let name = name.to_string_lossy();
        if ft.is_dir() {
            remove_stale_temp_files(&e.path());
        } else if ft.is_file() && name.starts_with('.') && name.contains(TMP_MARK) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Longest file-name stem peermark writes, in bytes (room is left for a `-N` suffix, an
/// extension and the temporary-file prefix under the usual 255-byte limit).
pub const MAX_NAME: usize = 100;

/// A file-name stem made from `name` that stays inside its folder on every system: path
/// separators, `:` and the other characters Windows forbids, and control characters become
/// `-`; leading dots and spaces and trailing dots and spaces are removed; Windows device
/// names (`CON`, `nul.txt`, `COM1`, …) get a `_` prefix; an empty result is `_`; longer than
/// [`MAX_NAME`] bytes is cut (at a character boundary).
pub fn safe_file_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .collect();
    s = s
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    if s.len() > MAX_NAME {
        let mut end = MAX_NAME;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s = s.trim_end_matches(['.', ' ']).to_string();
    }
    if s.is_empty() {
        return "_".into();
    }
    let base = s.split('.').next().unwrap_or_default().trim_end();
    let upper = base.to_ascii_uppercase();
    let reserved = matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.len() == 4
        && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    s
}

/// Safe, distinct file-name stems for `names`, in order: [`safe_file_name`] of each, and
/// where two meet (ignoring case, as Windows and macOS do) the later ones get `-2`, `-3`, …
/// Given the same names in the same order, always the same result.
pub fn unique_file_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let safe: Vec<String> = names.into_iter().map(safe_file_name).collect();
    // Every plain name is reserved first, so a numbered name never takes a later one's.
    let plain: HashSet<String> = safe.iter().map(|s| s.to_lowercase()).collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(safe.len());
    for s in safe {
        let mut candidate = s.clone();
        let mut n = 1;
        loop {
            let key = candidate.to_lowercase();
            if !taken.contains(&key) && (n == 1 || !plain.contains(&key)) {
                taken.insert(key);
                break;
            }
            n += 1;
            candidate = format!("{s}-{n}");
        }
        out.push(candidate);
    }
    out
}

/// The sheet file stem of every submission id of a run, by id, as `mark` names them: every
/// id in byte order, made safe and told apart by [`unique_file_names`]. A run's stems depend on
/// all its ids, so `mark` (while streaming) and the exports that find its sheets call this.
pub fn sheet_stems<'a>(ids: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    ids.dedup();
    ids.iter()
        .map(|s| s.to_string())
        .zip(unique_file_names(ids.iter().copied()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_folder() {
        for (raw, want) in [
            ("e01", "e01"),
            ("../../etc/passwd", "-..-etc-passwd"),
            ("..", "_"),
            (".hidden", "hidden"),
            ("a/b\\c", "a-b-c"),
            ("C:\\x", "C--x"),
            ("tab\there\nnul\0", "tab-here-nul-"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("com1", "_com1"),
            ("LPT9 .x", "_LPT9 .x"),
            ("CONSOLE", "CONSOLE"),
            ("trailing. . ", "trailing"),
            ("", "_"),
            ("Ünïcödé essay", "Ünïcödé essay"),
        ] {
            assert_eq!(safe_file_name(raw), want, "{raw:?}");
        }
        let long = "é".repeat(300);
        let s = safe_file_name(&long);
        assert!(s.len() <= MAX_NAME && s.chars().all(|c| c == 'é'));
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file_whole_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gradebook.csv");
        write_atomically(&path, b"old,complete\n").unwrap();
        let e = write_then(&path, b"new,comp", true, || {
            // Mid-write: the new bytes sit in a temporary file; the output is still the old.
            assert_eq!(fs::read(&path).unwrap(), b"old,complete\n");
            assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
            Err(io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old,complete\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file removed"
        );
        write_atomically(&path, b"new\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\n");
    }

    #[test]
    fn colliding_names_are_numbered_in_order() {
        assert_eq!(
            unique_file_names(["a/b", "a-b", "A-B", "x", "a-b-2"]),
            vec!["a-b", "a-b-3", "A-B-4", "x", "a-b-2"]
        );
        assert_eq!(unique_file_names(["..", "."]), vec!["_", "_-2"]);
    }
}
