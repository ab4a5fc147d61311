//! The phrase notation that rubric lexicons are written in, and a one-pass matcher.
//!
//! A phrase is matched case-insensitively on word boundaries; any run of whitespace
//! (including a line break) matches the space between words. Notation:
//!
//! | write | matches |
//! |---|---|
//! | `empower*` | any ending: empower, empowered, empowerment (ASCII letters, for speed) |
//! | `self-harm` | `self-harm`, `self harm`, `selfharm` (a hyphen may be a space or nothing) |
//! | `don't` | a straight or curly apostrophe |
//! | `recogni[sz]e` | a character class inside a word |
//! | `(back)` | an optional word or phrase: `took (back) control` |
//! | `(family\|friends)` | one of several words or phrases |
//! | `(a\|b\|)` | one of several, or nothing |
//! | `…` or `...` | a gap of up to five words: `took … control` |
//! | `re:<regex>` | a raw regular expression, for the rare case the notation cannot say (its `\b` is ASCII) |

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::meta::Regex as MetaRegex;
use regex_automata::{Anchored, Input};
use std::ops::Range;
use std::sync::OnceLock;

/// A phrase that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("phrase {phrase:?}: {message}")]
pub struct PhraseError {
    /// Index of the phrase in the list given to [`Matcher::new`].
    pub index: usize,
    pub phrase: String,
    pub message: String,
}

const WB: &str = r"(?-u:\b)";

/// Compiles one phrase to a regular expression (without flags; [`Matcher`] adds `(?i)`).
pub fn compile_phrase(phrase: &str) -> Result<String, String> {
    let phrase = phrase.trim();
    if let Some(raw) = phrase.strip_prefix("re:") {
        // Word boundaries are ASCII, as in compiled phrases: a Unicode `\b` would make the
        // whole one-pass set fall back to a slow engine on any text with a curly quote.
        let raw = raw
            .replace("(?-u:\\b)", "\u{0}")
            .replace("\\b", WB)
            .replace('\u{0}', WB);
        // Its syntax is checked where it is compiled (`Matcher::new`), not twice.
        return Ok(raw);
    }
    if phrase.is_empty() {
        return Err("empty phrase".into());
    }
    let phrase = expand_in_word_groups(phrase)?;
    let chars: Vec<char> = phrase.chars().collect();
    let mut pos = 0;
    let items = parse_seq(&chars, &mut pos, false)?;
    if pos != chars.len() {
        return Err(format!("unexpected {:?}", chars[pos]));
    }
    if items.iter().all(|i| i.optional) {
        return Err("every part of the phrase is optional".into());
    }
    Ok(join(&items))
}

/// Rewrites each group written inside a word (`mak(e|es|ing)`, `counsel(l|)ing`,
/// `learn(ed|t)?`) as a choice of whole words (`(make|makes|making)`), which the rest of
/// the notation reads. A group with a space before and after is a word group and is left as
/// it is.
fn expand_in_word_groups(phrase: &str) -> Result<String, String> {
    let is_stop = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '|' | '?');
    let mut chars: Vec<char> = phrase.chars().collect();
    loop {
        // The first '(' glued to a word on either side whose group holds no space or group.
        let mut found = None;
        for (i, &c) in chars.iter().enumerate() {
            if c != '(' {
                continue;
            }
            let Some(len) = chars[i + 1..].iter().position(|&d| d == ')') else {
                break;
            };
            let close = i + 1 + len;
            let inner = &chars[i + 1..close];
            if inner.iter().any(|&d| d.is_whitespace() || d == '(') {
                continue;
            }
            let optional = chars.get(close + 1) == Some(&'?');
            let after = close + 1 + usize::from(optional);
            let glued_before = i > 0 && !is_stop(chars[i - 1]);
            let glued_after = chars.get(after).is_some_and(|&d| !is_stop(d));
            if glued_before || glued_after {
                found = Some((i, close, optional, after));
                break;
            }
        }
        let Some((open, close, optional, after)) = found else {
            return Ok(chars.into_iter().collect());
        };
        let start = chars[..open]
            .iter()
            .rposition(|&d| is_stop(d))
            .map_or(0, |p| p + 1);
        let end = chars[after..]
            .iter()
            .position(|&d| is_stop(d))
            .map_or(chars.len(), |p| after + p);
        let prefix: String = chars[start..open].iter().collect();
        let suffix: String = chars[after..end].iter().collect();
        let inner: String = chars[open + 1..close].iter().collect();
        let mut alternatives: Vec<String> = inner
            .split('|')
            .map(|a| format!("{prefix}{a}{suffix}"))
            .collect();
        if optional {
            alternatives.push(format!("{prefix}{suffix}"));
        }
        if alternatives.iter().any(|a| a.is_empty()) {
            return Err("a group inside a word leaves an empty word".into());
        }
        let replacement: Vec<char> = format!("({})", alternatives.join("|")).chars().collect();
        chars.splice(start..end, replacement);
    }
}

struct Item {
    regex: String,
    optional: bool,
}

fn join(items: &[Item]) -> String {
    let mut out = String::new();
    let mut first_required_seen = false;
    let mut pending_leading: Vec<&Item> = Vec::new();
    for item in items {
        if !first_required_seen {
            if item.optional {
                pending_leading.push(item);
                continue;
            }
            for p in &pending_leading {
                out.push_str(&format!("(?:{}\\s+)?", p.regex));
            }
            out.push_str(&item.regex);
            first_required_seen = true;
        } else if item.optional {
            out.push_str(&format!("(?:\\s+{})?", item.regex));
        } else {
            out.push_str(&format!("\\s+{}", item.regex));
        }
    }
    out
}

