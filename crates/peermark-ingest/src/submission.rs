//! A submission: a file to mark (or the learner's files an LMS download holds), and what
//! discovery found on the way.

use crate::archive::Member;
use crate::lms::Learner;
use crate::{Format, IngestError};
use std::path::PathBuf;

/// A file to mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// The submission id (`cli.md`, "Submission ids and order"); for LMS downloads
    /// `moodle-<participant>` or `canvas-<user id>`.
    pub id: String,
    /// The path as found: as given on the command line, joined with the path inside a folder
    /// (`archive.zip!member/path` for a member of a zip).
    pub file: String,
    /// Where to read it (the archive, for a member of a zip).
    pub path: PathBuf,
    pub format: Format,
    /// Who it belongs to, for files from an LMS download.
    pub learner: Option<Learner>,
    /// The learner's other files, not marked (their paths within the learner's submission,
    /// each with why), so that no file is silently dropped.
    pub others: Vec<String>,
    /// Set for a member of a zip archive.
    pub member: Option<Member>,
    /// Set when there is nothing to read (a damaged zip, a learner with no essay file).
    pub problem: Option<Problem>,
    /// Where the learner's name is in `file` (to anonymise it).
    pub name_span: Option<std::ops::Range<usize>>,
}

/// Why a submission cannot be read before any reader runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A zip archive that cannot be opened.
    DamagedZip(&'static str),
    /// An LMS learner whose files include no essay format (the files are listed).
    NoEssay(String),
}

impl Submission {
    /// Reads the submission: from disk, or from its zip archive in memory.
    pub fn read(&self) -> Result<crate::Document, IngestError> {
        self.read_with(&crate::Limits::default())
    }

    /// [`read`](Self::read) within `limits` (an archive member is held to
    /// [`crate::Limits::max_file_size`] like a file).
    pub fn read_with(&self, limits: &crate::Limits) -> Result<crate::Document, IngestError> {
        match &self.problem {
            Some(Problem::DamagedZip(detail)) => {
                return Err(IngestError::Damaged { ext: "zip", detail })
            }
            Some(Problem::NoEssay(files)) => {
                return Err(IngestError::NoEssayFile {
                    files: files.clone(),
                })
            }
            None => {}
        }
        match &self.member {
            Some(m) => crate::read_bytes_with(&m.read(limits.max_file_size)?, self.format, limits),
            None => crate::read_file_with(&self.path, self.format, limits),
        }
    }

    /// The submission's raw bytes: from disk, or from its zip archive in memory (for writers
    /// that rework the learner's own file, such as annotated copies).
    pub fn bytes(&self) -> Result<Vec<u8>, IngestError> {
        match &self.member {
            Some(m) => m.read(crate::MAX_BYTES),
            None => std::fs::read(&self.path).map_err(|e| IngestError::Io(e.to_string())),
        }
    }

    /// Anonymous marking: forgets the learner's name and replaces it in `file` with
    /// `Participant` (Moodle's word under blind marking) or `student` (Canvas).
    pub fn anonymise(&mut self) {
        if let Some(l) = &mut self.learner {
            l.name = None;
            if let Some(span) = self.name_span.take() {
                if self.file.is_char_boundary(span.start)
                    && self.file.is_char_boundary(span.end)
                    && span.end <= self.file.len()
                {
                    let word = match l.lms {
                        crate::Lms::Moodle => "Participant",
                        crate::Lms::Canvas => "student",
                    };
                    self.file.replace_range(span, word);
                }
            }
        }
    }
}

/// A file found in a submission format.
pub(crate) struct Found {
    pub(crate) file: String,
    pub(crate) path: PathBuf,
    /// Path relative to its input folder, `/`-separated (the file name for a file given
    /// directly; the member's path for a member of a zip).
    pub(crate) rel: String,
    pub(crate) format: Format,
    pub(crate) canonical: PathBuf,
    /// Found through a symbolic link.
    pub(crate) linked: bool,
    /// The input folder, zip archive or (for a file given directly) parent folder it was
    /// found in: LMS learners are grouped within one container.
    pub(crate) container: String,
    /// Size in bytes (uncompressed, for a member of a zip).
    pub(crate) size: u64,
    pub(crate) member: Option<Member>,
    pub(crate) problem: Option<Problem>,
}

/// A file found that is not a submission format (kept so that an LMS learner's other files
/// can be listed in their row).
pub(crate) struct Extra {
    pub(crate) container: String,
    pub(crate) rel: String,
    pub(crate) file: String,
}
