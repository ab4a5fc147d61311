//! The assessor decides: overrides (`overrides.csv`, `peermark override`), agreement between
//! two sets of marks (`peermark agree`) and resubmissions (`mark --previous`,
//! `--carry-overrides`). Every test runs the real binary on the bundled samples.

mod common;

use common::{mark_with, peermark, read_csv, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn ok(o: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        matches!(o.status.code(), Some(0)),
        "exit {:?}: {stderr}",
        o.status.code()
    );
    stderr
}

fn mark(paths: &[&Path], out: &Path) -> String {
    ok(&mark_with(paths, out, &["--quiet"]))
}

fn row<'a>(rows: &'a [BTreeMap<String, String>], id: &str) -> &'a BTreeMap<String, String> {
    rows.iter().find(|r| r["submission"] == id).unwrap()
}

fn results(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
}

fn result<'a>(results: &'a Value, id: &str) -> &'a Value {
    results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["submission"] == id)
        .unwrap()
}

fn criterion<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn override_cmd(out: &Path, args: &[&str]) -> std::process::Output {
    peermark()
        .arg("override")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Overrides
// ---------------------------------------------------------------------------------------------

#[test]
fn an_override_changes_score_outcome_sheet_and_gradebook_and_survives_reruns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let samples = root().join("samples");
    mark(&[&samples], &out);
    let before = read_csv(&out.join("gradebook.csv"));
    let b = row(&before, "strong-txt");
    assert_eq!(
        (b["linking"].as_str(), b["outcome"].as_str()),
        ("3", "achieved")
    );
    assert_eq!(b["overridden"], "");
    let score_before: f64 = b["score"].parse().unwrap();
    assert!(!out.join("overrides.csv").exists());

    let reason = "The links are asserted, not shown: say how \"hope\" fits, in your words";
    let o = override_cmd(
        &out,
        &[
            "strong-txt",
            "linking",
            "1",
            "--reason",
            reason,
            "--assessor",
            "J. Rivera",
        ],
    );
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("overrides.csv:2"), "{stdout}");
    let overrides = std::fs::read(out.join("overrides.csv")).unwrap();

    // Second run: the assessor's level, recomputed score and outcome.
    mark(&[&samples], &out);
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let weight = rubric.criterion("linking").unwrap().weight;
    let want = ((score_before - weight * 2.0 / 3.0) * 10.0).round() / 10.0;
    let after = read_csv(&out.join("gradebook.csv"));
    let a = row(&after, "strong-txt");
    assert_eq!(a["linking"], "1");
    assert_eq!(a["score"], format!("{want:.1}"));
    assert_eq!(
        a["outcome"], "not_yet_achieved",
        "linking below 2 fails the outcome rule"
    );
    assert_eq!(a["overridden"], "linking");
    // Only that row changed.
    for (x, y) in before.iter().zip(&after) {
        if x["submission"] != "strong-txt" {
            assert_eq!(x, y);
        }
    }
    // `overridden` follows the contract's columns, which keep their order (`borderline` was
    // added after it, at the end).
    let header = std::fs::read_to_string(out.join("gradebook.csv")).unwrap();
    assert!(header
        .lines()
        .next()
        .unwrap()
        .ends_with(",score,outcome,lapses,status,message,overridden,borderline"));

    // results.json: final level, and both levels in `override`.
    let res = results(&out);
    let r = result(&res, "strong-txt");
    let c = criterion(r, "linking");
    assert_eq!(c["level"], 1);
    assert_eq!(c["level_name"], "Emerging");
    assert_eq!(c["override"]["level"], 1);
    assert_eq!(c["override"]["proposed_level"], 3);
    assert_eq!(c["override"]["reason"], reason);
    assert_eq!(c["override"]["assessor"], "J. Rivera");
    assert_eq!(r["score"].as_f64().unwrap(), want);
    assert_eq!(r["outcome"], "not_yet_achieved");
    assert!(criterion(r, "personal_story").get("override").is_none());

    // The sheet says which mark the assessor set, and why.
    let sheet = std::fs::read_to_string(out.join("feedback/strong-txt.md")).unwrap();
    assert!(sheet.contains("**Outcome: Not yet achieved**"), "{sheet}");
    assert!(sheet.contains("Emerging (1 of 3), set by your assessor"));
    assert!(sheet.contains("**Your assessor set this level.** J. Rivera gave Emerging (1 of 3)"));
    // The learner never reads the level the assessor replaced, nor the feedback written for it.
    assert!(!sheet.contains("peermark proposed"), "{sheet}");
    assert!(sheet.contains("say how \"hope\" fits, in your words"));
    let other = std::fs::read_to_string(out.join("feedback/strong-docx.md")).unwrap();
    assert!(!other.contains("set by your assessor"));

    // overrides.csv is byte-identical after mark, and a third run keeps the override and
    // writes the same outputs.
    assert_eq!(std::fs::read(out.join("overrides.csv")).unwrap(), overrides);
    let gradebook = std::fs::read(out.join("gradebook.csv")).unwrap();
    let json = std::fs::read(out.join("results.json")).unwrap();
    mark(&[&samples], &out);
    assert_eq!(std::fs::read(out.join("overrides.csv")).unwrap(), overrides);
    assert_eq!(std::fs::read(out.join("gradebook.csv")).unwrap(), gradebook);
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), json);

    // A later row for the same criterion wins; the earlier row stays in the file.
    ok(&override_cmd(
        &out,
        &[
            "strong-txt",
            "linking",
            "Achieved",
            "--reason",
            "On second reading, paragraph 6 links them.",
            "--assessor",
            "J. Rivera",
        ],
    ));
    let text = std::fs::read_to_string(out.join("overrides.csv")).unwrap();
    assert!(text.starts_with(std::str::from_utf8(&overrides).unwrap()));
    mark(&[&samples], &out);
    let a = read_csv(&out.join("gradebook.csv"));
    let a = row(&a, "strong-txt");
    assert_eq!(
        (a["linking"].as_str(), a["outcome"].as_str()),
        ("2", "achieved")
    );
}

