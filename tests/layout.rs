//! The code's layout as a test: no module imports another that imports it back, in any crate
//! of the workspace, and the binary's `src/` stays the command line only.
//!
//! Crates cannot form circles (cargo refuses them); modules inside one crate can, so this
//! reads every `.rs` file under `src/` and `crates/*/src/`, finds each module's references to
//! other modules of its crate (`crate::a::b`, `super::x`, `self::y`, `use` groups), and fails
//! naming a circle if there is one. Declaring a child (`mod x;`) is not a use of it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One crate's modules: module path (`["report", "json"]`) → the source text of that module,
/// file-backed modules only (an inline `mod tests { … }` belongs to its file's module).
fn crate_modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap();
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                    .collect();
                let last = parts.last().unwrap().clone();
                if last == "mod" || last == "lib" || last == "main" {
                    parts.pop();
                }
                if parts.first().is_some_and(|p| p == "bin") {
                    continue;
                }
                out.insert(parts, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// The text with comments, string and char literals blanked out, so that a path in a doc
/// comment or a message is not read as a use.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#')) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(b[i] as char);
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            j += 1;
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && (b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\')))
        {
            // A char literal ('a', '\n', '\''); a lifetime ('a) is left alone.
            let mut j = i + 1;
            if b[j] == b'\\' {
                j += 2;
            } else {
                j += 1;
            }
            while j < b.len() && b[j] != b'\'' {
                j += 1;
            }
            i = j + 1;
            out.push_str("' '");
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Module paths this module's code refers to, as written (`crate::…`, `super::…`, `self::…`),
/// resolved against `here`; inline `mod name { … }` blocks shift `super` and `self`.
fn references(here: &[String], code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut refs = Vec::new();
    // The inline modules we are inside, with the brace depth at which each opened.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let word_at = |i: usize| -> (String, usize) {
        let mut j = i;
        while j < chars.len() && is_ident(chars[j]) {
            j += 1;
        }
        (chars[i..j].iter().collect(), j)
    };
    let skip_ws = |mut j: usize| {
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            depth += 1;
            i += 1;
            continue;
        }
        if c == '}' {
            depth = depth.saturating_sub(1);
            while inline.last().is_some_and(|(_, d)| *d > depth) {
                inline.pop();
            }
            i += 1;
            continue;
        }
        if !is_ident(c) || (i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let (word, end) = word_at(i);
        if word == "mod" {
            let j = skip_ws(end);
            let (name, k) = word_at(j);
            let k = skip_ws(k);
            if !name.is_empty() && chars.get(k) == Some(&'{') {
                inline.push((name, depth + 1));
            }
            i = end;
            continue;
        }
        let starts_path = chars.get(end) == Some(&':') && chars.get(end + 1) == Some(&':');
        // `pub(crate)`, `&self` and `pub(super)` name no module: a path goes on with `::`.
        if !starts_path {
            i = end;
            continue;
        }
        // A path: word(::word)* and maybe ::{group}. A path that starts with a plain name is
        // relative (`child::f()`, `use child::Item`): it names a child module where one is
        // called that, and otherwise resolves to this module itself (an outside crate).
        let mut base: Vec<String> = here.to_vec();
        base.extend(inline.iter().map(|(n, _)| n.clone()));
        let mut path: Vec<String> = match word.as_str() {
            "crate" => Vec::new(),
            "self" => base.clone(),
            "super" => {
                let mut p = base.clone();
                p.pop();
                p
            }
            _ => {
                let mut p = base.clone();
                p.push(word.clone());
                p
            }
        };
        let mut j = end;
        let mut grouped = false;
        loop {
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
                let (w, k) = word_at(j);
                if w == "super" {
                    path.pop();
                    j = k;
                } else if !w.is_empty() {
                    path.push(w);
                    j = k;
                } else if chars.get(j) == Some(&'{') {
                    // A group: each top-level item names a path below `path`.
                    let mut k = j + 1;
                    let mut d = 1;
                    let mut item = String::new();
                    while k < chars.len() && d > 0 {
                        match chars[k] {
                            '{' => d += 1,
                            '}' => d -= 1,
                            _ => {}
                        }
                        if d == 1 && chars[k] == ',' || d == 0 {
                            let first: String =
                                item.trim().chars().take_while(|c| is_ident(*c)).collect();
                            if !first.is_empty() && first != "self" {
                                let mut p = path.clone();
                                p.push(first);
                                refs.push(p);
                            }
                            item.clear();
                        } else if d >= 1 {
                            item.push(chars[k]);
                        }
                        k += 1;
                    }
                    j = k;
                    grouped = true;
                    break;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        // A group names its items, not the path before it.
        if !grouped {
            refs.push(path);
        }
        i = j.max(end);
    }
    refs
}

/// Edges between file modules of one crate: `a → b` when `a`'s code refers to `b` or to an
/// item inside `b` (the longest known module prefix of the path), never to itself.
fn edges(modules: &BTreeMap<Vec<String>, String>) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let known = |r: &[String]| {
        (0..=r.len())
            .rev()
            .map(|n| r[..n].to_vec())
            .find(|p| modules.contains_key(p))
    };
    // Re-exports (`pub use child::Item;`): `module::Item` names the module the item is from.
    let mut aliases: BTreeMap<Vec<String>, Option<Vec<String>>> = BTreeMap::new();
    for (here, text) in modules {
        let code = code_only(text);
        for statement in code.split(';') {
            let t = statement.trim_start();
            let t = t
                .rsplit('\n')
                .find(|l| l.trim_start().starts_with("pub"))
                .map_or(t, |_| t);
            let t = match t.find("pub use ").or_else(|| t.find("pub(crate) use ")) {
                Some(at) => &t[at..],
                None => continue,
            };
            let Some(rest) = t
                .strip_prefix("pub use ")
                .or_else(|| t.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            for r in references(here, &format!("use {rest}")) {
                if let (Some(name), Some(from)) = (r.last(), known(&r)) {
                    let mut alias = here.clone();
                    alias.push(name.clone());
                    // From this very module: an outside crate's item, which is no module here.
                    aliases.insert(alias, (&from != here).then_some(from));
                }
            }
        }
    }
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (here, text) in modules {
        let code = code_only(text);
        let targets = out.entry(here.clone()).or_default();
        for r in references(here, &code) {
            let target = known(&r).and_then(|m| {
                let mut item = m.clone();
                match r.get(m.len()) {
                    Some(name) => {
                        item.push(name.clone());
                        aliases.get(&item).cloned().unwrap_or(Some(m))
                    }
                    None => Some(m),
                }
            });
            if let Some(t) = target {
                if &t != here {
                    targets.insert(t);
                }
            }
        }
    }
    out
}

/// A circle in the graph, as a list of modules, if there is one.
fn find_circle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: BTreeMap<&Vec<String>, Mark> = graph.keys().map(|k| (k, Mark::New)).collect();
    fn visit<'a>(
        n: &'a Vec<String>,
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        mark: &mut BTreeMap<&'a Vec<String>, Mark>,
        path: &mut Vec<&'a Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        mark.insert(n, Mark::Open);
        path.push(n);
        for m in graph.get(n).into_iter().flatten() {
            match mark.get(m).copied().unwrap_or(Mark::Done) {
                Mark::Open => {
                    let start = path.iter().position(|p| *p == m).unwrap();
                    let mut circle: Vec<Vec<String>> =
                        path[start..].iter().map(|p| (*p).clone()).collect();
                    circle.push(m.clone());
                    return Some(circle);
                }
                Mark::New => {
                    if let Some(c) = visit(m, graph, mark, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        mark.insert(n, Mark::Done);
        None
    }
    let keys: Vec<&Vec<String>> = graph.keys().collect();
    for k in keys {
        if mark[k] == Mark::New {
            if let Some(c) = visit(k, graph, &mut mark, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn crate_roots() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("src")];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    crates.sort();
    roots.extend(crates);
    roots
}

fn show(m: &[String]) -> String {
    if m.is_empty() {
        "(crate root)".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut checked = 0;
    let mut circles = Vec::new();
    for src in crate_roots() {
        let modules = crate_modules(&src);
        checked += modules.len();
        let mut graph = edges(&modules);
        // Every circle, not just the first: each found one's closing edge is set aside and
        // the search goes on.
        while let Some(circle) = find_circle(&graph) {
            let names: Vec<String> = circle.iter().map(|m| show(m)).collect();
            circles.push(format!("{}: {}", src.display(), names.join(" → ")));
            let (from, to) = (&circle[circle.len() - 2], &circle[circle.len() - 1]);
            graph.get_mut(from).unwrap().remove(to);
        }
    }
    assert!(
        circles.is_empty(),
        "circles of imports (move what both sides need into a module of its own below them):\n{}",
        circles.join("\n")
    );
    assert!(
        checked > 50,
        "only {checked} modules found: is the layout check reading the tree?"
    );
}

#[test]
fn the_check_finds_a_circle_when_there_is_one() {
    let mut modules = BTreeMap::new();
    modules.insert(vec![], "pub mod a; pub mod b;".to_string());
    modules.insert(
        vec!["a".to_string()],
        "use crate::b::Thing; fn f() {}".to_string(),
    );
    modules.insert(
        vec!["b".to_string()],
        "use super::{a::helper, c}; // crate::b is not a use\npub struct Thing;".to_string(),
    );
    let graph = edges(&modules);
    let circle = find_circle(&graph).expect("a → b → a is a circle");
    assert_eq!(circle.len(), 3, "{circle:?}");
    // A parent that uses its child by a relative path, and a child that uses the parent.
    let mut relative = BTreeMap::new();
    relative.insert(
        vec![],
        "mod docx;\npub use docx::read; pub struct Error;".to_string(),
    );
    relative.insert(
        vec!["docx".to_string()],
        "use crate::Error; pub fn read() {}".to_string(),
    );
    assert!(
        find_circle(&edges(&relative)).is_some(),
        "root → docx → root is a circle"
    );
    // A parent that only declares its children, and children that use each other one way,
    // make no circle; nor does an inline test module's `super::*`.
    let mut fine = BTreeMap::new();
    fine.insert(vec![], "pub mod a; pub mod b;".to_string());
    fine.insert(vec!["a".to_string()], "pub fn helper() {}".to_string());
    fine.insert(
        vec!["b".to_string()],
        "use crate::a::helper;\n#[cfg(test)]\nmod tests { use super::*; use self::inner::x; }\n\
         const S: &str = \"crate::b::zzz\";"
            .to_string(),
    );
    assert_eq!(find_circle(&edges(&fine)), None);
}

#[test]
fn the_binary_is_the_command_line_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lines: usize = crate_modules(&src)
        .values()
        .map(|t| t.lines().count())
        .sum();
    assert!(
        lines < 3000,
        "src/ holds {lines} lines: the binary is the command line only; move the rest into a crate"
    );
}
