//! Where and how `mark` writes: names from files never leave `--out`, outputs are private by
//! default, temporary files never outlive a run, and a killed run leaves the previous
//! outputs whole.

mod common;

use common::{cache_dir, mark_with, read_csv};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn essays() -> Vec<String> {
    let dir = common::root().join("tests/calibration/essays");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with('c'))
        .collect();
    v.sort();
    v.iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Every path under `dir` (relative), links not followed.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path().strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn names_from_files_never_decide_where_peermark_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let inputs = work.join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    let text = &essays()[0];
    let long = format!("{}.txt", "x".repeat(240));
    let names = [
        "CON.txt",
        "nul.md",
        "com1.txt",
        "a:b*c?.txt",
        "line\nbreak.txt",
        "\u{1b}[31mred.txt",
        "Essay.txt",
        "essay.txt",
        "sub/essay.txt",
        "trailing dots...txt",
        long.as_str(),
    ];
    for n in names {
        std::fs::write(inputs.join(n), text).unwrap();
    }
    // A link to a file outside the folder is not followed.
    std::fs::write(work.join("outside.txt"), text).unwrap();
    std::os::unix::fs::symlink(work.join("outside.txt"), inputs.join("link.txt")).unwrap();

    let before = tree(work);
    let out = work.join("out");
    let o = mark_with(&[&inputs], &out, &["--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("symbolic link to outside the folder (not followed)"));

    let new: Vec<PathBuf> = tree(work).difference(&before).cloned().collect();
    assert!(new.iter().all(|p| p.starts_with("out")), "{new:?}");
    let rows = read_csv(&out.join("gradebook.csv"));
    assert_eq!(rows.len(), names.len());
    let sheets: Vec<String> = std::fs::read_dir(out.join("feedback"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md"))
        .collect();
    assert_eq!(sheets.len(), names.len(), "{sheets:?}");
    let lower: BTreeSet<String> = sheets.iter().map(|s| s.to_lowercase()).collect();
    assert_eq!(
        lower.len(),
        sheets.len(),
        "distinct ignoring case: {sheets:?}"
    );
    for s in &sheets {
        let stem = s.strip_suffix(".md").unwrap();
        assert!(
            !stem.starts_with('.') && !stem.ends_with('.') && stem.len() <= 100,
            "{s:?}"
        );
        assert!(
            !s.chars()
                .any(|c| c.is_control() || "/\\:*?\"<>|".contains(c)),
            "{s:?}"
        );
        let base = stem.split('.').next().unwrap().to_ascii_uppercase();
        assert!(
            !["CON", "NUL", "COM1", "PRN", "AUX"].contains(&base.as_str()),
            "{s:?}"
        );
    }
    assert!(sheets.contains(&"_CON.md".to_string()), "{sheets:?}");
    assert!(sheets.contains(&"a-b-c-.md".to_string()), "{sheets:?}");
    // The same names, the same sheets: collisions resolve deterministically.
    let again = work.join("again");
    mark_with(&[&inputs], &again, &["--quiet"]);
    assert_eq!(tree(&out), tree(&again));
}

#[test]
fn outputs_are_private_unless_shared_and_no_temporary_file_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for (i, t) in essays().iter().take(3).enumerate() {
        std::fs::write(inputs.join(format!("e{i}.txt")), t).unwrap();
    }
    let out = tmp.path().join("private");
    let o = mark_with(&[&inputs], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&out.join("feedback")), 0o700);
    let files: Vec<PathBuf> = tree(&out).into_iter().map(|p| out.join(p)).collect();
    assert!(files.len() >= 7, "{files:?}");
    for f in &files {
        let want = if f.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(f), want, "{f:?}");
    }

    // A temporary file left by a killed run is removed by the next run; none is left.
    let stale = out.join("feedback/.e0.md.tmp-peermark-99999-0");
    std::fs::write(&stale, "half a sheet").unwrap();
    let o = mark_with(&[&inputs], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stale.exists());
    assert!(tree(&out)
        .iter()
        .all(|p| !p.to_string_lossy().contains("tmp")));

    // --shared-output: the usual modes, as the umask allows.
    let shared = tmp.path().join("shared");
    let bin = assert_cmd::cargo::cargo_bin("peermark");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(&bin)
        .env("PEERMARK_CACHE_DIR", cache_dir())
        .args(["mark", "--quiet", "--shared-output", "--out"])
        .arg(&shared)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(mode(&shared), 0o755);
    assert_eq!(mode(&shared.join("feedback")), 0o755);
    assert_eq!(mode(&shared.join("gradebook.csv")), 0o644);
    assert_eq!(mode(&shared.join("feedback/e1.md")), 0o644);
}