fn parse_seq(chars: &[char], pos: &mut usize, in_group: bool) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    loop {
        while *pos < chars.len() && chars[*pos].is_whitespace() {
            *pos += 1;
        }
        if *pos >= chars.len() {
            if in_group {
                return Err("unclosed '('".into());
            }
            return Ok(items);
        }
        let c = chars[*pos];
        if in_group && (c == '|' || c == ')') {
            return Ok(items);
        }
        if c == ')' {
            return Err("')' without '('".into());
        }
        if c == '(' {
            *pos += 1;
            let mut alts: Vec<Vec<Item>> = Vec::new();
            loop {
                alts.push(parse_seq(chars, pos, true)?);
                if *pos >= chars.len() {
                    return Err("unclosed '('".into());
                }
                let d = chars[*pos];
                *pos += 1;
                if d == ')' {
                    break;
                }
            }
            let mut optional = alts.len() == 1 || alts.iter().any(|a| a.is_empty());
            if *pos < chars.len() && chars[*pos] == '?' {
                optional = true;
                *pos += 1;
            }
            let parts: Vec<String> = alts
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    if a.iter().all(|i| i.optional) {
                        Err("a choice may not be all optional".to_string())
                    } else {
                        Ok(join(a))
                    }
                })
                .collect::<Result<_, _>>()?;
            if parts.is_empty() {
                return Err("empty group '()'".into());
            }
            items.push(Item {
                regex: format!("(?:{})", parts.join("|")),
                optional,
            });
            continue;
        }
        if c == '…'
            || (c == '.' && chars.get(*pos + 1) == Some(&'.') && chars.get(*pos + 2) == Some(&'.'))
        {
            *pos += if c == '…' { 1 } else { 3 };
            items.push(Item {
                regex: r"\S+(?:\s+\S+){0,4}?".into(),
                optional: true,
            });
            continue;
        }
        // A word: up to whitespace, '(' , ')' or '|'.
        let start = *pos;
        let mut in_class = false;
        while *pos < chars.len() {
            let d = chars[*pos];
            if in_class {
                if d == ']' {
                    in_class = false;
                }
            } else if d == '[' {
                in_class = true;
            } else if d.is_whitespace() || d == '(' || d == ')' || d == '|' {
                break;
            }
            *pos += 1;
        }
        if in_class {
            return Err("unclosed '['".into());
        }
        let word: String = chars[start..*pos].iter().collect();
        items.push(Item {
            regex: compile_word(&word)?,
            optional: false,
        });
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn compile_word(word: &str) -> Result<String, String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    // An empty word (found by the rubric fuzz target) is an error, not a panic.
    let Some(&first) = chars.first() else {
        return Err("an empty word in a phrase".into());
    };
    if is_word_char(first) || first == '[' {
        out.push_str(WB);
    }
    let mut i = 0;
    let mut ends_open = false;
    while i < chars.len() {
        let c = chars[i];
        ends_open = false;
        match c {
            '*' if i + 1 == chars.len() => {
                out.push_str(r"(?-u:\w)*");
                ends_open = true;
            }
            '*' => return Err("'*' may only end a word".into()),
            '-' | '\u{2010}' | '\u{2011}' => out.push_str("[-\u{2010}\u{2011}\\s]?"),
            '\'' | '\u{2019}' => out.push_str("['\u{2019}]"),
            '[' => {
                let close = chars[i..].iter().position(|&d| d == ']').unwrap() + i;
                let class: String = chars[i..=close].iter().collect();
                out.push_str(&class);
                i = close;
            }
            _ => {
                let mut buf = [0u8; 4];
                out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
            }
        }
        i += 1;
    }
    let last = *chars.last().unwrap();
    if !ends_open && (is_word_char(last) || last == ']') {
        out.push_str(WB);
    }
    Ok(out)
}

/// One match of a phrase: which phrase, and the byte range in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub pattern: usize,
    pub range: Range<usize>,
}

/// Matches many phrases against a text in one pass.
///
/// Every phrase yields literals that its matches must contain. One Aho-Corasick pass over the
/// text, case-insensitive, finds where those literals occur; only the phrases found there are
/// searched, each with its own regular expression, built the first time it is needed. When
/// every match of a phrase must *begin* with one of its literals, the phrase is only tried
/// at those places, anchored (the common case, and by far the cheapest); otherwise the text is
/// searched for it from the start. The rare phrase with no usable literal is always searched.
///
/// Most paragraphs are spaced simply: words are separated by one plain space and nothing
/// else. On such a text a phrase's literals may span several words ("support group" rather
/// than "support"), which lets far fewer places through, so a second set of literals is
/// kept for them.
#[derive(Clone, Debug)]
pub struct Matcher {
    /// Literals for any text, built the first time a text that is not simply spaced comes.
    general: OnceLock<Literals>,
    /// Literals for simply spaced texts (see [`simply_spaced`]).
    simple: Literals,
    /// Per phrase: whether every match begins at an ASCII word boundary, so a literal
    /// found inside a word (`hope` in `unhopeful`) cannot begin one.
    word_start: Vec<bool>,
    sources: Vec<String>,
    regexes: Vec<OnceLock<Option<MetaRegex>>>,
    /// Per phrase tried only where it begins: a forward lazy DFA, built on first use.
    starts: Vec<OnceLock<Option<std::sync::Arc<StartDfa>>>>,
}

/// A phrase's forward lazy DFA, for anchored tries: it finds where a match that begins at a
/// given place ends. Unlike a full regex it compiles no reverse automaton and no capture
/// groups, which halves the cost of building it; a try it gives up on goes to the full regex.
struct StartDfa {
    dfa: std::sync::Arc<regex_automata::hybrid::dfa::DFA>,
    caches: regex_automata::util::pool::Pool<regex_automata::hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<
    dyn Fn() -> regex_automata::hybrid::dfa::Cache
        + Send
        + Sync
        + std::panic::UnwindSafe
        + std::panic::RefUnwindSafe,
>;

impl std::fmt::Debug for StartDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartDfa").finish_non_exhaustive()
    }
}

impl StartDfa {
    fn new(source: &str) -> Option<Self> {
        use regex_automata::hybrid::dfa::DFA;
        use regex_automata::nfa::thompson;
        let dfa = DFA::builder()
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(1 << 24))
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build(source)
            .ok()?;
        let dfa = std::sync::Arc::new(dfa);
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(StartDfa {
            dfa,
            caches: regex_automata::util::pool::Pool::new(create),
        })
    }

    /// The end of the match that begins at `input`'s start, `Ok(None)` when none does, or
    /// `Err` when the lazy DFA gave up.
    fn end(&self, input: &Input<'_>) -> Result<Option<usize>, ()> {
        let mut cache = self.caches.get();
        self.dfa
            .try_search_fwd(&mut cache, input)
            .map(|m| m.map(|m| m.offset()))
            .map_err(|_| ())
    }
}

