//! The one error of writing an output.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "cannot write {path}: {source}; check that the folder is writable and the disk is not full"
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Format { path: String, message: String },
    /// The file is not this command's to write over (see `manifest`).
    #[error("{path}: {why}")]
    Refused { path: String, why: String },
}

impl WriteError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        if let Some(r) = source.get_ref().and_then(|e| e.downcast_ref::<Refused>()) {
            return WriteError::Refused {
                path: path.display().to_string(),
                why: r.why.clone(),
            };
        }
        WriteError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Why a write was refused (see [`crate::manifest`]): carried inside an `io::Error` until
/// [`WriteError::io`] turns it into [`WriteError::Refused`].
#[derive(Debug)]
pub struct Refused {
    pub why: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)
    }
}

impl std::error::Error for Refused {}
