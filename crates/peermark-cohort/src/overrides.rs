//! The assessor's overrides: `DIR/overrides.csv`.
//!
//! An automated mark is a proposal; the assessor decides. `overrides.csv` is the assessor's own
//! file (`submission,criterion,level,reason,assessor`), written by hand or appended to by
//! `peermark override`. peermark reads it on every `mark … --out DIR` and **never rewrites or
//! truncates it**: the only write is [`append`], which adds one row at the end (O_APPEND).
//!
//! Rules:
//! - The level is the assessor's; points, score and outcome are recomputed with the rubric's
//!   weights and outcome rule ([`peermark_engine::score::rescore`]).
//! - Where several rows name the same submission and criterion, the last one wins (the file is
//!   a log; earlier rows stay as they were).
//! - A row whose submission is not in this run, whose submission could not be read, or whose
//!   criterion is not in the rubric is kept in the file and reported ([`NotApplied`]): on stderr
//!   and in `assessor-notes.csv`. Nothing is dropped.
//! - A row that cannot be read (a bad level, an empty reason, a missing column) stops `mark`
//!   with one line naming `file:line`, before anything is written.
//! - The reason is shown on the learner's feedback sheet next to the level the assessor set.

use peermark_engine::marks::parse_level;
use peermark_engine::result::{MarkResult, Override, Status};
use peermark_engine::rubric::Rubric;
use peermark_files::cell::{clean_id, line_at, safe_cell};
use peermark_files::output::write_atomically;
use peermark_files::WriteError;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The file's name inside the output folder.
pub const FILE_NAME: &str = "overrides.csv";
/// Its columns, in the order `peermark override` writes them.
pub const COLUMNS: [&str; 5] = ["submission", "criterion", "level", "reason", "assessor"];
/// The `kind` of the `assessor-notes.csv` row that reports an override not applied.
pub const NOTE_KIND: &str = "override_not_applied";

/// One row of `overrides.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideRow {
    pub submission: String,
    pub criterion: String,
    pub level: u8,
    pub reason: String,
    pub assessor: String,
    /// The row's line in the file (1-based; the header is line 1).
    pub line: u64,
}

/// An override that could not be applied in this run, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotApplied {
    pub row: OverrideRow,
    pub why: String,
}

/// What [`apply`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Criteria whose level the assessor set.
    pub applied: usize,
    /// Rows superseded by a later row for the same submission and criterion.
    pub superseded: usize,
    pub not_applied: Vec<NotApplied>,
}

#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    #[error("{path}: cannot {action}: {source}; check that the folder exists and is writable")]
    Io {
        path: String,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{0}")]
    Invalid(String),
}

fn malformed(path: &Path, line: u64, message: impl Into<String>) -> OverrideError {
    OverrideError::Malformed {
        path: path.display().to_string(),
        line,
        message: message.into(),
    }
}

/// Reads `overrides.csv`; a missing file is no overrides. Any row that cannot be read is an
/// error naming the file and line.
pub fn read(path: &Path, level_names: &[String]) -> Result<Vec<OverrideRow>, OverrideError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(OverrideError::Io {
                path: path.display().to_string(),
                action: "read the overrides",
                source: e,
            })
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .map_err(|e| malformed(path, 1, csv_message(&e)))?
        .clone();
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut at = [0usize; 5];
    for (k, col) in COLUMNS.iter().enumerate() {
        at[k] = names.iter().position(|n| n == col).ok_or_else(|| {
            malformed(
                path,
                1,
                format!(
                    "the header must name the columns {} (it has {}); fix the first line",
                    COLUMNS.join(","),
                    header.iter().collect::<Vec<_>>().join(",")
                ),
            )
        })?;
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| line_at(bytes, p)).unwrap_or(0);
            malformed(path, line, csv_message(&e))
        })?;
        let line = rec.position().map(|p| line_at(bytes, p)).unwrap_or(0);
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let cell = |k: usize| rec.get(at[k]).unwrap_or("").trim();
        for (k, col) in COLUMNS.iter().enumerate() {
            if cell(k).is_empty() {
                let what = match *col {
                    "reason" => {
                        "give the reason for the change (the learner sees it on their sheet)"
                    }
                    "assessor" => "give the assessor's name",
                    _ => "every row needs submission, criterion and level",
                };
                return Err(malformed(path, line, format!("the {col} is empty; {what}")));
            }
        }
        let level = parse_level(cell(2), level_names).map_err(|m| malformed(path, line, m))?;
        rows.push(OverrideRow {
            submission: clean_id(cell(0)),
            criterion: cell(1).to_string(),
            level,
            reason: cell(3).to_string(),
            assessor: cell(4).to_string(),
            line,
        });
    }
    Ok(rows)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "not UTF-8 text; save the file as CSV UTF-8 and run again".to_string()
        }
        _ => format!("cannot read this row ({e}); fix it and run again"),
    }
}