/// One Aho-Corasick automaton over the phrases' literals, and how each phrase is tried.
#[derive(Clone, Debug)]
struct Literals {
    /// An automaton over `plan.literals`.
    automaton: Option<AhoCorasick>,
    plan: LiteralPlan,
}

/// What [`Literals`] is built from: the literals to look for and how each phrase is tried.
/// It is the costly part to work out (every phrase parsed and its literals extracted), and
/// what the [`store`] keeps between runs.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct LiteralPlan {
    literals: Vec<Vec<u8>>,
    /// For each literal, the phrase it belongs to.
    owner: Vec<u32>,
    /// Per phrase: whether it is tried only where one of its literals begins.
    anchored: Vec<bool>,
    /// Phrases searched on every text.
    always: Vec<usize>,
    /// Per phrase: the length of its one literal when the phrase is nothing but that
    /// literal between word boundaries (`peer support`), so that a literal found with a
    /// word boundary at each end is a match and needs no regex.
    whole: Vec<Option<u32>>,
}

impl Literals {
    /// Chooses, for each phrase's syntax tree, the literals to look for and how to try it.
    fn new(hirs: &[regex_syntax::hir::Hir]) -> Result<Self, (usize, String)> {
        Self::build(Self::plan(hirs))
    }

    fn plan(hirs: &[regex_syntax::hir::Hir]) -> LiteralPlan {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        let mut anchored = Vec::with_capacity(hirs.len());
        let mut always = Vec::new();
        let mut whole = Vec::with_capacity(hirs.len());
        for (i, hir) in hirs.iter().enumerate() {
            // Anchored tries at the phrase's first words are cheapest per try, but when
            // those words are everyday ones ("the", "was") the tries are many and nearly all
            // fail: a rarer word the phrase must contain then picks far fewer texts to search.
            let prefix = prefix_literals(hir);
            // (Only worth finding when the prefix is all everyday words: it is costly.)
            let required = if prefix.as_ref().is_none_or(|p| selectivity(p) == 0) {
                required_literals(hir)
            } else {
                None
            };
            let (lits, is_prefix) = match (prefix, required) {
                (Some(p), Some(r)) if selectivity(&p) == 0 && selectivity(&r) >= CONTENT_WORD => {
                    (Some(r), false)
                }
                (Some(p), _) => (Some(p), true),
                (None, r) => (r, false),
            };
            whole.push(match (&lits, is_prefix) {
                (Some(lits), true) => whole_literal(hir)
                    .filter(|w| lits.len() == 1 && lits[0].eq_ignore_ascii_case(w))
                    .map(|w| w.len() as u32),
                _ => None,
            });
            match lits {
                Some(lits) => {
                    for l in lits {
                        literals.push(l);
                        owner.push(i as u32);
                    }
                }
                None => always.push(i),
            }
            anchored.push(is_prefix);
        }
        LiteralPlan {
            literals,
            owner,
            anchored,
            always,
            whole,
        }
    }

    /// The automaton over a plan's literals. A contiguous NFA: it builds four times faster
    /// than a DFA over these literals (start-up) and searches paragraphs as fast.
    fn build(plan: LiteralPlan) -> Result<Self, (usize, String)> {
        let automaton = if plan.literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&plan.literals)
                    .map_err(|e| (0, e.to_string()))?,
            )
        };
        Ok(Literals { automaton, plan })
    }
}

impl Literals {
    /// No literals: every phrase is searched on every text.
    fn everything(n: usize) -> Self {
        Literals {
            automaton: None,
            plan: LiteralPlan {
                literals: Vec::new(),
                owner: Vec::new(),
                anchored: vec![false; n],
                always: (0..n).collect(),
                whole: vec![None; n],
            },
        }
    }
}

/// Whether the only whitespace in `text` is single plain spaces.
fn simply_spaced(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Control characters (tabs, line breaks) and doubled spaces, a word at a time.
    let control = bytes
        .chunks(32)
        .any(|c| c.iter().fold(false, |any, &b| any | (b < 0x20)));
    if control || memchr::memmem::find(bytes, b"  ").is_some() {
        return false;
    }
    // Non-ASCII whitespace (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000) is rare; look
    // at the characters only when there are non-ASCII ones.
    text.is_ascii() || !text.chars().any(|c| c != ' ' && c.is_whitespace())
}

