//! `peermark rubric check FILE`: validate a rubric (its language rules' own examples
//! included); `peermark rubric init FOLDER`: the built-in rubric's files, ready to edit.

use crate::cli::{Done, UsageError};
use std::path::Path;

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
