//! A submission's similarity fingerprint: what the cohort's similar-submission search needs
//! of one essay (its shingles in order, a MinHash signature, where its words are), made while
//! the essay is marked so that the document itself need not be kept. Comparing fingerprints
//! across a cohort is the cohort tools' business, not this crate's.

use crate::rubric::spec::SimilaritySpec;
use peermark_text::Document;

/// MinHash values per essay.
pub const SIGNATURE: usize = 128;
/// What similarity needs of one essay: its shingles in order, a MinHash signature and where
/// its words are. About 4 bytes per word.
#[derive(Clone, Debug, PartialEq)]
pub struct Fingerprint {
    /// Hash of the shingle starting at each word (`words - shingle_words + 1` of them).
    pub shingles: Vec<u32>,
    /// Body words.
    pub words: u32,
    pub shingle_words: u32,
    /// MinHash signature over the distinct shingles (empty when the essay is too short).
    pub signature: Vec<u32>,
    /// (first word index, 1-based paragraph) of each body paragraph, in order.
    pub paragraphs: Vec<(u32, u32)>,
    /// (first word index, line) wherever the source line changes, in order.
    pub lines: Vec<(u32, u32)>,
}

impl Fingerprint {
    /// The fingerprint of a document's body words.
    pub fn new(doc: &Document, settings: &SimilaritySpec) -> Self {
        let k = settings.shingle_words.max(1);
        let mut hashes: Vec<u64> = Vec::new();
        let mut paragraphs = Vec::new();
        let mut lines: Vec<(u32, u32)> = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if !p.is_body() {
                continue;
            }
            let mut first = true;
            for r in peermark_text::words::word_ranges(&p.text) {
                let Some(h) = word_hash(&p.text[r.clone()]) else {
                    continue;
                };
                let idx = hashes.len() as u32;
                if first {
                    paragraphs.push((idx, i as u32 + 1));
                    first = false;
                }
                let line = line_of(p, r.start);
                if lines.last().is_none_or(|&(_, l)| l != line) {
                    lines.push((idx, line));
                }
                hashes.push(h);
            }
        }
        let shingles: Vec<u32> = if hashes.len() >= k {
            hashes
                .windows(k)
                .map(|w| {
                    let h = w
                        .iter()
                        .fold(0x9e37_79b9_7f4a_7c15u64, |acc, &x| mix(acc ^ x));
                    (h >> 32) as u32
                })
                .collect()
        } else {
            Vec::new()
        };
        let signature = minhash(&distinct(&shingles));
        Fingerprint {
            shingles,
            words: hashes.len() as u32,
            shingle_words: k as u32,
            signature,
            paragraphs,
            lines,
        }
    }

    /// Paragraph and line of word `w`.
    pub fn position(&self, w: u32) -> (u32, u32) {
        let find = |v: &[(u32, u32)]| match v.binary_search_by(|&(i, _)| i.cmp(&w)) {
            Ok(k) => v[k].1,
            Err(0) => v.first().map(|x| x.1).unwrap_or(1),
            Err(k) => v[k - 1].1,
        };
        (find(&self.paragraphs), find(&self.lines))
    }

    /// Where the words `from..=to` are.
    pub fn place(&self, from: u32, to: u32) -> Place {
        let (p1, l1) = self.position(from);
        let (p2, l2) = self.position(to);
        Place {
            paragraphs: (p1, p2),
            lines: (l1, l2),
        }
    }
}

/// Where a run of words is: its first and last paragraph (1-based) and source line. Shown as
/// `paragraphs 2–6, lines 3–11` (or `paragraph 2, line 3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub paragraphs: (u32, u32),
    pub lines: (u32, u32),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let range = |f: &mut std::fmt::Formatter<'_>, one: &str, many: &str, (a, b): (u32, u32)| {
            if a == b {
                write!(f, "{one} {a}")
            } else {
                write!(f, "{many} {a}\u{2013}{b}")
            }
        };
        range(f, "paragraph", "paragraphs", self.paragraphs)?;
        f.write_str(", ")?;
        range(f, "line", "lines", self.lines)
    }
}

/// The source line of a byte of a paragraph (its origin's line: no character counting).
pub fn line_of(p: &peermark_text::Paragraph, byte: usize) -> u32 {
    match p.origin.binary_search_by(|o| o.byte.cmp(&byte)) {
        Ok(i) => p.origin[i].line,
        Err(0) => p.origin.first().map_or(1, |o| o.line),
        Err(i) => p.origin[i - 1].line,
    }
}

/// Sorted distinct shingles.
pub fn distinct(shingles: &[u32]) -> Vec<u32> {
    let mut v = shingles.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// A normalised word's hash: lower case, letters and digits only (`Don’t` = `dont`); `None`
/// for a token without any.
pub fn word_hash(word: &str) -> Option<u64> {
    if !word.is_ascii() {
        return word_hash_unicode(word);
    }
    // As `word_hash_unicode`, a byte at a time (an ASCII letter lower-cases to one byte).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for b in word.bytes().filter(u8::is_ascii_alphanumeric) {
        any = true;
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    any.then_some(h)
}

/// [`word_hash`] of any word: FNV-1a over the UTF-8 of its lower-cased letters and digits.
pub fn word_hash_unicode(word: &str) -> Option<u64> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for c in word.chars().filter(|c| c.is_alphanumeric()) {
        for l in c.to_lowercase() {
            any = true;
            let mut buf = [0u8; 4];
            for b in l.encode_utf8(&mut buf).bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    any.then_some(h)
}

/// The splitmix64 finaliser: a fast, well-mixed 64-bit permutation.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// MinHash signature over distinct shingles by one-permutation hashing: each shingle is
/// hashed once, its hash picks one of `SIGNATURE` bins, and each bin keeps the least hash that
/// fell in it. Two essays' bins agree about as often as the Jaccard share of their shingles,
/// as with `SIGNATURE` separate hash functions, at 1/`SIGNATURE` of the cost (which had been
/// a tenth of marking an essay). A bin no shingle fell in (rare: an essay has hundreds of
/// shingles) borrows from the next filled bin along, with the distance mixed in, so that two
/// essays with the same shingles still agree there.
pub fn minhash(distinct: &[u32]) -> Vec<u32> {
    if distinct.is_empty() {
        return Vec::new();
    }
    let mut sig = vec![u32::MAX; SIGNATURE];
    let mut filled = [false; SIGNATURE];
    for &x in distinct {
        let h = mix(x as u64);
        let bin = (((h >> 32) * SIGNATURE as u64) >> 32) as usize;
        let v = h as u32;
        if !filled[bin] || v < sig[bin] {
            sig[bin] = v;
            filled[bin] = true;
        }
    }
    let bins = sig.clone();
    for i in 0..SIGNATURE {
        if filled[i] {
            continue;
        }
        let (distance, from) = (1..SIGNATURE)
            .map(|d| (d, (i + d) % SIGNATURE))
            .find(|&(_, j)| filled[j])
            .expect("at least one shingle, so one bin is filled");
        sig[i] = mix(((bins[from] as u64) << 8) ^ distance as u64) as u32;
    }
    sig
}