#[test]
fn an_override_for_an_unknown_submission_or_criterion_is_reported_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    std::fs::create_dir_all(&out).unwrap();
    // Written by hand, in a spreadsheet's style: CRLF, no final line break.
    let text = "submission,criterion,level,reason,assessor\r\n\
                weak-txt,personal_story,2,The story is brief but reflective.,A. Okafor\r\n\
                left-the-course,linking,2,Good links.,A. Okafor\r\n\
                weak-docx,critical_reflection,3,Criterion of last year's rubric.,A. Okafor";
    std::fs::write(out.join("overrides.csv"), text).unwrap();
    let o = mark_with(&[&root().join("samples")], &out, &["--quiet"]);
    let stderr = ok(&o);
    let path = out.join("overrides.csv").display().to_string();
    assert!(
        stderr.contains(&format!("override not applied ({path}:3): left-the-course linking → 2: no submission \"left-the-course\" in this run")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("override not applied ({path}:4): weak-docx critical_reflection → 3: no criterion \"critical_reflection\"")),
        "{stderr}"
    );
    // Kept in the file, byte for byte; listed for the assessor; the valid row applied.
    assert_eq!(
        std::fs::read_to_string(out.join("overrides.csv")).unwrap(),
        text
    );
    let notes = read_csv(&out.join("assessor-notes.csv"));
    let not_applied: Vec<&BTreeMap<String, String>> = notes
        .iter()
        .filter(|n| n["kind"] == "override_not_applied")
        .collect();
    assert_eq!(not_applied.len(), 2, "{notes:#?}");
    assert_eq!(not_applied[0]["submission"], "left-the-course");
    assert!(not_applied[0]["cue"].contains("overrides.csv line 3"));
    assert_eq!(not_applied[1]["submission"], "weak-docx");
    assert!(not_applied[1]["cue"].contains("critical_reflection"));
    let g = read_csv(&out.join("gradebook.csv"));
    assert_eq!(row(&g, "weak-txt")["personal_story"], "2");
    assert_eq!(row(&g, "weak-txt")["overridden"], "personal_story");
    assert_eq!(row(&g, "weak-docx")["overridden"], "");
    // Nothing about overrides reaches a learner's sheet except their own mark.
    let sheet = std::fs::read_to_string(out.join("feedback/weak-docx.md")).unwrap();
    assert!(!sheet.contains("last year's rubric"));

    // `peermark override` appends after a line without a line break, in the file's style.
    ok(&override_cmd(
        &out,
        &[
            "weak-docx",
            "linking",
            "2",
            "--reason",
            "Links, implicit but clear",
            "--assessor",
            "A. Okafor",
        ],
    ));
    assert_eq!(
        std::fs::read_to_string(out.join("overrides.csv")).unwrap(),
        format!("{text}\r\nweak-docx,linking,2,\"Links, implicit but clear\",A. Okafor\r\n")
    );
}

