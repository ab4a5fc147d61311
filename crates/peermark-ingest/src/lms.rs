//! Names of files in LMS downloads: who a file belongs to, from its path alone.
//!
//! [`parse_lms_name`] is a small pure function (no I/O, no allocation beyond its answer) so
//! that it can be fuzzed. It knows these layouts:
//!
//! **Moodle** "Download all submissions" (the number is Moodle's participant number, or the
//! group id for group submissions; Moodle replaces `_` in names with spaces):
//! - folder mode (Moodle ≥ 4.1): `Full Name_123456_assignsubmission_file/<path>/<file>`
//! - the older folder with a trailing underscore: `Full Name_123456_assignsubmission_file_/<file>`
//! - flat mode: `Full Name_123456_assignsubmission_file_<file>`
//! - blind marking: `Participant_123456_assignsubmission_file/…` (no name)
//! - group submissions: `Group name_789_assignsubmission_file/…`
//! - online text: `Full Name_123456_assignsubmission_onlinetext/onlinetext.html`
//!
//! The Moodle part may sit anywhere in the path (a download unzipped into a folder of its
//! own), as Moodle's own feedback importer allows.
//!
//! **Canvas** submissions download (file name only):
//! `lastnamefirstname[_late]_<userid>_<attachmentid>_<original name>` and
//! `lastnamefirstname[_late]_<userid>_text.html` (online text).

use std::ops::Range;

use crate::Format;

/// Which LMS a file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lms {
    Moodle,
    Canvas,
}

impl Lms {
    /// `"moodle"` or `"canvas"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lms::Moodle => "moodle",
            Lms::Canvas => "canvas",
        }
    }
}

/// What an LMS file name says about its learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LmsName<'a> {
    pub lms: Lms,
    /// The name as downloaded: `"Jane Doe"`, `"Participant"` (blind marking), a group's name,
    /// or Canvas's `"doejane"`.
    pub name: &'a str,
    /// Where [`name`](Self::name) is in the path (to anonymise the path).
    pub name_range: Range<usize>,
    /// Moodle's participant number (or group id); Canvas's user id. ASCII digits.
    pub id: &'a str,
    /// Moodle blind marking (the name is Moodle's word "Participant").
    pub blind: bool,
    /// Canvas's `_late` flag.
    pub late: bool,
    /// Online text rather than an uploaded file (`assignsubmission_onlinetext`, Canvas `_text.html`).
    pub online_text: bool,
    /// The file's own path within the learner's submission: `"Drafts/recovery essay.odt"`,
    /// `"onlinetext.html"`, Canvas's original name (`"Essay Final.docx"`).
    pub file: &'a str,
}

const MOODLE_MARK: &str = "_assignsubmission_";

/// Parses the path of a file in an LMS download (`/`-separated, relative to the download or
/// any folder above it). `None` when the path does not follow a known layout.
///
/// ```
/// use peermark_ingest::{parse_lms_name, Lms};
/// let n = parse_lms_name("Jane Doe_123456_assignsubmission_file/essay.docx").unwrap();
/// assert_eq!((n.lms, n.name, n.id, n.file), (Lms::Moodle, "Jane Doe", "123456", "essay.docx"));
/// let c = parse_lms_name("oneillsiobhan_late_5513_998878_essay.docx").unwrap();
/// assert_eq!((c.lms, c.name, c.id, c.late, c.file), (Lms::Canvas, "oneillsiobhan", "5513", true, "essay.docx"));
/// ```
pub fn parse_lms_name(path: &str) -> Option<LmsName<'_>> {
    moodle(path).or_else(|| canvas(path))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn moodle(path: &str) -> Option<LmsName<'_>> {
    let mut start = 0;
    loop {
        let end = path[start..].find('/').map(|i| start + i);
        let part = &path[start..end.unwrap_or(path.len())];
        let rest = end.map(|e| &path[e + 1..]).unwrap_or("");
        if let Some(n) = moodle_part(part, start, end.is_none(), rest) {
            return Some(n);
        }
        start = end? + 1;
    }
}

