//! Zola's shortcode syntax, found in a Markdown body before it is rendered.
//!
//! - inline: `{{ name(key = value, …) }}`
//! - with a body: `{% name(key = value) %}…{% end %}`
//! - escapes, shown literally without their comment marks:
//!   `{{/* name() */}}` → `{{ name() }}`, `{%/* name() */%}` → `{% name() %}`
//!
//! Calls inside code spans and code blocks are never expanded (the escapes
//! there still lose their `/* */`, as in Zola). Values are strings (in `"`,
//! `'` or backticks), numbers, `true`/`false` and arrays of those.
//!
//! This module only splits the text into pieces; `render::shortcodes`
//! renders the calls with the site's templates.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::Value;

/// A part of the body: text kept as it is, or a shortcode call.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// An escape outside code (`{{/* a() */}}`), shown as `{{ a() }}`
    /// exactly: the caller keeps Markdown and smart quotes away from it.
    Literal(String),
    Call(Call),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Value)>,
    /// The text between `{% name() %}` and `{% end %}`; `None` for `{{ }}` calls.
    pub body: Option<String>,
    /// Byte offset of the call's `{{` or `{%` in the text.
    pub offset: usize,
}

/// A malformed call, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Whether the text may hold shortcodes or escapes at all (most pages do not).
pub fn may_contain(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// Splits `text` into text and calls, and lists every syntax error (the
/// calls that parse are kept, so their own problems can be reported too).
pub fn parse(text: &str) -> (Vec<Piece>, Vec<SyntaxError>) {
    let code = code_ranges(text);
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < text.len() {
        if let Some(range) = code.iter().find(|r| r.start == i) {
            literal.push_str(&unescape(&text[range.clone()]));
            i = range.end;
            continue;
        }
        let rest = &text[i..];
        if let Some(escaped) = escape_at(rest) {
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Literal(escaped.text));
            i += escaped.len;
            continue;
        }
        let opener = if rest.starts_with("{{") {
            Some(Opener::Inline)
        } else if rest.starts_with("{%") {
            Some(Opener::Body)
        } else {
            None
        };
        if let Some(kind) = opener {
            match call_at(text, i, kind, &code) {
                Ok(Some((call, len))) => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Call(call));
                    i += len;
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    errors.push(e);
                    // Skip the opener and go on, to report every problem.
                }
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        literal.push(c);
        i += c.len_utf8();
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    (pieces, errors)
}

#[derive(Clone, Copy, PartialEq)]
enum Opener {
    Inline,
    Body,
}

impl Opener {
    fn close(self) -> &'static str {
        match self {
            Opener::Inline => "}}",
            Opener::Body => "%}",
        }
    }
}

/// Byte ranges of code spans and code blocks, where nothing is expanded
/// (parsed with the options pages are rendered with, so both agree on
/// what is code).
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(text, super::parser_options(false))
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Zola's escapes lose their comment marks, in code too.
fn unescape(code: &str) -> String {
    code.replace("{{/*", "{{")
        .replace("*/}}", "}}")
        .replace("{%/*", "{%")
        .replace("*/%}", "%}")
}

struct Escaped {
    text: String,
    len: usize,
}

/// `{{/* … */}}` or `{%/* … */%}` at the start of `rest`.
fn escape_at(rest: &str) -> Option<Escaped> {
    let (open, close, shown_open, shown_close) = if rest.starts_with("{{/*") {
        ("{{/*", "*/}}", "{{", "}}")
    } else if rest.starts_with("{%/*") {
        ("{%/*", "*/%}", "{%", "%}")
    } else {
        return None;
    };
    let end = rest.find(close)?;
    let inner = &rest[open.len()..end];
    Some(Escaped {
        text: format!("{shown_open}{inner}{shown_close}"),
        len: end + close.len(),
    })
}