/// `re` rewritten for simply spaced texts: each whitespace class becomes a plain space and
/// `\s+` a single one. On a simply spaced text the two match the same strings (or the
/// rewrite matches more), so its literals are literals of `re` there.
fn for_simple_spacing(re: &str) -> String {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len());
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let d = chars[i + 1];
            if d == 's' {
                if in_class {
                    out.push(' ');
                    i += 2;
                } else if chars.get(i + 2) == Some(&'+') {
                    out.push(' ');
                    i += 3;
                } else if chars.get(i + 2) == Some(&'*') {
                    out.push_str(" ?");
                    i += 3;
                } else {
                    out.push(' ');
                    i += 2;
                }
                continue;
            }
            out.push(c);
            out.push(d);
            i += 2;
            continue;
        }
        if in_class && c == ']' {
            in_class = false;
        } else if !in_class && c == '[' {
            in_class = true;
            out.push(c);
            // A ']' or '^]' right after '[' is a literal, not the end of the class.
            if chars.get(i + 1) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            if chars.get(i + 1) == Some(&']') {
                out.push(']');
                i += 1;
            }
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

impl Matcher {
    /// Compiles phrases written in the notation above.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Result<Self, PhraseError> {
        let key = store::key(phrases);
        if let Some(prepared) = key.and_then(store::get) {
            if prepared.sources.len() == phrases.len() {
                if let Ok(m) = Self::from_prepared(&prepared) {
                    return Ok(m);
                }
            }
        }
        let m = Self::compile(phrases)?;
        if let Some(key) = key {
            store::put(
                key,
                store::Prepared {
                    sources: m.sources.clone(),
                    word_start: m.word_start.clone(),
                    simple: m.simple.plan.clone(),
                },
            );
        }
        Ok(m)
    }

    /// A matcher from a stored analysis: nothing parsed, only the automaton built.
    fn from_prepared(p: &store::Prepared) -> Result<Self, (usize, String)> {
        let n = p.sources.len();
        Ok(Matcher {
            general: OnceLock::new(),
            simple: Literals::build(p.simple.clone())?,
            word_start: p.word_start.clone(),
            sources: p.sources.clone(),
            regexes: (0..n).map(|_| OnceLock::new()).collect(),
            starts: (0..n).map(|_| OnceLock::new()).collect(),
        })
    }

    fn compile<S: AsRef<str>>(phrases: &[S]) -> Result<Self, PhraseError> {
        let mut compiled = Vec::with_capacity(phrases.len());
        for (index, p) in phrases.iter().enumerate() {
            let re = compile_phrase(p.as_ref()).map_err(|message| PhraseError {
                index,
                phrase: p.as_ref().to_string(),
                message,
            })?;
            compiled.push(re);
        }
        Self::from_regexes(compiled).map_err(|(index, message)| PhraseError {
            index,
            phrase: phrases[index].as_ref().to_string(),
            message,
        })
    }

    fn from_regexes(compiled: Vec<String>) -> Result<Self, (usize, String)> {
        let parse = |re: &str| {
            regex_syntax::ParserBuilder::new()
                .build()
                .parse(re)
                .map_err(|e| match &e {
                    regex_syntax::Error::Parse(e) => syntax_error(e.kind(), e.span()),
                    regex_syntax::Error::Translate(e) => syntax_error(e.kind(), e.span()),
                    _ => e.to_string().replace('\n', " "),
                })
        };
        let mut simple_hirs = Vec::with_capacity(compiled.len());
        let mut word_start = Vec::with_capacity(compiled.len());
        let mut sources = Vec::with_capacity(compiled.len());
        for (i, re) in compiled.iter().enumerate() {
            let simple_re = for_simple_spacing(re);
            let simple_hir = if simple_re == *re {
                parse(re).map_err(|e| (i, e))?
            } else {
                // The expression must be valid: its syntax is checked here, and its tree is
                // built only when its literals for any text are first needed (`general`).
                // The rewrite of a valid expression is valid; should it ever not be, the
                // expression's own tree serves simple texts too.
                regex_syntax::ast::parse::Parser::new()
                    .parse(re)
                    .map_err(|e| (i, syntax_error(e.kind(), e.span())))?;
                match parse(&simple_re) {
                    Ok(hir) => hir,
                    Err(_) => parse(re).map_err(|e| (i, e))?,
                }
            };
            // (The rewrite leaves how a match begins as it is.)
            word_start.push(starts_at_word_boundary(&simple_hir));
            simple_hirs.push(simple_hir);
            sources.push(format!("(?i){re}"));
        }
        let simple = Literals::new(&simple_hirs)?;
        let regexes = (0..sources.len()).map(|_| OnceLock::new()).collect();
        let starts = (0..sources.len()).map(|_| OnceLock::new()).collect();
        Ok(Matcher {
            general: OnceLock::new(),
            simple,
            word_start,
            sources,
            regexes,
            starts,
        })
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The literals for texts that are not simply spaced.
    fn general(&self) -> &Literals {
        self.general.get_or_init(|| {
            let hirs: Vec<regex_syntax::hir::Hir> = self
                .sources
                .iter()
                .map(|source| {
                    let re = source.strip_prefix("(?i)").unwrap_or(source);
                    // Every source parsed when the matcher was built; an empty expression
                    // (no literals: always searched) is the safe stand-in should one not.
                    regex_syntax::ParserBuilder::new()
                        .build()
                        .parse(re)
                        .unwrap_or_else(|_| regex_syntax::hir::Hir::empty())
                })
                .collect();
            Literals::new(&hirs).unwrap_or_else(|_| Literals::everything(hirs.len()))
        })
    }

    /// The regular expression of phrase `pattern`, built on first use.
    fn regex(&self, pattern: usize) -> Option<&MetaRegex> {
        self.regexes[pattern]
            .get_or_init(|| {
                MetaRegex::builder()
                    .configure(
                        MetaRegex::config()
                            .nfa_size_limit(Some(1 << 24))
                            // A full DFA per phrase costs more to build than it saves on
                            // paragraph-sized texts.
                            .dfa(false)
                            // Anchored phrases are only tried where they begin: a prefilter
                            // would never be used, and building one is most of the cost.
                            // (Texts that are not simply spaced may search it whole.)
                            .auto_prefilter(!self.simple.plan.anchored[pattern]),
                    )
                    .build(&self.sources[pattern])
                    .ok()
            })
            .as_ref()
    }

    /// The forward lazy DFA of phrase `pattern`, built on first use.
    fn start_dfa(&self, pattern: usize) -> Option<&StartDfa> {
        self.starts[pattern]
            .get_or_init(|| StartDfa::new(&self.sources[pattern]).map(std::sync::Arc::new))
            .as_deref()
    }

    /// The match of phrase `pattern` that begins at `at`, if any.
    fn match_at(&self, pattern: usize, text: &str, at: usize) -> Option<Range<usize>> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        if let Some(dfa) = self.start_dfa(pattern) {
            if let Ok(end) = dfa.end(&input) {
                return end.map(|end| at..end);
            }
        }
        self.regex(pattern)?.search(&input).map(|m| m.range())
    }

    /// Visits the matches of every phrase: `found(pattern, range)`, phrase by phrase in
    /// ascending order, each phrase's matches left to right without overlaps (as a
    /// leftmost-first `find_iter` would give them). Stops early when `found` returns `false`.
    fn visit(&self, text: &str, mut found: impl FnMut(usize, Range<usize>) -> bool) {
        // (pattern, start) of each literal that begins a match of an anchored phrase, and
        // the other phrases worth searching.
        let mut starts: Vec<(u32, u32)> = Vec::new();
        let set = if simply_spaced(text) {
            &self.simple
        } else {
            self.general()
        };
        let mut scan: Vec<usize> = set.plan.always.clone();
        let bytes = text.as_bytes();
        if let Some(ac) = &set.automaton {
            for m in ac.find_overlapping_iter(text) {
                let p = set.plan.owner[m.pattern().as_usize()];
                if set.plan.anchored[p as usize] {
                    let at = m.start();
                    if self.word_start[p as usize]
                        && at > 0
                        && is_ascii_word(bytes[at - 1])
                        && is_ascii_word(bytes[at])
                    {
                        continue;
                    }
                    starts.push((p, at as u32));
                } else {
                    scan.push(p as usize);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        scan.sort_unstable();
        scan.dedup();
        let mut s = 0;
        let mut k = 0;
        loop {
            let next_anchored = starts.get(s).map(|&(p, _)| p as usize);
            let next_scan = scan.get(k).copied();
            let pattern = match (next_anchored, next_scan) {
                (None, None) => return,
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
            };
            if next_anchored == Some(pattern) {
                let mut end = 0;
                while s < starts.len() && starts[s].0 as usize == pattern {
                    let at = starts[s].1 as usize;
                    s += 1;
                    if at < end {
                        continue;
                    }
                    let m = match set.plan.whole[pattern] {
                        // A whole-literal phrase: the literal is there (the automaton found
                        // it); the match is it when both ends are word boundaries.
                        Some(len) => {
                            let end = at + len as usize;
                            (end <= bytes.len()
                                && at_word_boundary(bytes, at)
                                && at_word_boundary(bytes, end))
                            .then_some(at..end)
                        }
                        None => self.match_at(pattern, text, at),
                    };
                    if let Some(m) = m {
                        if m.start < m.end {
                            end = m.end;
                            if !found(pattern, m) {
                                return;
                            }
                        }
                    }
                }
            } else {
                k += 1;
                let Some(re) = self.regex(pattern) else {
                    continue;
                };
                for m in re.find_iter(text) {
                    if m.start() < m.end() && !found(pattern, m.range()) {
                        return;
                    }
                }
            }
        }
    }

    /// Every match of every phrase, sorted by start then longest first. Matches of one
    /// phrase do not overlap each other; matches of different phrases may.
    pub fn find_all(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.visit(text, |pattern, range| {
            hits.push(Hit { pattern, range });
            true
        });
        hits.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
                .then(a.pattern.cmp(&b.pattern))
        });
        hits
    }

    /// Whether any phrase matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let mut any = false;
        self.visit(text, |_, _| {
            any = true;
            false
        });
        any
    }

    /// The span of the capture group `name` within a match of phrase `pattern` found by
    /// [`Matcher::find_all`] at `range` (raw `re:` phrases may name groups), or `None` when
    /// the group took no part in the match.
    pub fn group(
        &self,
        pattern: usize,
        text: &str,
        range: Range<usize>,
        name: &str,
    ) -> Option<Range<usize>> {
        let re = self.regex(pattern)?;
        let mut caps = re.create_captures();
        // Searching only the match's own span gives the same match (look-around still sees
        // the whole text) and keeps the search short.
        let input = Input::new(text).range(range).anchored(Anchored::Yes);
        re.search_captures(&input, &mut caps);
        caps.get_group_by_name(name).map(|s| s.range())
    }

    /// Matches with overlaps resolved: where two overlap, the longer one (then the earlier,
    /// then the lower pattern index) wins.
    pub fn find_longest(&self, text: &str) -> Vec<Hit> {
        longest_non_overlapping(self.find_all(text))
    }
}

