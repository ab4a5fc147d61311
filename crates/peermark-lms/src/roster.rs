//! `mark --roster G.csv`: a Canvas gradebook export turns Canvas user ids into full names
//! (Canvas downloads name files only `lastnamefirstname`).

use super::ExportError;
use peermark_ingest::{Lms, Submission};
use std::collections::HashMap;
use std::path::Path;

/// User id → full name ("Doe, Jane" becomes "Jane Doe").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    pub names: HashMap<String, String>,
}

impl Roster {
    /// Reads a Canvas gradebook export (`Student` and `ID` columns); the `Points Possible`
    /// row and rows without a numeric id are left out.
    pub fn load(path: &Path) -> Result<Roster, ExportError> {
        let bytes = super::read_input(path, "roster")?;
        Roster::parse(&bytes).map_err(|e| ExportError(format!("{}: {e}", path.display())))
    }

    pub fn parse(bytes: &[u8]) -> Result<Roster, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = rdr
            .headers()
            .map_err(|e| format!("not a CSV file ({e}); export the gradebook from Canvas again"))?
            .clone();
        let col = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(student), Some(id)) = (col("Student"), col("ID")) else {
            return Err(
                "not a Canvas gradebook export (it needs `Student` and `ID` columns); in Canvas: Grades → Export → Export Entire Gradebook"
                    .to_string(),
            );
        };
        let mut names = HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| format!("cannot be read ({e}); export it again"))?;
            let (Some(name), Some(uid)) = (rec.get(student), rec.get(id)) else {
                continue;
            };
            let uid = uid.trim();
            if uid.is_empty() || !uid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            names.insert(uid.to_string(), full_name(name));
        }
        Ok(Roster { names })
    }

    /// Names the Canvas learners among `subs`; returns the ids of Canvas learners the roster
    /// does not list.
    pub fn apply(&self, subs: &mut [Submission]) -> Vec<String> {
        let mut missing = Vec::new();
        for s in subs.iter_mut() {
            let Some(l) = &mut s.learner else { continue };
            if l.lms != Lms::Canvas {
                continue;
            }
            match self.names.get(&l.id) {
                Some(n) => l.name = Some(n.clone()),
                None => missing.push(l.id.clone()),
            }
        }
        missing
    }
}

/// `"Doe, Jane"` → `"Jane Doe"`; anything else as it is (trimmed).
pub fn full_name(student: &str) -> String {
    match student.split_once(',') {
        Some((last, first)) if !first.contains(',') && !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => student.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvas_gradebook_gives_names() {
        let r = Roster::parse(
            "Student,ID,SIS User ID\n    Points Possible,,\n\"Doe, Jane\",5512,S1\n\"O'Neill, Siobhán\",5513,S2\nTest Student,,\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(r.names.len(), 2);
        assert_eq!(r.names["5512"], "Jane Doe");
        assert_eq!(r.names["5513"], "Siobhán O'Neill");
        assert_eq!(full_name("Cher"), "Cher");
        assert!(Roster::parse(b"Name,Id\nx,1\n").is_err());
    }
}
