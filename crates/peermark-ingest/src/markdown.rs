//! Markdown: read as plain text, with the markup that is structure rather than words taken
//! out (headings, emphasis, list markers, code backticks, link targets, HTML comments and
//! tags, thematic breaks). Every kept character keeps the file's own line and column, so
//! removed markers split a paragraph's [`Origin`]s where the columns jump.

use std::ops::Range;

use peermark_text::document::Hint;
use peermark_text::{Document, Origin, Paragraph};

use crate::text::{decode, finish, split_lines, split_long, LineLen};
use crate::IngestError;

/// One character of the file with its 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ch {
    c: char,
    line: u32,
    col: u32,
}

type Line = Vec<Ch>;

impl LineLen for Line {
    fn chars(&self) -> usize {
        self.len()
    }
}

#[derive(Default)]
struct Block {
    lines: Vec<Line>,
    hint: Hint,
    /// A list item: later lines without a marker continue it.
    list: bool,
    /// Fenced code: kept as it is written.
    raw: bool,
}

/// Reads a `.md` file.
pub(crate) fn read(bytes: &[u8], limits: &crate::Limits) -> Result<Document, IngestError> {
    let text = decode(bytes)?;
    crate::text_size::check_decoded(&text, limits)?;
    let lines = strip_comments(&split_lines(&text));
    let mut paragraphs = Vec::new();
    for block in blocks(lines) {
        let Block {
            lines, hint, raw, ..
        } = block;
        let groups = if hint == Hint::None && !raw {
            split_long(lines)
        } else {
            vec![lines]
        };
        for group in groups {
            paragraphs.push(paragraph(group, hint, raw));
        }
    }
    finish(paragraphs)
}

/// The file's lines as characters with positions, HTML comments (which may span lines)
/// removed, and surrounding whitespace trimmed.
fn strip_comments(lines: &[&str]) -> Vec<Line> {
    let mut in_comment = false;
    let mut out = Vec::with_capacity(lines.len());
    for (i, raw) in lines.iter().enumerate() {
        let chars: Vec<char> = raw.chars().collect();
        let mut line = Vec::with_capacity(chars.len());
        let mut k = 0;
        while k < chars.len() {
            if in_comment {
                if chars[k..].starts_with(&['-', '-', '>']) {
                    in_comment = false;
                    k += 3;
                } else {
                    k += 1;
                }
            } else if chars[k..].starts_with(&['<', '!', '-', '-']) {
                in_comment = true;
                k += 4;
            } else {
                line.push(Ch {
                    c: chars[k],
                    line: i as u32 + 1,
                    col: k as u32 + 1,
                });
                k += 1;
            }
        }
        out.push(trim(line));
    }
    out
}

fn trim(mut line: Line) -> Line {
    while line.last().is_some_and(|c| c.c.is_whitespace()) {
        line.pop();
    }
    let lead = line.iter().take_while(|c| c.c.is_whitespace()).count();
    line.drain(..lead);
    line
}

