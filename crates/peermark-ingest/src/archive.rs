//! Zip archives read in place: the central directory is read once when the archive is found,
//! and each member is decompressed into memory when it is marked. Nothing is extracted to disk.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

use crate::IngestError;

/// An open zip archive, shared by the submissions found in it.
pub struct Archive {
    path: PathBuf,
    zip: Mutex<ZipArchive<File>>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).finish()
    }
}

/// One entry of an archive's directory.
pub(crate) struct Entry {
    /// The member's path, `/`-separated, without a leading `/` or `./`.
    pub name: String,
    pub index: usize,
    /// Uncompressed size as the archive declares it.
    pub size: u64,
}

impl Archive {
    /// Opens a zip file and lists its files (folders left out), in byte order of names.
    pub(crate) fn open(path: &Path) -> Result<(Arc<Archive>, Vec<Entry>), &'static str> {
        let file = File::open(path).map_err(|_| "the file cannot be read")?;
        let mut zip = ZipArchive::new(file).map_err(|_| "the zip container cannot be read")?;
        let mut entries = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let Ok(f) = zip.by_index_raw(index) else {
                continue;
            };
            if f.is_dir() {
                continue;
            }
            let name = normalise(f.name());
            if name.is_empty() {
                continue;
            }
            entries.push(Entry {
                name,
                index,
                size: f.size(),
            });
        }
        entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        let archive = Arc::new(Archive {
            path: path.to_path_buf(),
            zip: Mutex::new(zip),
        });
        Ok((archive, entries))
    }

    /// The archive's path on disk.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Decompresses one member into memory (at most `limit` bytes, declared and actual).
    pub(crate) fn read(&self, index: usize, limit: u64) -> Result<Vec<u8>, IngestError> {
        let damaged = |detail| IngestError::Damaged { ext: "zip", detail };
        let mut zip = self.zip.lock().unwrap_or_else(|e| e.into_inner());
        let f = zip.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => {
                damaged("this member is encrypted or compressed in a way peermark does not read")
            }
            _ => damaged("this member cannot be read"),
        })?;
        if f.size() > limit {
            return Err(IngestError::FileTooLarge { limit });
        }
        let mut bytes = Vec::with_capacity(f.size() as usize);
        f.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|_| damaged("this member cannot be decompressed"))?;
        if bytes.len() as u64 > limit {
            return Err(IngestError::FileTooLarge { limit });
        }
        Ok(bytes)
    }
}

/// `\` → `/`, no leading `/` or `./`, no empty or `.` components.
fn normalise(name: &str) -> String {
    name.replace('\\', "/")
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A member of an archive, to be read when it is marked.
#[derive(Clone, Debug)]
pub struct Member {
    pub archive: Arc<Archive>,
    pub index: usize,
    /// The member's path inside the archive.
    pub name: String,
}

impl PartialEq for Member {
    fn eq(&self, other: &Self) -> bool {
        self.archive.path == other.archive.path && self.index == other.index
    }
}
impl Eq for Member {}

impl Member {
    pub fn read(&self, limit: u64) -> Result<Vec<u8>, IngestError> {
        self.archive.read(self.index, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn member_names_are_normalised() {
        assert_eq!(normalise("a\\b\\c.docx"), "a/b/c.docx");
        assert_eq!(normalise("/./a//b.txt"), "a/b.txt");
        assert_eq!(normalise("../x.txt"), "../x.txt");
    }
}