#[test]
fn a_malformed_override_row_stops_mark_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    std::fs::create_dir_all(&out).unwrap();
    let text = "submission,criterion,level,reason,assessor\nweak-txt,linking,2,ok,A\nweak-txt,structure,high,too short,A\n";
    std::fs::write(out.join("overrides.csv"), text).unwrap();
    let o = mark_with(&[&root().join("samples")], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("peermark:"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains(&format!(
            "{}:3: level \"high\" is not a level",
            out.join("overrides.csv").display()
        )),
        "{stderr}"
    );
    assert!(!out.join("gradebook.csv").exists(), "nothing is written");
    assert_eq!(
        std::fs::read_to_string(out.join("overrides.csv")).unwrap(),
        text
    );
}

#[test]
fn the_override_command_validates_against_the_rubric_and_never_truncates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    // Unknown criterion, bad level, empty reason: exit 1, no file.
    for (args, want) in [
        (
            vec!["e01", "reflection", "2", "--reason", "r", "--assessor", "A"],
            "no criterion \"reflection\" in rubric recovery-story-essay; criteria are personal_story",
        ),
        (
            vec!["e01", "linking", "4", "--reason", "r", "--assessor", "A"],
            "level \"4\" is not a level of the rubric; give 0–3",
        ),
        (
            vec!["e01", "linking", "2", "--reason", " ", "--assessor", "A"],
            "--reason is empty",
        ),
    ] {
        let o = override_cmd(&out, &args);
        assert_eq!(o.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(want), "{stderr}");
        assert!(!out.join("overrides.csv").exists());
    }
    // A folder without marked results is refused (before this, `--out` with a typo made a
    // new folder and file silently); one with results.json takes the row.
    let o = override_cmd(
        &out,
        &["e01", "structure", "2", "--reason", "r", "--assessor", "A"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no results.json"));
    assert!(!out.exists());
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("results.json"), "[]\n").unwrap();
    // Created with its header; level names accepted; CSV-quoted.
    ok(&override_cmd(
        &out,
        &[
            "e01",
            "structure",
            "not yet evidenced",
            "--reason",
            "=SUM(A1), \"quoted\"",
            "--assessor",
            "Dr. A, Okafor",
        ],
    ));
    let text = std::fs::read_to_string(out.join("overrides.csv")).unwrap();
    assert_eq!(
        text,
        "submission,criterion,level,reason,assessor\ne01,structure,0,\"=SUM(A1), \"\"quoted\"\"\",\"Dr. A, Okafor\"\n"
    );
    // A foreign file in its place is refused, untouched.
    std::fs::write(out.join("overrides.csv"), "id,mark\n1,2\n").unwrap();
    let o = override_cmd(
        &out,
        &["e01", "linking", "2", "--reason", "r", "--assessor", "A"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("overrides.csv:1: the header has no submission column"));
    assert_eq!(
        std::fs::read_to_string(out.join("overrides.csv")).unwrap(),
        "id,mark\n1,2\n"
    );
}

/// A JSON value's shape: object keys with the shapes of their values, an array as the shape
/// of its first item, scalars as their type.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => "string".into(),
        Value::Number(n) if n.is_u64() => "integer".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Null => "null".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Agreement
// ---------------------------------------------------------------------------------------------

fn agree(args: &[&str]) -> std::process::Output {
    peermark().arg("agree").args(args).output().unwrap()
}

const A: &str = "tests/data/agree/marker-a.csv";
const B: &str = "tests/data/agree/marker-b.csv";

#[test]
fn agree_gives_the_hand_computed_kappas() {
    // marker-a.csv (comma, LF) against marker-b.csv (semicolon, CRLF, BOM, other column order
    // and case). Matched: e01–e05; e06 only in A, e07 only in B.
    //
    // personal_story A 0 1 2 3 2, B 0 1 2 2 3: exact 3/5, adjacent 5/5.
    //   Σw·O = 2/9; rows [1,1,2,1], columns [1,1,2,1]; Σw·E = 52/45; QWK = 1 − 10/52 = 0.8077.
    // linking A 3 3 2 1 0, B 3 2 2 1 1: exact 3/5, adjacent 5/5.
    //   Σw·O = 2/9; rows [1,1,1,2], columns [0,2,2,1]; Σ(i−j)²·r·c = 48, Σw·E = 48/45;
    //   QWK = 1 − (2/9)/(48/45) = 1 − 90/432 = 0.7917.
    // outcome A ✓ ✓ ✗ ✗ ✗, B ✓ ✗ ✗ ✗ ✓: p_o = 3/5; p_e = 0.4·0.4 + 0.6·0.6 = 0.52;
    //   κ = 0.08/0.48 = 0.1667.
    let o = agree(&[A, B, "--format", "json"]);
    ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["matched"], 5);
    assert_eq!(v["only_in_a"], serde_json::json!(["e06"]));
    assert_eq!(v["only_in_b"], serde_json::json!(["e07"]));
    let ps = &v["criteria"][0];
    assert_eq!(ps["id"], "personal_story");
    assert_eq!(
        (
            ps["n"].as_u64(),
            ps["exact"].as_f64(),
            ps["adjacent"].as_f64()
        ),
        (Some(5), Some(0.6), Some(1.0))
    );
    assert!((ps["qwk"].as_f64().unwrap() - (1.0 - 10.0 / 52.0)).abs() < 1e-4);
    assert_eq!(
        ps["confusion"],
        serde_json::json!([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]])
    );
    let l = &v["criteria"][1];
    assert_eq!(l["id"], "linking");
    assert!((l["qwk"].as_f64().unwrap() - (1.0 - 90.0 / 432.0)).abs() < 1e-4);
    assert_eq!(l["exact"], 0.6);
    let out = &v["outcome"];
    assert_eq!(out["source"], "outcome columns");
    assert_eq!(out["n"], 5);
    assert!((out["kappa"].as_f64().unwrap() - 0.08 / 0.48).abs() < 1e-4);
    assert_eq!(out["confusion"], serde_json::json!([[1, 1], [1, 2]]));
    // The JSON's shape is part of the contract.
    insta::assert_snapshot!("agree_json", String::from_utf8_lossy(&o.stdout));

    let o = agree(&[A, B]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("5 submissions in both"), "{text}");
    let line = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        line("personal_story"),
        ["personal_story", "5", "60%", "100%", "0.81"]
    );
    assert_eq!(line("linking"), ["linking", "5", "60%", "100%", "0.79"]);
    assert!(text.contains("Cohen's kappa 0.17"), "{text}");
    assert!(text.contains(&format!("Only in {A}: e06")));
    assert!(text.contains(&format!("Only in {B}: e07")));
}

