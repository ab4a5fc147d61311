//! LMS downloads, zipped and unzipped, built here as small archives: Moodle folder, flat,
//! trailing-underscore, blind, group and online-text layouts; Canvas names; several files
//! for one learner; zips read in memory.

use std::io::Write;
use std::path::{Path, PathBuf};

use peermark_ingest::{discover, Discovery, Format, Lms, Submission};

const ESSAY: &[u8] = b"My recovery story\n\nLooking back, peer support gave me hope.\n";

fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        if name.ends_with('/') {
            z.add_directory(name.trim_end_matches('/'), opts).unwrap();
        } else {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
    }
    z.finish().unwrap();
}

fn found(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf, Discovery) {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("download.zip");
    zip_of(&zip, files);
    let d = discover(std::slice::from_ref(&zip)).unwrap();
    (tmp, zip, d)
}

fn one(d: &Discovery) -> &Submission {
    assert_eq!(d.submissions.len(), 1, "{:#?}", d.submissions);
    &d.submissions[0]
}

fn member_of(s: &Submission) -> &str {
    s.file.split_once('!').unwrap().1
}

#[test]
fn moodle_folder_mode_is_read_in_memory() {
    let (_t, zip, d) = found(&[
        ("Jane Doe_123456_assignsubmission_file/", b""),
        ("Jane Doe_123456_assignsubmission_file/essay.txt", ESSAY),
    ]);
    let s = one(&d);
    assert_eq!(s.id, "moodle-123456");
    let l = s.learner.as_ref().unwrap();
    assert_eq!(
        (l.lms, l.name.as_deref(), l.id.as_str(), l.late),
        (Lms::Moodle, Some("Jane Doe"), "123456", false)
    );
    assert_eq!(
        s.file,
        format!(
            "{}!Jane Doe_123456_assignsubmission_file/essay.txt",
            zip.display()
        )
    );
    assert_eq!(s.format, Format::Txt);
    let doc = s.read().unwrap();
    assert!(doc.extracted_text().contains("peer support gave me hope"));
    // Nothing was extracted next to the zip.
    let names: Vec<_> = std::fs::read_dir(zip.parent().unwrap()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn moodle_flat_trailing_underscore_blind_group_and_online_text() {
    let cases: &[(&str, &str, Option<&str>, Format)] = &[
        (
            "Jane Doe_123456_assignsubmission_file_my_essay.txt",
            "123456",
            Some("Jane Doe"),
            Format::Txt,
        ),
        (
            "Jane Doe_123456_assignsubmission_file_/essay.md",
            "123456",
            Some("Jane Doe"),
            Format::Markdown,
        ),
        (
            "Participant_998877_assignsubmission_file/essay.txt",
            "998877",
            None,
            Format::Txt,
        ),
        (
            "Team Hope_42_assignsubmission_file/Group essay.docx",
            "42",
            Some("Team Hope"),
            Format::Docx,
        ),
        (
            "Ali Khan_123481_assignsubmission_onlinetext/onlinetext.html",
            "123481",
            Some("Ali Khan"),
            Format::Html,
        ),
    ];
    for (name, id, learner, format) in cases {
        let (_t, _zip, d) = found(&[(name, ESSAY)]);
        let s = one(&d);
        assert_eq!(s.id, format!("moodle-{id}"), "{name}");
        let l = s.learner.as_ref().unwrap();
        assert_eq!(l.name.as_deref(), *learner, "{name}");
        assert_eq!(s.format, *format, "{name}");
        assert_eq!(member_of(s), *name);
    }
}

#[test]
fn several_files_give_one_row_with_the_essay_chosen_by_the_rule() {
    let big_txt = [ESSAY, ESSAY, ESSAY].concat();
    let (_t, _zip, d) = found(&[
        ("Jane Doe_123456_assignsubmission_file/notes.txt", &big_txt),
        (
            "Jane Doe_123456_assignsubmission_file/photo.png",
            b"\x89PNG",
        ),
        (
            "Jane Doe_123456_assignsubmission_file/Drafts/draft.md",
            ESSAY,
        ),
        ("Jane Doe_123456_assignsubmission_file/final.docx", ESSAY),
        (
            "Jane Doe_123456_assignsubmission_onlinetext/onlinetext.html",
            b"<p>Hi</p>",
        ),
        ("Sam Reid_123492_assignsubmission_file/a.txt", ESSAY),
        ("Sam Reid_123492_assignsubmission_file/b.txt", &big_txt),
    ]);
    assert_eq!(d.submissions.len(), 2);
    let jane = &d.submissions[0];
    assert_eq!(jane.id, "moodle-123456");
    assert!(member_of(jane).ends_with("/final.docx"), "{}", jane.file);
    assert_eq!(
        jane.others,
        vec![
            "Drafts/draft.md",
            "notes.txt",
            "onlinetext.html",
            "photo.png (not an essay file)"
        ]
    );
    // Same format: the largest file.
    let sam = &d.submissions[1];
    assert!(member_of(sam).ends_with("/b.txt"));
    assert_eq!(sam.others, vec!["a.txt"]);
}

#[test]
fn a_learner_without_an_essay_file_still_gets_a_row() {
    let (_t, _zip, d) = found(&[
        (
            "Jane Doe_123456_assignsubmission_file/photo.png",
            b"\x89PNG",
        ),
        ("Sam Reid_123492_assignsubmission_file/e.txt", ESSAY),
    ]);
    assert_eq!(d.submissions.len(), 2);
    let jane = &d.submissions[0];
    assert_eq!(jane.learner.as_ref().unwrap().id, "123456");
    let e = jane.read().unwrap_err().to_string();
    assert!(
        e.starts_with("no essay file among this learner's files (photo.png"),
        "{e}"
    );
    assert!(!e.contains('\n'));
}

#[test]
fn canvas_names_user_ids_and_the_late_flag() {
    let (_t, _zip, d) = found(&[
        ("doejane_5512_998877_Essay Final.txt", ESSAY),
        ("oneillsiobhan_late_5513_998878_essay.txt", ESSAY),
        ("oneillsiobhan_late_5513_998879_notes.txt", b"x\n"),
        ("khanali_5514_text.html", b"<p>Hi</p>"),
    ]);
    let ids: Vec<&str> = d.submissions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["canvas-5512", "canvas-5513", "canvas-5514"]);
    let s = &d.submissions[1];
    let l = s.learner.as_ref().unwrap();
    assert_eq!(
        (l.lms, l.name.as_deref(), l.late),
        (Lms::Canvas, Some("oneillsiobhan"), true)
    );
    assert!(member_of(s).ends_with("_essay.txt"));
    assert_eq!(s.others, vec!["notes.txt"]);
    assert_eq!(d.submissions[2].format, Format::Html);
    assert!(!d.submissions[0].learner.as_ref().unwrap().late);
}

#[test]
fn an_unzipped_moodle_download_reads_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("PSW101-Recovery story essay-88");
    for (rel, bytes) in [
        ("Jane Doe_123456_assignsubmission_file/essay.txt", ESSAY),
        (
            "Jane Doe_123456_assignsubmission_file/extra.txt",
            b"x\n".as_slice(),
        ),
        (
            "Sam Reid_123492_assignsubmission_file/Drafts/recovery essay.txt",
            ESSAY,
        ),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let d = discover(&[tmp.path().to_path_buf()]).unwrap();
    let ids: Vec<&str> = d.submissions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["moodle-123456", "moodle-123492"]);
    assert_eq!(d.submissions[0].others, vec!["extra.txt"]);
    assert!(d.submissions[1].file.ends_with("Drafts/recovery essay.txt"));
    assert!(d.submissions[1]
        .read()
        .unwrap()
        .extracted_text()
        .contains("hope"));
}

