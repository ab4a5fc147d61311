//! Helpers shared by the integration tests that run the real `peermark` binary.

#![allow(dead_code)]

pub mod deflate;
pub mod hostile;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/fixtures`, read in place.
pub fn fixtures() -> PathBuf {
    root().join("../shared/fixtures")
}

/// The phrase cache the tests' runs share (never the user's own).
pub fn cache_dir() -> PathBuf {
    root().join("target/test-phrase-cache")
}

/// The `peermark` binary, run from the project root, with the tests' phrase cache.
pub fn peermark() -> Command {
    let mut c = Command::cargo_bin("peermark").unwrap();
    c.current_dir(root()).env("PEERMARK_CACHE_DIR", cache_dir());
    c
}

/// A CSV file as rows of column → value.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// `peermark mark PATHS --out OUT [extra…]`.
pub fn mark_with(paths: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = peermark();
    cmd.arg("mark");
    for p in paths {
        cmd.arg(p);
    }
    cmd.arg("--out").arg(out).args(extra);
    cmd.output().unwrap()
}

/// The text of an output file a learner may see: a Word file's paragraphs (read with
/// peermark's own reader), else the file as text.
pub fn output_text(path: &Path) -> String {
    if path.extension().is_some_and(|e| e == "docx") {
        peermark_ingest::read_file(path, peermark_ingest::Format::Docx)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}