/// Phrase analyses kept between runs, so that a run need not parse every phrase of a rubric
/// again: the literals each phrase is looked for by and how it is tried, and its regular
/// expression's source. Nothing else, and nothing of any essay.
///
/// Off until [`store::enable`] is called (the command line does, around loading a rubric);
/// then [`Matcher::new`] takes a stored analysis of the same phrases when there is one, and
/// stores what it works out otherwise. An entry is keyed by a hash of its phrases' text and
/// checked against their number, so a stale entry is never used for other phrases: it just
/// goes unused. [`store::export`] and [`store::import`] turn the store into bytes and back
/// (with peermark's version and the format's: bytes of another version are ignored).
pub mod store {
    use super::LiteralPlan;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    /// The bytes' format; a change to what is stored bumps it.
    const FORMAT: u32 = 1;
    const MAGIC: &[u8; 8] = b"PMPHRASE";

    #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
    pub(super) struct Prepared {
        pub(super) sources: Vec<String>,
        pub(super) word_start: Vec<bool>,
        pub(super) simple: LiteralPlan,
    }

    #[derive(Default)]
    struct Store {
        enabled: bool,
        entries: HashMap<u64, Arc<Prepared>>,
        /// Whether an analysis was worked out since the store was enabled or imported.
        added: bool,
    }

    static STORE: Mutex<Option<Store>> = Mutex::new(None);

    fn with<T>(f: impl FnOnce(&mut Store) -> T) -> T {
        let mut guard = STORE.lock().unwrap_or_else(|e| e.into_inner());
        f(guard.get_or_insert_with(Store::default))
    }

    /// Turns the store on: matchers built from now on use and fill it.
    pub fn enable() {
        with(|s| s.enabled = true);
    }

    /// A 64-bit hash of `bytes` (FNV-1a): stable from run to run and machine to machine.
    pub fn hash(bytes: &[u8]) -> u64 {
        fnv(FNV_START, bytes)
    }

