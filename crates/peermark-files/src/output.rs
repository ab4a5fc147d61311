//! Writing one output file, with the error that names it.

use crate::error::WriteError;
use crate::write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so an
/// interrupted run never leaves a half-written output; owner-only unless outputs are shared
/// (see [`mod@write`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write::write_atomically(path, bytes).map_err(|e| WriteError::io(path, e))
}

/// [`write_atomically`] for a per-learner sheet, which a re-run writes again: not flushed to
/// disk before the rename (see [`write::write_replaceable`]).
pub fn write_sheet(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write::write_replaceable(path, bytes).map_err(|e| WriteError::io(path, e))
}
