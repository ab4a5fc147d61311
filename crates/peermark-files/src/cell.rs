//! CSV cells: what every CSV peermark writes or reads shares.

/// Neutralises spreadsheet formula injection in a text cell peermark writes: a leading `=`,
/// `+`, `-`, `@`, tab or carriage return gets a `'` prefix (as OWASP and Moodle advise).
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// A submission id as written in a cell: trimmed, and without the `'` that peermark's CSVs
/// put before a cell starting with `=`, `+`, `-` or `@`.
pub fn clean_id(cell: &str) -> String {
    let t = cell.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => t.to_string(),
    }
}

/// The 1-based line of a record in the file (csv's own line count skips blank lines).
pub fn line_at(bytes: &[u8], pos: &csv::Position) -> u64 {
    let mut at = (pos.byte() as usize).min(bytes.len());
    // A record's start may be reported before the blank lines the reader skipped.
    while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}