/// Applies overrides to marked results: sets each named criterion's level, records the
/// proposal, and recomputes points, score and outcome. Returns what was applied and what was
/// not (and why).
pub fn apply(rubric: &Rubric, results: &mut [MarkResult], rows: &[OverrideRow]) -> Applied {
    let mut done = Applied::default();
    // The last row for a submission and criterion wins.
    let mut latest: BTreeMap<(&str, &str), &OverrideRow> = BTreeMap::new();
    for row in rows {
        if latest
            .insert((row.submission.as_str(), row.criterion.as_str()), row)
            .is_some()
        {
            done.superseded += 1;
        }
    }
    let mut effective: Vec<&OverrideRow> = latest.into_values().collect();
    effective.sort_by_key(|r| r.line);
    let index: BTreeMap<&str, usize> = results
        .iter()
        .enumerate()
        .map(|(i, r)| (r.submission.as_str(), i))
        .collect();
    let mut touched = Vec::new();
    let mut updates: Vec<(usize, &OverrideRow)> = Vec::new();
    for row in effective {
        let not = |why: String| NotApplied {
            row: row.clone(),
            why,
        };
        let Some(&i) = index.get(row.submission.as_str()) else {
            done.not_applied.push(not(format!(
                "no submission {:?} in this run; the row is kept and applies when it is marked again",
                row.submission
            )));
            continue;
        };
        if results[i].status != Status::Marked {
            done.not_applied.push(not(format!(
                "{:?} could not be marked in this run (its gradebook row says why); the row is kept",
                row.submission
            )));
            continue;
        }
        if rubric.criterion(&row.criterion).is_none()
            || !results[i].criteria.iter().any(|c| c.id == row.criterion)
        {
            done.not_applied
                .push(not(rubric.no_criterion(&row.criterion)));
            continue;
        }
        updates.push((i, row));
    }
    for (i, row) in updates {
        let r = &mut results[i];
        let c = r
            .criteria
            .iter_mut()
            .find(|c| c.id == row.criterion)
            .expect("checked above");
        let proposed = c
            .assessor_override
            .as_ref()
            .map_or(c.level, |o| o.proposed_level);
        c.level = row.level;
        c.assessor_override = Some(Override {
            level: row.level,
            proposed_level: proposed,
            reason: row.reason.clone(),
            assessor: row.assessor.clone(),
        });
        done.applied += 1;
        touched.push(i);
    }
    touched.sort_unstable();
    touched.dedup();
    for i in touched {
        let r = &mut results[i];
        let (score, outcome) = peermark_engine::score::rescore(rubric, &mut r.criteria);
        r.score = Some(score);
        r.outcome = Some(outcome);
    }
    done
}

/// The criteria of a result that the assessor set, in rubric order (the gradebook's
/// `overridden` column joins them with `;`).
pub fn overridden_ids(r: &MarkResult) -> Vec<&str> {
    r.criteria
        .iter()
        .filter(|c| c.assessor_override.is_some())
        .map(|c| c.id.as_str())
        .collect()
}

/// One line for stderr about an override not applied.
pub fn describe(path: &Path, n: &NotApplied) -> String {
    format!(
        "override not applied ({}:{}): {} {} → {}: {}",
        path.display(),
        n.row.line,
        n.row.submission,
        n.row.criterion,
        n.row.level,
        n.why
    )
}

