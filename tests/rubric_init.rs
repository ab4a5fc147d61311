//! `peermark rubric init`: the built-in rubric out of the binary, ready to edit; results
//! record which rubric marked them, and `sample` and `export` use it.

mod common;

use common::{fixtures, mark_with, peermark, root};
use std::fs;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn recorded_rubric(dir: &std::path::Path) -> serde_json::Value {
    let v: Vec<serde_json::Value> =
        serde_json::from_slice(&fs::read(dir.join("results.json")).unwrap()).unwrap();
    v[0]["rubric"].clone()
}

#[test]
fn an_initialised_rubric_checks_untouched_and_marks_as_the_built_in_one() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("my-course");
    let o = peermark()
        .args(["rubric", "init"])
        .arg(&folder)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for name in [
        "recovery-story-essay.toml",
        "recovery-language-rules.toml",
        "recovery-language-rules-2.toml",
        "safeguarding-cues.toml",
        "safeguarding-model.toml",
        "README.md",
    ] {
        assert_eq!(
            fs::read(folder.join(name)).unwrap(),
            fs::read(root().join("rubrics").join(name)).unwrap(),
            "{name}"
        );
    }
    let main = folder.join("recovery-story-essay.toml");
    let o = peermark()
        .args(["rubric", "check"])
        .arg(&main)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A second init into the same folder is refused; nothing changes.
    let o = peermark()
        .args(["rubric", "init"])
        .arg(&folder)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already holds files"), "{}", stderr(&o));

    // Marked with the copy: same id and SHA-256 as built in, and the file's path recorded.
    let essay = root().join("samples/weak.txt");
    let built_in = tmp.path().join("built-in");
    let copy = tmp.path().join("copy");
    assert_eq!(
        mark_with(&[&essay], &built_in, &["--quiet"]).status.code(),
        Some(0)
    );
    let o = mark_with(
        &[&essay],
        &copy,
        &["--quiet", "--rubric", main.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (a, b) = (recorded_rubric(&built_in), recorded_rubric(&copy));
    assert_eq!(a["path"], "built-in");
    assert_eq!(a["sha256"], b["sha256"]);
    assert_eq!(
        b["path"].as_str().unwrap(),
        fs::canonicalize(&main).unwrap().to_str().unwrap()
    );
}

#[test]
fn sample_and_export_use_the_recorded_rubric_and_refuse_one_changed_since() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("r");
    peermark()
        .args(["rubric", "init"])
        .arg(&folder)
        .assert()
        .success();
    let main = folder.join("recovery-story-essay.toml");
    // A course's own moderation seed and support line: only that rubric has them.
    let text = fs::read_to_string(&main).unwrap();
    let text = text.replacen(
        "[rubric]\nid = \"recovery-story-essay\"",
        "[rubric]\nid = \"our-course\"",
        1,
    );
    assert!(text.contains("id = \"our-course\""));
    fs::write(&main, text).unwrap();
    let out = tmp.path().join("marked");
    let zip = fixtures().join("lms/PSW101-Recovery story essay-88.zip");
    let o = mark_with(
        &[&zip],
        &out,
        &["--quiet", "--rubric", main.to_str().unwrap()],
    );
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    // Before, `sample` without --rubric refused: marked with "our-course", not the built-in.
    let o = peermark().arg("sample").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(fixtures().join("lms/moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Changed since: refused with one line naming the file.
    fs::write(&main, fs::read_to_string(&main).unwrap() + "\n# edited\n").unwrap();
    for args in [vec!["sample"], vec!["export", "moodle"]] {
        let mut c = peermark();
        c.args(&args);
        if args[0] == "sample" {
            c.arg(&out);
        } else {
            c.arg("--worksheet")
                .arg(fixtures().join("lms/moodle-grading-worksheet.csv"))
                .arg("--results")
                .arg(&out)
                .arg("--out")
                .arg(tmp.path().join("w.csv"));
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("changed since") && e.contains("recovery-story-essay.toml"),
            "{e}"
        );
        assert_eq!(e.trim().lines().count(), 1, "{e}");
    }
}
