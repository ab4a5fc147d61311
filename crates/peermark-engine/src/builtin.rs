//! The built-in rubric: the default rubric's files, compiled into the binary, loaded when no
//! `--rubric` is given.

use crate::rubric::{self, Rubric};
use std::path::Path;

pub const DEFAULT_RUBRIC_NAME: &str = "recovery-story-essay.toml";
const DEFAULT_RUBRIC_FILES: &[(&str, &str)] = &[
    (
        "recovery-story-essay.toml",
        include_str!("../../../rubrics/recovery-story-essay.toml"),
    ),
    (
        "recovery-language-rules.toml",
        include_str!("../../../rubrics/recovery-language-rules.toml"),
    ),
    (
        "recovery-language-rules-2.toml",
        include_str!("../../../rubrics/recovery-language-rules-2.toml"),
    ),
    (
        "safeguarding-cues.toml",
        include_str!("../../../rubrics/safeguarding-cues.toml"),
    ),
    (
        "safeguarding-model.toml",
        include_str!("../../../rubrics/safeguarding-model.toml"),
    ),
];

/// Loads a rubric file (and the files it includes), or the built-in default when `path` is
/// `None`.
pub fn load_rubric(path: Option<&Path>) -> Result<Rubric, rubric::RubricError> {
    match path {
        Some(p) => rubric::load(p),
        None => load_built_in(),
    }
}

/// The built-in rubric's files (name, text), as `peermark rubric init` writes them.
pub fn built_in_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEFAULT_RUBRIC_FILES
        .iter()
        .copied()
        .chain([("README.md", include_str!("../../../rubrics/README.md"))])
}

fn load_built_in() -> Result<Rubric, rubric::RubricError> {
    let mut r = rubric::load_with(
        Path::new("rubrics").join(DEFAULT_RUBRIC_NAME).as_path(),
        &|p: &Path| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            DEFAULT_RUBRIC_FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "not a file of the built-in rubric",
                    )
                })
        },
    )?;
    r.location = crate::result::BUILT_IN.into();
    Ok(r)
}
