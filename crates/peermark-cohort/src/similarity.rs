//! Similar submissions: pairs in a cohort whose text largely overlaps, for the assessor to look
//! at. Never a mark: the pairs only become assessor notes.
//!
//! Each essay's body (title and reference list excluded) becomes a sequence of normalised words
//! (lower case, letters and digits only) and its *shingles*, the runs of
//! `[similarity] shingle_words` consecutive words. Two essays are similar when the Jaccard
//! share of their distinct shingles reaches `[similarity] threshold`. Small cohorts compare
//! every pair exactly; larger ones first find candidate pairs by MinHash with locality-sensitive
//! hashing (banding), then compare only those exactly, so 10,000 essays never make 50 million
//! full comparisons. The overlapping passages are the runs of words covered by shared shingles,
//! reported as paragraph and line ranges in each essay.

use peermark_engine::fingerprint::{distinct, mix, Fingerprint, Place, SIGNATURE};
use peermark_engine::result::{AssessorNote, MarkResult, NoteQuote};
use peermark_engine::rubric::spec::SimilaritySpec;
use std::collections::{HashMap, HashSet};

/// The kind of the assessor note for a similar pair.
pub const NOTE_KIND: &str = "similar-text";

/// Cohorts up to this size compare every pair exactly, without MinHash.
const EXACT_UP_TO: usize = 200;
/// LSH bands are chosen so that a pair at the threshold becomes a candidate at least this
/// often.
const RECALL_AT_THRESHOLD: f64 = 0.995;

/// A stretch of overlapping text in one essay and where it is in the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// First and last word (0-based body word indexes) here.
    pub words: (u32, u32),
    /// First and last word of the matching text in the other essay.
    pub other_words: (u32, u32),
    /// Where it starts here: (paragraph, line).
    pub start: (u32, u32),
    /// Where it is here and in the other essay.
    pub here: Place,
    pub there: Place,
}

/// Two submissions whose text largely overlaps (`a` < `b`, as indexes of the results).
#[derive(Clone, Debug, PartialEq)]
pub struct SimilarPair {
    pub a: usize,
    pub b: usize,
    /// How many similar partners `a` and `b` have in all (listed or not).
    pub partners_a: usize,
    pub partners_b: usize,
    /// Jaccard share of distinct shingles, 0–1.
    pub jaccard: f64,
    /// Passages of `a` (with where they are in `b`), and of `b` (with where they are in `a`).
    pub passages_a: Vec<Passage>,
    pub passages_b: Vec<Passage>,
}

/// Rows per LSH band for a threshold: the most rows (fewest false candidates) that still make
/// a pair at the threshold a candidate with probability `RECALL_AT_THRESHOLD`.
pub fn rows_per_band(threshold: f64) -> usize {
    let mut best = 1;
    for r in 1..=16usize {
        let b = SIGNATURE / r;
        let p = 1.0 - (1.0 - threshold.powi(r as i32)).powi(b as i32);
        if p >= RECALL_AT_THRESHOLD {
            best = r;
        }
    }
    best
}

/// Exact Jaccard of two sorted distinct lists.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Members of one LSH bucket above which each is paired with its next [`NEIGHBOURS`] only.
const CROWDED: usize = 64;
const NEIGHBOURS: usize = 24;

