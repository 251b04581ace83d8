//! JSON with comments (JSONC) into the same span-annotated tree as YAML.
//!
//! Agent settings and MCP configs are JSON, and several agents (VS Code, Zed) accept `//` and
//! `/* */` comments and trailing commas in them. This parser accepts both, keeps the position
//! of every key and value, and bounds its nesting depth. It never fails half-way silently: any
//! syntax error is returned with its position.

use crate::syntax::yaml::{Node, NodeKind, Position, SyntaxError};

/// The deepest nesting accepted; real configs stay far below it.
const MAX_DEPTH: usize = 128;

/// Parses JSON or JSONC text into a span-annotated tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut parser = Parser {
        chars: text.char_indices().peekable(),
        position: Position { line: 1, column: 1 },
    };
    parser.skip_trivia()?;
    let node = parser.value(0)?;
    parser.skip_trivia()?;
    match parser.chars.peek() {
        None => Ok(node),
        Some(_) => Err(parser.error("unexpected text after the JSON value")),
    }
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    position: Position,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            position: self.position,
            message: message.to_owned(),
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.position.line += 1;
            self.position.column = 1;
        } else {
            self.position.column += 1;
        }
        Some(c)
    }

    fn expect(&mut self, wanted: char) -> Result<(), SyntaxError> {
        if self.peek() == Some(wanted) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(&format!("expected `{wanted}`")))
        }
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{FEFF}' => {
                    self.bump();
                }
                Some('/') => {
                    let start = self.position;
                    self.bump();
                    match self.bump() {
                        Some('/') => {
                            while let Some(c) = self.peek() {
                                if c == '\n' {
                                    break;
                                }
                                self.bump();
                            }
                        }
                        Some('*') => {
                            let mut previous = ' ';
                            loop {
                                match self.bump() {
                                    Some('/') if previous == '*' => break,
                                    Some(c) => previous = c,
                                    None => {
                                        return Err(SyntaxError {
                                            position: start,
                                            message: "unterminated block comment".to_owned(),
                                        });
                                    }
                                }
                            }
                        }
                        _ => {
                            return Err(SyntaxError {
                                position: start,
                                message: "unexpected `/`".to_owned(),
                            });
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting is too deep"));
        }
        let position = self.position;
        let kind = match self.peek() {
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => NodeKind::String(self.string()?),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            Some(c) if c.is_ascii_alphabetic() => self.word()?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("unexpected end of input")),
        };
        Ok(Node { position, kind })
    }

    fn object(&mut self, depth: usize) -> Result<NodeKind, SyntaxError> {
        self.bump();
        let mut entries = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some('}') {
                self.bump();
                return Ok(NodeKind::Map(entries));
            }
            let key_position = self.position;
            if self.peek() != Some('"') {
                return Err(self.error("expected a quoted key or `}`"));
            }
            let key = self.string()?;
            self.skip_trivia()?;
            self.expect(':')?;
            self.skip_trivia()?;
            let value = self.value(depth + 1)?;
            entries.push((key_position, key, value));
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<NodeKind, SyntaxError> {
        self.bump();
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(']') {
                self.bump();
                return Ok(NodeKind::Seq(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {}
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.position;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('u') => out.push(self.unicode_escape()?),
                    Some(c @ ('"' | '\\' | '/')) => out.push(c),
                    _ => return Err(self.error("invalid escape in string")),
                },
                Some('\n') | None => {
                    return Err(SyntaxError {
                        position: start,
                        message: "unterminated string".to_owned(),
                    });
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("invalid `\\u` escape"))?;
            value = value * 16 + digit;
        }
        Ok(value)
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        // A lone low surrogate has no char; keep the text readable instead of failing.
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    fn number(&mut self) -> Result<NodeKind, SyntaxError> {
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                text.push(c);
                self.bump();
            } else {
                break;
            }
        }
        serde_json::from_str::<serde_json::Number>(&text)
            .map(NodeKind::Number)
            .map_err(|_| self.error("invalid number"))
    }

    fn word(&mut self) -> Result<NodeKind, SyntaxError> {
        let mut word = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_alphabetic) {
            word.push(c);
            self.bump();
        }
        match word.as_str() {
            "true" => Ok(NodeKind::Bool(true)),
            "false" => Ok(NodeKind::Bool(false)),
            "null" => Ok(NodeKind::Null),
            _ => Err(self.error("expected `true`, `false` or `null`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let node = parse("{\n  \"a\": [1, \"x\"],\n\t\"b\": {\"c\": true}\n}").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0, at(2, 3));
        assert_eq!(entries[0].1, "a");
        assert_eq!(entries[0].2.position, at(2, 8));
        assert_eq!(entries[1].0, at(3, 2));
        assert_eq!(
            node.to_json(),
            serde_json::json!({"a": [1, "x"], "b": {"c": true}})
        );
    }

    #[test]
    fn accepts_comments_and_trailing_commas() {
        let text = "{\n // note\n \"servers\": { /* off:\n \"x\": {}, */ \"y\": {\"args\": [\"a\",],}, },\n}";
        assert_eq!(
            parse(text).unwrap().to_json(),
            serde_json::json!({"servers": {"y": {"args": ["a"]}}})
        );
    }

    #[test]
    fn decodes_escapes_including_surrogate_pairs() {
        let node = parse(r#""a\u200Bb\ud83d\ude00\n""#).unwrap();
        assert_eq!(node.to_json(), serde_json::json!("a\u{200B}b\u{1F600}\n"));
    }

    #[test]
    fn reports_errors_with_positions() {
        let err = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(err.position, at(2, 11));
        assert!(parse("{\"a\": 1} x").is_err());
        assert!(parse("/* open").is_err());
        assert!(parse(&"[".repeat(200)).is_err());
    }
}