#[test]
fn agree_reads_a_gradebook_and_derives_outcomes_by_the_rubric_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    mark(&[&root().join("samples")], &out);
    let gradebook = out.join("gradebook.csv");
    // The samples' expected levels against peermark's gradebook: full agreement.
    let o = agree(&[
        gradebook.to_str().unwrap(),
        "samples/expected.csv",
        "--format",
        "json",
    ]);
    ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["matched"], 16);
    assert_eq!(v["criteria"].as_array().unwrap().len(), 6);
    for c in v["criteria"].as_array().unwrap() {
        assert_eq!(
            (c["exact"].as_f64(), c["n"].as_u64()),
            (Some(1.0), Some(16)),
            "{c}"
        );
    }
    assert_eq!(v["outcome"]["kappa"], 1.0);

    // A second marker's sheet without an outcome column: outcomes come from the rubric rule;
    // an empty cell is listed, not guessed.
    let second = tmp.path().join("second.csv");
    std::fs::write(
        &second,
        "submission,personal_story,recovery_concepts,peer_support,linking,recovery_language,structure,marker\n\
         strong-txt,3,3,3,1,3,3,JR\n\
         weak-txt,1,1,1,1,3,1,JR\n\
         middling-txt,3,2,2,2,,2,JR\n",
    )
    .unwrap();
    let o = agree(&[
        gradebook.to_str().unwrap(),
        second.to_str().unwrap(),
        "--format",
        "json",
    ]);
    ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["matched"], 3);
    assert_eq!(v["only_in_a"].as_array().unwrap().len(), 13);
    assert_eq!(v["outcome"]["source"], "rubric rule (recovery-story-essay)");
    // strong-txt: achieved vs not (linking 1); weak-txt: not vs not; middling-txt: no
    // recovery_language level in the second file, so its outcome is not compared.
    assert_eq!(v["outcome"]["n"], 2);
    assert_eq!(
        v["outcome"]["confusion"],
        serde_json::json!([[0, 1], [0, 1]])
    );
    let rl = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "recovery_language")
        .unwrap();
    assert_eq!(rl["missing"], serde_json::json!(["middling-txt"]));
    assert_eq!(rl["n"], 2);
}

