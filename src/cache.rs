//! The phrase cache: what a run learned about a rubric's phrases (the literals each is looked
//! for by, how it is tried, its regular expression), kept so that the next run with the same
//! rubric starts without parsing them again ([`peermark_text::phrase::store`]). It holds
//! nothing of any essay.
//!
//! Where: `$PEERMARK_CACHE_DIR`, else `$XDG_CACHE_HOME/peermark`, else `~/.cache/peermark`;
//! one file per rubric (the built-in one, or a rubric file by its path), the folder readable by
//! its owner only (0700) and each file too (0600). Off with `--no-cache` or
//! `PEERMARK_NO_CACHE=1`. An entry is used only for the very phrases it was made from and only
//! by the peermark version that wrote it; a damaged, stale or unreadable file is rebuilt
//! silently, and a cache that cannot be written is simply not written.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

static OFF: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: neither read nor write the cache in this run.
pub fn turn_off() {
    OFF.store(true, Ordering::Relaxed);
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The cache folder, unless the cache is off or there is nowhere to put it.
fn folder() -> Option<PathBuf> {
    if OFF.load(Ordering::Relaxed)
        || std::env::var_os("PEERMARK_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0")
    {
        return None;
    }
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    if let Some(dir) = std::env::var_os("PEERMARK_CACHE_DIR").and_then(absolute) {
        return Some(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").and_then(absolute) {
        return Some(dir.join("peermark"));
    }
    std::env::var_os("HOME")
        .and_then(absolute)
        .map(|home| home.join(".cache").join("peermark"))
}

/// The cache file of a rubric: `phrases-built-in.bin`, or named by a hash of the rubric
/// file's absolute path.
fn file_for(folder: &Path, rubric: Option<&Path>) -> PathBuf {
    let name = match rubric {
        None => "phrases-built-in.bin".to_string(),
        Some(p) => {
            let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            let h = peermark_text::phrase::store::hash(p.as_os_str().as_encoded_bytes());
            format!("phrases-{h:016x}.bin")
        }
    };
    folder.join(name)
}

/// Loads a rubric (`None`: the built-in one) with the phrase cache: what is cached is used,
/// and what had to be worked out is written back.
pub fn load_rubric(
    rubric: Option<&Path>,
) -> Result<peermark_engine::rubric::Rubric, peermark_engine::rubric::RubricError> {
    let Some(folder) = folder() else {
        return peermark_engine::load_rubric(rubric);
    };
    let file = file_for(&folder, rubric);
    peermark_text::phrase::store::enable();
    if let Ok(bytes) = std::fs::read(&file) {
        peermark_text::phrase::store::import(&bytes, VERSION);
    }
    let r = peermark_engine::load_rubric(rubric)?;
    if peermark_text::phrase::store::added() {
        let bytes = peermark_text::phrase::store::export(VERSION);
        if !bytes.is_empty() {
            let _ = write(&folder, &file, &bytes);
        }
    }
    Ok(r)
}

/// Writes `bytes` to `file` in `folder` (made 0700) through a temporary file (0600) renamed
/// into place, so that a run that reads it meanwhile sees the old file or the new one.
fn write(folder: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(folder)?;
    let tmp = folder.join(format!(
        ".{}.{}.tmp",
        file.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("phrases"),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let result = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match result.and_then(|()| std::fs::rename(&tmp, file)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