    /// FNV-1a, 64 bits, continuing from `h`.
    fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }

    const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

    fn checksum(body: &[u8]) -> u64 {
        hash(body)
    }

    /// The key of a list of phrases (a hash of their text), when the store is on.
    pub(super) fn key<S: AsRef<str>>(phrases: &[S]) -> Option<u64> {
        if !with(|s| s.enabled) {
            return None;
        }
        let mut h = fnv(FNV_START, &(phrases.len() as u64).to_le_bytes());
        for p in phrases {
            let p = p.as_ref().as_bytes();
            h = fnv(h, &(p.len() as u64).to_le_bytes());
            h = fnv(h, p);
        }
        Some(h)
    }

    pub(super) fn get(key: u64) -> Option<Arc<Prepared>> {
        with(|s| s.entries.get(&key).cloned())
    }

    pub(super) fn put(key: u64, p: Prepared) {
        with(|s| {
            s.entries.insert(key, Arc::new(p));
            s.added = true;
        });
    }

    /// Whether any analysis was worked out (not found in the store) since it was enabled or
    /// last imported or exported: then the bytes are worth writing again.
    pub fn added() -> bool {
        with(|s| s.added)
    }

    /// The store as bytes, tagged with `version` (peermark's).
    pub fn export(version: &str) -> Vec<u8> {
        with(|s| {
            s.added = false;
            let mut entries: Vec<(u64, &Prepared)> =
                s.entries.iter().map(|(k, v)| (*k, v.as_ref())).collect();
            entries.sort_by_key(|(k, _)| *k);
            let mut out = Vec::new();
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&FORMAT.to_le_bytes());
            out.extend_from_slice(&(version.len() as u32).to_le_bytes());
            out.extend_from_slice(version.as_bytes());
            match postcard::to_allocvec(&entries) {
                Ok(body) => {
                    out.extend_from_slice(&checksum(&body).to_le_bytes());
                    out.extend_from_slice(&body);
                }
                Err(_) => return Vec::new(),
            }
            out
        })
    }

    /// Adds the analyses in `bytes` (made by [`export`] with the same `version` and format)
    /// to the store; anything else (another version, damaged bytes) is ignored, and `false`
    /// says so.
    pub fn import(bytes: &[u8], version: &str) -> bool {
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return false;
        };
        let Some((format, rest)) = rest.split_first_chunk::<4>() else {
            return false;
        };
        if u32::from_le_bytes(*format) != FORMAT {
            return false;
        }
        let Some((len, rest)) = rest.split_first_chunk::<4>() else {
            return false;
        };
        let len = u32::from_le_bytes(*len) as usize;
        if rest.get(..len) != Some(version.as_bytes()) {
            return false;
        }
        // Bytes damaged on disk are caught by their checksum before anything is decoded.
        let Some((sum, body)) = rest[len..].split_first_chunk::<8>() else {
            return false;
        };
        if u64::from_le_bytes(*sum) != checksum(body) {
            return false;
        }
        let Ok(entries) = postcard::from_bytes::<Vec<(u64, Prepared)>>(body) else {
            return false;
        };
        // A damaged entry that still decodes is caught here: its parts must agree.
        let sound = |p: &Prepared| {
            let n = p.sources.len();
            p.word_start.len() == n
                && p.simple.anchored.len() == n
                && p.simple.whole.len() == n
                && p.simple.owner.len() == p.simple.literals.len()
                && p.simple.owner.iter().all(|&o| (o as usize) < n)
                && p.simple.always.iter().all(|&a| a < n)
        };
        if !entries.iter().all(|(_, p)| sound(p)) {
            return false;
        }
        with(|s| {
            for (k, p) in entries {
                s.entries.insert(k, Arc::new(p));
            }
            s.added = false;
        });
        true
    }
}

/// A regular expression's syntax error on one line: what is wrong and at which character.
fn syntax_error(kind: &dyn std::fmt::Display, span: &regex_syntax::ast::Span) -> String {
    format!(
        "regex parse error: {kind} (at character {})",
        span.start.column
    )
}

fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The literal of a phrase that is one literal between ASCII word boundaries
/// (`(?-u:\b)peer support(?-u:\b)`), lower-cased; `None` for any other phrase.
fn whole_literal(hir: &regex_syntax::hir::Hir) -> Option<Vec<u8>> {
    use regex_syntax::hir::{HirKind, Look};
    let HirKind::Concat(parts) = hir.kind() else {
        return None;
    };
    match parts.as_slice() {
        [a, lit, b] => {
            let boundary =
                |h: &regex_syntax::hir::Hir| matches!(h.kind(), HirKind::Look(Look::WordAscii));
            let HirKind::Literal(l) = lit.kind() else {
                return None;
            };
            (boundary(a) && boundary(b) && l.0.is_ascii()).then(|| l.0.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Whether an ASCII word boundary (`(?-u:\b)`) is at byte `at` of `bytes`.
fn at_word_boundary(bytes: &[u8], at: usize) -> bool {
    let before = at > 0 && is_ascii_word(bytes[at - 1]);
    let after = at < bytes.len() && is_ascii_word(bytes[at]);
    before != after
}

/// Whether every match of `hir` begins with an ASCII word boundary assertion.
fn starts_at_word_boundary(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Look(Look::WordAscii) => true,
        HirKind::Concat(parts) => parts.first().is_some_and(starts_at_word_boundary),
        HirKind::Alternation(branches) => branches.iter().all(starts_at_word_boundary),
        HirKind::Capture(c) => starts_at_word_boundary(&c.sub),
        HirKind::Repetition(r) => r.min >= 1 && starts_at_word_boundary(&r.sub),
        _ => false,
    }
}

/// Everyday English words: a literal made only of these occurs in nearly every paragraph.
const EVERYDAY: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "always", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do",
    "does", "even", "ever", "every", "for", "from", "get", "gets", "go", "going", "got", "had",
    "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "just", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much",
    "my", "no", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our",
    "out", "over", "really", "said", "same", "she", "should", "so", "some", "still", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "up", "us", "very", "was", "way", "we", "well", "went", "were", "what",
    "when", "where", "which", "who", "will", "with", "would", "you", "your",
];

/// Literals are cut to this many bytes: long enough to span two or three words, short
/// enough to keep the automaton small and quick to build.
const LITERAL_LEN: usize = 12;

/// A literal set whose weakest literal holds a word of this many letters that is not an
/// everyday word is selective enough to anchor on.
const CONTENT_WORD: usize = 4;

/// How rarely a set of literals is expected to occur: for its weakest literal, the length of
/// its longest word that is not an everyday word (0 when it has none).
fn selectivity(lits: &[Vec<u8>]) -> usize {
    lits.iter()
        .map(|l| {
            l.split(|b| !is_ascii_word(*b))
                .filter(|w| {
                    !w.is_empty()
                        && !EVERYDAY
                            .iter()
                            .any(|e| e.as_bytes().eq_ignore_ascii_case(w))
                })
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0)
        })
        .min()
        .unwrap_or(0)
}

/// Literals that begin every match of `hir` (at least two bytes each), or `None`.
fn prefix_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut ex = Extractor::new();
    ex.limit_literal_len(LITERAL_LEN);
    ex.kind(ExtractKind::Prefix);
    let seq = ex.extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().len() < 2) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// Literals that every match of `hir` contains, or `None` when there is no usable set (a
