//! `cargo bench --bench similarity [N…]`: similar-submission search over synthetic cohorts
//! (default 1,000 and 10,000 essays of 1,500 words), with a few planted near-copies.
//! Prints the time to fingerprint every essay (done while marking, in parallel), the time to
//! find the pairs (MinHash/LSH candidates, then exact Jaccard), and whether every planted copy
//! was found and nothing else.

use peermark_cohort::similarity::find_pairs;
use peermark_engine::fingerprint::Fingerprint;
use peermark_engine::rubric::spec::SimilaritySpec;
use peermark_text::{Document, Hint, Paragraph, SourceLines};
use rayon::prelude::*;
use std::time::Instant;

/// splitmix64, for a reproducible synthetic corpus.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A vocabulary of 4,000 words drawn with a Zipf-like skew (common words are very common, as
/// in essays on one assignment), plus stock phrases every essay on the topic uses.
struct Corpus {
    words: Vec<String>,
}

const STOCK: &[&str] = &[
    "peer support is based on shared lived experience",
    "the recovery approach describes recovery as a deeply personal unique process",
    "hope control and opportunity",
    "connectedness hope identity meaning and empowerment",
    "looking back I realised that",
];

impl Corpus {
    fn new() -> Self {
        Corpus {
            words: (0..4000).map(|i| format!("w{i}")).collect(),
        }
    }

    fn essay(&self, seed: u64, words: usize) -> Vec<String> {
        let mut out = Vec::with_capacity(words);
        let mut i = 0u64;
        while out.len() < words {
            let r = mix(seed.wrapping_mul(1_000_003) ^ i);
            i += 1;
            if r.is_multiple_of(40) {
                out.extend(
                    STOCK[(r >> 8) as usize % STOCK.len()]
                        .split(' ')
                        .map(str::to_string),
                );
                continue;
            }
            // Zipf-ish: square a uniform to favour low ranks.
            let u = (r >> 11) as f64 / (1u64 << 53) as f64;
            let k = ((u * u) * self.words.len() as f64) as usize;
            out.push(self.words[k].clone());
        }
        out
    }
}

fn doc(words: &[String]) -> Document {
    let mut ps = vec![Paragraph::new("Title", Hint::Title)];
    for chunk in words.chunks(100) {
        ps.push(Paragraph::new(chunk.join(" "), Hint::None));
    }
    Document::new(ps, SourceLines::Extracted)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let settings = SimilaritySpec {
        threshold: 0.3,
        shingle_words: 5,
        min_passage_words: 20,
        max_partners: 5,
    };
    println!(
        "similarity: threshold {}, {}-word shingles, {} threads",
        settings.threshold,
        settings.shingle_words,
        rayon::current_num_threads()
    );
    let corpus = Corpus::new();
    for n in sizes {
        // n essays: the last 5 are near-copies (every 12th word changed) of essays 0..5.
        let planted = 5.min(n / 2);
        let docs: Vec<Document> = (0..n)
            .into_par_iter()
            .map(|i| {
                let words = if i >= n - planted {
                    let mut w = corpus.essay((i - (n - planted)) as u64, 1500);
                    for k in (0..w.len()).step_by(12) {
                        w[k] = "changed".into();
                    }
                    w
                } else {
                    corpus.essay(i as u64, 1500)
                };
                doc(&words)
            })
            .collect();
        let t = Instant::now();
        let fps: Vec<Fingerprint> = docs
            .par_iter()
            .map(|d| Fingerprint::new(d, &settings))
            .collect();
        let build = t.elapsed();
        let refs: Vec<Option<&Fingerprint>> = fps.iter().map(Some).collect();
        let t = Instant::now();
        let pairs = find_pairs(&refs, &settings);
        let search = t.elapsed();
        let expected: Vec<(usize, usize)> = (0..planted).map(|i| (i, n - planted + i)).collect();
        let found: Vec<(usize, usize)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        println!(
            "{n:>6} essays: fingerprints {:>6.2} s ({:.0} µs/essay), find pairs {:>7.3} s; {} pair(s) found, planted copies {}",
            build.as_secs_f64(),
            build.as_secs_f64() * 1e6 / n as f64,
            search.as_secs_f64(),
            pairs.len(),
            if found == expected { "all found, nothing else" } else { "MISMATCH" }
        );
    }
}