/// Candidate pairs (i < j): every pair for small cohorts, else those sharing an LSH bucket.
fn candidates(prints: &[Option<&Fingerprint>], threshold: f64) -> Vec<(usize, usize)> {
    let live: Vec<usize> = (0..prints.len())
        .filter(|&i| prints[i].is_some_and(|f| !f.signature.is_empty()))
        .collect();
    if live.len() <= EXACT_UP_TO {
        let mut out = Vec::new();
        for (x, &i) in live.iter().enumerate() {
            for &j in &live[x + 1..] {
                out.push((i, j));
            }
        }
        return out;
    }
    let r = rows_per_band(threshold);
    let bands = SIGNATURE / r;
    // Bands are bucketed in parallel, each thread keeping its own set of pairs (a pair
    // (i, j) packed as i << 32 | j), and the sets are merged at the end.
    use rayon::prelude::*;
    let pairs: HashSet<u64> = (0..bands)
        .into_par_iter()
        // One set per thread, not one per band.
        .with_min_len(bands.div_ceil(rayon::current_num_threads().max(1)))
        .fold(HashSet::new, |mut pairs: HashSet<u64>, band| {
            let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
            for &i in &live {
                let sig = &prints[i].expect("live").signature[band * r..(band + 1) * r];
                let key = sig.iter().fold(band as u64, |acc, &v| mix(acc ^ v as u64));
                buckets.entry(key).or_default().push(i);
            }
            for members in buckets.values().filter(|m| m.len() > 1) {
                // A crowded bucket (a template many learners share) pairs each member with
                // its next few only, so the work stays linear in the cohort: each still finds
                // far more partners than are listed, and the note says how many were found.
                let reach = if members.len() > CROWDED {
                    NEIGHBOURS
                } else {
                    members.len()
                };
                for (x, &i) in members.iter().enumerate() {
                    for k in 1..reach.min(members.len()) {
                        let j = members[(x + k) % members.len()];
                        if members.len() <= CROWDED && x + k >= members.len() {
                            break;
                        }
                        pairs.insert(((i.min(j) as u64) << 32) | i.max(j) as u64);
                    }
                }
            }
            pairs
        })
        .reduce(HashSet::new, |mut a, b| {
            if a.len() < b.len() {
                return b.into_iter().chain(a).collect();
            }
            a.extend(b);
            a
        });
    let mut out: Vec<(usize, usize)> = pairs
        .into_iter()
        .map(|p| ((p >> 32) as usize, (p & 0xffff_ffff) as usize))
        .collect();
    out.sort_unstable();
    out
}

/// Where each distinct shingle first occurs in an essay: an open-addressing table (shingles
/// are hashes already), built in one pass. A passage search makes one per pair of essays, so
/// it must be cheaper than sorting.
struct FirstIndex {
    /// (shingle, first index); index `u32::MAX` marks an empty slot.
    slots: Vec<(u32, u32)>,
    mask: usize,
}

