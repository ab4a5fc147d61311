//! What keeps a crafted PDF from taking the memory, the time or the stack of a marking run.
//!
//! `lopdf` (under `pdf-extract`) parses objects recursively, decompresses every stream it is
//! asked for whole and in memory, and `pdf-extract` follows forms drawn inside forms and a
//! page's parents in the page tree by recursion, without limit or loop check; a stack
//! overflow aborts the whole process, so it must never be reached. Two checks run first, both
//! without recursion:
//!
//! - [`prescan`], on the file's bytes before `lopdf` sees them: nesting of arrays and
//!   dictionaries ([`Limits::max_pdf_depth`]); the object and cross-reference streams `lopdf`
//!   decompresses while loading, measured without keeping their bytes
//!   ([`Limits::max_part_size`]); and stream lengths that point at other streams (which
//!   `lopdf` would follow by recursion, one stream after another).
//! - [`check_loaded`], on the loaded document before any page is read: every stream (images
//!   aside, which are emptied: they carry no text) is measured as it decompresses, all of
//!   them together within [`Limits::max_part_size`]; each page's chain of parents is walked;
//!   and each page's drawing instructions are counted, the forms it draws followed with an
//!   explicit stack, within [`Limits::max_pdf_depth`] (arrays, dictionaries, saved graphics
//!   states and forms nested) and [`Limits::max_elements`].
//!
//! Reading then runs on a thread with a large stack ([`on_big_stack`]), so the bounded
//! recursion left in the PDF libraries has room whatever the build.
//!
//! Not covered: in an encrypted PDF (one that opens without a password), object streams are
//! decrypted and decompressed by `lopdf` while loading, before they can be measured.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use pdf_extract::{Dictionary, Document, Object, ObjectId};

use crate::zipxml::damaged;
use crate::{IngestError, Limits};

const EXT: &str = "pdf";

/// The stack the PDF libraries run on: room for their bounded recursion (objects nested up
/// to 100 levels, forms up to [`Limits::max_pdf_depth`]) even in an unoptimised build. Only
/// the pages touched take memory.
const PDF_STACK: usize = 64 << 20;

/// Runs `f` on a thread with a [`PDF_STACK`] stack (on this thread if none can be started).
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let f = std::sync::Mutex::new(Some(f));
    let run = || (f.lock().unwrap().take().expect("run once"))();
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("peermark-pdf".into())
            .stack_size(PDF_STACK)
            .spawn_scoped(s, run)
        {
            Ok(h) => match h.join() {
                Ok(t) => t,
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(_) => run(),
        }
    })
}

// ---------------------------------------------------------------------------------------
// Tokens

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    /// `[` or `<<`.
    Open,
    /// `]` or `>>`.
    Close,
    Name(&'a [u8]),
    /// A number, a keyword or an operator.
    Word(&'a [u8]),
    /// A literal or hexadecimal string.
    Str,
}

/// PDF tokens, without recursion: strings (nested parentheses, escapes) and comments are
/// skipped whole.
struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn new(b: &'a [u8]) -> Self {
        Lexer { b, i: 0 }
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        let b = self.b;
        loop {
            while self.i < b.len() && is_space(b[self.i]) {
                self.i += 1;
            }
            let c = *b.get(self.i)?;
            let start = self.i;
            self.i += 1;
            match c {
                b'%' => {
                    while self.i < b.len() && !matches!(b[self.i], b'\r' | b'\n') {
                        self.i += 1;
                    }
                }
                b'(' => {
                    let mut open = 1u64;
                    while self.i < b.len() && open > 0 {
                        match b[self.i] {
                            b'\\' => self.i += 1,
                            b'(' => open += 1,
                            b')' => open -= 1,
                            _ => {}
                        }
                        self.i += 1;
                    }
                    self.i = self.i.min(b.len());
                    return Some(Tok::Str);
                }
                b'<' if b.get(self.i) == Some(&b'<') => {
                    self.i += 1;
                    return Some(Tok::Open);
                }
                b'<' => {
                    while self.i < b.len() && b[self.i] != b'>' {
                        self.i += 1;
                    }
                    self.i = (self.i + 1).min(b.len());
                    return Some(Tok::Str);
                }
                b'>' if b.get(self.i) == Some(&b'>') => {
                    self.i += 1;
                    return Some(Tok::Close);
                }
                b'[' => return Some(Tok::Open),
                b']' => return Some(Tok::Close),
                b'/' => {
                    while self.i < b.len() && !is_space(b[self.i]) && !is_delimiter(b[self.i]) {
                        self.i += 1;
                    }
                    return Some(Tok::Name(&b[start + 1..self.i]));
                }
                // Stray `>`, `)`, and PostScript braces: nothing to count.
                b'>' | b')' | b'{' | b'}' => {}
                _ => {
                    while self.i < b.len() && !is_space(b[self.i]) && !is_delimiter(b[self.i]) {
                        self.i += 1;
                    }
                    return Some(Tok::Word(&b[start..self.i]));
                }
            }
        }
    }
}

