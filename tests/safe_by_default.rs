//! Safe by default: no command writes over an input of the same run, a file another command
//! owns, or a file peermark cannot show it wrote, without `--force`; `mark` replaces its own
//! outputs as one set; Ctrl-C leaves nothing half-written; `override` refuses a folder that
//! holds no marked results.

mod common;

use common::{cache_dir, fixtures, mark_with, peermark, read_csv, root};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// A cohort of the eight samples copied into `dir`, marked into `dir/marked`.
fn marked_cohort(dir: &Path) -> PathBuf {
    for e in fs::read_dir(root().join("samples")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let out = dir.join("marked");
    let o = mark_with(&[dir], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    out
}

/// Every file under `dir` (hidden ones included) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn every_command_pointed_at_an_input_or_an_owned_file_leaves_its_bytes_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let cohort = tmp.path();
    // The cohort holds a Moodle download and a Canvas one, so that both exports get as far
    // as writing.
    let download = cohort.join("PSW101-Recovery story essay-88.zip");
    fs::copy(
        fixtures().join("lms/PSW101-Recovery story essay-88.zip"),
        &download,
    )
    .unwrap();
    fs::copy(
        fixtures().join("lms/canvas-submissions.zip"),
        cohort.join("canvas-submissions.zip"),
    )
    .unwrap();
    let marked = marked_cohort(cohort);
    // The assessor's overrides, a Moodle download and worksheet, a Canvas gradebook.
    let o = peermark()
        .args([
            "override",
            "weak",
            "linking",
            "2",
            "--reason",
            "Clear in paragraph 6.",
        ])
        .args(["--assessor", "JR", "--out"])
        .arg(&marked)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let worksheet = cohort.join("Grades.csv");
    fs::copy(
        fixtures().join("lms/moodle-grading-worksheet.csv"),
        &worksheet,
    )
    .unwrap();
    let gradebook = cohort.join("canvas-gradebook.csv");
    fs::copy(fixtures().join("lms/canvas-gradebook.csv"), &gradebook).unwrap();
    let essay = cohort.join("weak.txt");

    let owned: Vec<PathBuf> = vec![
        essay.clone(),
        marked.join("overrides.csv"),
        marked.join("results.json"),
        marked.join("gradebook.csv"),
        marked.join("report.html"),
        marked.join("assessor-notes.csv"),
        marked.join("feedback/weak.md"),
        marked.join("feedback/weak.docx"),
        marked.join("annotated/weak.docx"),
        download.clone(),
        worksheet.clone(),
        gradebook.clone(),
    ];
    let before = snapshot(cohort);
    let mut tried = 0;
    for target in &owned {
        let commands: Vec<Vec<std::ffi::OsString>> = vec![
            vec![
                "check".into(),
                essay.clone().into(),
                "--sheet".into(),
                target.clone().into(),
            ],
            vec![
                "sample".into(),
                marked.clone().into(),
                "--out".into(),
                target.clone().into(),
            ],
            vec![
                "export".into(),
                "moodle".into(),
                "--worksheet".into(),
                worksheet.clone().into(),
                "--results".into(),
                marked.clone().into(),
                "--out".into(),
                target.clone().into(),
            ],
            vec![
                "export".into(),
                "canvas".into(),
                "--gradebook".into(),
                gradebook.clone().into(),
                "--assignment".into(),
                "Recovery story essay (40721)".into(),
                "--results".into(),
                marked.clone().into(),
                "--out".into(),
                target.clone().into(),
            ],
        ];
        for args in commands {
            tried += 1;
            let o = peermark().args(&args).output().unwrap();
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?} was not refused: {e}");
            let name = target.file_name().unwrap().to_string_lossy();
            assert!(
                e.contains(&*name) && (e.contains("--force") || e.contains("another file name")),
                "{args:?}: the refusal names the file and the flag: {e}"
            );
        }
    }
    assert_eq!(tried, 4 * owned.len());
    // `mark --out` at a file, and `override --out` at a file.
    for args in [
        vec![
            "mark".into(),
            essay.clone().into_os_string(),
            "--out".into(),
            worksheet.clone().into(),
        ],
        vec![
            "override".into(),
            "weak".into(),
            "linking".into(),
            "2".into(),
            "--reason".into(),
            "r".into(),
            "--assessor".into(),
            "a".into(),
            "--out".into(),
            worksheet.clone().into(),
        ],
    ] {
        let o = peermark().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("is a file"), "{}", stderr(&o));
    }
    let after = snapshot(cohort);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (p, bytes) in &before {
        assert!(after[p] == *bytes, "{} changed", p.display());
    }
}

#[test]
fn a_file_peermark_wrote_may_be_written_again_and_force_replaces_one_it_did_not() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = tmp.path().join("sheet.docx");
    for _ in 0..2 {
        let o = peermark()
            .arg("check")
            .arg(sample("weak.txt"))
            .arg("--sheet")
            .arg(&sheet)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(fs::read(&sheet).unwrap().starts_with(b"PK"));
    // Changed since: refused, then replaced with --force.
    fs::write(&sheet, b"my own notes").unwrap();
    let run = |force: bool| {
        let mut c = peermark();
        c.arg("check")
            .arg(sample("weak.txt"))
            .arg("--sheet")
            .arg(&sheet);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has changed since"), "{}", stderr(&o));
    assert_eq!(fs::read(&sheet).unwrap(), b"my own notes");
    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::read(&sheet).unwrap().starts_with(b"PK"));
    // --force never replaces the input itself.
    let draft = tmp.path().join("draft.txt");
    fs::copy(sample("weak.txt"), &draft).unwrap();
    let o = peermark()
        .arg("check")
        .arg(&draft)
        .arg("--sheet")
        .arg(&draft)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        fs::read(&draft).unwrap(),
        fs::read(sample("weak.txt")).unwrap()
    );
}

