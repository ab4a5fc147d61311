//! The one limit every reader shares: the size of the text read.

use crate::error::IngestError;
use crate::limits::Limits;
use peermark_text::Document;

/// [`IngestError::TextTooLarge`] when `doc` holds more than [`Limits::max_text_size`].
pub fn check_text_size(doc: &Document, limits: &Limits) -> Result<(), IngestError> {
    let total: u64 = doc.paragraphs.iter().map(|p| p.text.len() as u64).sum();
    if total > limits.max_text_size {
        return Err(IngestError::TextTooLarge {
            limit: limits.max_text_size,
        });
    }
    Ok(())
}

/// Decoded text over [`Limits::max_text_size`] is refused before it is split into
/// paragraphs (a text reader's working memory is several times its text).
pub fn check_decoded(text: &str, limits: &Limits) -> Result<(), IngestError> {
    if text.len() as u64 > limits.max_text_size {
        return Err(IngestError::TextTooLarge {
            limit: limits.max_text_size,
        });
    }
    Ok(())
}