/// Splits the lines into blocks: paragraphs, headings, list items, fenced code.
fn blocks(lines: Vec<Line>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut cur: Option<Block> = None;
    let mut fence: Option<(char, usize)> = None;
    fn flush(cur: &mut Option<Block>, out: &mut Vec<Block>) {
        if let Some(b) = cur.take() {
            if !b.lines.is_empty() {
                out.push(b);
            }
        }
    }
    for line in lines {
        if let Some((fc, n)) = fence {
            let run = line.iter().take_while(|c| c.c == fc).count();
            if run >= n && run == line.len() {
                fence = None;
                flush(&mut cur, &mut out);
            } else if line.is_empty() {
                flush(&mut cur, &mut out);
            } else {
                cur.get_or_insert_with(|| Block {
                    raw: true,
                    ..Block::default()
                })
                .lines
                .push(line);
            }
            continue;
        }
        // Block quotes: the text is the learner's, only the markers go.
        let mut line = line;
        while line.first().is_some_and(|c| c.c == '>') {
            line.remove(0);
            line = trim(line);
        }
        if line.is_empty() {
            flush(&mut cur, &mut out);
            continue;
        }
        let first = line[0].c;
        if first == '`' || first == '~' {
            let run = line.iter().take_while(|c| c.c == first).count();
            if run >= 3 && (first == '~' || !line[run..].iter().any(|c| c.c == '`')) {
                flush(&mut cur, &mut out);
                fence = Some((first, run));
                continue;
            }
        }
        if let Some(kind) = rule(&line) {
            let paragraph_open = cur.as_ref().is_some_and(|b| !b.list && !b.raw);
            if paragraph_open && (kind == '=' || kind == '-') {
                // Setext underline: the paragraph above is a heading.
                if let Some(b) = cur.as_mut() {
                    b.hint = Hint::Heading;
                }
            }
            flush(&mut cur, &mut out);
            continue;
        }
        if let Some(content) = atx_heading(&line) {
            flush(&mut cur, &mut out);
            out.push(Block {
                lines: vec![content],
                hint: Hint::Heading,
                ..Block::default()
            });
            continue;
        }
        if is_definition(&line) {
            flush(&mut cur, &mut out);
            continue;
        }
        if let Some((content, number)) = list_marker(&line) {
            let in_list = cur.as_ref().is_some_and(|b| b.list);
            // An ordered marker may interrupt a paragraph only as "1." (a hard-wrapped line
            // starting "2016. That year" is text).
            if number.map_or(true, |n| n == 1) || cur.is_none() || in_list {
                flush(&mut cur, &mut out);
                cur = Some(Block {
                    lines: vec![content],
                    hint: Hint::ListItem,
                    list: true,
                    raw: false,
                });
                continue;
            }
        }
        cur.get_or_insert_with(Block::default).lines.push(line);
    }
    flush(&mut cur, &mut out);
    out
}

/// A thematic break or setext underline (`---`, `***`, `___`, `===`): the character.
fn rule(line: &[Ch]) -> Option<char> {
    let first = line.first()?.c;
    if !matches!(first, '-' | '*' | '_' | '=') {
        return None;
    }
    let mut count = 0;
    for c in line {
        if c.c == first {
            count += 1;
        } else if !c.c.is_whitespace() || first == '=' {
            return None;
        }
    }
    let min = if first == '=' { 1 } else { 3 };
    (count >= min).then_some(first)
}

/// `# Heading #`: the heading's text.
fn atx_heading(line: &[Ch]) -> Option<Line> {
    let hashes = line.iter().take_while(|c| c.c == '#').count();
    if hashes == 0 || hashes > 6 || line.get(hashes).is_some_and(|c| !c.c.is_whitespace()) {
        return None;
    }
    let mut content = trim(line[hashes..].to_vec());
    // Optional closing sequence: spaces then #s.
    let closing = content.iter().rev().take_while(|c| c.c == '#').count();
    if closing == content.len() {
        content.clear();
    } else if closing > 0 && content[content.len() - closing - 1].c.is_whitespace() {
        content.truncate(content.len() - closing);
        content = trim(content);
    }
    Some(content)
}

/// `[label]: url` (a link reference or footnote definition): not essay text.
fn is_definition(line: &[Ch]) -> bool {
    if line.first().map(|c| c.c) != Some('[') {
        return false;
    }
    match line.iter().position(|c| c.c == ']') {
        Some(close) => close > 1 && line.get(close + 1).map(|c| c.c) == Some(':'),
        None => false,
    }
}

