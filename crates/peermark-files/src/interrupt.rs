//! What an interrupted run (Ctrl-C) leaves behind: nothing half-written, and one line saying
//! what was kept and what to run again.
//!
//! Every temporary file and staging folder is registered here while it exists; the binary's
//! Ctrl-C handler calls [`clean_up`], which removes them. While `mark` swaps a finished
//! set of outputs into place ([`crate::manifest::OutputSet::commit`]) the handler waits for
//! the swap to end, so a folder never holds half of one run and half of another.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Folders this run created: removed on an interrupt if they are then empty.
static CREATED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static MESSAGE: Mutex<String> = Mutex::new(String::new());
static SWAP: Mutex<()> = Mutex::new(());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `path` (a temporary file or a staging folder) exists until [`done`] is called for it.
pub fn in_progress(path: &Path) {
    lock(&PENDING).push(path.to_path_buf());
}

/// `dir` was created by this run: an interrupt removes it again if it is empty.
pub fn created_folder(dir: &Path) {
    lock(&CREATED).push(dir.to_path_buf());
}

/// Whether the run has been interrupted: no new write starts after that.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// `path` is gone or has become an output.
pub fn done(path: &Path) {
    let mut p = lock(&PENDING);
    if let Some(i) = p.iter().rposition(|x| x == path) {
        p.swap_remove(i);
    }
}

/// What to tell the user if the run is interrupted now: what was kept and what to run again.
pub fn set_message(line: impl Into<String>) {
    *lock(&MESSAGE) = line.into();
}

/// Held while outputs are swapped into place: an interrupt waits for it.
pub fn swapping() -> MutexGuard<'static, ()> {
    lock(&SWAP)
}

/// Removes every temporary file and staging folder, and returns the line to print.
/// (The binary prints it and exits 130.)
pub fn clean_up() -> String {
    let _swap = lock(&SWAP);
    INTERRUPTED.store(true, Ordering::SeqCst);
    // Writes already under way may still create a file in a staging folder as it is being
    // removed: try again a few times.
    for _ in 0..20 {
        let pending: Vec<PathBuf> = lock(&PENDING).clone();
        let mut left = false;
        for p in &pending {
            let gone = if p.is_dir() {
                std::fs::remove_dir_all(p).is_ok()
            } else {
                std::fs::remove_file(p).is_ok() || !p.exists()
            };
            left |= !gone && p.exists();
        }
        if !left {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    for d in lock(&CREATED).iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
    let m = lock(&MESSAGE).clone();
    if m.is_empty() {
        "interrupted: nothing was written; run the same command again".to_string()
    } else {
        m
    }
}
