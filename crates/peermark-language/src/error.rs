//! Errors from compiling the language rules. Each names the rule id (or frame list) and field.

/// A rule or frame cue that cannot be compiled.
#[derive(Debug, thiserror::Error)]
pub enum LanguageError {
    /// A phrase in a rule's pattern list: `rule L12, patterns[2]: unclosed '('`.
    #[error("rule {rule}, {field}[{index}]: {message}")]
    Pattern {
        rule: String,
        field: &'static str,
        index: usize,
        message: String,
    },
    /// Any other rule field: `rule L12, severity: "X" is not one of "H", "M", "L"`.
    #[error("rule {rule}, {field}: {message}")]
    Field {
        rule: String,
        field: &'static str,
        message: String,
    },
    /// A `[[language.rule]]` without an id (position is 1-based in the merged list).
    #[error("language rule #{position}: id is missing")]
    MissingId { position: usize },
    /// A phrase in a `[language.frames]` list: `frames.reporting[3]: unclosed '('`.
    #[error("frames.{list}[{index}]: {message}")]
    Frame {
        list: &'static str,
        index: usize,
        message: String,
    },
    /// The combined matcher could not be built (too many or too large patterns).
    #[error("language rules: {message}")]
    Build { message: String },
}
