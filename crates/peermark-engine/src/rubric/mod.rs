//! The rubric file → a typed, validated, compiled [`Rubric`].
//!
//! Errors name the file, the line and the field, so a course lead can fix a rubric without
//! reading code (`peermark rubric check R`).

pub mod condition;
pub mod margins;
pub mod spec;

use condition::Condition;
use peermark_language::{LanguageSettings, RuleSet};
use peermark_safeguard::{SafeguardingSettings, Scanner};
use peermark_text::Matcher;
use sha2::{Digest, Sha256};
use spec::{MeasureSpec, RubricFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A rubric that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("{file}: cannot read the rubric: {source}; check the path")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

/// A level's compiled condition with its advice.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub condition: Condition,
    pub advice: String,
    /// The number is the descriptor's own: `rubric fit` leaves it.
    pub fixed: bool,
}

/// A criterion ready to be scored.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    pub weight: f64,
    pub descriptors: Vec<String>,
    pub feedback: Vec<String>,
    pub stretch: String,
    pub evidence: Vec<String>,
    /// `levels[k]` holds the requirements of level k+1.
    pub levels: Vec<Vec<Requirement>>,
    /// Strengths named whenever their condition holds: (condition, text).
    pub strengths: Vec<(Condition, String)>,
}

impl Criterion {
    /// The level these values reach: levels are cumulative, so the first level whose
    /// requirements do not all hold stops the count.
    pub fn level(&self, values: &BTreeMap<String, f64>) -> u8 {
        self.levels
            .iter()
            .take_while(|reqs| reqs.iter().all(|r| r.condition.holds(values)))
            .count() as u8
    }

    /// Every measure name a level condition of this criterion refers to, in order.
    pub fn measures(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for level in &self.levels {
            for r in level {
                if seen.insert(r.condition.measure.clone()) {
                    out.push(r.condition.measure.clone());
                }
            }
        }
        out
    }
}

/// A compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub phrases: Vec<String>,
    pub matcher: Matcher,
    /// Where this lexicon's phrases sit in [`Rubric::lexicon_bank`].
    pub in_bank: std::ops::Range<usize>,
}

/// A validated rubric with every phrase compiled.
pub struct Rubric {
    pub id: String,
    pub title: String,
    pub assignment: String,
    pub level_names: Vec<String>,
    pub words: spec::WordRange,
    pub achieved_when: BTreeMap<String, u8>,
    pub lexicons: BTreeMap<String, Lexicon>,
    /// Every phrase the criteria look for, in one matcher, so that a body paragraph is
    /// scanned once for all of them: each lexicon's share is [`Lexicon::in_bank`], each
    /// measure's own phrases are [`Rubric::measure_phrases`] and
    /// [`Rubric::measure_excludes`].
    pub lexicon_bank: Matcher,
    pub measures: Vec<MeasureSpec>,
    /// Where the phrases of measures with inline phrases, concepts or frameworks sit in
    /// [`Rubric::lexicon_bank`], by measure name.
    pub measure_phrases: BTreeMap<String, std::ops::Range<usize>>,
    /// Per concepts measure: where its other-sense phrases sit in the bank, and which
    /// concept each belongs to.
    pub measure_excludes: BTreeMap<String, (std::ops::Range<usize>, Vec<usize>)>,
    pub criteria: Vec<Criterion>,
    pub language: RuleSet,
    pub safeguarding: Scanner,
    pub safeguarding_settings: SafeguardingSettings,
    /// `[similarity]`, when the rubric asks for similar submissions to be listed.
    pub similarity: Option<spec::SimilaritySpec>,
    /// `[moderation]`, the moderation sample's size and seed.
    pub moderation: Option<spec::ModerationSpec>,
    /// `[borderline]`, the margins within which a criterion's level is borderline.
    pub borderline: Option<margins::Margins>,
    /// SHA-256 of the rubric file followed by each included file, lower-case hex.
    pub sha256: String,
    pub path: PathBuf,
    /// Where the rubric came from, as results record it: its file's absolute path, or
    /// `built-in`.
    pub location: String,
}

impl std::fmt::Debug for Rubric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rubric")
            .field("id", &self.id)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Every phrase the criteria look for, gathered for [`Rubric::lexicon_bank`], with which
