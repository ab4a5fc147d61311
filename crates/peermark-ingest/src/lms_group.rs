//! One submission per learner from the files of an LMS download.

use crate::lms::{parse_lms_name, Learner, Lms, LmsName, ESSAY_PREFERENCE};
use crate::submission::{Extra, Found, Problem, Submission};
use crate::Format;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

fn rank(f: Format) -> usize {
    ESSAY_PREFERENCE
        .iter()
        .position(|&p| p == f)
        .unwrap_or(ESSAY_PREFERENCE.len())
}

struct Group {
    lms: Lms,
    name: String,
    id: String,
    blind: bool,
    late: bool,
    /// (found, the file's path within the submission, where the name is in `found.file`).
    files: Vec<(Found, String, Option<Range<usize>>)>,
    /// Files that are not an essay format: (path within the submission, shown).
    extras: Vec<(String, String)>,
}

/// Where the name is within `file`, given that `file` ends with `rel`.
fn span_in(file: &str, rel: &str, name: &Range<usize>) -> Option<Range<usize>> {
    let base = file.len().checked_sub(rel.len())?;
    file.ends_with(rel)
        .then(|| base + name.start..base + name.end)
}

/// Gathers the files of LMS downloads into one submission per learner (within one zip or
/// input folder), choosing the essay by [`ESSAY_PREFERENCE`]; other files are returned as
/// they came.
pub(crate) fn group(found: Vec<Found>, extras: Vec<Extra>) -> (Vec<Found>, Vec<Submission>) {
    type Key = (String, String, Lms, String);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    let mut plain = Vec::new();
    let new_group = |n: &LmsName| Group {
        lms: n.lms,
        name: n.name.to_string(),
        id: n.id.to_string(),
        blind: n.blind,
        late: false,
        files: Vec::new(),
        extras: Vec::new(),
    };
    for f in found {
        let parsed = if f.problem.is_none() {
            parse_lms_name(&f.rel).map(|n| {
                let key: Key = (
                    f.container.clone(),
                    f.rel[..n.name_range.start].to_string(),
                    n.lms,
                    n.id.to_string(),
                );
                (key, new_group(&n), n.late, n.file.to_string(), n.name_range)
            })
        } else {
            None
        };
        match parsed {
            Some((key, g, late, inner, range)) => {
                let span = span_in(&f.file, &f.rel, &range);
                let g = groups.entry(key).or_insert(g);
                g.late |= late;
                g.files.push((f, inner, span));
            }
            None => plain.push(f),
        }
    }
    for e in extras {
        if let Some(n) = parse_lms_name(&e.rel) {
            let key: Key = (
                e.container.clone(),
                e.rel[..n.name_range.start].to_string(),
                n.lms,
                n.id.to_string(),
            );
            let g = groups.entry(key).or_insert_with(|| new_group(&n));
            g.late |= n.late;
            g.extras.push((n.file.to_string(), e.file.clone()));
        }
    }
    let mut subs = Vec::with_capacity(groups.len());
    for (_, mut g) in groups {
        g.files.sort_by(|(a, ra, _), (b, rb, _)| {
            rank(a.format)
                .cmp(&rank(b.format))
                .then(b.size.cmp(&a.size))
                .then(ra.as_bytes().cmp(rb.as_bytes()))
        });
        let learner = Learner {
            lms: g.lms,
            name: (!g.blind).then(|| g.name.clone()),
            id: g.id.clone(),
            late: g.late,
        };
        let id = format!("{}-{}", g.lms.as_str(), g.id);
        let mut files = g.files.into_iter();
        let mut others: Vec<String> = Vec::new();
        let sub = match files.next() {
            Some((chosen, _, span)) => {
                others.extend(files.map(|(_, inner, _)| inner));
                others.extend(
                    g.extras
                        .iter()
                        .map(|(inner, _)| format!("{inner} (not an essay file)")),
                );
                Submission {
                    id,
                    file: chosen.file,
                    path: chosen.path,
                    format: chosen.format,
                    learner: Some(learner),
                    others,
                    member: chosen.member,
                    problem: None,
                    name_span: span,
                }
            }
            None => {
                // Only files that are not essays: the learner still gets a row, with why.
                let listed: Vec<String> = g
                    .extras
                    .iter()
                    .map(|(inner, _)| format!("{inner} (not an essay file)"))
                    .collect();
                let shown = g.extras[0].1.clone();
                Submission {
                    id,
                    path: PathBuf::from(&shown),
                    file: shown,
                    format: Format::Txt,
                    learner: Some(learner),
                    others: Vec::new(),
                    member: None,
                    problem: Some(Problem::NoEssay(listed.join("; "))),
                    name_span: None,
                }
            }
        };
        subs.push(sub);
    }
    (plain, subs)
}
