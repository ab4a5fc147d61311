//! The reading limits as command-line flags, shared by `check` and `mark`.

use peermark_ingest::{parse_size, Limits};

/// Limits on what peermark reads (each stops a damaged or crafted file with a clear error
/// row; none is reached by a real essay).
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Largest file read, e.g. 64M (K, M, G: binary units).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_file_size: u64,
    /// Largest decompressed part of a .docx/.odt zip (stops decompression bombs).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_part_size: u64,
    /// Most entries a .docx/.odt zip may hold.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_entries: u64,
    /// Most text an essay may hold once read (1M is some 170,000 words).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1M")]
    pub max_text_size: u64,
    /// Deepest element nesting read in a document's XML or an HTML page.
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    pub max_xml_depth: u32,
    /// Deepest nesting read in a PDF: objects in objects, forms in forms (1 to 99).
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=99))]
    pub max_pdf_depth: u32,
    /// Most elements a document may hold once parsed: HTML elements, or a PDF's operators and
    /// operands.
    #[arg(long, value_name = "N", default_value_t = 250_000)]
    pub max_elements: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_file_size: self.max_file_size,
            max_part_size: self.max_part_size,
            max_entries: self.max_entries,
            max_text_size: self.max_text_size,
            max_xml_depth: self.max_xml_depth,
            max_pdf_depth: self.max_pdf_depth,
            max_elements: self.max_elements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn defaults_are_the_library_defaults() {
        let t = T::parse_from(["t"]);
        assert_eq!(t.limits.limits(), Limits::default());
        let t = T::parse_from(["t", "--max-file-size", "2M", "--max-entries", "5"]);
        assert_eq!(t.limits.limits().max_file_size, 2 << 20);
        assert_eq!(t.limits.limits().max_entries, 5);
    }
}