/// measure each part belongs to, to name a phrase that fails to compile.
#[derive(Default)]
struct Bank {
    phrases: Vec<String>,
    owners: Vec<BankOwner>,
}

/// One measure's part of the bank: where it is in the rubric file and how its phrases are
/// named in an error (`measure "x".phrases[2]` or `measure "x".concept phrase "…"`).
struct BankOwner {
    range: std::ops::Range<usize>,
    anchor: String,
    field: String,
    by_index: bool,
}

impl Bank {
    /// Adds `phrases`, owned by a measure (`None` for a lexicon, whose phrases are checked
    /// when it compiles alone); returns where they are.
    fn add(
        &mut self,
        phrases: impl IntoIterator<Item = String>,
        owner: Option<(&str, String, bool)>,
    ) -> std::ops::Range<usize> {
        let start = self.phrases.len();
        self.phrases.extend(phrases);
        let range = start..self.phrases.len();
        if let Some((anchor, field, by_index)) = owner {
            self.owners.push(BankOwner {
                range: range.clone(),
                anchor: anchor.to_string(),
                field,
                by_index,
            });
        }
        range
    }

    /// Compiles the bank; a phrase that fails is named by the measure it belongs to.
    fn compile(&self, src: &Source) -> Result<Matcher, RubricError> {
        Matcher::new(&self.phrases).map_err(|e| {
            match self.owners.iter().find(|o| o.range.contains(&e.index)) {
                Some(o) => {
                    let message = if o.by_index {
                        format!("{}[{}]: {}", o.field, e.index - o.range.start, e.message)
                    } else {
                        format!("{} {:?}: {}", o.field, e.phrase, e.message)
                    };
                    src.invalid_in(&o.anchor, &e.phrase, message)
                }
                None => src.invalid(&e.phrase, format!("lexicon: {}", e.message)),
            }
        })
    }
}

struct Source {
    file: String,
    text: String,
}

impl Source {
    /// The 1-based line of the first occurrence of `needle`, or 1.
    fn line_of(&self, needle: &str) -> usize {
        self.text
            .find(needle)
            .map(|i| self.text[..i].matches('\n').count() + 1)
            .unwrap_or(1)
    }

    fn line_of_offset(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn invalid(&self, needle: &str, message: String) -> RubricError {
        RubricError::Invalid {
            file: self.file.clone(),
            line: self.line_of(needle),
            message,
        }
    }

    /// As [`Source::invalid`], searching for `needle` only from where `anchor` (the table
    /// the error belongs to, e.g. `name = "concepts"`) stands.
    fn invalid_in(&self, anchor: &str, needle: &str, message: String) -> RubricError {
        let line = match self.text.find(anchor) {
            Some(a) => match self.text[a..].find(needle) {
                Some(k) => self.line_of_offset(a + k),
                None => self.line_of_offset(a),
            },
            None => self.line_of(needle),
        };
        RubricError::Invalid {
            file: self.file.clone(),
            line,
            message,
        }
    }
}

fn toml_error(src: &Source, e: toml::de::Error) -> RubricError {
    let line = e.span().map(|s| src.line_of_offset(s.start)).unwrap_or(1);
    RubricError::Invalid {
        file: src.file.clone(),
        line,
        message: e.message().trim().replace('\n', " "),
    }
}

/// Merges `over` into `base`: tables merge key by key, arrays of the same key are joined
/// (`base` first), other values are replaced.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (toml::Value::Array(b), toml::Value::Array(o)) => b.extend(o),
        (b, o) => *b = o,
    }
}

/// Loads, validates and compiles a rubric file and the files it includes.
pub fn load(path: &Path) -> Result<Rubric, RubricError> {
    load_with(path, &|p: &Path| std::fs::read_to_string(p))
}