/// Whether `out` holds a whole, consistent set of outputs for `n` submissions.
fn outputs_are_whole(out: &Path, n: usize, support: &str) {
    let rows = read_csv(&out.join("gradebook.csv"));
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r["status"] == "marked"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), n);
    let notes = read_csv(&out.join("assessor-notes.csv"));
    let _ = notes;
    let mut sheets = 0;
    for e in std::fs::read_dir(out.join("feedback")).unwrap().flatten() {
        let name = e.file_name().into_string().unwrap();
        if name.starts_with('.') || !name.ends_with(".md") {
            continue; // a killed run's temporary file (never an output), or a Word sheet
        }
        let s = std::fs::read_to_string(e.path()).unwrap();
        assert!(s.trim_end().ends_with(support), "{name} is whole");
        sheets += 1;
    }
    assert_eq!(sheets, n);
}

#[test]
fn a_killed_run_leaves_the_previous_outputs_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("cohort");
    std::fs::create_dir(&inputs).unwrap();
    let texts = essays();
    let n = 160;
    for i in 0..n {
        let t = &texts[i % texts.len()];
        std::fs::write(
            inputs.join(format!("s{i:04}.txt")),
            format!("{t}\n\nNote {i}.\n"),
        )
        .unwrap();
    }
    let support = "Breathing Space on 0800 83 85 87.";
    let out = tmp.path().join("marked");
    let o = mark_with(&[&inputs], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0));
    outputs_are_whole(&out, n, support);
    let first = std::fs::read(out.join("gradebook.csv")).unwrap();

    // Kill runs while they write: SIGKILL and SIGINT, at a growing delay after the first
    // output of the run appears (a temporary file or a rewritten sheet).
    let bin = assert_cmd::cargo::cargo_bin("peermark");
    let mut killed = 0;
    for round in 0..6u64 {
        let started = std::time::SystemTime::now();
        let mut child = std::process::Command::new(&bin)
            .env("PEERMARK_CACHE_DIR", cache_dir())
            .arg("mark")
            .arg(&inputs)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let writing = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            let fresh = std::fs::read_dir(out.join("feedback"))
                .unwrap()
                .flatten()
                .any(|e| {
                    e.file_name().to_string_lossy().starts_with('.')
                        || e.metadata()
                            .and_then(|m| m.modified())
                            .is_ok_and(|t| t > started)
                });
            if fresh {
                break true;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        std::thread::sleep(Duration::from_millis(round * round));
        if writing && child.try_wait().unwrap().is_none() {
            if round % 2 == 0 {
                child.kill().unwrap();
            } else {
                std::process::Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status()
                    .unwrap();
            }
            killed += 1;
        }
        child.wait().unwrap();
        outputs_are_whole(&out, n, support);
    }
    assert!(killed > 0, "at least one run was killed while writing");
    // The outputs are the same marks as before (same inputs), and a full run tidies up.
    let o = mark_with(&[&inputs], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(out.join("gradebook.csv")).unwrap(), first);
    assert!(tree(&out)
        .iter()
        .all(|p| !p.to_string_lossy().contains("tmp")));
}

/// `mark` writes each learner's files as they are marked unless a review needs the whole
/// cohort first; both ways give the same files, byte for byte. An earlier run that matches
/// no one (`--previous` with an empty results.json) takes the whole-cohort way and changes
/// nothing else.
#[test]
fn streaming_and_whole_cohort_marking_write_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = common::root().join("samples");
    let cohort = common::root().join("tests/calibration/essays");
    let streamed = tmp.path().join("streamed");
    let whole = tmp.path().join("whole");
    let previous = tmp.path().join("previous");
    std::fs::create_dir_all(&previous).unwrap();
    std::fs::write(previous.join("results.json"), "[]\n").unwrap();
    let all = ["--sheets", "md,docx,annotated", "--quiet"];
    let out = mark_with(&[&samples, &cohort], &streamed, &all);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let mut args = all.to_vec();
    let prev = previous.to_str().unwrap();
    args.extend(["--previous", prev]);
    let out = mark_with(&[&samples, &cohort], &whole, &args);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let files = tree(&streamed);
    assert_eq!(files, tree(&whole));
    assert!(files.iter().filter(|f| f.starts_with("feedback")).count() >= 40);
    for f in &files {
        let (a, b) = (streamed.join(f), whole.join(f));
        if a.is_dir() {
            continue;
        }
        // Word files carry the day's date only; compare their text.
        if f.extension().is_some_and(|e| e == "docx") {
            assert_eq!(
                common::output_text(&a),
                common::output_text(&b),
                "{}",
                f.display()
            );
        } else {
            assert!(
                std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
                "{} differs",
                f.display()
            );
        }
    }
}