impl FirstIndex {
    fn new(shingles: &[u32]) -> Self {
        let size = (shingles.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(0u32, u32::MAX); size];
        let mask = size - 1;
        for (i, &h) in shingles.iter().enumerate() {
            let mut at = h as usize & mask;
            loop {
                let (key, idx) = slots[at];
                if idx == u32::MAX {
                    slots[at] = (h, i as u32);
                    break;
                }
                if key == h {
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        FirstIndex { slots, mask }
    }

    fn get(&self, h: u32) -> Option<u32> {
        let mut at = h as usize & self.mask;
        loop {
            let (key, idx) = self.slots[at];
            if idx == u32::MAX {
                return None;
            }
            if key == h {
                return Some(idx);
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// Runs of words in `here` covered by shingles that `there` also has, at least `min_words`
/// long, with where each run's shingles are in `there`.
fn passages(here: &Fingerprint, there: &Fingerprint, min_words: usize) -> Vec<Passage> {
    let first_in_there = FirstIndex::new(&there.shingles);
    let lookup = |h: u32| first_in_there.get(h);
    let k = here.shingle_words;
    let mut out = Vec::new();
    // The current run: (first word, last word, min and max shingle index in `there`).
    let mut run: Option<(u32, u32, u32, u32)> = None;
    let flush = |run: Option<(u32, u32, u32, u32)>, out: &mut Vec<Passage>| {
        if let Some((s, e, ts, te)) = run {
            if (e - s + 1) as usize >= min_words {
                let te_word = (te + there.shingle_words - 1).min(there.words.saturating_sub(1));
                out.push(Passage {
                    words: (s, e),
                    other_words: (ts, te_word),
                    start: here.position(s),
                    here: here.place(s, e),
                    there: there.place(ts, te_word),
                });
            }
        }
    };
    for (i, h) in here.shingles.iter().enumerate() {
        let Some(t) = lookup(*h) else {
            continue;
        };
        let (s, e) = (i as u32, i as u32 + k - 1);
        // A run goes on while the text here is contiguous and so is its match there (text
        // inserted or removed on one side starts a new passage).
        run = match run {
            Some((rs, re, ts, te)) if s <= re + 1 && t > te && t <= te + k => {
                Some((rs, re.max(e), ts, t))
            }
            other => {
                flush(other, &mut out);
                Some((s, e, t, t))
            }
        };
    }
    flush(run, &mut out);
    out
}

/// The similar pairs worth listing, before their passages are located.
struct Listed {
    /// (a, b, Jaccard) with a < b, in order.
    pairs: Vec<(usize, usize, f64)>,
    /// How many similar partners each submission has in all (listed or not).
    partners: Vec<usize>,
}

/// Finds the similar pairs and keeps those among the first `max_partners` of either side.
fn listed_pairs(prints: &[Option<&Fingerprint>], settings: &SimilaritySpec) -> Listed {
    use rayon::prelude::*;
    let similar: Vec<(usize, usize, f64)> = {
        let sets: Vec<Option<Vec<u32>>> = prints
            .par_iter()
            .map(|p| p.map(|f| distinct(&f.shingles)))
            .collect();
        let cands = candidates(prints, settings.threshold);
        cands
            .par_iter()
            .filter_map(|&(a, b)| {
                let j = jaccard(sets[a].as_deref()?, sets[b].as_deref()?);
                (j >= settings.threshold).then_some((a, b, j))
            })
            .collect()
    };
    // Each submission's partners, most similar first; a pair is listed when it is among the
    // first `max_partners` of either side.
    let mut by_member: Vec<Vec<(f64, usize)>> = vec![Vec::new(); prints.len()];
    for &(a, b, j) in &similar {
        by_member[a].push((j, b));
        by_member[b].push((j, a));
    }
    let mut listed: HashSet<(usize, usize)> = HashSet::new();
    for (me, list) in by_member.iter_mut().enumerate() {
        list.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        for &(_, other) in list.iter().take(settings.max_partners) {
            listed.insert((me.min(other), me.max(other)));
        }
    }
    let partners = by_member.iter().map(Vec::len).collect();
    let mut pairs: Vec<(usize, usize, f64)> = similar
        .into_iter()
        .filter(|(a, b, _)| listed.contains(&(*a, *b)))
        .collect();
    pairs.sort_by_key(|&(a, b, _)| (a, b));
    Listed { pairs, partners }
}

/// Finds the similar pairs among fingerprints (indexes into `prints`; `None` for a
/// submission that could not be read), with their passages.
pub fn find_pairs(prints: &[Option<&Fingerprint>], settings: &SimilaritySpec) -> Vec<SimilarPair> {
    use rayon::prelude::*;
    let listed = listed_pairs(prints, settings);
    listed
        .pairs
        .par_iter()
        .filter_map(|&(a, b, j)| {
            let (fa, fb) = (prints[a]?, prints[b]?);
            Some(SimilarPair {
                a,
                b,
                partners_a: listed.partners[a],
                partners_b: listed.partners[b],
                jaccard: j,
                passages_a: passages(fa, fb, settings.min_passage_words),
                passages_b: passages(fb, fa, settings.min_passage_words),
            })
        })
        .collect()
}

/// Finds similar pairs among marked results (sorted by submission), adds an assessor note to
/// both submissions of each pair, one per overlapping passage, and drops the fingerprints.
/// Returns how many pairs were listed.
///
/// Each submission's notes are built on its own, in parallel, straight from the two
/// fingerprints: a cohort built on one template has hundreds of thousands of passages, and
/// they are never all held at once.
pub fn annotate(results: &mut [MarkResult], settings: Option<&SimilaritySpec>) -> usize {
    use rayon::prelude::*;
    let prints: Vec<Option<Box<Fingerprint>>> =
        results.iter_mut().map(|r| r.fingerprint.take()).collect();
    let Some(settings) = settings else {
        return 0;
    };
    let refs: Vec<Option<&Fingerprint>> = prints.iter().map(|p| p.as_deref()).collect();
    let listed = listed_pairs(&refs, settings);
    // Each submission's listed partners, in pair order.
    let mut partners: Vec<Vec<(u32, f64)>> = vec![Vec::new(); results.len()];
    for &(a, b, j) in &listed.pairs {
        partners[a].push((b as u32, j));
        partners[b].push((a as u32, j));
    }
    let ids: Vec<std::sync::Arc<str>> = results
        .iter()
        .map(|r| std::sync::Arc::from(r.submission.as_str()))
        .collect();
    let max = settings.max_partners;
    results.par_iter_mut().enumerate().for_each(|(me, r)| {
        for &(other, j) in &partners[me] {
            let other = other as usize;
            let (Some(here), Some(there)) = (refs[me], refs[other]) else {
                continue;
            };
            let other_id = &ids[other];
            let pct = (j * 100.0).round();
            let cue: std::sync::Arc<str> =
                format!("similar to {other_id}: {pct}% of word sequences shared").into();
            let before = r.assessor_notes.len();
            for ps in passages(here, there, settings.min_passage_words) {
                r.assessor_notes.push(AssessorNote {
                    kind: NOTE_KIND.into(),
                    tier: None,
                    cue: cue.clone(),
                    paragraph: ps.start.0 as usize,
                    line: ps.start.1,
                    quote: NoteQuote::Passage {
                        here: ps.here,
                        there: ps.there,
                        other: other_id.clone(),
                    },
                });
            }
            if r.assessor_notes.len() == before {
                // Shared sequences spread thinly: still one note naming the pair.
                r.assessor_notes.push(AssessorNote {
                    kind: NOTE_KIND.into(),
                    tier: None,
                    cue,
                    paragraph: 0,
                    line: 0,
                    quote: format!(
                        "short shared passages throughout, none of {} words or more",
                        settings.min_passage_words
                    )
                    .into(),
                });
            }
        }
        let more = if partners[me].is_empty() {
            0
        } else {
            listed.partners[me].saturating_sub(max)
        };
        if more > 0 {
            r.assessor_notes.push(AssessorNote {
                kind: NOTE_KIND.into(),
                tier: None,
                cue: format!("similar to at least {more} more submission(s), not listed").into(),
                paragraph: 0,
                line: 0,
                quote: format!(
                    "only the {max} most similar are listed; so many similar submissions may mean a shared template or source"
                )
                .into(),
            });
        }
    });
    listed.pairs.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use peermark_engine::fingerprint::{word_hash, word_hash_unicode};
    use peermark_text::{Document, Hint, Paragraph, SourceLines};

    fn settings() -> SimilaritySpec {
        SimilaritySpec {
            threshold: 0.3,
            shingle_words: 5,
            min_passage_words: 8,
            max_partners: 5,
        }
    }

    fn doc(paras: &[&str]) -> Document {
        let mut ps = vec![Paragraph::new("A title", Hint::Title)];
        ps.extend(paras.iter().map(|t| Paragraph::new(*t, Hint::None)));
        Document::new(ps, SourceLines::Extracted)
    }

    /// Deterministic pseudo-essays: `n` words drawn from a small vocabulary.
    fn words(seed: u64, n: usize) -> String {
        const V: &[&str] = &[
            "hope",
            "peer",
            "support",
            "recovery",
            "I",
            "felt",
            "the",
            "group",
            "and",
            "was",
            "my",
            "life",
            "a",
            "of",
            "to",
            "connection",
            "choice",
            "control",
            "meaning",
            "we",
            "walked",
            "talked",
            "listened",
            "learned",
            "together",
            "slowly",
            "again",
            "work",
        ];
        (0..n)
            .map(|i| V[(mix(seed * 1_000_003 + i as u64) % V.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn normalised_words_ignore_case_and_punctuation() {
        assert_eq!(word_hash("Don’t"), word_hash("dont"));
        assert_eq!(word_hash("HOPE"), word_hash("hope"));
        assert_eq!(word_hash("–"), None);
    }

    #[test]
    fn identical_text_is_jaccard_one_and_distinct_text_is_low() {
        let s = settings();
        let a = Fingerprint::new(&doc(&[&words(1, 300)]), &s);
        let b = Fingerprint::new(&doc(&[&words(1, 300)]), &s);
        let c = Fingerprint::new(&doc(&[&words(2, 300)]), &s);
        let pairs = find_pairs(&[Some(&a), Some(&b), Some(&c)], &s);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a, pairs[0].b), (0, 1));
        assert!((pairs[0].jaccard - 1.0).abs() < 1e-9);
    }

    /// Twelve copies of one text: each submission lists its five most similar partners (pairs
    /// listed for the other side may add a few) and no more than the cap on either side.
    #[test]
    fn a_shared_template_lists_at_most_the_cap_per_submission() {
        let s = settings();
        let text = words(3, 300);
        let prints: Vec<Fingerprint> = (0..12)
            .map(|i| Fingerprint::new(&doc(&[&text, &words(100 + i, 20)]), &s))
            .collect();
        let refs: Vec<Option<&Fingerprint>> = prints.iter().map(Some).collect();
        let pairs = find_pairs(&refs, &s);
        assert!(pairs.len() < 12 * 11 / 2, "{}", pairs.len());
        for i in 0..12 {
            let listed = pairs.iter().filter(|p| p.a == i || p.b == i).count();
            assert!((5..=11).contains(&listed), "{i}: {listed}");
            let p = pairs.iter().find(|p| p.a == i || p.b == i).unwrap();
            assert_eq!(if p.a == i { p.partners_a } else { p.partners_b }, 11);
        }
        // Each side's own five are listed: at most 12 × 5 pairs in all.
        assert!(pairs.len() <= 12 * 5);
    }

    /// 300 copies of one template (above the exact-comparison size): the work stays linear,
    /// and every copy still lists its cap of partners.
    #[test]
    fn a_large_template_cohort_stays_linear() {
        let s = settings();
        let text = words(5, 300);
        let prints: Vec<Fingerprint> = (0..300)
            .map(|i| Fingerprint::new(&doc(&[&text, &words(1000 + i, 20)]), &s))
            .collect();
        let refs: Vec<Option<&Fingerprint>> = prints.iter().map(Some).collect();
        let bands = SIGNATURE / rows_per_band(s.threshold);
        let n = candidates(&refs, s.threshold).len();
        assert!(n <= bands * 300 * NEIGHBOURS, "{n}");
        assert!(n < 300 * 299 / 2, "{n}");
        let pairs = find_pairs(&refs, &s);
        for i in 0..300 {
            let listed = pairs.iter().filter(|p| p.a == i || p.b == i).count();
            assert!(listed >= s.max_partners, "{i}: {listed}");
        }
    }

    #[test]
    fn a_copied_paragraph_is_located_in_both_essays() {
        let s = settings();
        let shared = words(7, 60);
        let a = doc(&[&words(10, 40), &shared, &words(11, 40)]);
        let b = doc(&[&shared, &words(12, 10)]);
        let (fa, fb) = (Fingerprint::new(&a, &s), Fingerprint::new(&b, &s));
        let ps = passages(&fa, &fb, 8);
        assert_eq!(ps.len(), 1, "{ps:?}");
        // Paragraph 3 of `a` (the title is 1) matches paragraph 2 of `b`; extracted text has
        // one line per paragraph and a blank line between.
        assert_eq!(ps[0].start, (3, 5));
        assert_eq!(ps[0].here.to_string(), "paragraph 3, line 5");
        assert_eq!(ps[0].there.to_string(), "paragraph 2, line 3");
        assert!(ps[0].words.1 - ps[0].words.0 + 1 >= 56);
    }

    #[test]
    fn ascii_words_hash_as_the_general_path_does() {
        for w in [
            "Recovery",
            "don't",
            "self-HARM",
            "2019",
            "--",
            "",
            "a_b",
            "CHIME.",
            "Zz@[",
        ] {
            assert_eq!(word_hash(w), word_hash_unicode(w), "{w}");
        }
        assert_eq!(word_hash("hope"), word_hash("HOPE"));
        assert_ne!(word_hash("hope"), word_hash("hose"));
    }

    #[test]
    fn first_index_finds_each_shingles_first_place() {
        // Repeats, a zero key, and keys that share their low bits (they probe past each
        // other), against a plain map.
        let mut shingles: Vec<u32> = (0..500u64).map(|i| (mix(i % 320) >> 40) as u32).collect();
        shingles.extend([0, 0, 1 << 20, 2 << 20, 3 << 20, 1 << 20]);
        let index = FirstIndex::new(&shingles);
        let mut first: HashMap<u32, u32> = HashMap::new();
        for (i, &h) in shingles.iter().enumerate() {
            first.entry(h).or_insert(i as u32);
        }
        for (&h, &i) in &first {
            assert_eq!(index.get(h), Some(i), "{h}");
        }
        for h in [7u32, 5 << 20, u32::MAX] {
            assert_eq!(index.get(h), first.get(&h).copied());
        }
        assert_eq!(FirstIndex::new(&[]).get(3), None);
    }

    #[test]
    fn short_essays_have_no_shingles_and_are_never_similar() {
        let s = settings();
        let a = Fingerprint::new(&doc(&["Hope and me"]), &s);
        assert!(a.signature.is_empty());
        assert!(find_pairs(&[Some(&a), Some(&a)], &s).is_empty());
    }

    #[test]
    fn rows_per_band_follow_the_threshold() {
        assert!(rows_per_band(0.8) > rows_per_band(0.3));
        for t in [0.2, 0.3, 0.5, 0.8] {
            let r = rows_per_band(t);
            let b = SIGNATURE / r;
            let p = 1.0 - (1.0 - f64::powi(t, r as i32)).powi(b as i32);
            assert!(p >= RECALL_AT_THRESHOLD, "t {t} r {r} p {p}");
        }
    }

    #[test]
    fn lsh_finds_the_same_pairs_as_exact_comparison_on_a_large_cohort() {
        // 400 distinct essays plus three near-copies (every 15th word changed): the LSH path
        // (over EXACT_UP_TO) must find exactly the copies.
        let s = settings();
        let mut texts: Vec<String> = (0..400).map(|i| words(100 + i, 250)).collect();
        for (copy_of, _) in [(5usize, 0), (77, 1), (301, 2)] {
            let mut w: Vec<String> = texts[copy_of].split(' ').map(str::to_string).collect();
            for i in (0..w.len()).step_by(15) {
                w[i] = "changed".into();
            }
            texts.push(w.join(" "));
        }
        let prints: Vec<Fingerprint> = texts
            .iter()
            .map(|t| Fingerprint::new(&doc(&[t]), &s))
            .collect();
        let refs: Vec<Option<&Fingerprint>> = prints.iter().map(Some).collect();
        let found: Vec<(usize, usize)> = find_pairs(&refs, &s).iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(found, vec![(5, 400), (77, 401), (301, 402)]);
    }
}