/// As [`load`], reading files through `reader` (the built-in rubric reads from the binary).
pub fn load_with(
    path: &Path,
    reader: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Rubric, RubricError> {
    let file = path.display().to_string();
    let read = |p: &Path| {
        reader(p).map_err(|source| RubricError::Read {
            file: p.display().to_string(),
            source,
        })
    };
    let main = Source {
        file: file.clone(),
        text: read(path)?,
    };
    let spec: RubricFile = toml::from_str(&main.text).map_err(|e| toml_error(&main, e))?;
    let mut hasher = Sha256::new();
    hasher.update(main.text.as_bytes());

    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut sources = vec![];
    let mut language = toml::Value::Table(Default::default());
    let mut safeguarding = toml::Value::Table(Default::default());
    for inc in &spec.include {
        let p = dir.join(inc);
        let text = reader(&p).map_err(|e| {
            main.invalid(
                inc,
                format!("include {inc:?}: {e}; the path is relative to the rubric file"),
            )
        })?;
        hasher.update(text.as_bytes());
        let src = Source {
            file: p.display().to_string(),
            text,
        };
        let mut table: toml::Table = toml::from_str(&src.text).map_err(|e| toml_error(&src, e))?;
        for key in table.keys() {
            if key != "language" && key != "safeguarding" {
                return Err(src.invalid(key, format!("`{key}`: an included file may hold only [language] and [safeguarding] tables")));
            }
        }
        if let Some(v) = table.remove("language") {
            merge(&mut language, v);
        }
        if let Some(v) = table.remove("safeguarding") {
            merge(&mut safeguarding, v);
        }
        sources.push(src);
    }
    if let Some(v) = spec.language.clone() {
        merge(&mut language, v);
    }
    if let Some(v) = spec.safeguarding.clone() {
        merge(&mut safeguarding, v);
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let all_sources: Vec<&Source> = std::iter::once(&main).chain(sources.iter()).collect();
    let locate = |needle: &str, message: String| -> RubricError {
        for s in &all_sources {
            if s.text.contains(needle) {
                return s.invalid(needle, message);
            }
        }
        main.invalid(needle, message)
    };

    let language_settings: LanguageSettings =
        language.try_into().map_err(|e: toml::de::Error| {
            locate("[language", format!("language: {}", e.message().trim()))
        })?;
    // The language rules are the biggest part to compile: they compile on a thread of their
    // own while the safeguarding cues and the criteria's lexicons compile here.
    let compile_rules = || {
        RuleSet::compile(&language_settings).map_err(|e| {
            let msg = e.to_string();
            let needle = msg
                .split_whitespace()
                .find(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .starts_with('L')
                })
                .map(|w| format!("\"{}\"", w.trim_matches(|c: char| !c.is_alphanumeric())))
                .unwrap_or_else(|| "[language".into());
            locate(&needle, format!("language: {msg}"))
        })
    };
    let safeguarding_settings: SafeguardingSettings =
        safeguarding.try_into().map_err(|e: toml::de::Error| {
            locate(
                "[safeguarding",
                format!("safeguarding: {}", e.message().trim()),
            )
        })?;
    std::thread::scope(|scope| {
        // A panic there must not outlive the scope (it would end the run): it becomes
        // the rubric's error.
        let rules = scope.spawn(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(compile_rules)).unwrap_or_else(
                |_| {
                    Err(main.invalid(
                        "[language",
                        "language: the rules could not be compiled (an internal error); check the [language] table".into(),
                    ))
                },
            )
        });
        // The safeguarding cues compile here meanwhile, then the criteria.
        let scanner = Scanner::new(&safeguarding_settings)
            .map_err(|e| locate("[safeguarding", format!("safeguarding: {e}")))?;
        validate_and_compile(
            spec,
            &main,
            sha256,
            path,
            rules,
            scanner,
            safeguarding_settings,
        )
    })
}