fn int(w: &[u8]) -> Option<u64> {
    if w.is_empty() || w.len() > 18 || !w.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(w).ok()?.parse().ok()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

// ---------------------------------------------------------------------------------------
// Decoded sizes

/// A writer that keeps (or only counts) at most `cap` bytes and fails past them.
struct Capped {
    n: u64,
    cap: u64,
    over: bool,
    keep: Option<Vec<u8>>,
}

impl Capped {
    fn new(cap: u64, keep: bool) -> Self {
        Capped {
            n: 0,
            cap,
            over: false,
            keep: keep.then(Vec::new),
        }
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.n + buf.len() as u64 > self.cap {
            self.over = true;
            return Err(io::Error::other("over the limit"));
        }
        self.n += buf.len() as u64;
        if let Some(k) = self.keep.as_mut() {
            k.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How a stream is encoded, as its dictionary says.
#[derive(Default, Debug)]
struct Encoding<'a> {
    filters: Vec<&'a [u8]>,
    early_change: bool,
}

impl Encoding<'_> {
    fn of(dict: &Dictionary) -> Encoding<'_> {
        let filters = match dict.get(b"Filter") {
            Ok(Object::Name(n)) => vec![n.as_slice()],
            Ok(Object::Array(a)) => a
                .iter()
                .filter_map(|o| o.as_name().ok())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let early_change = dict
            .get(b"DecodeParms")
            .and_then(Object::as_dict)
            .and_then(|p| p.get(b"EarlyChange"))
            .and_then(Object::as_i64)
            .map_or(true, |v| v != 0);
        Encoding {
            filters,
            early_change,
        }
    }
}

/// Decodes `input` through one filter into `out`, as `lopdf` decodes it (partial output of a
/// damaged stream kept; a zlib stream with a bad header read as raw deflate). `Err` when a
/// filter is not one `lopdf` decodes (it then reads the stream undecoded).
fn decode_one(filter: &[u8], input: &[u8], early_change: bool, out: &mut Capped) -> Result<(), ()> {
    match filter {
        b"FlateDecode" => {
            let r = io::copy(&mut flate2::read::ZlibDecoder::new(input), out);
            if r.is_err() && out.n == 0 && !out.over && input.len() > 2 {
                let _ = io::copy(&mut flate2::read::DeflateDecoder::new(&input[2..]), out);
            }
            Ok(())
        }
        b"LZWDecode" => {
            use weezl::{decode::Decoder, BitOrder};
            let mut d = if early_change {
                Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
            } else {
                Decoder::new(BitOrder::Msb, 8)
            };
            let _ = d.into_stream(&mut *out).decode_all(input);
            Ok(())
        }
        b"ASCII85Decode" => {
            ascii85(input, out);
            Ok(())
        }
        _ => Err(()),
    }
}

/// ASCII base-85 decoding as `lopdf` does it, into `out` (stops when `out` is full).
fn ascii85(input: &[u8], out: &mut Capped) {
    let data = input.strip_suffix(b"~>").unwrap_or(input);
    let (mut buffer, mut count) = (0u32, 0usize);
    for &ch in data {
        if ch == b'z' {
            if count != 0 || out.write_all(&[0; 4]).is_err() {
                return;
            }
            continue;
        }
        if ch.is_ascii_whitespace() {
            continue;
        }
        if !(b'!'..=b'u').contains(&ch) {
            break;
        }
        let Some(b) = buffer.checked_mul(85) else {
            return;
        };
        buffer = b.wrapping_add((ch - b'!') as u32);
        count += 1;
        if count == 5 {
            if out.write_all(&buffer.to_be_bytes()).is_err() {
                return;
            }
            buffer = 0;
            count = 0;
        }
    }
    if count > 0 {
        for _ in count..5 {
            match buffer.checked_mul(85) {
                Some(b) => buffer = b.wrapping_add(84),
                None => return,
            }
        }
        let _ = out.write_all(&buffer.to_be_bytes()[..count - 1]);
    }
}

/// How many bytes `data` decodes to through `enc`, without keeping them (only a stream
/// between two filters is kept, within `cap`); `None` when it is over `cap`.
fn decoded_size(data: &[u8], enc: &Encoding, cap: u64) -> Option<u64> {
    let mut owned: Vec<u8>;
    let mut cur: &[u8] = data;
    for (i, f) in enc.filters.iter().enumerate() {
        let last = i + 1 == enc.filters.len();
        let mut out = Capped::new(cap, !last);
        if decode_one(f, cur, enc.early_change, &mut out).is_err() {
            // lopdf gives up on the whole chain: the stream is read as stored.
            return Some(data.len() as u64);
        }
        if out.over {
            return None;
        }
        if last {
            return Some(out.n);
        }
        owned = out.keep.take().unwrap_or_default();
        cur = &owned;
    }
    Some(cur.len() as u64)
}

/// The bytes of a stream as `pdf-extract` reads them (decoded where `lopdf` can, else as
/// stored).
fn contents(s: &pdf_extract::Stream) -> Vec<u8> {
    s.decompressed_content()
        .unwrap_or_else(|_| s.content.clone())
}

// ---------------------------------------------------------------------------------------
// Before loading

/// The top-level entries of a stream's dictionary that matter here.
#[derive(Default, Debug)]
struct StreamDict<'a> {
    /// `/Length N G R`: the object number.
    length_ref: Option<u64>,
    length: Option<u64>,
    loaded_by_lopdf: bool,
    enc: Encoding<'a>,
}

/// Reads the dictionary that starts at `d[0]` (`<<`).
fn stream_dict(d: &[u8]) -> StreamDict<'_> {
    let mut lx = Lexer::new(d);
    let mut out = StreamDict {
        enc: Encoding {
            filters: Vec::new(),
            early_change: true,
        },
        ..Default::default()
    };
    let mut depth = 0u32;
    // The key whose value is being read at depth 1, the words of that value so far, and the
    // key being read inside a dictionary value (`/DecodeParms << /EarlyChange 0 >>`).
    let mut key: Option<&[u8]> = None;
    let mut words: Vec<&[u8]> = Vec::new();
    let mut inner_key: Option<&[u8]> = None;
    while let Some(t) = lx.next() {
        match t {
            Tok::Open => {
                depth += 1;
                inner_key = None;
                continue;
            }
            Tok::Close => {
                depth = depth.saturating_sub(1);
                match depth {
                    0 => break,
                    1 => key = None,
                    _ => {}
                }
                continue;
            }
            _ => {}
        }
        if depth == 1 {
            match t {
                Tok::Name(n) if key.is_none() || !words.is_empty() => {
                    key = Some(n);
                    words.clear();
                }
                Tok::Name(v) => {
                    match key {
                        Some(b"Type") => out.loaded_by_lopdf = matches!(v, b"ObjStm" | b"XRef"),
                        Some(b"Filter") => out.enc.filters = vec![v],
                        _ => {}
                    }
                    key = None;
                }
                Tok::Word(w) if key.is_some() => {
                    words.push(w);
                    if key == Some(b"Length") {
                        match words[..] {
                            [n] => out.length = int(n),
                            [n, _, b"R"] => {
                                out.length = None;
                                out.length_ref = int(n);
                            }
                            _ => {}
                        }
                    }
                }
                _ => key = None,
            }
        } else if depth == 2 {
            match (key, t) {
                (Some(b"Filter"), Tok::Name(v)) => out.enc.filters.push(v),
                (Some(b"DecodeParms"), Tok::Name(n)) if inner_key.is_none() => inner_key = Some(n),
                (Some(b"DecodeParms"), _) => {
                    if inner_key == Some(b"EarlyChange") && t == Tok::Word(b"0") {
                        out.enc.early_change = false;
                    }
                    inner_key = None;
                }
                _ => {}
            }
        }
    }
    out
}

