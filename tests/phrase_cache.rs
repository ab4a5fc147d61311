//! The phrase cache (`src/cache.rs`): the second run with a rubric starts from what the first
//! learned, gives the same marks and outputs, keeps nothing of any essay, is private to its
//! owner, survives damage, and is not touched with `--no-cache`.

mod common;

use common::*;
use std::path::Path;

fn check(cache: &Path, extra: &[&str]) -> std::process::Output {
    peermark()
        .env("PEERMARK_CACHE_DIR", cache)
        .args(["check", "samples/language-lapses.txt", "--format", "json"])
        .args(extra)
        .output()
        .unwrap()
}

fn built_in(cache: &Path) -> std::path::PathBuf {
    cache.join("phrases-built-in.bin")
}

#[test]
fn the_first_run_writes_the_cache_and_the_next_reads_it_with_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let cold = check(&cache, &[]);
    assert!(
        cold.status.success(),
        "{}",
        String::from_utf8_lossy(&cold.stderr)
    );
    let file = built_in(&cache);
    let written = std::fs::read(&file).expect("the first run writes the cache");
    assert!(written.starts_with(b"PMPHRASE"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache), 0o700, "the folder is its owner's only");
        assert_eq!(mode(&file), 0o600, "the file is its owner's only");
    }
    // A warm run finds every phrase list there: it writes nothing and says the same.
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    let warm = check(&cache, &[]);
    assert_eq!(warm.stdout, cold.stdout);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(std::fs::read(&file).unwrap(), written);
    // And the same as without any cache.
    let none = check(&cache, &["--no-cache"]);
    assert_eq!(none.stdout, cold.stdout);
}

#[test]
fn the_cache_holds_nothing_of_the_essay() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    assert!(check(&cache, &[]).status.success());
    let bytes = std::fs::read(built_in(&cache)).unwrap();
    let essay = std::fs::read_to_string(root().join("samples/language-lapses.txt")).unwrap();
    // No sentence of the essay (its words run together as written) is in the cache.
    for sentence in essay
        .split(['.', '\n'])
        .map(str::trim)
        .filter(|s| s.len() > 30)
    {
        assert!(
            !bytes
                .windows(sentence.len())
                .any(|w| w == sentence.as_bytes()),
            "{sentence:?} is in the cache"
        );
    }
}

#[test]
fn a_damaged_cache_is_rebuilt_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let good = check(&cache, &[]);
    let file = built_in(&cache);
    let whole = std::fs::read(&file).unwrap();
    for damaged in [
        b"not a cache at all".to_vec(),
        whole[..whole.len() / 2].to_vec(),
        [&whole[..40], &vec![0xff; 4000][..], &whole[4040..]].concat(),
        {
            // Another version's cache.
            let mut other = whole.clone();
            other[16] ^= 0x01;
            other
        },
    ] {
        std::fs::write(&file, &damaged).unwrap();
        let o = check(&cache, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            o.stderr.is_empty(),
            "silently: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.stdout, good.stdout);
        assert_eq!(std::fs::read(&file).unwrap(), whole, "rebuilt as it was");
    }
}

#[test]
fn no_cache_neither_reads_nor_writes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    assert!(check(&cache, &["--no-cache"]).status.success());
    assert!(!cache.exists(), "--no-cache writes nothing");
    let o = peermark()
        .env("PEERMARK_CACHE_DIR", &cache)
        .env("PEERMARK_NO_CACHE", "1")
        .args(["explain", "L56"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(!cache.exists(), "PEERMARK_NO_CACHE=1 writes nothing");
}

#[test]
fn a_changed_rubric_is_compiled_again_and_marks_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let folder = tmp.path().join("course");
    let o = peermark()
        .env("PEERMARK_CACHE_DIR", &cache)
        .args(["rubric", "init"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rubric = folder.join("recovery-story-essay.toml");
    let run = |rubric: &Path| {
        peermark()
            .env("PEERMARK_CACHE_DIR", &cache)
            .args([
                "check",
                "samples/language-lapses.txt",
                "--format",
                "json",
                "--rubric",
            ])
            .arg(rubric)
            .output()
            .unwrap()
    };
    let first = run(&rubric);
    assert!(first.status.success());
    let files = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(files, 1, "one cache file for the rubric file");
    // The course adds a peer-support phrase: the cached analysis of the old list is not
    // used for the new one, and the new one is what marks.
    let language = folder.join("recovery-language-rules.toml");
    let text = std::fs::read_to_string(&language).unwrap();
    let edited = text.replacen(
        "alternatives = [",
        "alternatives = [\"a person first\", ",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&language, edited).unwrap();
    let second = run(&rubric);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let fresh = peermark()
        .args([
            "--no-cache",
            "check",
            "samples/language-lapses.txt",
            "--format",
            "json",
            "--rubric",
        ])
        .arg(&rubric)
        .output()
        .unwrap();
    assert_eq!(second.stdout, fresh.stdout);
}