/// `- item`, `* item`, `+ item`, `1. item`, `1) item`: the item's text and, for an ordered
/// marker, its number.
fn list_marker(line: &[Ch]) -> Option<(Line, Option<u64>)> {
    let first = line.first()?.c;
    let (marker_len, number) = if matches!(first, '-' | '*' | '+') {
        (1, None)
    } else {
        let digits = line.iter().take_while(|c| c.c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 || !matches!(line.get(digits).map(|c| c.c), Some('.' | ')')) {
            return None;
        }
        let n: String = line[..digits].iter().map(|c| c.c).collect();
        (digits + 1, n.parse().ok())
    };
    match line.get(marker_len) {
        None => Some((Vec::new(), number)),
        Some(c) if c.c.is_whitespace() => Some((trim(line[marker_len..].to_vec()), number)),
        _ => None,
    }
}

/// Builds a paragraph from a block's lines: joined with spaces, inline markup removed.
fn paragraph(lines: Vec<Line>, hint: Hint, raw: bool) -> Paragraph {
    let mut stream: Vec<Ch> = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        if let Some(last) = stream.last().copied() {
            stream.push(Ch {
                c: ' ',
                line: last.line,
                col: last.col + 1,
            });
        }
        stream.extend(line);
    }
    let (mut out, mut emphasis) = if raw {
        (stream, Vec::new())
    } else {
        inline(&stream)
    };
    // Trim what removed markup left at the ends.
    while out.last().is_some_and(|c| c.c.is_whitespace()) {
        out.pop();
    }
    let lead = out.iter().take_while(|c| c.c.is_whitespace()).count();
    out.drain(..lead);
    for r in emphasis.iter_mut() {
        *r = r.start.saturating_sub(lead).min(out.len())..r.end.saturating_sub(lead).min(out.len());
    }
    build(&out, emphasis, hint)
}

/// Turns positioned characters into a [`Paragraph`]: a new [`Origin`] wherever the next
/// character is not the one right after the previous in the file.
fn build(chars: &[Ch], emphasis: Vec<Range<usize>>, hint: Hint) -> Paragraph {
    let mut text = String::with_capacity(chars.len());
    let mut origin = Vec::new();
    let mut byte_at = Vec::with_capacity(chars.len() + 1);
    let mut prev: Option<Ch> = None;
    for ch in chars {
        let continues = prev.is_some_and(|p| p.line == ch.line && p.col + 1 == ch.col);
        if !continues {
            origin.push(Origin {
                byte: text.len(),
                line: ch.line,
                column: ch.col,
            });
        }
        byte_at.push(text.len());
        text.push(ch.c);
        prev = Some(*ch);
    }
    byte_at.push(text.len());
    let mut ranges: Vec<Range<usize>> = emphasis
        .into_iter()
        .filter(|r| r.start < r.end)
        .map(|r| byte_at[r.start]..byte_at[r.end])
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut p = Paragraph::new(text, hint);
    p.origin = origin;
    p.emphasis = merged;
    p
}

/// A run of `*` or `_` that may open or close emphasis.
struct Delim {
    ch: char,
    /// Remaining (unused) delimiter characters: `start..end` of the stream.
    start: usize,
    end: usize,
    orig_len: usize,
    can_open: bool,
    can_close: bool,
}

impl Delim {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '“' | '”' | '‘' | '’' | '–' | '—' | '…' | '«' | '»' | '¡' | '¿' | '•'
        )
}

