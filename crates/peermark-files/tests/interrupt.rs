//! An interrupt, in its own test process: after it, no write starts.

use peermark_files::interrupt;

#[test]
fn clean_up_removes_what_is_pending_and_says_what_was_kept() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join(".x.tmp");
    let staging = dir.path().join(".staging");
    std::fs::write(&tmp, b"half").unwrap();
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join("a"), b"a").unwrap();
    let kept = dir.path().join("kept");
    std::fs::write(&kept, b"whole").unwrap();
    let created = dir.path().join("new-out");
    std::fs::create_dir(&created).unwrap();
    interrupt::in_progress(&tmp);
    interrupt::in_progress(&staging);
    interrupt::in_progress(&kept);
    interrupt::done(&kept);
    interrupt::created_folder(&created);
    interrupt::set_message("interrupted: kept it");
    assert_eq!(interrupt::clean_up(), "interrupted: kept it");
    assert!(!tmp.exists() && !staging.exists() && !created.exists());
    assert_eq!(std::fs::read(&kept).unwrap(), b"whole");
    // No write starts after an interrupt.
    let after = dir.path().join("after");
    assert!(peermark_files::output::write_atomically(&after, b"x").is_err());
    assert!(!after.exists());
}
