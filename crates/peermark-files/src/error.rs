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
}

impl WriteError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        WriteError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
