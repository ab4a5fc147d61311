//! peermark's text model.
//!
//! Every reader turns a submission into a [`Document`]: a list of [`Paragraph`]s, each with
//! its kind (title, heading, body, reference list) and a map from byte offsets in its text
//! back to the line and column of the source, so that every piece of evidence can be shown
//! where the learner wrote it. The crate also holds the small text utilities every stage
//! shares: word counting, sentence splitting and the phrase notation that rubric lexicons
//! are written in ([`phrase`]).

pub mod document;
pub mod phrase;
pub mod sentences;
pub mod words;

pub use document::{Document, Hint, Origin, Paragraph, ParagraphKind, Position, SourceLines};
pub use phrase::{compile_phrase, longest_non_overlapping, Hit, Matcher, PhraseError};
pub use sentences::{clauses, enumeration_items, sentences};
pub use words::{count_words, word_ranges};