/// A call starting at `start` (at `{{` or `{%`). `Ok(None)`: the braces are
/// not a call (`{{ x }}` without parentheses is text, as in Zola).
fn call_at(
    text: &str,
    start: usize,
    kind: Opener,
    code: &[Range<usize>],
) -> Result<Option<(Call, usize)>, SyntaxError> {
    let mut p = Cursor {
        text,
        pos: start + 2,
    };
    p.skip_ws();
    let name_at = p.pos;
    let name = p.ident();
    if name.is_empty() {
        return Ok(None);
    }
    p.skip_ws();
    if kind == Opener::Body && name == "end" && p.peek() == Some('%') {
        return Err(SyntaxError {
            offset: start,
            message: "`{% end %}` without a shortcode that it ends".into(),
            hint: "a body shortcode opens with `{% name(…) %}`; to show the text itself write `{%/* end */%}`".into(),
        });
    }
    if p.peek() != Some('(') {
        return Ok(None);
    }
    p.pos += 1;
    let args = p.args().map_err(|(offset, message)| SyntaxError {
        offset,
        message: format!("shortcode `{name}`: {message}"),
        hint: "arguments look like `name(text=\"…\", count=3, on=true, list=[1, 2])`".into(),
    })?;
    p.skip_ws();
    if !p.rest().starts_with(kind.close()) {
        return Err(SyntaxError {
            offset: p.pos,
            message: format!("shortcode `{name}` is not closed with `{}`", kind.close()),
            hint: format!(
                "write `{} {name}(…) {}`",
                if kind == Opener::Inline { "{{" } else { "{%" },
                kind.close()
            ),
        });
    }
    p.pos += 2;
    let _ = name_at;
    let mut len = p.pos - start;
    let mut body = None;
    if kind == Opener::Body {
        let Some((body_end, end_len)) = find_end(text, p.pos, code) else {
            return Err(SyntaxError {
                offset: start,
                message: format!("body shortcode `{name}` has no `{{% end %}}`"),
                hint: format!(
                    "close it with `{{% end %}}` after its text, or write `{{{{ {name}(…) }}}}` for a shortcode without a body"
                ),
            });
        };
        body = Some(trim_newlines(&text[p.pos..body_end]).to_string());
        len = body_end + end_len - start;
    }
    Ok(Some((
        Call {
            name,
            args,
            body,
            offset: start,
        },
        len,
    )))
}

/// The first `{% end %}` at or after `from` outside code: (offset, length).
fn find_end(text: &str, from: usize, code: &[Range<usize>]) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(found) = text[i..].find("{%") {
        let at = i + found;
        let mut c = Cursor { text, pos: at + 2 };
        c.skip_ws();
        let word = c.ident();
        c.skip_ws();
        let in_code = code.iter().any(|r| r.contains(&at));
        if word == "end" && c.rest().starts_with("%}") && !in_code {
            return Some((at, c.pos + 2 - at));
        }
        i = at + 2;
    }
    None
}

