//! Running `mark` on hostile inputs: bounded in memory and time, watched for crashes, panics
//! and files written outside `--out`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every file under `dir`, relative.
pub fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out
}

/// What one `mark` run did.
pub struct Run {
    pub code: Option<i32>,
    pub rows: BTreeMap<String, BTreeMap<String, String>>,
    pub stderr: String,
    pub rss_mb: u64,
}

impl Run {
    /// `status|message` of a submission's row; the message is one line.
    pub fn row(&self, id: &str) -> String {
        let r = self
            .rows
            .get(id)
            .unwrap_or_else(|| panic!("no row {id}: {:?}", self.rows.keys()));
        assert!(!r["message"].contains('\n'), "{id}: {}", r["message"]);
        format!("{}|{}", r["status"], r["message"])
    }

    pub fn assert_marked(&self, id: &str) {
        let m = self.row(id);
        assert!(m.starts_with("marked|"), "{id}: {m}");
    }

    /// The row is an error naming the problem (`want`) and saying what to do.
    pub fn assert_error(&self, id: &str, want: &str) {
        let m = self.row(id);
        assert!(m.starts_with("error|"), "{id}: {m}");
        assert!(m.contains(want), "{id}: {m}\n(expected {want:?})");
        assert!(m.contains(';'), "{id} says what to do: {m}");
        assert!(!m.contains("internal error"), "{id}: {m}");
    }
}

/// Runs `mark` on the folder `inputs` under `/usr/bin/time`, in at most 4 GB of address space
/// and 10 minutes (so a regression fails the test instead of filling the machine's memory or
/// hanging), checking that it does not crash or panic and that nothing appears outside `out`.
pub fn mark_measured(work: &Path, inputs: &Path, out: &Path, extra: &[&str]) -> Run {
    let before = tree(work);
    let bin = assert_cmd::cargo::cargo_bin("peermark");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 4194304 && exec /usr/bin/time -f "peak-rss-kb %M" timeout 600 "$@""#)
        .arg("sh")
        .arg(&bin)
        .arg("mark")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .current_dir(super::root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(output.status.code(), Some(124), "timed out: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A stack overflow or a failed allocation aborts the process: time says it was killed.
    assert!(
        !stderr.contains("overflowed its stack") && !stderr.contains("Command terminated"),
        "{stderr}"
    );
    let rss_kb: u64 = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .and_then(|v| v.trim().parse().ok())
        .expect("time reports peak RSS");
    let after = tree(work);
    let new: Vec<_> = after
        .difference(&before)
        .filter(|p| !p.starts_with(out.strip_prefix(work).unwrap()))
        .collect();
    assert!(new.is_empty(), "written outside --out: {new:?}");
    let rows = super::read_csv(&out.join("gradebook.csv"))
        .into_iter()
        .map(|r| (r["submission"].clone(), r))
        .collect();
    Run {
        code: output.status.code(),
        rows,
        stderr,
        rss_mb: rss_kb >> 10,
    }
}