/// Removes inline markup: returns the kept characters and the emphasised ranges (indexes
/// into the kept characters).
fn inline(s: &[Ch]) -> (Vec<Ch>, Vec<Range<usize>>) {
    let n = s.len();
    let mut removed = vec![false; n];
    let mut protected = vec![false; n];
    let mut replace: Vec<Option<char>> = vec![None; n];

    // Backslash escapes and code spans.
    let mut i = 0;
    while i < n {
        let c = s[i].c;
        if c == '\\' && i + 1 < n && s[i + 1].c.is_ascii_punctuation() {
            removed[i] = true;
            protected[i + 1] = true;
            i += 2;
        } else if c == '`' {
            let run = s[i..].iter().take_while(|c| c.c == '`').count();
            let mut j = i + run;
            let mut close = None;
            while j < n {
                if s[j].c == '`' {
                    let r = s[j..].iter().take_while(|c| c.c == '`').count();
                    if r == run {
                        close = Some(j);
                        break;
                    }
                    j += r;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(j) => {
                    removed[i..i + run].fill(true);
                    removed[j..j + run].fill(true);
                    protected[i + run..j].fill(true);
                    i = j + run;
                }
                None => {
                    protected[i..i + run].fill(true);
                    i += run;
                }
            }
        } else {
            i += 1;
        }
    }

    // HTML tags, autolinks, images, links, footnote references, entities.
    let free = |k: usize, protected: &[bool], removed: &[bool]| !protected[k] && !removed[k];
    let mut i = 0;
    while i < n {
        if !free(i, &protected, &removed) {
            i += 1;
            continue;
        }
        match s[i].c {
            '<' => {
                let close = (i + 1..n)
                    .take_while(|&k| s[k].c != '<')
                    .find(|&k| s[k].c == '>' && free(k, &protected, &removed));
                if let Some(j) = close {
                    let inner: String = s[i + 1..j].iter().map(|c| c.c).collect();
                    let autolink = !inner.is_empty()
                        && !inner.contains(char::is_whitespace)
                        && (inner.contains(':') || inner.contains('@'));
                    let first = inner.chars().next().unwrap_or(' ');
                    let second = inner.chars().nth(1).unwrap_or(' ');
                    let tag = first.is_ascii_alphabetic()
                        || (first == '/' && second.is_ascii_alphabetic());
                    if autolink {
                        removed[i] = true;
                        removed[j] = true;
                        protected[i + 1..j].fill(true);
                        i = j + 1;
                        continue;
                    } else if tag {
                        removed[i..=j].fill(true);
                        i = j + 1;
                        continue;
                    }
                }
            }
            '!' if i + 1 < n && s[i + 1].c == '[' => {
                if let Some((_, end)) = link_at(s, i + 1, &protected) {
                    removed[i..=end].fill(true);
                    i = end + 1;
                    continue;
                }
            }
            '[' => {
                if i + 1 < n && s[i + 1].c == '^' {
                    if let Some(close) = (i + 2..n).find(|&k| s[k].c == ']') {
                        if (i + 2..close).all(|k| !s[k].c.is_whitespace()) {
                            removed[i..=close].fill(true);
                            i = close + 1;
                            continue;
                        }
                    }
                }
                if let Some((close, end)) = link_at(s, i, &protected) {
                    removed[i] = true;
                    removed[close..=end].fill(true);
                    i += 1;
                    continue;
                }
            }
            '&' => {
                if let Some((ch, end)) = entity_at(s, i) {
                    replace[i] = Some(ch);
                    removed[i + 1..=end].fill(true);
                    i = end + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }

    // Emphasis: delimiter runs matched as CommonMark does (closer looks back for the nearest
    // opener of the same character).
    let mut delims: Vec<Delim> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = s[i].c;
        if (c == '*' || c == '_') && free(i, &protected, &removed) {
            let mut j = i;
            while j < n && s[j].c == c && free(j, &protected, &removed) {
                j += 1;
            }
            let before = if i == 0 { ' ' } else { s[i - 1].c };
            let after = if j == n { ' ' } else { s[j].c };
            let left = !after.is_whitespace()
                && (!is_punct(after) || before.is_whitespace() || is_punct(before));
            let right = !before.is_whitespace()
                && (!is_punct(before) || after.is_whitespace() || is_punct(after));
            let (can_open, can_close) = if c == '*' {
                (left, right)
            } else {
                (
                    left && (!right || is_punct(before)),
                    right && (!left || is_punct(after)),
                )
            };
            delims.push(Delim {
                ch: c,
                start: i,
                end: j,
                orig_len: j - i,
                can_open,
                can_close,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut openers: Vec<usize> = Vec::new();
    for k in 0..delims.len() {
        if delims[k].can_close {
            while delims[k].len() > 0 {
                let found = openers.iter().rposition(|&o| {
                    let (a, b) = (&delims[o], &delims[k]);
                    let odd_match = (a.can_open && a.can_close || b.can_open && b.can_close)
                        && (a.orig_len + b.orig_len) % 3 == 0
                        && !(a.orig_len % 3 == 0 && b.orig_len % 3 == 0);
                    a.ch == b.ch && a.len() > 0 && !odd_match
                });
                let Some(pos) = found else { break };
                let o = openers[pos];
                let used = if delims[o].len() >= 2 && delims[k].len() >= 2 {
                    2
                } else {
                    1
                };
                let inner_start = delims[o].end;
                let inner_end = delims[k].start;
                delims[o].end -= used;
                delims[k].start += used;
                removed[inner_start - used..inner_start].fill(true);
                removed[inner_end..inner_end + used].fill(true);
                ranges.push(inner_start..inner_end);
                openers.truncate(pos + 1);
                if delims[o].len() == 0 {
                    openers.pop();
                }
            }
        }
        if delims[k].can_open && delims[k].len() > 0 {
            openers.push(k);
        }
    }

    // Kept characters, and where each stream index lands among them.
    let mut out = Vec::with_capacity(n);
    let mut index = Vec::with_capacity(n + 1);
    for k in 0..n {
        index.push(out.len());
        if !removed[k] {
            let mut ch = s[k];
            if let Some(r) = replace[k] {
                ch.c = r;
            }
            out.push(ch);
        }
    }
    index.push(out.len());
    let emphasis = ranges
        .into_iter()
        .map(|r| index[r.start]..index[r.end])
        .collect();
    (out, emphasis)
}

/// `[text](target)` or `[text][ref]` starting at `open`: the index of `]` and of the last
/// character of the link.
fn link_at(s: &[Ch], open: usize, protected: &[bool]) -> Option<(usize, usize)> {
    let close = matching(s, open, '[', ']', protected)?;
    match s.get(close + 1).map(|c| c.c) {
        Some('(') => Some((close, matching(s, close + 1, '(', ')', protected)?)),
        Some('[') => Some((close, matching(s, close + 1, '[', ']', protected)?)),
        _ => None,
    }
}

fn matching(s: &[Ch], open: usize, o: char, c: char, protected: &[bool]) -> Option<usize> {
    let mut depth = 0usize;
    for (k, ch) in s.iter().enumerate().skip(open) {
        if protected[k] {
            continue;
        }
        if ch.c == o {
            depth += 1;
        } else if ch.c == c {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// `&amp;`, `&#8217;`, `&#x2019;` at `i`: the character and the index of the `;`.
fn entity_at(s: &[Ch], i: usize) -> Option<(char, usize)> {
    let end = (i + 1..s.len().min(i + 12)).find(|&k| s[k].c == ';')?;
    let name: String = s[i + 1..end].iter().map(|c| c.c).collect();
    let ch = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code).filter(|c| *c != '\0')?
    } else {
        match name.as_str() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            _ => return None,
        }
    };
    Some((ch, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use peermark_text::ParagraphKind;

    fn doc(src: &str) -> Document {
        read(src.as_bytes(), &crate::Limits::default()).unwrap()
    }

    fn texts(src: &str) -> Vec<String> {
        doc(src).paragraphs.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn headings_lists_and_rules() {
        let d = doc("# My *recovery* story #\n\nIntro text here.\n\n---\n\n- first item\n  continues\n* second\n1. third\n\nSetext\n======\n\nLast paragraph.\n");
        let t: Vec<&str> = d.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            t,
            vec![
                "My recovery story",
                "Intro text here.",
                "first item continues",
                "second",
                "third",
                "Setext",
                "Last paragraph."
            ]
        );
        assert_eq!(d.paragraphs[0].kind, ParagraphKind::Title);
        assert_eq!(d.paragraphs[2].hint, Hint::ListItem);
        assert_eq!(d.paragraphs[5].hint, Hint::Heading);
        // The heading's text starts at column 3, after "# ".
        assert_eq!(d.position(0, 0).column, 3);
        assert_eq!(
            d.position(0, "My recovery".len()).column,
            3 + "My *recovery*".len() as u32
        );
        let pos = d.position(2, "first item ".len());
        assert_eq!((pos.line, pos.column), (8, 3));
    }

    #[test]
    fn emphasis_is_removed_and_recorded_with_positions() {
        let d = doc("Title\n\nSome *italic words* and **bold** and _under_ here,\nthen a snake_case_name and 2 * 3 * 4.\n");
        let p = &d.paragraphs[1];
        assert_eq!(
            p.text,
            "Some italic words and bold and under here, then a snake_case_name and 2 * 3 * 4."
        );
        let em: Vec<&str> = p.emphasis.iter().map(|r| &p.text[r.clone()]).collect();
        assert_eq!(em, vec!["italic words", "bold", "under"]);
        // "italic" sits after the '*' at column 6.
        let col = |s: &str| {
            let pos = d.position(1, p.text.find(s).unwrap());
            (pos.line, pos.column)
        };
        assert_eq!(col("Some"), (3, 1));
        assert_eq!(col("italic"), (3, 7));
        assert_eq!(col("words"), (3, 14));
        assert_eq!(col(" and bold"), (3, 20));
        assert_eq!(col("bold"), (3, 27));
        assert_eq!(col("under"), (3, 39));
        assert_eq!(col(" here"), (3, 45));
        assert_eq!(col("then"), (4, 1));
        assert_eq!(
            d.line_text(1, 3).unwrap(),
            (
                "Some  italic words  and   bold   and  under  here, ".to_string(),
                1
            )
        );
    }

    #[test]
    fn emphasis_spanning_lines_and_nested() {
        let d = doc("Title\n\nA ***very* strong** claim *over\ntwo lines*.\n");
        let p = &d.paragraphs[1];
        assert_eq!(p.text, "A very strong claim over two lines.");
        let em: Vec<&str> = p.emphasis.iter().map(|r| &p.text[r.clone()]).collect();
        assert_eq!(em, vec!["very strong", "over two lines"]);
        let pos = d.position(1, p.text.find("two").unwrap());
        assert_eq!((pos.line, pos.column), (4, 1));
    }

    #[test]
    fn code_links_comments_and_entities() {
        let t = texts(
            "Title\n\nUse `*not emphasis*` and [the CHIME paper](https://example.org/x_(y)) <!-- note\nspanning --> then ![a picture](p.png) &amp; <em>tags</em> <https://a.org> \\*lit\\* [^1].\n\n[1]: https://example.org\n\n<!-- only a comment -->\n\nEnd here.",
        );
        assert_eq!(
            t,
            vec![
                "Title",
                "Use *not emphasis* and the CHIME paper then  & tags https://a.org *lit* .",
                "End here."
            ]
        );
    }

    #[test]
    fn positions_after_removed_link_target() {
        let d = doc("Title\n\nSee [Leamy](http://x.y) and recovery.\n");
        let p = &d.paragraphs[1];
        assert_eq!(p.text, "See Leamy and recovery.");
        let pos = d.position(1, p.text.find("and").unwrap());
        // "See [Leamy](http://x.y) " is 24 characters.
        assert_eq!(pos.column, 25);
        let pos = d.position(1, p.text.find("Leamy").unwrap());
        assert_eq!(pos.column, 6);
    }

    #[test]
    fn ordered_markers_do_not_interrupt_paragraphs() {
        let t = texts("Title\n\nIn the spring of\n2016. That year I began.\n");
        assert_eq!(t[1], "In the spring of 2016. That year I began.");
    }

    #[test]
    fn fenced_code_is_kept_as_written() {
        let t = texts("Title\n\n```\n*x* `y`\n```\n\nEnd.");
        assert_eq!(t, vec!["Title", "*x* `y`", "End."]);
    }
}