#[test]
fn anonymising_drops_the_name_everywhere() {
    let (_t, _zip, d) = found(&[
        ("Jane Doe_123456_assignsubmission_file/essay.txt", ESSAY),
        ("doejane_5512_998877_Essay.txt", ESSAY),
    ]);
    for mut s in d.submissions {
        s.anonymise();
        assert!(s.learner.as_ref().unwrap().name.is_none());
        assert!(
            !s.file.contains("Jane") && !s.file.contains("doejane"),
            "{}",
            s.file
        );
        assert!(s.read().is_ok());
    }
}

#[test]
fn plain_zips_damaged_zips_and_repeated_learners() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("cohort.zip");
    zip_of(
        &plain,
        &[
            ("essays/e01.txt", ESSAY),
            ("essays/.hidden.txt", ESSAY),
            ("__MACOSX/essays/._e01.txt", b"x"),
            ("grades.csv", b"a,b"),
        ],
    );
    let damaged = tmp.path().join("broken.zip");
    std::fs::write(&damaged, b"PK\x03\x04 not really").unwrap();
    let a = tmp.path().join("a.zip");
    let b = tmp.path().join("b.zip");
    zip_of(&a, &[("Jane Doe_1_assignsubmission_file/e.txt", ESSAY)]);
    zip_of(&b, &[("Jane Doe_1_assignsubmission_file/e.txt", ESSAY)]);
    let d = discover(&[plain.clone(), damaged.clone(), a, b]).unwrap();
    let ids: Vec<&str> = d.submissions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["broken", "e01", "moodle-1", "moodle-1-2"]);
    assert_eq!(
        d.submissions[1].file,
        format!("{}!essays/e01.txt", plain.display())
    );
    assert!(d.submissions[1].learner.is_none());
    let e = d.submissions[0].read().unwrap_err().to_string();
    assert!(e.starts_with("damaged or incomplete .zip"), "{e}");
    let skipped: Vec<&str> = d.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
}
