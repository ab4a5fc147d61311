//! The two small additions this crate makes to peermark's phrase notation:
//! `{…}` in a rule pattern marks the term inside its context, and a standalone `_` in a
//! frame cue stands for the term.

use peermark_text::compile_phrase;

/// Rewrites Unicode `\w`, `\d` and `\b` (outside character classes) to their ASCII forms.
///
/// Every `stem*` compiles to `\w*`; with Unicode classes hundreds of them make the one-pass
/// `RegexSet` so large that its lazy DFA gives up and matching becomes a hundred times slower.
/// Terms are English words, so ASCII word characters lose nothing that matters.
pub(crate) fn ascii_classes(regex: &str) -> String {
    let mut out = String::with_capacity(regex.len() + 16);
    let mut chars = regex.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                if class_depth == 0 && matches!(n, 'w' | 'd' | 'b') {
                    out.push_str("(?-u:\\");
                    out.push(n);
                    out.push(')');
                } else {
                    out.push(c);
                    out.push(n);
                }
            }
            '[' => {
                class_depth += 1;
                out.push(c);
                // A ']' right after '[' or '[^' is a literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap());
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap());
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A rule pattern compiled to a regular expression (without the `(?i)` flag).
pub(crate) struct CompiledPattern {
    pub regex: String,
    /// The regex has a `core` group: the reported term is that group, the rest is context.
    pub has_core: bool,
}

/// Compiles a rule pattern. `(is|was) {mental}` needs the context word but reports only
/// "mental"; raw `re:` patterns may name a group `core` for the same effect.
pub(crate) fn compile_pattern(pattern: &str) -> Result<CompiledPattern, String> {
    let mut c = compile_pattern_unicode(pattern)?;
    c.regex = ascii_classes(&c.regex);
    Ok(c)
}

fn compile_pattern_unicode(pattern: &str) -> Result<CompiledPattern, String> {
    let t = pattern.trim();
    if t.starts_with("re:") {
        let regex = compile_phrase(t)?;
        let has_core = regex.contains("(?P<core>") || regex.contains("(?<core>");
        return Ok(CompiledPattern { regex, has_core });
    }
    let open = t.find('{');
    let close = t.find('}');
    match (open, close) {
        (None, None) => Ok(CompiledPattern {
            regex: compile_phrase(t)?,
            has_core: false,
        }),
        (Some(a), Some(b)) if a < b => {
            let (pre, core, post) = (&t[..a], &t[a + 1..b], &t[b + 1..]);
            if core.contains('{') || post.contains('{') || post.contains('}') {
                return Err("only one '{…}' term may be marked".into());
            }
            if core.trim().is_empty() {
                return Err("empty '{}'".into());
            }
            let core_re = compile_phrase(core).map_err(|e| format!("inside '{{…}}': {e}"))?;
            let mut regex = String::new();
            if !pre.trim().is_empty() {
                let p = compile_phrase(pre).map_err(|e| format!("before '{{': {e}"))?;
                regex.push_str(&format!("(?:{p})\\s+"));
            }
            regex.push_str(&format!("(?P<core>{core_re})"));
            if !post.trim().is_empty() {
                let p = compile_phrase(post).map_err(|e| format!("after '}}': {e}"))?;
                regex.push_str(&format!("\\s+(?:{p})"));
            }
            Ok(CompiledPattern {
                regex,
                has_core: true,
            })
        }
        (Some(_), None) => Err("unclosed '{'".into()),
        _ => Err("'}' without '{'".into()),
    }
}

/// A frame cue split at its placeholder: the phrase before the term and the phrase after it.
/// Without a placeholder the whole cue is `before` and `placeholder` is false.
pub(crate) struct CueParts {
    pub before: Option<String>,
    pub after: Option<String>,
    pub placeholder: bool,
}

pub(crate) fn split_cue(cue: &str) -> Result<CueParts, String> {
    let t = cue.trim();
    if t.starts_with("re:") {
        return Ok(CueParts {
            before: Some(t.to_string()),
            after: None,
            placeholder: false,
        });
    }
    let mut depth = 0i32;
    let mut found: Vec<usize> = Vec::new();
    let bytes = t.as_bytes();
    for (i, c) in t.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '_' => {
                let sep = |b: u8| b.is_ascii_whitespace() || matches!(b, b'|' | b'(' | b')');
                let before_ok = i == 0 || sep(bytes[i - 1]);
                let after_ok = i + 1 == t.len() || sep(bytes[i + 1]);
                if before_ok && after_ok {
                    if depth != 0 {
                        return Err("the term placeholder '_' may not be inside '( )'".into());
                    }
                    found.push(i);
                }
            }
            _ => {}
        }
    }
    match found.as_slice() {
        [] => Ok(CueParts {
            before: Some(t.to_string()),
            after: None,
            placeholder: false,
        }),
        [i] => {
            let before = t[..*i].trim();
            let after = t[i + 1..].trim();
            if before.is_empty() && after.is_empty() {
                return Err("a cue needs words besides '_'".into());
            }
            Ok(CueParts {
                before: (!before.is_empty()).then(|| before.to_string()),
                after: (!after.is_empty()).then(|| after.to_string()),
                placeholder: true,
            })
        }
        _ => Err("only one '_' may stand for the term".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn core_marks_the_term() {
        let c = compile_pattern("(is|was|he's) {mental}").unwrap();
        assert!(c.has_core);
        let re = Regex::new(&format!("(?i){}", c.regex)).unwrap();
        let caps = re.captures("Honestly he's mental.").unwrap();
        assert_eq!(&caps["core"], "mental");
        assert_eq!(caps.get(0).unwrap().as_str(), "he's mental");
        assert!(compile_pattern("a {b").is_err());
        assert!(compile_pattern("a {} b").is_err());
        assert!(compile_pattern("{a} {b}").is_err());
        assert!(!compile_pattern("plain words").unwrap().has_core);
    }

    #[test]
    fn ascii_rewrite() {
        assert_eq!(ascii_classes(r"\bab\w*"), r"(?-u:\b)ab(?-u:\w)*");
        assert_eq!(ascii_classes(r"[\w-]\d"), r"[\w-](?-u:\d)");
        assert_eq!(ascii_classes(r"a\\w"), r"a\\w");
        assert_eq!(ascii_classes(r"[]\w]\s"), r"[]\w]\s");
        let c = compile_pattern("self-harm*").unwrap();
        let re = Regex::new(&format!("(?i){}", c.regex)).unwrap();
        assert!(re.is_match("Self harming"));
    }

    #[test]
    fn cue_placeholder() {
        let p = split_cue("as (a|an) _ I").unwrap();
        assert_eq!(p.before.as_deref(), Some("as (a|an)"));
        assert_eq!(p.after.as_deref(), Some("I"));
        assert!(p.placeholder);
        let p = split_cue("so-called _").unwrap();
        assert_eq!(p.before.as_deref(), Some("so-called"));
        assert!(p.after.is_none());
        let p = split_cue("words like").unwrap();
        assert!(!p.placeholder);
        assert!(split_cue("_ and _").is_err());
        assert!(split_cue("(a|_)").is_err());
        assert!(split_cue("self_harm").unwrap().before.is_some());
    }
}