/// Checks the file's bytes before `lopdf` parses them: nesting of arrays and dictionaries
/// within [`Limits::max_pdf_depth`], the object and cross-reference streams `lopdf`
/// decompresses while loading within [`Limits::max_part_size`], and stream lengths that point
/// at streams.
pub(crate) fn prescan(bytes: &[u8], limits: &Limits) -> Result<(), IngestError> {
    let too_deep = || IngestError::PdfTooDeep {
        limit: limits.max_pdf_depth,
    };
    let cap = limits.max_part_size;
    let too_large = || IngestError::PartTooLarge {
        ext: EXT,
        limit: cap,
    };
    let mut lx = Lexer::new(bytes);
    let mut depth = 0u32;
    // The last two words, for `N G obj`.
    let mut last: [Option<&[u8]>; 2] = [None, None];
    // Where the current object's top-level dictionary starts.
    let mut dict_start: Option<usize> = None;
    let mut obj: Option<u64> = None;
    // Object number → whether its last definition is a stream.
    let mut streams: HashMap<u64, bool> = HashMap::new();
    // (the object a stream's length is in, whether lopdf decompresses that stream to load).
    let mut length_refs: Vec<(u64, bool)> = Vec::new();
    let mut biggest_loaded = 0u64;
    let mut loaded_total = 0u64;
    while let Some(t) = lx.next() {
        if t == Tok::Open && depth == 0 && bytes[..lx.i].ends_with(b"<<") {
            dict_start = Some(lx.i - 2);
        }
        match t {
            Tok::Open => {
                depth += 1;
                if depth > limits.max_pdf_depth {
                    return Err(too_deep());
                }
            }
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word(b"obj") => {
                depth = 0;
                dict_start = None;
                obj = match last {
                    [Some(n), Some(g)] if int(g).is_some() => int(n),
                    _ => None,
                };
                if let Some(n) = obj {
                    streams.insert(n, false);
                }
            }
            Tok::Word(b"endobj" | b"xref" | b"trailer" | b"startxref") => {
                depth = 0;
                dict_start = None;
            }
            Tok::Word(b"stream") if depth == 0 => {
                // The data starts after the end of line that follows the keyword.
                let mut start = lx.i;
                if bytes.get(start) == Some(&b'\r') {
                    start += 1;
                }
                if bytes.get(start) == Some(&b'\n') {
                    start += 1;
                }
                let end = find(bytes, b"endstream", start).unwrap_or(bytes.len());
                if let Some(d) = dict_start {
                    let sd = stream_dict(&bytes[d..]);
                    if let Some(n) = obj {
                        streams.insert(n, true);
                    }
                    if let Some(r) = sd.length_ref {
                        length_refs.push((r, sd.loaded_by_lopdf));
                    }
                    if sd.loaded_by_lopdf {
                        let data_end = sd
                            .length
                            .and_then(|l| start.checked_add(l as usize))
                            .filter(|&e| e <= bytes.len())
                            .unwrap_or(end);
                        let size = decoded_size(&bytes[start..data_end], &sd.enc, cap)
                            .ok_or_else(too_large)?;
                        biggest_loaded = biggest_loaded.max(size);
                        loaded_total = loaded_total.saturating_add(size);
                        if loaded_total > cap {
                            return Err(too_large());
                        }
                    }
                }
                lx.i = end + b"endstream".len().min(bytes.len() - end);
                dict_start = None;
            }
            _ => {}
        }
        last = match t {
            Tok::Word(w) => [last[1], Some(w)],
            _ => [None, None],
        };
    }
    // lopdf reads a length given as a reference by parsing the object it points at, and a
    // length in an object stream by decompressing that stream again, each time.
    let mut reloads = 0u64;
    for (target, in_loaded) in length_refs {
        match streams.get(&target) {
            Some(true) => return Err(damaged(EXT, "a stream's length is another stream")),
            Some(false) => {}
            None if in_loaded => {
                return Err(damaged(
                    EXT,
                    "an object stream's length is in an object stream",
                ))
            }
            None => reloads += 1,
        }
    }
    if reloads.saturating_mul(biggest_loaded) > cap {
        return Err(too_large());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// After loading

/// A content stream's drawing instructions, counted: operators and operands, deepest nesting
/// of arrays and dictionaries or of saved graphics states (`q` … `Q`: `pdf-extract` keeps a
/// copy of the whole state, over a kilobyte, for each), and the names of the XObjects it draws
/// (`/Name Do`).
#[derive(Default, Clone, Debug)]
struct Summary {
    tokens: u64,
    depth: u32,
    draws: Vec<Vec<u8>>,
}

fn summarise(content: &[u8], max_depth: u32) -> Summary {
    let mut c = Counter::new(max_depth);
    c.feed(content);
    c.s
}

/// Counts content streams one after another as one (a page's contents may be split between
/// several streams, which are joined with a line break).
struct Counter {
    s: Summary,
    max_depth: u32,
    depth: u32,
    saves: u32,
    /// The first operand since the last operator, when the last stream ended before the
    /// operator: `Some(Some(name))` if it is a name.
    carry: Option<Option<Vec<u8>>>,
}

/// Whether a word is an operand (a number, `true`, `false` or `null`) rather than an
/// operator.
fn operand_word(w: &[u8]) -> bool {
    matches!(w[0], b'0'..=b'9' | b'+' | b'-' | b'.') || matches!(w, b"true" | b"false" | b"null")
}

impl Counter {
    fn new(max_depth: u32) -> Self {
        Counter {
            s: Summary::default(),
            max_depth,
            depth: 0,
            saves: 0,
            carry: None,
        }
    }

    fn feed(&mut self, content: &[u8]) {
        if self.s.depth > self.max_depth {
            // Deeper than allowed already: nothing more to learn.
            return;
        }
        let s = &mut self.s;
        let mut lx = Lexer::new(content);
        // The first operand since the last operator (`pdf-extract` draws the XObject named by
        // the first operand of `Do`): `Some(Some(name))` when it is a name.
        let carried = self.carry.take();
        let mut first: Option<Option<&[u8]>> = carried.as_ref().map(|c| c.as_deref());
        while let Some(t) = lx.next() {
            let operator = match t {
                Tok::Open => {
                    self.depth += 1;
                    s.depth = s.depth.max(self.depth);
                    None
                }
                Tok::Close => {
                    self.depth = self.depth.saturating_sub(1);
                    None
                }
                Tok::Word(w) if self.depth == 0 && !operand_word(w) => Some(w),
                _ => None,
            };
            match operator {
                Some(b"q") => {
                    self.saves += 1;
                    s.depth = s.depth.max(self.saves);
                }
                Some(b"Q") => self.saves = self.saves.saturating_sub(1),
                Some(b"Do") => s.draws.extend(first.flatten().map(<[u8]>::to_vec)),
                Some(b"ID") => {
                    // Inline image data runs to `EI` between white space.
                    let b = lx.b;
                    let mut i = lx.i + 1;
                    while i + 3 < b.len()
                        && !(is_space(b[i])
                            && b[i + 1] == b'E'
                            && b[i + 2] == b'I'
                            && (i + 3 == b.len() || is_space(b[i + 3])))
                    {
                        i += 1;
                    }
                    lx.i = (i + 3).min(b.len());
                }
                _ => {}
            }
            if operator.is_some() {
                first = None;
            } else if first.is_none() && t != Tok::Close {
                first = Some(match t {
                    Tok::Name(n) if self.depth == 0 => Some(n),
                    _ => None,
                });
            }
            if s.depth > self.max_depth {
                return;
            }
            if t != Tok::Close {
                s.tokens += 1;
            }
        }
        self.carry = first.map(|f| f.map(<[u8]>::to_vec));
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict_at<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    deref(doc, d.get(key).ok()?)?.as_dict().ok()
}

/// Empties image streams (they carry no text, and `pdf-extract` would run their data as
/// drawing instructions), then checks the loaded document before any page is read; see the
/// module documentation.
pub(crate) fn check_loaded(doc: &mut Document, limits: &Limits) -> Result<(), IngestError> {
    let cap = limits.max_part_size;
    let too_large = || IngestError::PartTooLarge {
        ext: EXT,
        limit: cap,
    };
    let mut total = 0u64;
    for obj in doc.objects.values_mut() {
        if let Object::Stream(stream) = obj {
            let image = stream
                .dict
                .get(b"Subtype")
                .and_then(|o| o.as_name())
                .is_ok_and(|n| n == b"Image");
            if image {
                stream.dict.remove(b"Filter");
                stream.dict.remove(b"DecodeParms");
                stream.set_content(Vec::new());
                continue;
            }
            let size = decoded_size(&stream.content, &Encoding::of(&stream.dict), cap)
                .ok_or_else(too_large)?;
            total = total.saturating_add(size);
            if total > cap {
                return Err(too_large());
            }
        }
    }
    let doc = &*doc;
    let empty = Dictionary::new();
    let mut forms: HashMap<ObjectId, Summary> = HashMap::new();
    let mut tokens = 0u64;
    for (_, page_id) in doc.get_pages() {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        // The page's parents, as pdf-extract climbs them for the page's resources and size.
        let mut resources: Option<&Dictionary> = None;
        let mut seen = HashSet::from([page_id]);
        let mut node = page;
        loop {
            if resources.is_none() {
                resources = dict_at(doc, node, b"Resources");
            }
            let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) else {
                break;
            };
            if !seen.insert(parent) || seen.len() > limits.max_pdf_depth as usize {
                return Err(IngestError::PdfTooDeep {
                    limit: limits.max_pdf_depth,
                });
            }
            match doc.get_dictionary(parent) {
                Ok(d) => node = d,
                Err(_) => break,
            }
        }
        // The page's content streams, one at a time (lopdf would join them in one copy).
        let mut counter = Counter::new(limits.max_pdf_depth);
        for id in doc.get_page_contents(page_id) {
            if let Ok(Object::Stream(c)) = doc.get_object(id) {
                counter.feed(&contents(c));
                counter.feed(b"\n");
            }
        }
        let summary = counter.s;
        // Forms drawn inside forms, with an explicit stack.
        let mut stack: Vec<Frame> = Vec::new();
        enter(
            &summary,
            resources.unwrap_or(&empty),
            0,
            &mut stack,
            &mut tokens,
            limits,
        )?;
        while let Some(frame) = stack.last_mut() {
            let Some(name) = frame.draws.pop() else {
                stack.pop();
                continue;
            };
            let (res, depth) = (frame.resources, frame.depth);
            let Some(xobjects) = dict_at(doc, res, b"XObject") else {
                continue;
            };
            let Ok(Object::Reference(id)) = xobjects.get(&name) else {
                continue;
            };
            let Ok(Object::Stream(form)) = doc.get_object(*id) else {
                continue;
            };
            let form_res = dict_at(doc, &form.dict, b"Resources").unwrap_or(res);
            let s = forms
                .entry(*id)
                .or_insert_with(|| summarise(&contents(form), limits.max_pdf_depth));
            enter(s, form_res, depth + 1, &mut stack, &mut tokens, limits)?;
        }
    }
    Ok(())
}

/// A content stream being followed: the XObjects it has still to draw (last first), with
/// the resources they are found in, drawn `depth` forms deep.
struct Frame<'d> {
    draws: Vec<Vec<u8>>,
    resources: &'d Dictionary,
    depth: u32,
}

/// Counts a content stream `depth` forms deep, and stacks what it draws.
fn enter<'d>(
    s: &Summary,
    resources: &'d Dictionary,
    depth: u32,
    stack: &mut Vec<Frame<'d>>,
    tokens: &mut u64,
    limits: &Limits,
) -> Result<(), IngestError> {
    *tokens = tokens.saturating_add(s.tokens);
    if *tokens > limits.max_elements {
        return Err(IngestError::TooManyElements {
            ext: EXT,
            what: "drawing instructions",
            limit: limits.max_elements,
        });
    }
    if s.depth > limits.max_pdf_depth || depth > limits.max_pdf_depth {
        return Err(IngestError::PdfTooDeep {
            limit: limits.max_pdf_depth,
        });
    }
    if !s.draws.is_empty() {
        stack.push(Frame {
            draws: s.draws.iter().rev().cloned().collect(),
            resources,
            depth,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn tokens_skip_strings_and_comments() {
        let mut lx = Lexer::new(b"<< /A [1 (a [ ( ) \\) ] b) <5B5B>] % [[[\n>> 3 0 R");
        let mut got = Vec::new();
        while let Some(t) = lx.next() {
            got.push(t);
        }
        use Tok::*;
        assert_eq!(
            got,
            vec![
                Open,
                Name(b"A"),
                Open,
                Word(b"1"),
                Str,
                Str,
                Close,
                Close,
                Word(b"3"),
                Word(b"0"),
                Word(b"R")
            ]
        );
    }

    #[test]
    fn decoded_sizes_stop_at_the_cap() {
        let data = vec![b' '; 100_000];
        let z = zlib(&data);
        let flate = Encoding {
            filters: vec![b"FlateDecode"],
            early_change: true,
        };
        assert_eq!(decoded_size(&z, &flate, 1 << 20), Some(100_000));
        assert_eq!(decoded_size(&z, &flate, 99_999), None);
        // ASCII85 then Flate, as lopdf decodes the chain.
        let mut a85 = Vec::new();
        for chunk in z.chunks(4) {
            let mut b = [0u8; 4];
            b[..chunk.len()].copy_from_slice(chunk);
            let mut v = u32::from_be_bytes(b);
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = (v % 85) as u8 + b'!';
                v /= 85;
            }
            a85.extend(&digits[..chunk.len() + 1]);
        }
        a85.extend(b"~>");
        let chain = Encoding {
            filters: vec![b"ASCII85Decode", b"FlateDecode"],
            early_change: true,
        };
        assert_eq!(decoded_size(&a85, &chain, 1 << 20), Some(100_000));
        assert_eq!(decoded_size(&a85, &chain, 50_000), None);
        // 'z' is four zero bytes.
        let zeros = Encoding {
            filters: vec![b"ASCII85Decode"],
            early_change: true,
        };
        assert_eq!(decoded_size(&[b'z'; 1000], &zeros, 1 << 20), Some(4000));
        assert_eq!(decoded_size(&[b'z'; 1000], &zeros, 3999), None);
        // A filter lopdf does not decode: read as stored.
        let other = Encoding {
            filters: vec![b"RunLengthDecode"],
            early_change: true,
        };
        assert_eq!(decoded_size(&z, &other, 10), Some(z.len() as u64));
        // LZW: weezl's own encoder, as PDF writes it.
        let lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(&data)
            .unwrap();
        let l = Encoding {
            filters: vec![b"LZWDecode"],
            early_change: true,
        };
        assert_eq!(decoded_size(&lzw, &l, 1 << 20), Some(100_000));
        assert_eq!(decoded_size(&lzw, &l, 1000), None);
    }

    #[test]
    fn stream_dictionaries() {
        let d = stream_dict(b"<< /Type /ObjStm /N 3 /Length 12 0 R /Filter [/ASCII85Decode /FlateDecode] /DecodeParms << /EarlyChange 0 >> /First 9 >>stream");
        assert!(d.loaded_by_lopdf);
        assert_eq!(d.length_ref, Some(12));
        assert_eq!(d.enc.filters, vec![&b"ASCII85Decode"[..], b"FlateDecode"]);
        assert!(!d.enc.early_change);
        let d = stream_dict(b"<</Length 345/Filter/FlateDecode>>");
        assert!(!d.loaded_by_lopdf);
        assert_eq!((d.length, d.length_ref), (Some(345), None));
        assert_eq!(d.enc.filters, vec![&b"FlateDecode"[..]]);
    }

    #[test]
    fn content_summaries() {
        let s = summarise(
            b"q 1 0 0 1 0 0 cm /Fm1 Do BI /W 2 /H 1 /BPC 8 /CS /G ID \x00[[[[ EI Q [(a) 3 [(b)]] TJ /Im2 Do",
            50,
        );
        assert_eq!(s.draws, vec![b"Fm1".to_vec(), b"Im2".to_vec()]);
        assert_eq!(s.depth, 2);
        let deep = format!("{}(x){} TJ", "[".repeat(1000), "]".repeat(1000));
        assert_eq!(summarise(deep.as_bytes(), 50).depth, 51);
        assert_eq!(summarise(b"q q Q q q q Q Q Q Q Q q", 50).depth, 4);
        assert_eq!(summarise("q ".repeat(1000).as_bytes(), 50).depth, 51);
        // Contents split between streams count as one.
        let mut c = Counter::new(50);
        for part in [&b"q [1 [2"[..], b"] 3] TJ /Fm1", b"Do /X", b"\n", b"Do Q"] {
            c.feed(part);
        }
        assert_eq!(c.s.depth, 2);
        assert_eq!(c.s.draws, vec![b"Fm1".to_vec(), b"X".to_vec()]);
        // `Do` draws its first operand, as pdf-extract reads it.
        assert_eq!(
            summarise(b"/A /B Do 1 /C Do", 50).draws,
            vec![b"A".to_vec()]
        );
    }

    #[test]
    fn big_stack_runs_and_returns() {
        assert_eq!(on_big_stack(|| 6 * 7), 42);
    }
}