/// One path component `part` (at byte `offset`); `last` when it is the file itself; `rest`
/// is the path after it.
fn moodle_part<'a>(part: &'a str, offset: usize, last: bool, rest: &'a str) -> Option<LmsName<'a>> {
    let at = part.find(MOODLE_MARK)?;
    let before = &part[..at];
    let us = before.rfind('_')?;
    let (name, id) = (&before[..us], &before[us + 1..]);
    if name.trim().is_empty() || !is_digits(id) {
        return None;
    }
    let after = &part[at + MOODLE_MARK.len()..];
    let plugin_end = after.find('_').unwrap_or(after.len());
    let plugin = &after[..plugin_end];
    if plugin.is_empty()
        || !plugin
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    let tail = &after[plugin_end..];
    let file = if last {
        // Flat mode: the rest of the file name is the learner's own file name.
        let f = tail.strip_prefix('_')?;
        if f.is_empty() {
            return None;
        }
        f
    } else {
        // Folder mode, with or without the older trailing underscore.
        if !(tail.is_empty() || tail == "_") || rest.is_empty() {
            return None;
        }
        rest
    };
    Some(LmsName {
        lms: Lms::Moodle,
        name,
        name_range: offset..offset + name.len(),
        id,
        blind: name.eq_ignore_ascii_case("participant"),
        late: false,
        online_text: plugin == "onlinetext",
        file,
    })
}

fn canvas(path: &str) -> Option<LmsName<'_>> {
    let offset = path.rfind('/').map(|i| i + 1).unwrap_or(0);
    let base = &path[offset..];
    let (name, rest) = base.split_once('_')?;
    if name.is_empty() || !name.chars().all(char::is_alphanumeric) {
        return None;
    }
    let (late, rest) = match rest.split_once('_') {
        Some((l, r)) if l.eq_ignore_ascii_case("late") => (true, r),
        _ => (false, rest),
    };
    let (id, rest) = rest.split_once('_')?;
    if !is_digits(id) {
        return None;
    }
    let (online_text, file) = if rest.eq_ignore_ascii_case("text.html") {
        (true, rest)
    } else {
        let (attachment, file) = rest.split_once('_')?;
        if !is_digits(attachment) || file.is_empty() {
            return None;
        }
        (false, file)
    };
    Some(LmsName {
        lms: Lms::Canvas,
        name,
        name_range: offset..offset + name.len(),
        id,
        blind: false,
        late,
        online_text,
        file,
    })
}

/// The learner a submission from an LMS download belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learner {
    pub lms: Lms,
    /// The learner's (or group's) name as the LMS wrote it; `None` under Moodle's blind
    /// marking and after [`Submission::anonymise`](crate::Submission::anonymise).
    pub name: Option<String>,
    /// Moodle's participant number (group id for group submissions), Canvas's user id.
    pub id: String,
    /// Canvas marked the submission late.
    pub late: bool,
}