/// match could be empty, or the set would be unbounded). Candidates are the literal prefixes
/// and suffixes of the whole expression and, recursively, of each part that every match must
/// pass through (a required word after an optional one, each branch of an alternation); the
/// set whose shortest literal is longest wins, as it lets the fewest texts through.
fn required_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::HirKind;
    fn better(a: &Option<Vec<Vec<u8>>>, b: &[Vec<u8>]) -> bool {
        let shortest = |v: &[Vec<u8>]| v.iter().map(Vec::len).min().unwrap_or(0);
        match a {
            None => true,
            Some(a) => {
                (selectivity(b), shortest(b), std::cmp::Reverse(b.len()))
                    > (selectivity(a), shortest(a), std::cmp::Reverse(a.len()))
            }
        }
    }
    let mut best: Option<Vec<Vec<u8>>> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut ex = Extractor::new();
        ex.limit_literal_len(LITERAL_LEN);
        ex.kind(kind);
        let seq = ex.extract(hir);
        let Some(lits) = seq.literals() else {
            continue;
        };
        if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
            continue;
        }
        let lits: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
        if better(&best, &lits) {
            best = Some(lits);
        }
    }
    match hir.kind() {
        HirKind::Concat(parts) => {
            for part in parts {
                if let Some(lits) = required_literals(part) {
                    if better(&best, &lits) {
                        best = Some(lits);
                    }
                }
            }
        }
        HirKind::Capture(c) => {
            if let Some(lits) = required_literals(&c.sub) {
                if better(&best, &lits) {
                    best = Some(lits);
                }
            }
        }
        HirKind::Repetition(r) if r.min >= 1 => {
            if let Some(lits) = required_literals(&r.sub) {
                if better(&best, &lits) {
                    best = Some(lits);
                }
            }
        }
        HirKind::Alternation(branches) => {
            let all: Option<Vec<Vec<u8>>> =
                branches
                    .iter()
                    .map(required_literals)
                    .try_fold(Vec::new(), |mut all, lits| {
                        all.extend(lits?);
                        Some(all)
                    });
            if let Some(all) = all.filter(|a| !a.is_empty()) {
                if better(&best, &all) {
                    best = Some(all);
                }
            }
        }
        _ => {}
    }
    best
}

