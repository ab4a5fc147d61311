//! Finding submissions in real folders.

use std::fs;
use std::path::{Path, PathBuf};

use peermark_ingest::{discover, Format, IngestError};

fn touch(root: &Path, rel: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, b"Title\n\nSome text.\n").unwrap();
}

fn ids(d: &peermark_ingest::Discovery) -> Vec<&str> {
    d.submissions.iter().map(|s| s.id.as_str()).collect()
}

fn skipped<'a>(d: &'a peermark_ingest::Discovery, root: &Path) -> Vec<(String, &'a str)> {
    let prefix = format!("{}/", root.display());
    d.skipped
        .iter()
        .map(|s| {
            (
                s.file.strip_prefix(&prefix).unwrap_or(&s.file).to_string(),
                s.reason.as_str(),
            )
        })
        .collect()
}

#[test]
fn walks_folders_in_order_and_names_submissions() {
    let tmp = tempfile::tempdir().unwrap();
    let cohort = tmp.path().join("cohort");
    for rel in [
        "e02.docx",
        "e01.TXT",
        "sub/deeper/e03.md",
        "grades.csv",
        "README",
        ".DS_Store",
        ".git/config.txt",
        "~$e02.docx",
        "old.doc",
        "scan.pdf",
    ] {
        touch(&cohort, rel);
    }
    let d = discover(std::slice::from_ref(&cohort)).unwrap();
    assert_eq!(ids(&d), vec!["e01", "e02", "e03", "old", "scan"]);
    let e03 = &d.submissions[2];
    assert_eq!(e03.file, format!("{}/sub/deeper/e03.md", cohort.display()));
    assert_eq!(e03.path, PathBuf::from(&e03.file));
    assert_eq!(e03.format, Format::Markdown);
    assert_eq!(d.submissions[0].format, Format::Txt);
    assert_eq!(d.submissions[3].format, Format::Doc);
    assert_eq!(
        skipped(&d, &cohort),
        vec![
            (".DS_Store".to_string(), "hidden file"),
            (".git".to_string(), "hidden folder"),
            ("README".to_string(), "not a submission (no extension)"),
            ("grades.csv".to_string(), "not a submission (.csv)"),
            ("~$e02.docx".to_string(), "Office lock file, not an essay"),
        ]
    );
}

#[test]
fn file_is_the_path_as_given_joined_with_the_relative_path() {
    let tmp = tempfile::tempdir().unwrap();
    touch(tmp.path(), "cohort/a/e01.docx");
    let given = PathBuf::from(format!("{}/cohort/", tmp.path().display()));
    let d = discover(&[given]).unwrap();
    assert_eq!(
        d.submissions[0].file,
        format!("{}/cohort/a/e01.docx", tmp.path().display())
    );
    // A file given directly keeps the path as given.
    let file = tmp.path().join("cohort/a/e01.docx");
    let d = discover(std::slice::from_ref(&file)).unwrap();
    assert_eq!(d.submissions[0].file, file.to_string_lossy());
    assert_eq!(d.submissions[0].id, "e01");
}

#[test]
fn colliding_stems_use_relative_paths_then_extensions() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("batch");
    for rel in [
        "a/essay.docx",
        "b/essay.docx",
        "strong.docx",
        "strong.txt",
        "weak.txt",
        "c/d/reflection.md",
    ] {
        touch(&root, rel);
    }
    let d = discover(std::slice::from_ref(&root)).unwrap();
    assert_eq!(
        ids(&d),
        vec![
            "a-essay",
            "b-essay",
            "reflection",
            "strong-docx",
            "strong-txt",
            "weak"
        ]
    );
    let strong_txt = d.submissions.iter().find(|s| s.id == "strong-txt").unwrap();
    assert!(strong_txt.file.ends_with("/batch/strong.txt"));
    assert_eq!(strong_txt.format, Format::Txt);
}

#[test]
fn ids_are_sorted_in_byte_order() {
    let tmp = tempfile::tempdir().unwrap();
    for rel in ["b.txt", "B.txt", "a.txt", "_x.txt", "Z.txt"] {
        touch(tmp.path(), &format!("d/{rel}"));
    }
    // "B.txt" and "b.txt" would name the same output file on a case-insensitive disk, so
    // they collide: as stems, as paths, with extensions, and are finally numbered.
    let d = discover(&[tmp.path().join("d")]).unwrap();
    assert_eq!(ids(&d), vec!["B-txt", "Z", "_x", "a", "b-txt-2"]);
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let e = discover(std::slice::from_ref(&missing)).unwrap_err();
    assert!(matches!(e, IngestError::NotFound { .. }));
    assert!(e.is_usage());
    assert!(e.to_string().contains("no such file or folder"));
}

#[test]
fn a_file_given_twice_is_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    touch(tmp.path(), "c/e01.txt");
    let d = discover(&[tmp.path().join("c"), tmp.path().join("c/e01.txt")]).unwrap();
    assert_eq!(ids(&d), vec!["e01"]);
    assert_eq!(d.skipped.len(), 1);
    assert!(d.skipped[0].reason.starts_with("the same file as "));
}

#[cfg(unix)]
#[test]
fn symbolic_links_outside_the_folder_are_not_followed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("cohort");
    touch(&root, "real/e01.txt");
    touch(tmp.path(), "outside/secret.txt");
    touch(tmp.path(), "outside-file.txt");
    symlink(tmp.path().join("outside"), root.join("ext-dir")).unwrap();
    symlink(
        tmp.path().join("outside-file.txt"),
        root.join("ext-file.txt"),
    )
    .unwrap();
    symlink(root.join("nothing-here.txt"), root.join("broken.txt")).unwrap();
    // Links inside the folder: the real file wins, the link is listed as the same file.
    symlink(root.join("real"), root.join("alias")).unwrap();
    symlink(root.join("real/e01.txt"), root.join("e01-link.txt")).unwrap();
    // A loop.
    symlink(&root, root.join("real/loop")).unwrap();
    let d = discover(std::slice::from_ref(&root)).unwrap();
    assert_eq!(ids(&d), vec!["e01"]);
    assert!(d.submissions[0].file.ends_with("cohort/real/e01.txt"));
    let s = skipped(&d, &root);
    let reason = |f: &str| {
        s.iter()
            .find(|(file, _)| file == f)
            .map(|(_, r)| *r)
            .unwrap_or_else(|| panic!("{f} not listed in {s:?}"))
    };
    assert_eq!(
        reason("ext-dir"),
        "symbolic link to outside the folder (not followed)"
    );
    assert_eq!(
        reason("ext-file.txt"),
        "symbolic link to outside the folder (not followed)"
    );
    assert_eq!(reason("broken.txt"), "broken symbolic link");
    assert_eq!(reason("alias"), "symbolic link to a folder already read");
    assert_eq!(
        reason("real/loop"),
        "symbolic link to a folder already read"
    );
    assert!(reason("e01-link.txt").starts_with("the same file as "));
    assert!(!d.skipped.iter().any(|s| s.file.contains("secret")));
}