fn validate_and_compile(
    spec: RubricFile,
    src: &Source,
    sha256: String,
    path: &Path,
    language: std::thread::ScopedJoinHandle<'_, Result<RuleSet, RubricError>>,
    safeguarding: Scanner,
    safeguarding_settings: SafeguardingSettings,
) -> Result<Rubric, RubricError> {
    let levels = spec.rubric.level_names.len();
    if levels < 2 {
        return Err(src.invalid(
            "level_names",
            "rubric.level_names: give at least two level names, lowest first".into(),
        ));
    }
    let max_level = (levels - 1) as u8;
    let w = spec.words;
    if !(w.min <= w.target && w.target <= w.max) || w.target == 0 {
        return Err(src.invalid(
            "[words]",
            format!(
                "words: need min <= target <= max and target > 0 (got {} <= {} <= {})",
                w.min, w.target, w.max
            ),
        ));
    }

    if let Some(sim) = &spec.similarity {
        if !(sim.threshold > 0.0 && sim.threshold <= 1.0) {
            return Err(src.invalid(
                "[similarity]",
                format!(
                    "similarity.threshold: give a share between 0 and 1, such as 0.3 (got {})",
                    sim.threshold
                ),
            ));
        }
        if !(2..=20).contains(&sim.shingle_words) {
            return Err(src.invalid(
                "[similarity]",
                format!(
                    "similarity.shingle_words: give 2 to 20 words, such as 5 (got {})",
                    sim.shingle_words
                ),
            ));
        }
    }
    if let Some(m) = &spec.moderation {
        if m.share.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
            return Err(src.invalid(
                "[moderation]",
                "moderation.share: give a share between 0 and 1, such as 0.1".into(),
            ));
        }
    }

    if let Some(b) = &spec.borderline {
        let fields = [
            ("margin", b.margin, f64::INFINITY),
            ("share", b.share, 1.0),
            ("word_share", b.word_share, 0.5),
        ];
        for (field, value, most) in fields {
            if !(value >= 0.0 && value <= most) {
                return Err(src.invalid(
                    "[borderline]",
                    format!(
                        "borderline.{field}: give a margin of 0 or more{} (got {value})",
                        if most.is_finite() {
                            format!(", at most {most}")
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
        }
    }

    // Lexicons.
    let mut lexicons = BTreeMap::new();
    let mut bank = Bank::default();
    for (name, phrases) in &spec.lexicon {
        let matcher = Matcher::new(phrases).map_err(|e| {
            src.invalid(
                &e.phrase,
                format!("lexicon.{name}[{}]: {}", e.index, e.message),
            )
        })?;
        let in_bank = bank.add(phrases.iter().cloned(), None);
        lexicons.insert(
            name.clone(),
            Lexicon {
                phrases: phrases.clone(),
                matcher,
                in_bank,
            },
        );
    }
    let need_lexicon = |field: String, name: &str| -> Result<(), RubricError> {
        if lexicons.contains_key(name) {
            Ok(())
        } else {
            Err(src.invalid(
                &format!("\"{name}\""),
                format!("{field}: no lexicon named {name:?}; define it under [lexicon]"),
            ))
        }
    };

    // Measures.
    let mut outputs: BTreeSet<String> = BTreeSet::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut measure_phrases = BTreeMap::new();
    let mut measure_excludes = BTreeMap::new();
    let mut measures: Vec<MeasureSpec> = Vec::with_capacity(spec.measure.len());
    for m in &spec.measure {
        let mut m = m.clone();
        // `from`: reuse the concept groups of an earlier concepts measure.
        if let MeasureSpec::Concepts {
            name,
            concept,
            from: Some(from),
            ..
        } = &mut m
        {
            let source = measures.iter().find_map(|o| match o {
                MeasureSpec::Concepts {
                    name: n,
                    concept: c,
                    ..
                } if n == from => Some(c.clone()),
                _ => None,
            });
            let anchor = format!("name = \"{name}\"");
            match source {
                Some(c) if concept.is_empty() => *concept = c,
                Some(_) => {
                    return Err(src.invalid_in(
                        &anchor,
                        &format!("name = \"{name}\""),
                        format!(
                            "measure {name:?}: give either `concept` groups or `from`, not both"
                        ),
                    ))
                }
                None => {
                    return Err(src.invalid_in(
                        &anchor,
                        &format!("from = \"{from}\""),
                        format!(
                        "measure {name:?}.from: no concepts measure named {from:?} above this one"
                    ),
                    ))
                }
            }
        }
        let m = &m;
        let name = m.name().to_string();
        let field = format!("measure {name:?}");
        let anchor = format!("name = \"{name}\"");
        if !names.insert(name.clone()) {
            return Err(src.invalid_in(
                &anchor,
                &format!("name = \"{name}\""),
                format!("{field}: this name is used twice"),
            ));
        }
        match m {
            MeasureSpec::Phrases {
                lexicon,
                phrases,
                within,
                ..
            } => {
                match (lexicon, phrases.is_empty()) {
                    (Some(l), true) => need_lexicon(format!("{field}.lexicon"), l)?,
                    (None, false) => {
                        let owner = (anchor.as_str(), format!("{field}.phrases"), true);
                        let range = bank.add(phrases.iter().cloned(), Some(owner));
                        measure_phrases.insert(name.clone(), range);
                    }
                    _ => {
                        return Err(src.invalid_in(
                            &anchor,
                            &format!("name = \"{name}\""),
                            format!("{field}: give either `lexicon` or `phrases`"),
                        ))
                    }
                }
                if let Some(l) = within {
                    need_lexicon(format!("{field}.within"), l)?;
                }
            }
            MeasureSpec::Concepts {
                concept,
                explain,
                define,
                within,
                key,
                ..
            } => {
                need_lexicon(format!("{field}.explain"), explain)?;
                if let Some(d) = define {
                    need_lexicon(format!("{field}.define"), d)?;
                }
                if let Some(l) = within {
                    need_lexicon(format!("{field}.within"), l)?;
                }
                if concept.is_empty() {
                    return Err(src.invalid_in(
                        &anchor,
                        &format!("name = \"{name}\""),
                        format!("{field}: list at least one [[measure.concept]]"),
                    ));
                }
                let mut ids = BTreeSet::new();
                let mut all = Vec::new();
                for c in concept {
                    if !ids.insert(c.id.clone()) {
                        return Err(src.invalid_in(
                            &anchor,
                            &format!("id = \"{}\"", c.id),
                            format!("{field}: concept id {:?} is used twice", c.id),
                        ));
                    }
                    all.extend(c.phrases.iter().cloned());
                }
                for k in key {
                    if !ids.contains(k) {
                        return Err(src.invalid_in(
                            &anchor,
                            &format!("\"{k}\""),
                            format!("{field}.key: no concept with id {k:?}"),
                        ));
                    }
                }
                let owner = (anchor.as_str(), format!("{field}.concept phrase"), false);
                let range = bank.add(all, Some(owner));
                measure_phrases.insert(name.clone(), range);
                let mut ex = Vec::new();
                let mut owners = Vec::new();
                for (ci, c) in concept.iter().enumerate() {
                    ex.extend(c.exclude.iter().cloned());
                    owners.extend(std::iter::repeat_n(ci, c.exclude.len()));
                }
                if !ex.is_empty() {
                    let owner = (anchor.as_str(), format!("{field}.concept exclude"), false);
                    let range = bank.add(ex, Some(owner));
                    measure_excludes.insert(name.clone(), (range, owners));
                }
            }
            MeasureSpec::Narrative {
                first_person,
                markers,
                ..
            } => {
                need_lexicon(format!("{field}.first_person"), first_person)?;
                need_lexicon(format!("{field}.markers"), markers)?;
            }
            MeasureSpec::Together { all, .. } => {
                for other in all {
                    if !names.contains(other) || other == &name {
                        return Err(src.invalid_in(
                            &anchor,
                            &format!("\"{other}\""),
                            format!(
                                "{field}.all: {other:?} is not a measure defined above this one"
                            ),
                        ));
                    }
                }
            }
            MeasureSpec::Run { has, lacks, .. } => {
                for other in [has, lacks] {
                    if !names.contains(other) || other == &name {
                        return Err(src.invalid_in(
                            &anchor,
                            &format!("\"{other}\""),
                            format!("{field}: {other:?} is not a measure defined above this one"),
                        ));
                    }
                }
            }
            MeasureSpec::Sources {
                authors,
                frameworks,
                within,
                ..
            } => {
                if authors.is_empty() && frameworks.is_empty() {
                    return Err(src.invalid_in(
                        &anchor,
                        &format!("name = \"{name}\""),
                        format!("{field}: list `authors` or `frameworks`"),
                    ));
                }
                if !frameworks.is_empty() {
                    let owner = (anchor.as_str(), format!("{field}.frameworks"), true);
                    let range = bank.add(frameworks.iter().cloned(), Some(owner));
                    measure_phrases.insert(name.clone(), range);
                }
                if let Some(l) = within {
                    need_lexicon(format!("{field}.within"), l)?;
                }
            }
            MeasureSpec::Sections {
                intro,
                conclusion,
                topics,
                ..
            } => {
                need_lexicon(format!("{field}.intro"), intro)?;
                need_lexicon(format!("{field}.conclusion"), conclusion)?;
                if let Some(t) = topics {
                    need_lexicon(format!("{field}.topics"), t)?;
                }
            }
            MeasureSpec::Citations { .. }
            | MeasureSpec::Length { .. }
            | MeasureSpec::Language { .. } => {}
        }
        for o in m.outputs() {
            outputs.insert(o);
        }
        measures.push(m.clone());
    }

    // Every phrase the criteria look for, in one matcher.
    let lexicon_bank = bank.compile(src)?;

    // Criteria.
    let mut criteria = Vec::new();
    let mut ids = BTreeSet::new();
    for c in spec.criterion {
        let field = format!("criterion {:?}", c.id);
        let at = format!("id = \"{}\"", c.id);
        if c.id.is_empty()
            || !c
                .id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        {
            return Err(src.invalid_in(
                &at,
                &at,
                format!("{field}: ids use lower-case letters, digits and '_'"),
            ));
        }
        if !ids.insert(c.id.clone()) {
            return Err(src.invalid_in(&at, &at, format!("{field}: this id is used twice")));
        }
        if !(c.weight > 0.0 && c.weight.is_finite()) {
            return Err(src.invalid_in(
                &at,
                &at,
                format!("{field}.weight: must be a positive number"),
            ));
        }
        if c.descriptors.len() != levels {
            return Err(src.invalid_in(&at, &at, format!("{field}.descriptors: give {levels} descriptors, one per level from {}, found {}", spec.rubric.level_names[0], c.descriptors.len())));
        }
        if c.feedback.len() != levels {
            return Err(src.invalid_in(
                &at,
                &at,
                format!(
                    "{field}.feedback: give {levels} texts, one per level, found {}",
                    c.feedback.len()
                ),
            ));
        }
        for e in &c.evidence {
            if !names.contains(e) {
                return Err(src.invalid_in(
                    &at,
                    &format!("\"{e}\""),
                    format!("{field}.evidence: no measure named {e:?}"),
                ));
            }
        }
        let mut by_level: Vec<Vec<Requirement>> = vec![Vec::new(); max_level as usize];
        let mut seen_levels = BTreeSet::new();
        for l in c.level {
            if l.level == 0 || l.level > max_level {
                return Err(src.invalid_in(
                    &at,
                    &at,
                    format!(
                        "{field}.level: level {} is out of range 1..={max_level}",
                        l.level
                    ),
                ));
            }
            if !seen_levels.insert(l.level) {
                return Err(src.invalid_in(
                    &at,
                    &at,
                    format!("{field}.level: level {} is given twice", l.level),
                ));
            }
            for r in l.require {
                let condition = Condition::parse(&r.when).map_err(|e| {
                    src.invalid_in(&at, &r.when, format!("{field}.level {}: {e}", l.level))
                })?;
                if !outputs.contains(&condition.measure) {
                    return Err(src.invalid_in(
                        &at,
                        &r.when,
                        format!(
                            "{field}.level {}: no measure produces {:?}",
                            l.level, condition.measure
                        ),
                    ));
                }
                if r.advice.trim().is_empty() {
                    return Err(src.invalid_in(
                        &at,
                        &r.when,
                        format!(
                            "{field}.level {}: `{}` needs advice for the learner",
                            l.level, r.when
                        ),
                    ));
                }
                by_level[(l.level - 1) as usize].push(Requirement {
                    condition,
                    advice: r.advice,
                    fixed: r.fixed,
                });
            }
        }
        let mut strengths = Vec::new();
        for st in c.strength {
            let condition = Condition::parse(&st.when)
                .map_err(|e| src.invalid_in(&at, &st.when, format!("{field}.strength: {e}")))?;
            if !outputs.contains(&condition.measure) {
                return Err(src.invalid_in(
                    &at,
                    &st.when,
                    format!(
                        "{field}.strength: no measure produces {:?}",
                        condition.measure
                    ),
                ));
            }
            strengths.push((condition, st.say));
        }
        if seen_levels.len() != max_level as usize {
            return Err(src.invalid_in(
                &at,
                &at,
                format!("{field}: give a [[criterion.level]] for every level 1..={max_level}"),
            ));
        }
        // Every `{placeholder}` a learner could read must name something a measure produces:
        // an unknown one would reach the learner as it stands.
        let texts = c
            .descriptors
            .iter()
            .chain(&c.feedback)
            .chain(std::iter::once(&c.stretch))
            .chain(by_level.iter().flatten().map(|r| &r.advice))
            .chain(strengths.iter().map(|(_, say)| say));
        for text in texts {
            if let Some((placeholder, nearest)) = unknown_placeholder(text, &names, &outputs) {
                return Err(src.invalid_in(
                    &at,
                    &placeholder,
                    format!("{field}: no measure gives {placeholder}; did you mean {nearest}?"),
                ));
            }
        }
        criteria.push(Criterion {
            id: c.id,
            title: c.title,
            weight: c.weight,
            descriptors: c.descriptors,
            feedback: c.feedback,
            stretch: c.stretch,
            evidence: c.evidence,
            levels: by_level,
            strengths,
        });
    }
    if criteria.is_empty() {
        return Err(src.invalid(
            "[rubric]",
            "criterion: define at least one [[criterion]]".into(),
        ));
    }
    if let Some(b) = &spec.borderline {
        for (output, margin) in &b.measure {
            if !outputs.contains(output) {
                return Err(src.invalid_in(
                    "[borderline",
                    &format!("{output} ="),
                    format!("borderline.measure.{output}: no measure produces {output:?}"),
                ));
            }
            if !(margin.is_finite() && *margin >= 0.0) {
                return Err(src.invalid_in(
                    "[borderline",
                    &format!("{output} ="),
                    format!(
                        "borderline.measure.{output}: give a margin of 0 or more (got {margin})"
                    ),
                ));
            }
        }
    }
    for (id, level) in &spec.outcome.achieved_when {
        if !ids.contains(id) {
            return Err(src.invalid(
                &format!("{id} ="),
                format!("outcome.achieved_when: no criterion {id:?}"),
            ));
        }
        if *level > max_level {
            return Err(src.invalid(
                &format!("{id} ="),
                format!(
                    "outcome.achieved_when.{id}: level {level} is above the top level {max_level}"
                ),
            ));
        }
    }

    let language = language.join().map_err(|_| {
        src.invalid(
            "[language",
            "language: the rules could not be compiled (an internal error); check the [language] table".into(),
        )
    })??;
    let borderline = spec.borderline.map(|b| margins::Margins::new(b, &measures));
    Ok(Rubric {
        id: spec.rubric.id,
        title: spec.rubric.title,
        assignment: spec.rubric.assignment,
        level_names: spec.rubric.level_names,
        words: spec.words,
        achieved_when: spec.outcome.achieved_when,
        lexicons,
        lexicon_bank,
        measures,
        measure_phrases,
        measure_excludes,
        criteria,
        language,
        safeguarding,
        safeguarding_settings,
        similarity: spec.similarity,
        moderation: spec.moderation,
        borderline,
        sha256,
        path: path.to_path_buf(),
        location: std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
    })
}

impl Rubric {
    pub fn reference(&self) -> crate::result::RubricRef {
        crate::result::RubricRef {
            id: self.id.clone(),
            sha256: self.sha256.clone(),
            path: self.location.clone(),
        }
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The message for a criterion id this rubric does not have, listing the ones it has.
    pub fn no_criterion(&self, id: &str) -> String {
        let ids: Vec<&str> = self.criteria.iter().map(|c| c.id.as_str()).collect();
        format!(
            "no criterion {id:?} in rubric {}; criteria are {}",
            self.id,
            ids.join(", ")
        )
    }
}

/// The first `{placeholder}` in `text` that names nothing: `{value}` must be a measure's
/// output and `{measure.items}` / `{measure.missing}` a measure's name. With it, the nearest
/// valid placeholder (by edit distance).
fn unknown_placeholder(
    text: &str,
    names: &BTreeSet<String>,
    outputs: &BTreeSet<String>,
) -> Option<(String, String)> {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let len = rest[start..].find('}')?;
        let key = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let known = match key.split_once('.') {
            Some((name, "items" | "missing")) => names.contains(name),
            Some(_) => false,
            None => outputs.contains(key),
        };
        if known {
            continue;
        }
        let valid = names
            .iter()
            .flat_map(|n| [format!("{n}.items"), format!("{n}.missing")])
            .chain(outputs.iter().cloned());
        let nearest = valid
            .min_by_key(|v| (strsim::levenshtein(v, key), v.clone()))
            .unwrap_or_default();
        return Some((format!("{{{key}}}"), format!("{{{nearest}}}")));
    }
    None
}
