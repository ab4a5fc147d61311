//! `peermark rubric check FILE`: validate a rubric (its language rules' own examples
//! included); `peermark rubric init FOLDER`: the built-in rubric's files, ready to edit.

use crate::cli::{Done, UsageError};
use std::path::{Path, PathBuf};

/// `peermark rubric check RUBRIC`.
pub fn check(rubric: &Path) -> Result<Done, UsageError> {
    let r = peermark_engine::load_rubric(Some(rubric)).map_err(|e| UsageError(e.to_string()))?;
    let failures = r.language.run_examples();
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("{}: {f}", rubric.display());
        }
        return Err(UsageError(format!(
            "{}: {} language rule example(s) do not behave as the rule says",
            rubric.display(),
            failures.len()
        )));
    }
    super::print_out(
        &format!(
            "{}: ok — rubric {:?}, {} criteria, {} measures, {} language rules (every rule example passes), sha256 {}\n",
            rubric.display(),
            r.id,
            r.criteria.len(),
            r.measures.len(),
            r.language.rules().len(),
            r.sha256
        ),
        "result",
    )?;
    Ok(Done::Ok)
}

/// `peermark rubric init FOLDER`: writes the built-in rubric and every file it includes into
/// a new (or empty) folder.
pub fn init(folder: &Path) -> Result<Done, UsageError> {
    if folder.is_file() {
        return Err(UsageError(format!(
            "{}: is a file; give the name of a new folder",
            folder.display()
        )));
    }
    if std::fs::read_dir(folder).is_ok_and(|mut d| d.next().is_some()) {
        return Err(UsageError(format!(
            "{}: already holds files; give the name of a new folder",
            folder.display()
        )));
    }
    peermark_files::manifest::install(peermark_files::manifest::Guard::new("rubric init", false));
    let mut written = Vec::new();
    for (name, text) in peermark_engine::built_in_files() {
        let path = folder.join(name);
        peermark_files::output::write_atomically(&path, text.as_bytes())
            .map_err(|e| UsageError(e.to_string()))?;
        written.push(name);
    }
    peermark_files::manifest::finish().map_err(|e| UsageError(e.to_string()))?;
    let main = folder.join(peermark_engine::DEFAULT_RUBRIC_NAME);
    super::print_out(
        &format!(
            "wrote the built-in rubric into {}: {}\nEdit {}, check it with `peermark rubric check {}`, and mark with `--rubric {}`.\n",
            folder.display(),
            written.join(", "),
            main.display(),
            main.display(),
            main.display()
        ),
        "result",
    )?;
    Ok(Done::Ok)
}