#[test]
fn agree_errors_are_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let no_sub = write("no-sub.csv", "id,linking\ne01,2\n");
    let bad = write("bad.csv", "submission,linking\ne01,2\ne02,good\n");
    let dup = write("dup.csv", "submission,linking\ne01,2\ne01,3\n");
    let other = write("other.csv", "submission,mark\ne01,2\n");
    let disjoint = write("disjoint.csv", "submission,linking\nz9,2\n");
    let missing = tmp.path().join("nope.csv").to_str().unwrap().to_string();
    for (args, want) in [
        (
            vec![A, no_sub.as_str()],
            format!("{no_sub}:1: no `submission` column"),
        ),
        (
            vec![A, bad.as_str()],
            format!("{bad}:3: linking = \"good\" is not a level 0–3"),
        ),
        (
            vec![A, dup.as_str()],
            format!("{dup}:3: submission \"e01\" appears again (first on line 2)"),
        ),
        (
            vec![A, other.as_str()],
            "no criterion column in both files".to_string(),
        ),
        (
            vec![A, disjoint.as_str()],
            "no submission is in both".to_string(),
        ),
        (vec![A, missing.as_str()], format!("{missing}: cannot read")),
    ] {
        let o = agree(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&want), "{stderr} — wanted {want}");
    }
}

