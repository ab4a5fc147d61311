//! Integration tests that run the real `peermark` binary on real files: the bundled samples,
//! every fixture made by other programs, broken rubrics, and the contract of `cli.md`.

mod common;

use common::{cache_dir, fixtures, mark_with, peermark, read_csv, root};
use std::collections::BTreeMap;
use std::path::Path;

/// `peermark mark PATHS --out OUT --quiet`.
fn mark(paths: &[&Path], out: &Path) -> std::process::Output {
    mark_with(paths, out, &["--quiet"])
}

#[test]
fn samples_are_marked_at_the_expected_levels_and_runs_are_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(&[&root().join("samples")], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("expected.csv"),
        "skipped files are listed: {stderr}"
    );
    assert!(stderr.contains("have assessor notes"), "{stderr}");

    let expected = read_csv(&root().join("samples/expected.csv"));
    let got = read_csv(&out.join("gradebook.csv"));
    assert_eq!(got.len(), expected.len(), "one row per sample file");
    let ids: Vec<&str> = got.iter().map(|r| r["submission"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(ids, sorted, "rows are sorted by submission");
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
        got.iter().map(|r| (r["submission"].as_str(), r)).collect();
    let mut mismatches = Vec::new();
    for e in &expected {
        let g = by_id[e["submission"].as_str()];
        for (k, v) in e {
            if k != "submission" && &g[k] != v {
                mismatches.push(format!(
                    "{} {k}: expected {v}, got {}",
                    e["submission"], g[k]
                ));
            }
        }
        assert_eq!(g["status"], "marked");
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");

    // Two runs give byte-identical gradebook.csv and results.json.
    let out2 = tmp.path().join("again");
    mark(&[&root().join("samples")], &out2);
    for f in ["gradebook.csv", "results.json"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(out2.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }

    // Every level ≥ 1 quotes its evidence; every level 0 says what was looked for.
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    for r in results.as_array().unwrap() {
        assert_eq!(r["rubric"]["id"], "recovery-story-essay");
        assert_eq!(r["rubric"]["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(r["peermark_version"], env!("CARGO_PKG_VERSION"));
        for c in r["criteria"].as_array().unwrap() {
            let level = c["level"].as_u64().unwrap();
            let evidence = c["evidence"].as_array().unwrap();
            if level >= 1 {
                assert!(
                    !evidence.is_empty(),
                    "{} {} level {level} has no evidence",
                    r["submission"],
                    c["id"]
                );
                for e in evidence {
                    assert!(!e["quote"].as_str().unwrap().is_empty());
                    assert!(
                        e["paragraph"].as_u64().unwrap() >= 1 && e["line"].as_u64().unwrap() >= 1
                    );
                }
            } else {
                assert!(
                    c["feedback"].as_str().unwrap().contains("looked for")
                        || c["id"] == "recovery_language"
                        || c["id"] == "structure",
                    "{}",
                    c["feedback"]
                );
            }
            assert!(!c["measures"].as_object().unwrap().is_empty());
        }
    }
    // A sheet per submission.
    for e in &expected {
        assert!(out
            .join("feedback")
            .join(format!("{}.md", e["submission"]))
            .exists());
    }
}

#[test]
fn quoted_evidence_points_at_the_words_in_a_text_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    mark(&[&root().join("samples/strong.txt")], &out);
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let text = std::fs::read_to_string(root().join("samples/strong.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for c in results[0]["criteria"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            let line = lines[e["line"].as_u64().unwrap() as usize - 1];
            let col = e["column"].as_u64().unwrap() as usize - 1;
            let at: String = line.chars().skip(col).take(12).collect();
            let quote: String = e["quote"]
                .as_str()
                .unwrap()
                .trim_start_matches('…')
                .chars()
                .take(12)
                .collect();
            assert_eq!(at, quote, "evidence position for {}", c["id"]);
        }
    }
}

#[test]
fn every_fixture_behaves_as_its_readme_says() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let f = fixtures();
    let o = mark(&[&f.join("docx"), &f.join("txt"), &f.join("broken")], &out);
    assert_eq!(
        o.status.code(),
        Some(2),
        "some files could not be marked: exit 2"
    );
    let rows = read_csv(&out.join("gradebook.csv"));
    let by_file: BTreeMap<String, &BTreeMap<String, String>> = rows
        .iter()
        .map(|r| {
            (
                Path::new(&r["file"])
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
                r,
            )
        })
        .collect();
    let n_inputs: usize = ["docx", "txt", "broken"]
        .iter()
        .map(|d| std::fs::read_dir(f.join(d)).unwrap().count())
        .sum();
    assert_eq!(rows.len(), n_inputs, "every file has exactly one row");
    for name in [
        "pandoc-essay.docx",
        "python-docx-essay.docx",
        "libreoffice-essay.docx",
        "tracked-changes.docx",
        "utf8.txt",
        "utf8-bom.txt",
        "utf16le-bom.txt",
        "windows-1252.txt",
        "essay.md",
    ] {
        let r = by_file[name];
        assert_eq!(r["status"], "marked", "{name}: {}", r["message"]);
        let words: usize = r["words"].parse().unwrap();
        assert!((250..350).contains(&words), "{name}: {words} words");
    }
    // The txt variants read the same words; the table adds 17 words in two docx versions.
    let w = |n: &str| by_file[n]["words"].parse::<i64>().unwrap();
    for n in [
        "utf8-bom.txt",
        "utf16le-bom.txt",
        "windows-1252.txt",
        "essay.md",
        "pandoc-essay.docx",
    ] {
        assert_eq!(w(n), w("utf8.txt"), "{n}");
    }
    assert_eq!(w("python-docx-essay.docx"), w("utf8.txt") + 17);
    assert_eq!(w("libreoffice-essay.docx"), w("utf8.txt") + 17);
    let errors = [
        ("truncated.docx", "damaged or incomplete"),
        ("pdf-renamed.docx", "not a Word document"),
        ("password-protected.docx", "password"),
        ("legacy-word-97.doc", ".doc"),
        ("no-text.docx", "no text"),
        ("empty-file.txt", "empty"),
    ];
    for (name, says) in errors {
        let r = by_file[name];
        assert_eq!(r["status"], "error", "{name}");
        assert!(
            r["message"].to_lowercase().contains(&says.to_lowercase()),
            "{name}: {}",
            r["message"]
        );
        assert_eq!(r["score"], "");
        assert_eq!(r["outcome"], "");
        assert!(!r["message"].contains('\n'));
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("truncated.docx"),
        "errors are named on stderr: {stderr}"
    );
}

#[test]
fn check_prints_a_learner_report_that_ends_with_the_support_line() {
    let o = peermark()
        .args(["check", "samples/weak.txt"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.trim_end().ends_with("0800 83 85 87."), "{text}");
    assert!(
        !text.contains("\u{1b}["),
        "no colour when NO_COLOR is set or not a terminal"
    );
    assert!(text.contains("words"));
    let strict = peermark()
        .args(["check", "samples/weak.txt", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        strict.status.code(),
        Some(3),
        "--strict exits 3 when not yet achieved"
    );
    let ok = peermark()
        .args(["check", "samples/strong.txt", "--strict"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn check_json_is_one_result_object_and_reads_stdin() {
    let essay = std::fs::read(root().join("samples/middling.txt")).unwrap();
    let o = peermark()
        .args(["check", "-", "--format", "json"])
        .write_stdin(essay)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["submission"], "stdin");
    assert_eq!(v["status"], "marked");
    assert_eq!(v["criteria"].as_array().unwrap().len(), 6);
    for key in ["lapses", "notes"] {
        assert!(v[key].is_array());
    }
    // The learner's command leaves safeguarding out (cli.md) and always says where support is.
    assert!(v.get("safeguarding").is_none());
    assert!(v["support"].as_str().is_some_and(|s| s.contains("116 123")));
}

#[test]
fn explain_prints_criteria_and_rules() {
    let o = peermark()
        .args(["explain", "personal_story"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("Personal recovery story") && t.contains("Strong"));
    let o = peermark().args(["explain", "L56"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("died by suicide"), "{t}");
    let o = peermark().args(["explain", "nonsense"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn rubric_check_accepts_the_default_and_names_field_and_line_of_errors() {
    let o = peermark()
        .args(["rubric", "check", "rubrics/recovery-story-essay.toml"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let original =
        std::fs::read_to_string(root().join("rubrics/recovery-story-essay.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "recovery-language-rules.toml",
        "recovery-language-rules-2.toml",
        "safeguarding-cues.toml",
        "safeguarding-model.toml",
    ] {
        std::fs::copy(root().join("rubrics").join(f), tmp.path().join(f)).unwrap();
    }
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "weight",
            original.replacen("weight = 20", "weight = \"twenty\"", 1),
            "invalid type",
        ),
        (
            "condition",
            original.replacen("concepts >= 3", "concepts => 3", 1),
            "expected",
        ),
        (
            "measure",
            original.replacen(
                "\"story_paragraphs_sentences >= 2\"",
                "\"story_paragraph_sentences >= 2\"",
                1,
            ),
            "no measure produces",
        ),
        (
            "phrase",
            original.replacen("\"turning point\",", "\"turning (point\",", 1),
            "unclosed",
        ),
        // Measures' own phrases compile in one matcher with the lexicons': a bad one is
        // still named by its measure.
        (
            "concept phrase",
            original.replacen(
                "\"(believed|believes) in me\"",
                "\"(believed|believes in me\"",
                1,
            ),
            "measure \"factors\".concept phrase \"(believed|believes in me\": unclosed",
        ),
        (
            "concept exclude",
            original.replacen("\"hope (so|not|that|to)\"", "\"hope (so|not\"", 1),
            ".concept exclude \"hope (so|not\": unclosed",
        ),
        (
            "inline phrases",
            original.replacen(
                "\"personal recovery\", \"recovery approach\"]",
                "\"personal recovery\", \"re:(recovery\"]",
                1,
            ),
            "measure \"recovery_mentions\".phrases[3]",
        ),
        (
            "frameworks",
            original.replacen(
                "\"ImROC\", \"Recovery College\"",
                "\"ImROC\", \"Recovery (College\"",
                1,
            ),
            ".frameworks[6]: unclosed",
        ),
        (
            "descriptors",
            original.replacen("  \"No discussion of what recovery means.\",\n", "", 1),
            "descriptors",
        ),
        (
            "outcome",
            original.replacen("structure = 1\n", "structure = 1\nmystery = 2\n", 1),
            "mystery",
        ),
        (
            "unknown",
            original.replacen("[words]", "[words]\ntarget_words = 3", 1),
            "unknown field",
        ),
        (
            "placeholder",
            original.replacen("{factors.items}", "{factor.items}", 1),
            "no measure gives {factor.items}; did you mean {factors.items}?",
        ),
        (
            "placeholder value",
            original.replacen("{words}", "{word}", 1),
            "did you mean {words}?",
        ),
    ];
    for (name, text, says) in cases {
        assert_ne!(text, original, "case {name} changed nothing");
        let p = tmp.path().join("broken.toml");
        std::fs::write(&p, &text).unwrap();
        let o = peermark()
            .arg("rubric")
            .arg("check")
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "case {name}");
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(
            err.contains("broken.toml:"),
            "case {name}: error names the file and line: {err}"
        );
        let line: usize = err
            .split("broken.toml:")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap_or(0);
        assert!(line > 1, "case {name}: a line number: {err}");
        assert!(err.contains(says), "case {name}: {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "case {name}: one line: {err}"
        );
    }
}

#[test]
fn a_missing_path_is_a_usage_error_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let o = mark(&[Path::new("no/such/folder")], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
}

/// Runs `peermark ARGS` with its standard output closed before it writes (as `| head` does
/// once it has its lines): the command must end quietly, with the code it would have had.
fn run_into_a_closed_pipe(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_peermark"))
        .env("PEERMARK_CACHE_DIR", cache_dir())
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    for args in [
        &["explain", "personal_story"][..],
        &["check", "samples/strong.txt"],
        &["check", "samples/weak.txt", "--format", "json"],
        &["rubric", "check", "rubrics/recovery-story-essay.toml"],
        &[
            "agree",
            "tests/corpus/marker-a.csv",
            "tests/corpus/marker-b.csv",
        ],
    ] {
        let o = run_into_a_closed_pipe(args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn marking_the_current_folder_twice_does_not_mark_its_own_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let cohort = tmp.path().join("cohort");
    std::fs::create_dir_all(&cohort).unwrap();
    for name in ["strong.txt", "weak.txt", "middling.txt"] {
        std::fs::copy(root().join("samples").join(name), cohort.join(name)).unwrap();
    }
    let run = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_peermark"))
            .env("PEERMARK_CACHE_DIR", cache_dir())
            .args(["mark", "."])
            .current_dir(&cohort)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let first = run();
    assert!(first.contains("marked 3 of 3"), "{first}");
    // The default --out is ./marked, inside the input: the second run must not read it.
    let second = run();
    assert!(second.contains("marked 3 of 3"), "{second}");
    assert!(second.contains("a folder peermark marked into"), "{second}");
    let rows = read_csv(&cohort.join("marked/gradebook.csv"));
    assert_eq!(rows.len(), 3);
}