/// Adds a row per override not applied to `DIR/assessor-notes.csv` (after the notes exporter
/// wrote it), with `kind` [`NOTE_KIND`]; columns are matched by name, and the file is replaced
/// atomically.
pub fn add_to_assessor_notes(out_dir: &Path, not_applied: &[NotApplied]) -> Result<(), WriteError> {
    if not_applied.is_empty() {
        return Ok(());
    }
    let path = out_dir.join("assessor-notes.csv");
    let bytes = std::fs::read(&path).map_err(|e| WriteError::io(&path, e))?;
    let fmt_err = |e: csv::Error| WriteError::Format {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let header = rdr.headers().map_err(fmt_err)?.clone();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&header).map_err(fmt_err)?;
    for rec in rdr.records() {
        w.write_record(&rec.map_err(fmt_err)?).map_err(fmt_err)?;
    }
    for n in not_applied {
        let row: Vec<String> = header
            .iter()
            .map(|col| match col {
                "submission" => safe_cell(&n.row.submission),
                "kind" => NOTE_KIND.to_string(),
                "cue" => safe_cell(&format!(
                    "{FILE_NAME} line {}: {} → level {} by {} not applied: {}",
                    n.row.line, n.row.criterion, n.row.level, n.row.assessor, n.why
                )),
                "quote" => safe_cell(&n.row.reason),
                _ => String::new(),
            })
            .collect();
        w.write_record(&row).map_err(fmt_err)?;
    }
    let out = w.into_inner().map_err(|e| WriteError::Format {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    write_atomically(&path, &out)
}

/// A row for [`append`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRow<'a> {
    pub submission: &'a str,
    pub criterion: &'a str,
    pub level: u8,
    pub reason: &'a str,
    pub assessor: &'a str,
}

/// Checks a new row's reason and assessor: each given, on one line.
pub fn validate(row: &NewRow) -> Result<(), OverrideError> {
    for (what, text) in [("reason", row.reason), ("assessor", row.assessor)] {
        if text.trim().is_empty() {
            return Err(OverrideError::Invalid(format!(
                "--{what} is empty; say {}",
                if what == "reason" {
                    "why you set this level (the learner sees it on their sheet)"
                } else {
                    "who you are"
                }
            )));
        }
        if text.contains(['\n', '\r']) {
            return Err(OverrideError::Invalid(format!(
                "--{what} must be one line; put it on one line and run again"
            )));
        }
    }
    Ok(())
}

/// Appends one row to `overrides.csv`, creating the file with its header when it does not
/// exist. Never truncates or rewrites: the file is opened for appending only, and the row
/// (with a line break first when the file lacks a trailing one) goes in one write. Keeps the
/// file's line endings (CRLF when a spreadsheet saved it so). Returns the new row's line.
pub fn append(path: &Path, row: &NewRow) -> Result<u64, OverrideError> {
    validate(row)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Private, as every output folder is (0700 unless --shared-output).
        peermark_files::write::create_dir_all(dir).map_err(|e| OverrideError::Io {
            path: dir.display().to_string(),
            action: "create the folder",
            source: e,
        })?;
    }
    let io = |action: &'static str| {
        move |e: std::io::Error| OverrideError::Io {
            path: path.display().to_string(),
            action,
            source: e,
        }
    };
    let existing = match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io("read the overrides")(e)),
    };
    let mut buf = Vec::new();
    let mut needs_header = true;
    let (crlf, lines_before) = match &existing {
        Some(b) if !b.is_empty() => {
            let body = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
            let crlf = body.windows(2).any(|w| w == b"\r\n");
            let first = body
                .split(|&c| c == b'\n')
                .find(|l| !l.iter().all(u8::is_ascii_whitespace));
            if let Some(first) = first {
                let first = String::from_utf8_lossy(first).to_lowercase();
                let cols: Vec<&str> = first.split(',').map(str::trim).collect();
                if let Some(missing) = COLUMNS.iter().find(|c| !cols.contains(c)) {
                    return Err(malformed(
                        path,
                        1,
                        format!(
                            "the header has no {missing} column; it must name {} — fix the first line, then run again",
                            COLUMNS.join(",")
                        ),
                    ));
                }
                needs_header = false;
            }
            let mut lines = b.iter().filter(|&&c| c == b'\n').count() as u64;
            if !b.ends_with(b"\n") {
                buf.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                lines += 1;
            }
            (crlf, lines)
        }
        _ => (false, 0),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    let level = row.level.to_string();
    let write_err = |e: csv::Error| OverrideError::Invalid(format!("cannot write the row: {e}"));
    let mut lines_added = 1;
    if needs_header {
        w.write_record(COLUMNS).map_err(write_err)?;
        lines_added += 1;
    }
    w.write_record([
        row.submission.trim(),
        row.criterion.trim(),
        &level,
        row.reason.trim(),
        row.assessor.trim(),
    ])
    .map_err(write_err)?;
    buf.extend_from_slice(
        &w.into_inner()
            .map_err(|e| OverrideError::Invalid(format!("cannot write the row: {}", e.error())))?,
    );
    let mut open = std::fs::OpenOptions::new();
    open.append(true).create(true);
    #[cfg(unix)]
    if !peermark_files::write::shared_output() {
        // A new file is the assessor's only (0600), as every output is.
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let mut f = open
        .open(path)
        .map_err(io("open the overrides for appending"))?;
    f.write_all(&buf).map_err(io("append to the overrides"))?;
    f.sync_all().ok();
    Ok(lines_before + lines_added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["Not yet evidenced", "Emerging", "Achieved", "Strong"]
            .map(String::from)
            .to_vec()
    }

    fn row<'a>(sub: &'a str, reason: &'a str) -> NewRow<'a> {
        NewRow {
            submission: sub,
            criterion: "linking",
            level: 2,
            reason,
            assessor: "A. Assessor",
        }
    }

    #[test]
    fn append_creates_quotes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m/overrides.csv");
        assert_eq!(
            append(&p, &row("e01", "Links theory, to \"her\" story")).unwrap(),
            2
        );
        assert_eq!(append(&p, &row("e02", "fine")).unwrap(), 3);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text,
            "submission,criterion,level,reason,assessor\n\
             e01,linking,2,\"Links theory, to \"\"her\"\" story\",A. Assessor\n\
             e02,linking,2,fine,A. Assessor\n"
        );
        let rows = read(&p, &names()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].reason, "Links theory, to \"her\" story");
        assert_eq!((rows[0].line, rows[1].line), (2, 3));
    }

    #[test]
    fn append_adds_a_missing_final_newline_and_keeps_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("overrides.csv");
        std::fs::write(
            &p,
            "submission,criterion,level,reason,assessor\r\ne01,linking,1,x,B",
        )
        .unwrap();
        assert_eq!(append(&p, &row("e02", "y")).unwrap(), 3);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "submission,criterion,level,reason,assessor\r\ne01,linking,1,x,B\r\ne02,linking,2,y,A. Assessor\r\n"
        );
        assert_eq!(read(&p, &names()).unwrap().len(), 2);
    }

    #[test]
    fn append_to_a_blank_file_writes_the_header_after_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("overrides.csv");
        std::fs::write(&p, "\n").unwrap();
        assert_eq!(append(&p, &row("e01", "why")).unwrap(), 3);
        let rows = read(&p, &names()).unwrap();
        assert_eq!(rows[0].line, 3);
    }

    #[test]
    fn append_refuses_a_foreign_file_and_empty_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("overrides.csv");
        std::fs::write(&p, "name,mark\nx,1\n").unwrap();
        let e = append(&p, &row("e01", "why")).unwrap_err().to_string();
        assert!(
            e.contains("overrides.csv:1: the header has no submission column"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "name,mark\nx,1\n");
        let e = append(&dir.path().join("o.csv"), &row("e01", " ")).unwrap_err();
        assert!(e.to_string().contains("--reason is empty"));
        let e = append(&dir.path().join("o.csv"), &row("e01", "a\nb")).unwrap_err();
        assert!(e.to_string().contains("one line"));
    }

    #[test]
    fn malformed_rows_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("overrides.csv");
        let cases = [
            (
                "e01,linking,5,r,A\n",
                "overrides.csv:3: level \"5\" is not a level",
            ),
            ("e01,linking,2,,A\n", "overrides.csv:3: the reason is empty"),
            (
                "e01,linking,2,r\n",
                "overrides.csv:3: the assessor is empty",
            ),
            ("e01,,2,r,A\n", "overrides.csv:3: the criterion is empty"),
        ];
        for (bad, want) in cases {
            std::fs::write(
                &p,
                format!(
                    "submission,criterion,level,reason,assessor\ne00,linking,Strong,ok,A\n{bad}"
                ),
            )
            .unwrap();
            let e = read(&p, &names()).unwrap_err().to_string();
            assert!(e.contains(want), "{e} — wanted {want}");
        }
        std::fs::write(
            &p,
            b"submission,criterion,level,reason,assessor\ne01,linking,2,\xff,A\n",
        )
        .unwrap();
        let e = read(&p, &names()).unwrap_err().to_string();
        assert!(e.contains("overrides.csv:2: not UTF-8"), "{e}");
        std::fs::write(&p, "sub,crit\n").unwrap();
        let e = read(&p, &names()).unwrap_err().to_string();
        assert!(e.contains("overrides.csv:1: the header must name"), "{e}");
    }

    #[test]
    fn levels_by_number_or_name_bom_and_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("overrides.csv");
        std::fs::write(
            &p,
            "\u{feff}Submission , Criterion,level,reason,assessor,extra\n\n'-x,linking, strong ,r,A,\n",
        )
        .unwrap();
        let rows = read(&p, &names()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].submission.as_str(), rows[0].level, rows[0].line),
            ("-x", 3, 3)
        );
        assert!(read(&dir.path().join("none.csv"), &names())
            .unwrap()
            .is_empty());
    }
}