#[test]
fn agree_takes_level_names_and_warns_of_short_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let named = write(
        "named.csv",
        "submission,personal_story,linking\ne01,Strong,achieved\ne02,2\n",
    );
    let numbers = write(
        "numbers.csv",
        "submission,personal_story,linking\ne01,3,2\ne02,2,1\n",
    );
    let o = agree(&[&named, &numbers, "--format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    // The short row is said, with its file and line; its missing cell is no level.
    assert!(
        stderr.contains(&format!("{named}:3: the row has 2 cells and the header 3")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let crit = |id: &str| {
        v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // "Strong" and "achieved" are read as 3 and 2, as `override` reads them.
    assert_eq!(crit("personal_story")["exact"].as_f64(), Some(1.0));
    assert_eq!(
        crit("linking")["n"].as_u64(),
        Some(1),
        "e02's linking is missing"
    );
    assert_eq!(crit("linking")["exact"].as_f64(), Some(1.0));
}

// ---------------------------------------------------------------------------------------------
// 7. Resubmission
// ---------------------------------------------------------------------------------------------

/// A first attempt (e01 = middling, e02 = weak) and a resubmission (e01 unchanged, e02
/// rewritten = strong).
fn attempts(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (a, b) = (tmp.join("first"), tmp.join("second"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let s = root().join("samples");
    std::fs::copy(s.join("middling.txt"), a.join("e01.txt")).unwrap();
    std::fs::copy(s.join("weak.txt"), a.join("e02.txt")).unwrap();
    std::fs::copy(s.join("middling.txt"), b.join("e01.txt")).unwrap();
    std::fs::copy(s.join("strong.txt"), b.join("e02.txt")).unwrap();
    (a, b)
}

#[test]
fn previous_shows_levels_then_and_now_and_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = attempts(tmp.path());
    let old = tmp.path().join("old");
    mark(&[&first], &old);
    ok(&override_cmd(
        &old,
        &[
            "e02",
            "linking",
            "2",
            "--reason",
            "Implicit links count.",
            "--assessor",
            "JR",
        ],
    ));
    mark(&[&first], &old);

    let new = tmp.path().join("new");
    let o = mark_with(&[&second], &new, &["--previous", old.to_str().unwrap()]);
    let stderr = ok(&o);
    assert!(
        stderr.contains("not carried forward; add --carry-overrides"),
        "{stderr}"
    );
    assert!(
        !new.join("overrides.csv").exists(),
        "nothing carried unasked"
    );
    let res = results(&new);
    let e02 = result(&res, "e02");
    let p = &e02["previous"];
    assert_eq!(p["submission"], "e02");
    assert_eq!(p["outcome"], "not_yet_achieved");
    assert_eq!(p["rubric_changed"], false);
    let ps = p["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "personal_story")
        .unwrap();
    assert_eq!(
        (ps["level_then"].as_u64(), ps["level_now"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(ps["change"], "up");
    assert!(!ps["no_longer_said"].as_array().unwrap().is_empty());
    assert!(!ps["new_this_time"].as_array().unwrap().is_empty());
    // Levels then are the final ones the learner was told (the assessor's 2).
    let l = p["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "linking")
        .unwrap();
    assert_eq!(l["level_then"], 2);
    // The unchanged essay: same levels, nothing changed in the feedback.
    let e01 = result(&res, "e01");
    for c in e01["previous"]["criteria"].as_array().unwrap() {
        assert_eq!(c["change"], "same");
        assert!(c["no_longer_said"].as_array().unwrap().is_empty());
    }
    let sheet = std::fs::read_to_string(new.join("feedback/e02.md")).unwrap();
    assert!(sheet.contains("## Since your last attempt"));
    assert!(sheet.contains("Last time: **Not yet achieved**, 46.7 out of 100. This time: **Achieved**, 100.0 out of 100."), "{sheet}");
    assert!(sheet.contains("| Personal recovery story | Emerging (1 of 3) | Strong (3 of 3) |"));
    assert!(sheet.contains("You have moved up in Personal recovery story"));
    assert!(sheet.contains("No longer in your feedback: “Next steps:"));
    // Without --previous, no comparison.
    let plain = tmp.path().join("plain");
    mark(&[&second], &plain);
    assert!(result(&results(&plain), "e02").get("previous").is_none());
    assert!(!std::fs::read_to_string(plain.join("feedback/e02.md"))
        .unwrap()
        .contains("Since your last attempt"));
}

#[test]
fn carry_overrides_carries_only_unchanged_criteria_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = attempts(tmp.path());
    let old = tmp.path().join("old");
    mark(&[&first], &old);
    for (sub, crit) in [("e01", "personal_story"), ("e02", "linking")] {
        ok(&override_cmd(
            &old,
            &[
                sub,
                crit,
                "2",
                "--reason",
                "My reading of the essay.",
                "--assessor",
                "JR",
            ],
        ));
    }
    mark(&[&first], &old);
    let old_overrides = std::fs::read(old.join("overrides.csv")).unwrap();

    let new = tmp.path().join("new");
    let args = [
        "--previous",
        old.to_str().unwrap(),
        "--carry-overrides",
        "--quiet",
    ];
    let stderr = ok(&mark_with(&[&second], &new, &args));
    // e01 is unchanged: carried. e02 was rewritten: not carried, and said why.
    assert!(
        stderr
            .contains("e02 linking → 2: the criterion changed: peermark proposed 1 then and 3 now"),
        "{stderr}"
    );
    let carried = std::fs::read_to_string(new.join("overrides.csv")).unwrap();
    assert_eq!(
        carried,
        "submission,criterion,level,reason,assessor\n\
         e01,personal_story,2,My reading of the essay. (carried forward from the previous attempt),JR\n"
    );
    let g = read_csv(&new.join("gradebook.csv"));
    assert_eq!(row(&g, "e01")["personal_story"], "2");
    assert_eq!(row(&g, "e01")["overridden"], "personal_story");
    assert_eq!(row(&g, "e02")["linking"], "3");
    assert_eq!(row(&g, "e02")["overridden"], "");
    // The shape of what results.json records about overrides and the previous attempt.
    let res = results(&new);
    let e01 = result(&res, "e01");
    insta::assert_json_snapshot!(
        "result_review_schema",
        serde_json::json!({
            "criteria[]": shape(&criterion(e01, "personal_story")
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "evidence" | "measures"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<serde_json::Map<_, _>>()
                .into()),
            "previous": shape(&e01["previous"]),
        })
    );
    // Running again carries nothing twice; the old folder's file is untouched.
    ok(&mark_with(&[&second], &new, &args));
    assert_eq!(
        std::fs::read_to_string(new.join("overrides.csv")).unwrap(),
        carried
    );
    assert_eq!(
        std::fs::read(old.join("overrides.csv")).unwrap(),
        old_overrides
    );
    // And later runs keep it without the flag: it is the assessor's row now.
    mark(&[&second], &new);
    assert_eq!(
        row(&read_csv(&new.join("gradebook.csv")), "e01")["overridden"],
        "personal_story"
    );
}

#[test]
fn previous_must_be_an_earlier_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = mark_with(
        &[&root().join("samples/weak.txt")],
        &tmp.path().join("new"),
        &["--previous", tmp.path().join("nowhere").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("results.json: cannot read the earlier run"),
        "{stderr}"
    );
    assert!(stderr.contains("--previous takes the --out folder of an earlier `peermark mark`"));
    assert!(!tmp.path().join("new").exists(), "nothing is written");
    // --carry-overrides needs --previous.
    let o = mark_with(
        &[&root().join("samples/weak.txt")],
        &tmp.path().join("new"),
        &["--carry-overrides"],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--previous"));
}

// ---------------------------------------------------------------------------------------------
// Learner-facing words of this feature pass peermark's own language check
// ---------------------------------------------------------------------------------------------

#[test]
fn the_review_parts_of_a_sheet_have_no_lapses() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = attempts(tmp.path());
    let old = tmp.path().join("old");
    mark(&[&first], &old);
    let new = tmp.path().join("new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("overrides.csv"),
        "submission,criterion,level,reason,assessor\ne02,linking,2,Reason,JR\ne01,linking,2,Reason,JR\n",
    )
    .unwrap();
    ok(&mark_with(
        &[&second],
        &new,
        &["--previous", old.to_str().unwrap(), "--quiet"],
    ));
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let mut failures = Vec::new();
    for id in ["e01", "e02"] {
        let sheet = std::fs::read_to_string(new.join(format!("feedback/{id}.md"))).unwrap();
        let start = sheet.find("These marks are a proposal").unwrap();
        let end = sheet.find("## Criterion by criterion").unwrap();
        // peermark's own words: the intro, the table and the comparison, and the override
        // notes (quoted essay evidence is left out).
        let mut text: String = sheet[start..end].to_string();
        for l in sheet
            .lines()
            .filter(|l| l.contains("Your assessor") || l.contains("The feedback below"))
        {
            text.push_str(l);
            text.push('\n');
        }
        assert!(text.contains("set by your assessor"));
        for l in text.lines().filter(|l| !l.trim().is_empty()) {
            for f in rubric
                .language
                .check_text(l)
                .into_iter()
                .filter(|f| f.lapse)
            {
                failures.push(format!("{id}: {} {:?} in {l:?}", f.rule, f.text));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn help_shows_examples() {
    for cmd in ["override", "agree", "mark"] {
        let o = peermark().args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Examples:"), "{cmd}: {text}");
    }
    let o = peermark().args(["mark", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("--previous <OLD_DIR>") && text.contains("--carry-overrides"));
}

// ---------------------------------------------------------------------------------------------
// The library: overrides reuse the score module's weights and outcome rule
// ---------------------------------------------------------------------------------------------

fn row_for(
    submission: &str,
    criterion: &str,
    level: u8,
    line: u64,
) -> peermark_cohort::overrides::OverrideRow {
    peermark_cohort::overrides::OverrideRow {
        submission: submission.into(),
        criterion: criterion.into(),
        level,
        reason: "r".into(),
        assessor: "A".into(),
        line,
    }
}

#[test]
fn overriding_every_criterion_to_its_proposal_changes_no_score() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let mut results = Vec::new();
    for name in [
        "strong.txt",
        "middling.txt",
        "weak.txt",
        "language-lapses.txt",
    ] {
        let path = root().join("samples").join(name);
        let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).unwrap();
        results.push(peermark_engine::check_document(&rubric, &doc, name, name));
    }
    let before = results.clone();
    let rows: Vec<_> = before
        .iter()
        .flat_map(|r| {
            r.criteria
                .iter()
                .map(move |c| (r.submission.clone(), c.id.clone(), c.level))
        })
        .enumerate()
        .map(|(i, (s, c, l))| row_for(&s, &c, l, i as u64 + 2))
        .collect();
    let done = peermark_cohort::overrides::apply(&rubric, &mut results, &rows);
    assert_eq!(done.applied, rows.len());
    for (a, b) in before.iter().zip(&results) {
        assert_eq!(
            (a.score, a.outcome),
            (b.score, b.outcome),
            "{}",
            a.submission
        );
        for (x, y) in a.criteria.iter().zip(&b.criteria) {
            assert_eq!(
                (x.points, &x.level_name, &x.descriptor),
                (y.points, &y.level_name, &y.descriptor)
            );
            assert_eq!(
                y.assessor_override.as_ref().unwrap().proposed_level,
                x.level
            );
        }
    }
    // Every criterion at the top level: full marks, achieved.
    let top: Vec<_> = rubric
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| row_for("weak.txt", &c.id, 3, 100 + i as u64))
        .collect();
    peermark_cohort::overrides::apply(&rubric, &mut results, &top);
    let weak = results.iter().find(|r| r.submission == "weak.txt").unwrap();
    assert_eq!(weak.score, Some(100.0));
    assert_eq!(
        weak.outcome,
        Some(peermark_engine::result::Outcome::Achieved)
    );
    // The proposal stays peermark's, however often the level is set.
    let proposed = before.iter().find(|r| r.submission == "weak.txt").unwrap();
    for (c, p) in weak.criteria.iter().zip(&proposed.criteria) {
        assert_eq!(
            c.assessor_override.as_ref().unwrap().proposed_level,
            p.level
        );
    }
}

#[test]
fn the_last_row_wins_and_an_unreadable_submission_keeps_its_override() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let path = root().join("samples/weak.txt");
    let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).unwrap();
    let mut results = vec![
        peermark_engine::check_document(&rubric, &doc, "a", "a.txt"),
        peermark_engine::result::MarkResult::error(
            "b",
            "b.docx",
            rubric.reference(),
            "unreadable".into(),
        ),
    ];
    let rows = [
        row_for("a", "linking", 3, 2),
        row_for("b", "linking", 2, 3),
        row_for("a", "linking", 0, 4),
    ];
    let done = peermark_cohort::overrides::apply(&rubric, &mut results, &rows);
    assert_eq!((done.applied, done.superseded), (1, 1));
    let linking = results[0]
        .criteria
        .iter()
        .find(|c| c.id == "linking")
        .unwrap();
    assert_eq!(linking.level, 0);
    assert_eq!(done.not_applied.len(), 1);
    assert_eq!(done.not_applied[0].row.line, 3);
    assert!(done.not_applied[0].why.contains("could not be marked"));
    assert!(results[1].score.is_none() && results[1].criteria.is_empty());
}

#[test]
fn agree_on_few_submissions_gives_each_qwk_as_a_range() {
    // The test files hold fewer than 30 submissions: the text says so and gives intervals.
    let o = agree(&[A, B]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("Fewer than 30 submissions"))
        .unwrap_or_else(|| panic!("no caveat: {text}"));
    assert!(line.contains("95 % intervals (bootstrap)"), "{line}");
    let o = agree(&[A, B, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for c in v["criteria"].as_array().unwrap() {
        if c["n"].as_u64().unwrap() >= 2 {
            let iv = c["qwk_interval"].as_array().unwrap();
            let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
            assert!(lo <= hi, "{c}");
        }
    }
    // The same files always give the same intervals.
    let again = agree(&[A, B, "--format", "json"]);
    assert_eq!(o.stdout, again.stdout);
    // Thirty or more submissions: no caveat (the corpus's two markers, 156 essays).
    let many = agree(&["tests/corpus/marker-a.csv", "tests/corpus/marker-b.csv"]);
    let text = String::from_utf8_lossy(&many.stdout);
    assert!(!text.contains("Fewer than 30"), "{text}");
}