/// `peermark rubric fit ESSAYS... --marks MARKS.csv [--rubric R] --out NEW.toml`: the level
/// thresholds fitted to a centre's own marks (`peermark_engine::fit`), written as a new rubric.
pub fn fit(
    essays: Vec<PathBuf>,
    marks: &Path,
    rubric: Option<PathBuf>,
    out: &Path,
    force: bool,
) -> Result<Done, UsageError> {
    use peermark_engine::fit::{self, MarkedEssay};
    use peermark_files::manifest::{self, Guard};
    let usage = |e: &dyn std::fmt::Display| UsageError(e.to_string());
    if out.is_dir() {
        return Err(UsageError(format!(
            "{}: is a folder; give --out the new rubric's file name (e.g. {}/fitted.toml)",
            out.display(),
            out.display()
        )));
    }
    let r = super::load(rubric.as_ref())?;
    // The rubric's own text and the files it includes, from its folder or the binary.
    let read_source = |name: &str| -> Result<String, UsageError> {
        match &rubric {
            Some(p) => {
                let path = p.parent().unwrap_or(Path::new(".")).join(name);
                std::fs::read_to_string(&path)
                    .map_err(|e| UsageError(format!("{}: cannot read it: {e}", path.display())))
            }
            None => peermark_engine::built_in_files()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string())
                .ok_or_else(|| UsageError(format!("the built-in rubric has no file {name}"))),
        }
    };
    let main_name = rubric
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| peermark_engine::DEFAULT_RUBRIC_NAME.to_string());
    let text = read_source(&main_name)?;
    let includes = fit::includes_of(&text);

    let mut guard = Guard::new("rubric fit", force).input(marks);
    if let Some(p) = &rubric {
        guard.add_input(p);
        for inc in &includes {
            guard.add_input(&p.parent().unwrap_or(Path::new(".")).join(inc));
        }
    }
    let found = peermark_ingest::discover_skipping(&essays, Some(manifest::is_mark_output))
        .map_err(|e| usage(&e))?;
    for s in &found.skipped {
        eprintln!("skipped {}: {}", s.file, s.reason);
    }
    for s in &found.submissions {
        guard.add_input(&s.path);
    }
    manifest::install(guard);
    let marked_by = peermark_engine::marks::read_marks(marks, &r).map_err(|e| usage(&e))?;
    for w in &marked_by.warnings {
        eprintln!("warning: {w}");
    }
    let results = peermark_cohort::batch::mark_batch(&r, &found.submissions, &|| {});
    let mut data = Vec::new();
    let mut unmarked = Vec::new();
    for res in &results {
        if res.status != peermark_engine::result::Status::Marked {
            eprintln!(
                "left out {}: {}",
                res.file,
                res.message.as_deref().unwrap_or("could not be marked")
            );
            continue;
        }
        let Some(row) = marked_by.rows.get(&res.submission) else {
            unmarked.push(res.submission.as_str());
            continue;
        };
        data.push(MarkedEssay {
            submission: res.submission.clone(),
            group: row.group.clone(),
            measures: res
                .criteria
                .iter()
                .flat_map(|c| c.measures.iter().map(|(k, v)| (k.clone(), *v)))
                .collect(),
            levels: row
                .levels
                .iter()
                .filter_map(|(k, v)| v.map(|l| (k.clone(), l)))
                .collect(),
            anchor: row.anchor,
        });
    }
    if !unmarked.is_empty() {
        eprintln!(
            "left out {} essay(s) with no row in {}: {}",
            unmarked.len(),
            marks.display(),
            unmarked.join(", ")
        );
    }
    let seen: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r.submission.as_str()).collect();
    let no_essay: Vec<&str> = marked_by
        .rows
        .keys()
        .map(String::as_str)
        .filter(|s| !seen.contains(s))
        .collect();
    if !no_essay.is_empty() {
        eprintln!(
            "{} row(s) of {} have no essay among the files given: {}",
            no_essay.len(),
            marks.display(),
            no_essay.join(", ")
        );
    }
    let fitted = fit::fit(&r, &data).map_err(|e| usage(&e))?;
    let marks_name = marks
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let new_text = fit::rewrite(
        &text,
        &fitted,
        &marks_name,
        &peermark_report::sheet_docx::today(),
    )
    .map_err(|e| UsageError(format!("{main_name}: {e}")))?;

    // The new rubric, and the files it includes beside it unless the same are there already.
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let write = |path: &Path, text: &str| {
        peermark_files::output::write_atomically(path, text.as_bytes()).map_err(|e| usage(&e))
    };
    write(out, &new_text)?;
    let mut beside = Vec::new();
    for inc in &includes {
        let source = read_source(inc)?;
        let path = dir.join(inc);
        match std::fs::read_to_string(&path) {
            Ok(there) if there == source => {}
            Ok(_) if !force => {
                return Err(UsageError(format!(
                    "{}: the fitted rubric includes {inc}, and the one there differs from the rubric's own; give --out a file in another folder, or --force to replace it",
                    path.display()
                )))
            }
            _ => {
                write(&path, &source)?;
                beside.push(inc.as_str());
            }
        }
    }
    manifest::finish().map_err(|e| usage(&e))?;
    peermark_engine::load_rubric(Some(out)).map_err(|e| {
        UsageError(format!(
            "{}: the fitted rubric does not load ({e}); report this as a bug",
            out.display()
        ))
    })?;
    let mut report = peermark_report::fit::render_text(&fitted);
    report.push_str(&format!("wrote {}", out.display()));
    if !beside.is_empty() {
        report.push_str(&format!(" (and beside it {})", beside.join(", ")));
    }
    report.push_str(&format!(
        "\nMark with it: peermark mark SUBMISSIONS --rubric {}\n",
        out.display()
    ));
    super::print_out(&report, "result")?;
    Ok(Done::Ok)
}