/// The order in which a learner's files are considered for the essay: Word first, then
/// OpenDocument, PDF, Markdown, plain text, HTML (online text), RTF, legacy .doc. Within one
/// format the largest file wins, then the path in byte order.
pub const ESSAY_PREFERENCE: &[Format] = &[
    Format::Docx,
    Format::Odt,
    Format::Pdf,
    Format::Markdown,
    Format::Txt,
    Format::Html,
    Format::Rtf,
    Format::Doc,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Lms, &str, &str, &str, bool, bool, bool) {
        let n = parse_lms_name(s).unwrap_or_else(|| panic!("{s} not parsed"));
        assert_eq!(&s[n.name_range.clone()], n.name);
        (n.lms, n.name, n.id, n.file, n.blind, n.late, n.online_text)
    }

    #[test]
    fn moodle_folder_mode() {
        assert_eq!(
            p("Jane Doe_123456_assignsubmission_file/essay.docx"),
            (
                Lms::Moodle,
                "Jane Doe",
                "123456",
                "essay.docx",
                false,
                false,
                false
            )
        );
        assert_eq!(
            p("Sam Reid_123492_assignsubmission_file/Drafts/recovery essay.odt").3,
            "Drafts/recovery essay.odt"
        );
        // Unzipped into a folder of its own.
        let n = parse_lms_name(
            "PSW101-Recovery story essay-88/Siobhán O'Neill_123470_assignsubmission_file/My essay (final).docx",
        )
        .unwrap();
        assert_eq!((n.name, n.id), ("Siobhán O'Neill", "123470"));
        assert_eq!(n.name_range.start, "PSW101-Recovery story essay-88/".len());
    }

    #[test]
    fn moodle_trailing_underscore_flat_blind_group_online_text() {
        assert_eq!(
            p("Jane Doe_123456_assignsubmission_file_/essay.docx").3,
            "essay.docx"
        );
        assert_eq!(
            p("Jane Doe_123456_assignsubmission_file_my_essay_v2.docx"),
            (
                Lms::Moodle,
                "Jane Doe",
                "123456",
                "my_essay_v2.docx",
                false,
                false,
                false
            )
        );
        assert_eq!(
            p("Participant_123456_assignsubmission_file/essay.docx"),
            (
                Lms::Moodle,
                "Participant",
                "123456",
                "essay.docx",
                true,
                false,
                false
            )
        );
        assert_eq!(
            p("Team Hope_42_assignsubmission_file/essay.docx").1,
            "Team Hope"
        );
        assert_eq!(
            p("Ali Khan_123481_assignsubmission_onlinetext/onlinetext.html"),
            (
                Lms::Moodle,
                "Ali Khan",
                "123481",
                "onlinetext.html",
                false,
                false,
                true
            )
        );
        assert!(p("Ali Khan_123481_assignsubmission_onlinetext_onlinetext.html").6);
    }

    #[test]
    fn canvas_names() {
        assert_eq!(
            p("doejane_5512_998877_Essay Final.docx"),
            (
                Lms::Canvas,
                "doejane",
                "5512",
                "Essay Final.docx",
                false,
                false,
                false
            )
        );
        assert_eq!(
            p("oneillsiobhan_late_5513_998878_essay.docx"),
            (
                Lms::Canvas,
                "oneillsiobhan",
                "5513",
                "essay.docx",
                false,
                true,
                false
            )
        );
        assert_eq!(
            p("khanali_5514_text.html"),
            (
                Lms::Canvas,
                "khanali",
                "5514",
                "text.html",
                false,
                false,
                true
            )
        );
        assert!(p("sub/khanali_LATE_5514_text.html").5);
        // Canvas keeps underscores of the original name.
        assert_eq!(p("doejane_5512_998877_my_essay.docx").3, "my_essay.docx");
    }

    #[test]
    fn other_names_are_not_lms_names() {
        for s in [
            "",
            "/",
            "e01.docx",
            "cohort/e01.docx",
            "essay_final.docx",
            "essay_v2_final.docx",
            "_123_assignsubmission_file/e.docx",
            "Jane Doe_12x_assignsubmission_file/e.docx",
            "Jane Doe_123_assignsubmission_file",
            "Jane Doe_123_assignsubmission_file/",
            "Jane Doe_123_assignsubmission_File/e.docx",
            "Jane Doe_123_assignsubmission_/e.docx",
            "Jane Doe_123_assignsubmission_file_",
            "Jane Doe_123_assignsubmission_file_x/e.docx",
            "doe jane_5512_1_e.docx",
            "doejane_5512_e.docx",
            "doejane_5512_1_",
            "doejane__1_e.docx",
        ] {
            assert!(parse_lms_name(s).is_none(), "{s:?} parsed");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "é_1_assignsubmission_f/ü",
            "_assignsubmission_",
            "a_1_assignsubmission_",
            "a__assignsubmission_file/x",
            "ü_ü_ü_ü",
            "a_late_1_text.html",
            "a_late_late_1_2_x",
            "////",
        ] {
            let _ = parse_lms_name(s);
        }
    }
}
