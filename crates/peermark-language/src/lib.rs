//! peermark's recovery-language checker.
//!
//! The rule table (L01–L78 and any course rules) is data: TOML files in the format
//! `FORMAT.md` describes, merged into [`LanguageSettings`] and compiled into a [`RuleSet`].
//! [`RuleSet::check`] finds every hit in one pass over each paragraph, then classifies only
//! the hits into frames (quoted, reported, mention, negated, advice, past self-description,
//! self-identification, own voice) with the cue lexicons from `[language.frames]`. A hit is a
//! lapse only when its severity is H or M, it is in the writer's own voice, and it is the word
//! in the sense the rule means; every other hit is kept as a note (`lapse == false`) so the
//! report can show language awareness.

mod engine;
mod error;
mod examples;
mod messages;
mod pattern;
mod quotes;
mod rule;
mod settings;
mod words;

pub use engine::RuleSet;
pub use error::LanguageError;
pub use examples::{ExampleFailure, ExampleKind};
pub use rule::{Finding, Frame, Rule, SelfCode, SelfScope, Severity};
pub use settings::{FrameCues, LanguageSettings, RuleSpec};