/// Keeps the longest of overlapping hits (ties: earlier start, then lower pattern index).
pub fn longest_non_overlapping(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (b.range.end - b.range.start)
            .cmp(&(a.range.end - a.range.start))
            .then(a.range.start.cmp(&b.range.start))
            .then(a.pattern.cmp(&b.pattern))
    });
    let mut kept: Vec<Hit> = Vec::new();
    for h in hits {
        if kept
            .iter()
            .all(|k| h.range.end <= k.range.start || h.range.start >= k.range.end)
        {
            kept.push(h);
        }
    }
    kept.sort_by_key(|h| h.range.start);
    kept
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_stored_analysis_matches_as_the_compiled_one() {
        let phrases = [
            "peer support",
            "took (back) control",
            "recogni[sz]e*",
            "self-harm",
            "re:(?i)\\bhope(s|ful)?\\b",
            "never … again",
        ];
        let text = "I took back control; peer  support helped me recognise hope. \
                    Self harm? Never once again, and hopeful.";
        let compiled = Matcher::compile(&phrases).unwrap();
        store::enable();
        let built = Matcher::new(&phrases).unwrap();
        let bytes = store::export("test");
        assert!(!store::import(&bytes, "another version"));
        assert!(!store::import(&bytes[..bytes.len() - 1], "test"));
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0x20;
        assert!(
            !store::import(&damaged, "test"),
            "the checksum catches damage"
        );
        assert!(store::import(&bytes, "test"));
        let stored = Matcher::new(&phrases).unwrap();
        // (Other tests of this process build matchers meanwhile, so `added` is not asserted.)
        assert!(store::key(&phrases).and_then(store::get).is_some());
        for m in [&built, &stored] {
            assert_eq!(m.find_all(text), compiled.find_all(text));
            assert_eq!(
                m.find_all(&text.replace(' ', "\n")),
                compiled.find_all(&text.replace(' ', "\n"))
            );
        }
        assert!(!compiled.find_all(text).is_empty());
    }
    use super::*;

    #[test]
    fn an_empty_word_is_an_error_not_a_panic() {
        // Regression: the rubric fuzz target reached compile_word with an empty word.
        assert!(compile_word("").is_err());
    }
    use regex::Regex;

    fn matches(phrase: &str, text: &str) -> Vec<String> {
        let m = Matcher::new(&[phrase]).unwrap();
        m.find_all(text)
            .into_iter()
            .map(|h| text[h.range].to_string())
            .collect()
    }

    #[test]
    fn stems_and_boundaries() {
        assert_eq!(
            matches("empower*", "Empowerment and empowered"),
            vec!["Empowerment", "empowered"]
        );
        assert!(matches("hope", "hopeless").is_empty());
        assert!(matches("case", "showcase, cases of").is_empty());
        assert_eq!(matches("hope*", "hopeless"), vec!["hopeless"]);
    }

    #[test]
    fn optional_choice_and_gap() {
        assert_eq!(
            matches(
                "took (back) control",
                "I took control, then took back control"
            ),
            vec!["took control", "took back control"]
        );
        assert_eq!(
            matches(
                "support from (family|friends|my partner)",
                "support from my partner"
            ),
            vec!["support from my partner"]
        );
        assert!(matches("support from (family|friends)", "support from").is_empty());
        assert_eq!(
            matches("took … control", "I took back some control"),
            vec!["took back some control"]
        );
        assert_eq!(
            matches("(the) mentally ill", "the mentally ill"),
            vec!["the mentally ill"]
        );
        assert_eq!(
            matches("living with (my|) symptoms", "living with symptoms"),
            vec!["living with symptoms"]
        );
    }

    #[test]
    fn groups_inside_words() {
        assert_eq!(
            matches(
                "mak(e|es|ing) sense of",
                "making sense of it, makes sense of"
            ),
            vec!["making sense of", "makes sense of"]
        );
        assert_eq!(
            matches("counsel(l|)ing", "counselling and counseling"),
            vec!["counselling", "counseling"]
        );
        assert_eq!(
            matches(
                "learn(ed|t|ing)? from each other",
                "we learnt from each other; learn from each other"
            ),
            vec!["learnt from each other", "learn from each other"]
        );
        assert_eq!(
            matches(
                "shar(e|ed|es|ing) (my) stor(y|ies)",
                "sharing my story, shared stories"
            ),
            vec!["sharing my story", "shared stories"]
        );
        assert_eq!(
            matches("person-cent(red|ered)", "person-centred, person centered"),
            vec!["person-centred", "person centered"]
        );
        assert!(matches("mak(e|es) sense", "mak e sense").is_empty());
        // Groups side by side are word groups too.
        assert_eq!(
            matches(
                "I (started|began) (to )?(hear*|drink*)",
                "I began hearing; I started to drink"
            ),
            vec!["I began hearing", "I started to drink"]
        );
        assert_eq!(
            matches("first(ly)?, I will", "Firstly, I will"),
            vec!["Firstly, I will"]
        );
        // A group set apart by spaces is still an optional word.
        assert_eq!(
            matches("took (back) control", "took control"),
            vec!["took control"]
        );
    }

    #[test]
    fn hyphens_apostrophes_and_spellings() {
        assert_eq!(
            matches("self-harm*", "self harming, self-harm, selfharm"),
            vec!["self harming", "self-harm", "selfharm"]
        );
        assert_eq!(
            matches("don't see the point", "I don’t see the point"),
            vec!["don’t see the point"]
        );
        assert_eq!(
            matches("stigmati[sz]*", "stigmatising and stigmatized"),
            vec!["stigmatising", "stigmatized"]
        );
        assert_eq!(matches("et al.", "Leamy et al. (2011)"), vec!["et al."]);
        assert_eq!(
            matches("committed suicide", "committed\nsuicide"),
            vec!["committed\nsuicide"]
        );
    }

    #[test]
    fn raw_regexes_get_ascii_word_boundaries() {
        assert_eq!(
            compile_phrase(r"re:\bin \d+\b").unwrap(),
            r"(?-u:\b)in \d+(?-u:\b)"
        );
        assert_eq!(compile_phrase(r"re:(?-u:\b)x").unwrap(), r"(?-u:\b)x");
        assert_eq!(matches(r"re:\b(19|20)\d\d\b", "“In 2016”"), vec!["2016"]);
    }

    #[test]
    fn bad_phrases_are_reported() {
        assert!(compile_phrase("(unclosed").is_err());
        assert!(compile_phrase("a)").is_err());
        assert!(compile_phrase("(only)").is_err());
        assert!(compile_phrase("mid*dle").is_err());
        let e = Matcher::new(&["fine", "re:(bad"]).unwrap_err();
        assert_eq!(e.index, 1);
    }

    /// The literal prefilter never hides a match: every phrase finds exactly what its own
    /// regular expression finds, on texts built to trip optional words, stems, choices,
    /// gaps, hyphens and curly apostrophes.
    #[test]
    fn prefilter_never_hides_a_match() {
        let phrases = [
            "(my|our|) (own) recovery",
            "took … control",
            "(a|an) empower*",
            "self-harm*",
            "don't see the point",
            "(back|) to work",
            "recogni[sz]e",
            "re:\\b(19|20)\\d\\d\\b",
            "re:\\bi\\b",
            "(the) mentally ill",
            "peer (support|worker|supporter)s",
            "ex-addict",
            "(wonderful|unexpected) hope",
            "lived (experience) expertise",
            "(an|the|no) expert on",
            "the aim of",
            "support group",
            "(is|was) (a|an) treatment failure",
            "re:\\bme\\b",
            "re:(?:people|they)\\s+(?:\\w+\\s+)?(?:think|say)s?\\s+(?:that\\s*)?(?:\\S+\\s+){0,8}?(?:dangerous|violent)\\b",
            "re:[\\s,]support\\s*worker",
            // Whole literals: a found literal is a match when both ends are boundaries.
            "hope",
            "CHIME",
            "peer support",
            "I",
            "re:\\bdr\\.\\b",
        ];
        let texts = [
            "My own Recovery took back some control; I recognise an Empowering self harm story.",
            "I don’t see the point. Back to work in 2016, the mentally ill, peer supporters.",
            "recovery\nTOOK\tcontrol selfharming ex addict exaddict EX-ADDICT i I",
            "nothing to see here at all",
            "hope came back; lived expertise",
            "unhope hope_less (hope) 'recovery' ownrecovery x-addict re-empowered _to work",
            // Simply spaced texts use literals that span words; others do not.
            "An expert on me. The aim of a support group: they think that we are violent.",
            "An  expert on me.\nThe aim\tof a support\u{a0}group: they think\nthat we are violent.",
            "He was a treatment failure, was an  treatment failure; a support worker,support  worker",
            "people say that peer support workers are dangerous Me",
            "hopeful hope hope. Hope_ unhope HOPE; chime CHIME chimes",
            "peer supporter peer support. peer supports I'm i Dr.Who and dr. who Dr.",
        ];
        let m = Matcher::new(&phrases).unwrap();
        for text in texts {
            let mut want = Vec::new();
            for (i, p) in phrases.iter().enumerate() {
                let re = Regex::new(&format!("(?i){}", compile_phrase(p).unwrap())).unwrap();
                for hit in re.find_iter(text) {
                    want.push((i, hit.range()));
                }
            }
            let mut got: Vec<_> = m
                .find_all(text)
                .into_iter()
                .map(|h| (h.pattern, h.range))
                .collect();
            want.sort_by_key(|(i, r)| (r.start, *i));
            got.sort_by_key(|(i, r)| (r.start, *i));
            assert_eq!(got, want, "{text}");
            assert_eq!(m.is_match(text), !want.is_empty());
        }
    }

    #[test]
    fn simple_spacing_rewrite() {
        assert!(simply_spaced("one two, three."));
        for t in [
            "one  two",
            "one\ntwo",
            "one\ttwo",
            "one\u{a0}two",
            "one\u{2009}two",
        ] {
            assert!(!simply_spaced(t), "{t:?}");
        }
        assert!(simply_spaced("naïve café – “quoted”"));
        assert_eq!(for_simple_spacing(r"a\s+b\s*c\sd"), "a b ?c d");
        assert_eq!(for_simple_spacing(r"x[-\s]?y\\s"), r"x[- ]?y\\s");
        assert_eq!(for_simple_spacing(r"[]\s]\S"), r"[] ]\S");
    }

    #[test]
    fn longest_match_wins() {
        let m = Matcher::new(&["addict", "ex-addict"]).unwrap();
        let hits = m.find_longest("an ex-addict");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].pattern, 1);
    }
}
