//! The parser: DataTable's lexer rules (which token may follow which, tried in DataTable's
//! lexicon order), then ordinary precedence (`||` < `&&` < `!` < comparisons).

use super::ast::{Case, Filter, Operand, Query, RelOp, Test};
use super::error::{Expected, ParseError, ParseErrorKind};
use crate::js::{is_line_terminator, is_space, numeric_string};

/// Parse a DataTable filter query.
pub fn parse(query: &str) -> Result<Query, ParseError> {
    let mut p = Parser { src: query, pos: 0 };
    p.skip_space();
    if p.at_end() {
        if query.is_empty() {
            return Ok(Query { filter: None });
        }
        return Err(p.error_at(0, ParseErrorKind::TrailingWhitespace));
    }
    let filter = p.or()?;
    if p.pos < p.src.len() {
        // Only `)` can be left here: every other token was tried by `connective`.
        return Err(p.error(ParseErrorKind::UnmatchedClose));
    }
    Ok(Query {
        filter: Some(filter),
    })
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

enum Logical {
    And,
    Or,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(is_space).len();
    }

    fn char_pos(&self, byte: usize) -> usize {
        self.src[..byte.min(self.src.len())].chars().count()
    }

    fn error_at(&self, byte: usize, kind: ParseErrorKind) -> ParseError {
        ParseError {
            position: self.char_pos(byte),
            kind,
        }
    }

    fn error(&self, kind: ParseErrorKind) -> ParseError {
        self.error_at(self.pos, kind)
    }

    /// What is at the cursor, for messages: the next few characters.
    fn found(&self) -> String {
        let rest = self.rest();
        let word: String = rest.chars().take(12).collect();
        if word.len() < rest.len() {
            format!("{word}…")
        } else {
            word
        }
    }

    fn unexpected(&self, expected: Expected) -> ParseError {
        if self.at_end() {
            self.error(ParseErrorKind::UnexpectedEnd { expected })
        } else {
            self.error(ParseErrorKind::Unexpected {
                found: self.found(),
                expected,
            })
        }
    }

    /// After a complete condition: `&&`, `||`, `)` or the end. Trailing whitespace is an
    /// error, as in DataTable.
    fn connective(&mut self) -> Result<Option<Logical>, ParseError> {
        let before = self.pos;
        self.skip_space();
        if self.at_end() {
            if self.pos > before {
                return Err(self.error_at(before, ParseErrorKind::TrailingWhitespace));
            }
            return Ok(None);
        }
        let rest = self.rest();
        if let Some(len) = logical(rest, "and", "&&") {
            self.pos += len;
            return Ok(Some(Logical::And));
        }
        if let Some(len) = logical(rest, "or", "||") {
            self.pos += len;
            return Ok(Some(Logical::Or));
        }
        if rest.starts_with(')') {
            return Ok(None);
        }
        Err(self.unexpected(Expected::Connective))
    }

    fn or(&mut self) -> Result<Filter, ParseError> {
        // DataTable splits at the first `||`, then the first `&&`: `a && b || c` is
        // `(a && b) || c`, and chains nest to the right.
        let mut ors = Vec::new();
        let mut ands = Vec::new();
        loop {
            ands.push(self.not()?);
            match self.connective()? {
                Some(Logical::And) => {}
                Some(Logical::Or) => ors.push(fold(std::mem::take(&mut ands), Filter::And)),
                None => break,
            }
        }
        ors.push(fold(ands, Filter::And));
        Ok(fold(ors, Filter::Or))
    }

    fn not(&mut self) -> Result<Filter, ParseError> {
        self.skip_space();
        let rest = self.rest();
        if rest.starts_with('(') {
            let open = self.pos;
            self.pos += 1;
            let inner = self.or()?;
            self.skip_space();
            if !self.rest().starts_with(')') {
                return Err(self.error_at(open, ParseErrorKind::UnclosedParenthesis));
            }
            self.pos += 1;
            return Ok(inner);
        }
        if let Some(len) = negation(rest) {
            self.pos += len;
            let inner = self.not()?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<Filter, ParseError> {
        let left = self.operand()?;
        self.skip_space();
        let rest = self.rest();
        if let Some((op, case, len)) = relational(rest) {
            self.pos += len;
            self.skip_space();
            let right = self.operand()?;
            self.dropped_tail()?;
            return Ok(Filter::Compare {
                left,
                op,
                case,
                right,
            });
        }
        if let Some((test, len)) = unary(rest) {
            self.pos += len;
            return Ok(Filter::Is {
                operand: left,
                test,
            });
        }
        Err(self.unexpected(Expected::Operator))
    }

    /// What DataTable's lexer lets follow a whole comparison besides a connective: more
    /// `<operator> <operand>` pairs, then at most one `is` test. Its syntaxer builds the
    /// comparison from the first three tokens and drops the rest (`{a} eq 1 eq 2` is
    /// `{a} eq 1`); so does this parser, once the tail is well formed.
    fn dropped_tail(&mut self) -> Result<(), ParseError> {
        loop {
            let before = self.pos;
            self.skip_space();
            let rest = self.rest();
            if let Some((_, _, len)) = relational(rest) {
                self.pos += len;
                self.skip_space();
                self.operand()?;
                continue;
            }
            if let Some((_, len)) = unary(rest) {
                self.pos += len;
                return Ok(());
            }
            self.pos = before;
            return Ok(());
        }
    }

    fn operand(&mut self) -> Result<Operand, ParseError> {
        self.skip_space();
        let rest = self.rest();
        let Some(first) = rest.chars().next() else {
            return Err(self.unexpected(Expected::Operand));
        };
        match first {
            '{' => match delimited(rest, '{', '}', true) {
                Some((name, len)) => {
                    self.pos += len;
                    Ok(Operand::Column(name))
                }
                None if rest.starts_with("{}") => Err(self.error(ParseErrorKind::EmptyColumn)),
                None => Err(self.error(ParseErrorKind::UnterminatedColumn)),
            },
            '\'' | '"' | '`' => match delimited(rest, first, first, false) {
                Some((text, len)) => {
                    self.pos += len;
                    Ok(Operand::Text(text))
                }
                None => Err(self.error(ParseErrorKind::UnterminatedString { quote: first })),
            },
            _ => match bare_value(rest) {
                Some((raw, len)) => {
                    self.pos += len;
                    Ok(match numeric_string(raw) {
                        Some(n) => Operand::Number(n),
                        None => Operand::Text(unescape(raw)),
                    })
                }
                None => Err(self.unexpected(Expected::Operand)),
            },
        }
    }
}

fn fold(mut items: Vec<Filter>, make: fn(Box<Filter>, Box<Filter>) -> Filter) -> Filter {
    let mut acc = items
        .pop()
        .unwrap_or_else(|| unreachable!("one item at least"));
    while let Some(prev) = items.pop() {
        acc = make(Box::new(prev), Box::new(acc));
    }
    acc
}

/// Case-insensitive ASCII prefix.
fn starts_with_ci(s: &str, word: &str) -> bool {
    s.len() >= word.len() && s.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// JavaScript's `(?=\s|$)` at `s`.
fn boundary(s: &str) -> bool {
    s.chars().next().is_none_or(is_space)
}

/// `and\s` / `&&` (or `or\s` / `||`): the bytes it takes (the word takes one space with it).
fn logical(s: &str, word: &str, symbol: &str) -> Option<usize> {
    if s.starts_with(symbol) {
        return Some(symbol.len());
    }
    if starts_with_ci(s, word) {
        let next = s[word.len()..].chars().next().filter(|c| is_space(*c))?;
        return Some(word.len() + next.len_utf8());
    }
    None
}

/// `!`, or the `not` keyword (an extension) followed by a space or `(`.
fn negation(s: &str) -> Option<usize> {
    if s.starts_with('!') {
        return Some(1);
    }
    if starts_with_ci(s, "not") {
        let next = s[3..].chars().next()?;
        if is_space(next) || next == '(' {
            return Some(3);
        }
    }
    None
}

/// A relational operator, tried in DataTable's order: contains, datestartswith, eq, ge, gt,
/// le, lt, ne; each with an optional `i`/`s` prefix (not datestartswith).
fn relational(s: &str) -> Option<(RelOp, Case, usize)> {
    const OPS: [(RelOp, &str, &str); 8] = [
        (RelOp::Contains, "", "contains"),
        (RelOp::DateStartsWith, "", "datestartswith"),
        (RelOp::Eq, "=", "eq"),
        (RelOp::Ge, ">=", "ge"),
        (RelOp::Gt, ">", "gt"),
        (RelOp::Le, "<=", "le"),
        (RelOp::Lt, "<", "lt"),
        (RelOp::Ne, "!=", "ne"),
    ];
    for (op, symbol, word) in OPS {
        let prefixes: &[usize] = if op == RelOp::DateStartsWith {
            &[0]
        } else {
            &[1, 0]
        };
        for &plen in prefixes {
            if plen == 1 && !matches!(s.as_bytes().first(), Some(b'i' | b's' | b'I' | b'S')) {
                continue;
            }
            let body = &s[plen..];
            let len = if !symbol.is_empty() && body.starts_with(symbol) {
                symbol.len()
            } else if starts_with_ci(body, word) && boundary(&body[word.len()..]) {
                word.len()
            } else {
                continue;
            };
            // DataTable reads the flag as `value[0] == 'i'`: only a lower-case `i`.
            let case = match s.as_bytes()[0] {
                b'i' if plen == 1 => Case::Insensitive,
                _ if plen == 1 => Case::Sensitive,
                _ => Case::Default,
            };
            return Some((op, case, plen + len));
        }
    }
    None
}

/// `is blank`, `is bool`, ... (one space, any case, no word boundary after: DataTable's).
fn unary(s: &str) -> Option<(Test, usize)> {
    Test::ALL.into_iter().find_map(|t| {
        let word = format!("is {}", t.word());
        starts_with_ci(s, &word).then_some((t, word.len()))
    })
}

/// `{..}` or a quoted string with `\x` escapes: the unescaped content and the bytes taken.
/// A field must not be empty and excludes unescaped `{`; a string may be empty.
fn delimited(s: &str, open: char, close: char, field: bool) -> Option<(String, usize)> {
    let mut chars = s.char_indices();
    chars.next().filter(|(_, c)| *c == open)?;
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, escaped) = chars.next().filter(|(_, e)| !is_line_terminator(*e))?;
                out.push(escaped);
            }
            c if c == close => {
                if field && i == 1 {
                    return None;
                }
                return Some((out, i + c.len_utf8()));
            }
            '{' if field => return None,
            c => out.push(c),
        }
    }
    None
}

/// DataTable's bare value: characters other than spaces, quotes, braces, parentheses and
/// backslash (or `\x` escapes), followed by a space, `)` or the end. The raw text.
fn bare_value(s: &str) -> Option<(&str, usize)> {
    let mut chars = s.char_indices().peekable();
    let mut end = 0;
    while let Some(&(i, c)) = chars.peek() {
        if c == '\\' {
            chars.next();
            match chars.next() {
                Some((j, e)) if !is_line_terminator(e) => end = j + e.len_utf8(),
                _ => {
                    end = i;
                    break;
                }
            }
        } else if is_space(c) || matches!(c, '\'' | '"' | '`' | '{' | '}' | '(' | ')') {
            break;
        } else {
            chars.next();
            end = i + c.len_utf8();
        }
    }
    if end == 0 {
        return None;
    }
    let next = s[end..].chars().next();
    if next.is_none_or(|c| is_space(c) || c == ')') {
        Some((&s[..end], end))
    } else {
        None
    }
}

/// `value.replace(/\\(.)/g, '$1')`.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek().filter(|n| !is_line_terminator(**n)) {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}