/// The body without the line break after `%}` and before `{% end %}`.
fn trim_newlines(s: &str) -> &str {
    let s = s
        .strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\n'))
        .unwrap_or(s);
    s.strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(s)
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn ident(&mut self) -> String {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(rest.len(), |(i, _)| i);
        self.pos += len;
        rest[..len].to_string()
    }

    /// Arguments after `(` up to and including `)`.
    fn args(&mut self) -> Result<Vec<(String, Value)>, (usize, String)> {
        let mut args: Vec<(String, Value)> = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(')') {
                self.pos += 1;
                return Ok(args);
            }
            let at = self.pos;
            let key = self.ident();
            if key.is_empty() {
                return Err((at, "expected an argument name or `)`".into()));
            }
            if args.iter().any(|(k, _)| *k == key) {
                return Err((at, format!("argument `{key}` is given twice")));
            }
            self.skip_ws();
            if self.peek() != Some('=') {
                return Err((self.pos, format!("argument `{key}` needs `=` and a value")));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            args.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {}
                _ => return Err((self.pos, "expected `,` or `)` after an argument".into())),
            }
        }
    }

    fn value(&mut self) -> Result<Value, (usize, String)> {
        let at = self.pos;
        match self.peek() {
            Some(q @ ('"' | '\'' | '`')) => {
                let rest = &self.rest()[1..];
                let Some(end) = rest.find(q) else {
                    return Err((at, format!("a string opened with {q} is not closed")));
                };
                let s = rest[..end].to_string();
                self.pos += end + 2;
                Ok(Value::String(s))
            }
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(']') {
                        self.pos += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.skip_ws();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(']') => {}
                        _ => return Err((self.pos, "expected `,` or `]` in a list".into())),
                    }
                }
            }
            _ => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+' || c == '_')
                    })
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                let value = match word {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => word.parse::<i64>().ok().map(Value::from).or_else(|| {
                        word.parse::<f64>()
                            .ok()
                            .filter(|f| f.is_finite())
                            .map(Value::from)
                    }),
                };
                match value {
                    Some(v) => {
                        self.pos += len;
                        Ok(v)
                    }
                    None if word.is_empty() => Err((at, "expected a value".into())),
                    None => Err((
                        at,
                        format!(
                            "`{word}` is not a value: write text in quotes (\"{word}\"), or a number, true, false or a [list]"
                        ),
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Vec<Piece> {
        let (pieces, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        pieces
    }

    fn calls(text: &str) -> Vec<Call> {
        ok(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Call(c) => Some(c),
                Piece::Text(_) | Piece::Literal(_) => None,
            })
            .collect()
    }

    fn texts(text: &str) -> String {
        ok(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Literal(t) => t,
                Piece::Call(c) => format!("<{}>", c.name),
            })
            .collect()
    }

    #[test]
    fn inline_call_with_every_kind_of_value() {
        let c = &calls("a {{ fig(src=\"a.png\", w=3, r=-1.5, on=true, tags=['x', `y`]) }} b")[0];
        assert_eq!(c.name, "fig");
        assert_eq!(c.offset, 2);
        assert_eq!(c.args[0], ("src".into(), Value::from("a.png")));
        assert_eq!(c.args[1].1, Value::from(3));
        assert_eq!(c.args[2].1, Value::from(-1.5));
        assert_eq!(c.args[3].1, Value::Bool(true));
        assert_eq!(c.args[4].1, serde_json::json!(["x", "y"]));
        assert_eq!(c.body, None);
    }

    #[test]
    fn body_call_takes_text_up_to_end() {
        let c = &calls("{% note(kind=\"tip\") %}\n**注意**\n{% end %}\nafter")[0];
        assert_eq!(c.name, "note");
        assert_eq!(c.body.as_deref(), Some("**注意**"));
        assert_eq!(texts("{% note() %}x{%end%} after"), "<note> after");
    }

    #[test]
    fn escapes_and_code_are_literal() {
        assert_eq!(
            texts("{{/* youtube(id=\"x\") */}}"),
            "{{ youtube(id=\"x\") }}"
        );
        assert_eq!(texts("{%/* quote() */%}"), "{% quote() %}");
        assert_eq!(texts("`{{ a() }}`"), "`{{ a() }}`");
        assert_eq!(
            texts("```\n{{ a() }}\n{{/* b() */}}\n```\n"),
            "```\n{{ a() }}\n{{ b() }}\n```\n"
        );
        assert_eq!(texts("    {{ a() }}\n"), "    {{ a() }}\n");
        assert_eq!(texts("{{ not_a_call }} {{x}}"), "{{ not_a_call }} {{x}}");
    }

    #[test]
    fn errors_name_their_offsets_and_all_are_reported() {
        let errs = parse("{{ a(x=) }} and {{ b(y=bare) }} and {% c() %} no end").1;
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(errs[0].offset, 7);
        assert!(
            errs[1].message.contains("`bare` is not a value"),
            "{:?}",
            errs[1]
        );
        assert!(
            errs[2].message.contains("has no `{% end %}`"),
            "{:?}",
            errs[2]
        );
        assert_eq!(parse("{{ a(x=1) ").1.len(), 1);
        assert_eq!(parse("{{ a(x=1, x=2) }}").1.len(), 1);
        assert_eq!(parse("text {% end %}").1.len(), 1);
    }
}