#[test]
fn re_marking_into_a_used_folder_replaces_marks_outputs_as_one_set() {
    let tmp = tempfile::tempdir().unwrap();
    let out = marked_cohort(tmp.path());
    assert_eq!(fs::read_dir(out.join("feedback")).unwrap().count(), 16);
    // Files other commands own, and the assessor's own file, are never touched by mark.
    let o = peermark()
        .args([
            "override",
            "weak",
            "linking",
            "2",
            "--reason",
            "Clear.",
            "--assessor",
            "JR",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let overrides = fs::read(out.join("overrides.csv")).unwrap();
    fs::write(out.join("my-notes.txt"), b"notes").unwrap();

    let o = mark_with(&[&sample("weak.txt"), &sample("strong.txt")], &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("removed 18 output(s) of the earlier run"), "{e}");
    let mut sheets: Vec<String> = fs::read_dir(out.join("feedback"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    sheets.sort();
    assert_eq!(sheets, ["strong.docx", "strong.md", "weak.docx", "weak.md"]);
    assert_eq!(fs::read_dir(out.join("annotated")).unwrap().count(), 2);
    assert_eq!(read_csv(&out.join("gradebook.csv")).len(), 2);
    assert_eq!(fs::read(out.join("overrides.csv")).unwrap(), overrides);
    assert_eq!(fs::read(out.join("my-notes.txt")).unwrap(), b"notes");
    // No staging folder or temporary file is left.
    assert!(fs::read_dir(&out)
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().contains("staging")));

    // A sheet the assessor edited is not replaced without --force, and nothing changes.
    let weak = out.join("feedback/weak.md");
    fs::write(&weak, b"edited by the assessor").unwrap();
    let before = snapshot(&out);
    let o = mark_with(&[&sample("weak.txt")], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("weak.md: has changed since"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&out), before);
    let o = mark_with(&[&sample("weak.txt")], &out, &["--quiet", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(fs::read(&weak).unwrap(), b"edited by the assessor");
}

#[test]
fn mark_will_not_replace_a_gradebook_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("grades");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("gradebook.csv"), b"the course's own gradebook\n").unwrap();
    let o = mark_with(&[&sample("weak.txt")], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("gradebook.csv: already exists and peermark did not write it")
            && e.contains("--force"),
        "{e}"
    );
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert_eq!(
        fs::read(out.join("gradebook.csv")).unwrap(),
        b"the course's own gradebook\n"
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn a_folder_with_marks_manifest_is_not_read_as_submissions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = marked_cohort(tmp.path());
    // Even without the gradebook beside results.json, the manifest says what the folder is.
    fs::remove_file(out.join("gradebook.csv")).unwrap();
    let o = mark_with(&[tmp.path()], &tmp.path().join("again"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("marked 8 of 8"), "{e}");
    assert!(e.contains("its manifest lists mark's outputs"), "{e}");
}

#[test]
fn override_refuses_a_folder_without_results_and_creates_nothing_wider_than_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let typo = tmp.path().join("moodle-markd");
    let args = |force: bool| {
        let mut c = peermark();
        c.args(["override", "moodle-123456", "structure", "2"])
            .args([
                "--reason",
                "Headings were lost.",
                "--assessor",
                "JR",
                "--out",
            ])
            .arg(&typo);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let o = args(false);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no results.json"), "{}", stderr(&o));
    assert!(!typo.exists(), "nothing is created");
    let o = args(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&typo), 0o700);
        assert_eq!(mode(&typo.join("overrides.csv")), 0o600);
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_mark_says_what_was_kept_and_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let cohort = tmp.path().join("cohort");
    fs::create_dir(&cohort).unwrap();
    let text = fs::read_to_string(sample("strong.txt")).unwrap();
    for i in 0..3000 {
        fs::write(
            cohort.join(format!("e{i:04}.txt")),
            format!("{text}\n\nEssay {i}."),
        )
        .unwrap();
    }
    let out = tmp.path().join("marked");
    let bin = assert_cmd::cargo::cargo_bin("peermark");
    for earlier in [false, true] {
        if earlier {
            // An earlier run's outputs stay whole.
            let o = mark_with(&[&sample("weak.txt")], &out, &["--quiet"]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let before = if earlier {
            snapshot(&out)
        } else {
            BTreeMap::new()
        };
        let child = std::process::Command::new(&bin)
            .env("PEERMARK_CACHE_DIR", cache_dir())
            .arg("mark")
            .arg(&cohort)
            .arg("--out")
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Interrupt once marking is under way (its staging folder exists).
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(60) {
            let staging = fs::read_dir(&out)
                .ok()
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".peermark-staging-")
                });
            if staging {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(130), "{e}");
        let said: Vec<&str> = e.lines().filter(|l| l.contains("interrupted")).collect();
        assert_eq!(said.len(), 1, "{e}");
        assert!(said[0].contains("run the same command again"), "{e}");
        if earlier {
            assert_eq!(
                snapshot(&out),
                before,
                "the earlier outputs are as they were"
            );
        } else {
            assert!(
                !out.exists(),
                "a folder this run created is removed again: {e}"
            );
        }
    }
}
