//! Splitting a migration file into statements exactly the way the Supabase CLI does.
//!
//! The Supabase CLI stores every applied file in `supabase_migrations.schema_migrations.statements` as the
//! list of its statements. dfworx writes the same rows and compares them to detect edited files, so the
//! split must agree with the CLI's byte for byte, quirks included — not with PostgreSQL's own lexer.
//! The CLI's splitter (`pkg/parser`) is a small state machine fed one byte position at a time:
//!
//! - outside any literal, `;` ends a statement;
//! - `'…'` and `"…"` (a doubled delimiter stays inside), `$tag$…$tag$`, `-- …\n` and nested `/* … */`
//!   hide semicolons; a backslash hides the next character;
//! - `( … )` and `BEGIN ATOMIC … END` hide semicolons too (nested, case-insensitive; `ATOMIC` counts only
//!   after whitespace);
//! - each piece then loses its trailing `;` and surrounding whitespace, and empty pieces are dropped.
//!   Comments before a statement stay part of it; a comment after the last `;` is a piece of its own.
//!
//! Two quirks matter for fidelity: the CLI advances one *byte* at a time, so after a multi-byte character
//! it sees one U+FFFD per continuation byte (which, for instance, ends a `$tag` early); and while inside
//! `( … )` or `BEGIN ATOMIC`, a `;` right after a closing quote leaves the quote state pending.

/// One statement of a file as the Supabase CLI stores it, and where it sits in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Verbatim text: trailing `;` and surrounding whitespace removed.
    pub text: String,
    /// Byte offset of `text` in the file.
    pub offset: usize,
}

impl Statement {
    /// Byte offset in the file of the statement's first word, past a BOM and the comments before it.
    pub fn first_word(&self) -> usize {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(&self.text);
        self.offset + self.text.len() - skip_blank(text).len()
    }
}

/// What the CLI's tokenizer state does with one more byte position.
enum Step {
    Stay,
    To(State),
    Emit,
}

#[derive(Clone, Debug)]
enum State {
    Ready,
    /// Saw one `-`.
    Dash,
    /// Saw `/`; `depth` counts open `/*`.
    Block {
        depth: u32,
    },
    Quote {
        delimiter: char,
        closing: bool,
    },
    /// Inside a dollar quote (or a `--` comment, whose delimiter is `\n`): nothing is special until
    /// the delimiter.
    Literal {
        delimiter: Vec<u8>,
    },
    /// Reading a `$tag`; `start` is where its `$` sits, relative to the statement start.
    Tag {
        start: usize,
    },
    Escape,
    /// Inside `( … )` or `BEGIN ATOMIC … END`; `inner` tracks literals so their delimiters don't count.
    Nested {
        inner: Box<State>,
        close: &'static [u8],
    },
}

/// `unicode.IsSpace` of Go applied to a single byte, as the CLI does before `ATOMIC`.
fn go_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

fn ends_with_ignore_case(data: &[u8], suffix: &[u8]) -> bool {
    data.len() >= suffix.len() && data[data.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

impl State {
    /// `data` is the current statement up to and including the character `r`.
    fn step(&mut self, r: char, data: &[u8]) -> Step {
        match self {
            State::Ready => ready(r, data),
            State::Dash => {
                if r == '-' {
                    Step::To(State::Literal { delimiter: b"\n".to_vec() })
                } else {
                    ready(r, data)
                }
            }
            State::Block { depth } => {
                let window = &data[data.len().saturating_sub(2)..];
                if window == b"/*" {
                    *depth += 1;
                    return Step::Stay;
                }
                if *depth == 0 {
                    return ready(r, data);
                }
                if window == b"*/" {
                    *depth -= 1;
                    if *depth == 0 {
                        return Step::To(State::Ready);
                    }
                }
                Step::Stay
            }
            State::Quote { delimiter, closing } => {
                if *closing {
                    if r == *delimiter {
                        *closing = false;
                        return Step::Stay;
                    }
                    return ready(r, data);
                }
                if r == *delimiter {
                    *closing = true;
                }
                Step::Stay
            }
            State::Literal { delimiter } => {
                if data.ends_with(delimiter) {
                    Step::To(State::Ready)
                } else {
                    Step::Stay
                }
            }
            State::Tag { start } => {
                if r == '$' {
                    return Step::To(State::Literal { delimiter: data[*start..].to_vec() });
                }
                // Go's unicode.IsLetter / IsDigit; Rust has no general-category test, these agree on
                // everything a dollar-quote tag realistically holds.
                if r.is_alphabetic() || r.is_numeric() || r == '_' {
                    return Step::Stay;
                }
                ready(r, data)
            }
            State::Escape => Step::To(State::Ready),
            State::Nested { inner, close } => {
                if let Step::To(next) = inner.step(r, data) {
                    **inner = next;
                }
                if matches!(**inner, State::Ready) && ends_with_ignore_case(data, close) {
                    return Step::To(State::Ready);
                }
                Step::Stay
            }
        }
    }
}

/// The ready state's transition; other states fall back to it when their literal ends, so it always
/// names the state it lands in.
fn ready(r: char, data: &[u8]) -> Step {
    match r {
        '$' => Step::To(State::Tag { start: data.len() - 1 }),
        '\'' | '"' => Step::To(State::Quote { delimiter: r, closing: false }),
        '-' => Step::To(State::Dash),
        '/' => Step::To(State::Block { depth: 0 }),
        '\\' => Step::To(State::Escape),
        ';' => Step::Emit,
        '(' => Step::To(State::Nested { inner: Box::new(State::Ready), close: b")" }),
        'c' | 'C' => {
            const ATOMIC: &[u8] = b"ATOMIC";
            let at = data.len().saturating_sub(ATOMIC.len());
            if at > 0 && ends_with_ignore_case(data, ATOMIC) && go_space_byte(data[at - 1]) {
                Step::To(State::Nested { inner: Box::new(State::Ready), close: b"END" })
            } else {
                Step::To(State::Ready)
            }
        }
        _ => Step::To(State::Ready),
    }
}

/// Raw pieces (byte ranges) as the CLI's tokenizer emits them, before trimming.
fn pieces(sql: &str) -> Vec<(usize, usize)> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut state = State::Ready;
    let mut start = 0;
    for i in 0..bytes.len() {
        // One step per byte: a character on its first byte, U+FFFD on each continuation byte.
        let (r, width) = if sql.is_char_boundary(i) {
            let c = sql[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
            (c, c.len_utf8())
        } else {
            (char::REPLACEMENT_CHARACTER, 1)
        };
        let data = &bytes[start..i + width];
        match state.step(r, data) {
            Step::Stay => {}
            Step::To(next) => state = next,
            Step::Emit => {
                out.push((start, i + 1));
                start = i + 1;
                state = State::Ready;
            }
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// The file's statements, as the Supabase CLI would record them.
pub fn split(sql: &str) -> Vec<Statement> {
    pieces(sql)
        .into_iter()
        .filter_map(|(start, end)| {
            let raw = sql[start..end].trim_end_matches(';');
            let text = raw.trim();
            if text.is_empty() {
                return None;
            }
            let offset = start + (raw.len() - raw.trim_start().len());
            Some(Statement { text: text.to_string(), offset })
        })
        .collect()
}

/// The statement's words outside comments, lowercased, up to `limit` of them (string and quoted
/// contents stop the scan). Enough to recognise the statements that need special handling.
pub fn leading_words(text: &str, limit: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text;
    while words.len() < limit {
        rest = skip_blank(rest);
        let Some(c) = rest.chars().next() else { break };
        if c.is_alphabetic() || c == '_' {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
            words.push(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
        } else if c == '(' || c == ')' || c == ',' {
            words.push(c.to_string());
            rest = &rest[1..];
        } else if c == '\'' || c == '"' || c == '$' {
            break;
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    words
}

/// Skips whitespace and comments (`--` to the end of the line, nested `/* */`).
pub fn skip_blank(mut s: &str) -> &str {
    loop {
        let trimmed = s.trim_start();
        if let Some(after) = trimmed.strip_prefix("--") {
            s = after.find('\n').map_or("", |i| &after[i + 1..]);
        } else if trimmed.starts_with("/*") {
            let mut depth = 0usize;
            let bytes = trimmed.as_bytes();
            let mut i = 0;
            let mut end = bytes.len();
            while i + 1 < bytes.len() {
                if &bytes[i..i + 2] == b"/*" {
                    depth += 1;
                    i += 2;
                } else if &bytes[i..i + 2] == b"*/" {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            s = &trimmed[end..];
        } else {
            return trimmed;
        }
    }
}

/// Whether a piece holds anything PostgreSQL would run (a comment-only piece does not).
pub fn is_executable(text: &str) -> bool {
    !skip_blank(text).is_empty()
}

/// 1-based line of a byte offset.
// Only for messages and diffs, over one file: not worth the bytecount crate.
#[allow(clippy::naive_bytecount)]
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn statements_lose_the_semicolon_and_surrounding_whitespace() {
        assert_eq!(texts("\tBEGIN; \n  create table a (id int) ;\n\n"), ["BEGIN", "create table a (id int)"]);
    }

    #[test]
    fn comments_before_a_statement_belong_to_it_and_a_trailing_comment_is_its_own_piece() {
        let sql = "-- first\ncreate table a ();\n/* two */ select 1;\n-- the end\n";
        assert_eq!(texts(sql), ["-- first\ncreate table a ()", "/* two */ select 1", "-- the end"]);
    }

    #[test]
    fn semicolons_in_strings_identifiers_and_comments_do_not_split() {
        let sql = "select ';', 'it''s; fine', \"a;b\" -- c; d\n from t /* x; /* nested; */ y; */;select 2";
        assert_eq!(
            texts(sql),
            ["select ';', 'it''s; fine', \"a;b\" -- c; d\n from t /* x; /* nested; */ y; */", "select 2"]
        );
    }

    #[test]
    fn dollar_quotes_hide_semicolons_until_the_same_tag() {
        let sql = "create function f() returns int language plpgsql as $body$\nbegin\n  perform 1; -- $$ ;\n  return 2;\nend;\n$body$;\ndo $$ begin null; end $$;";
        assert_eq!(
            texts(sql),
            [
                "create function f() returns int language plpgsql as $body$\nbegin\n  perform 1; -- $$ ;\n  return 2;\nend;\n$body$",
                "do $$ begin null; end $$"
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_stay_whole_until_end() {
        let sql = "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE SQL\nBEGIN ATOMIC\n  SELECT 'end';\n  SELECT a + b;\nEND;\nselect 1;";
        assert_eq!(
            texts(sql),
            [
                "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE SQL\nBEGIN ATOMIC\n  SELECT 'end';\n  SELECT a + b;\nEND",
                "select 1"
            ]
        );
        // `atomic` inside a name is not BEGIN ATOMIC: only after whitespace.
        assert_eq!(
            texts("create table public.atomic_test (id int);\nselect is_atomic from t;\nselect 1;"),
            ["create table public.atomic_test (id int)", "select is_atomic from t", "select 1"]
        );
    }

    #[test]
    fn parentheses_hide_semicolons() {
        assert_eq!(
            texts("CREATE RULE r AS ON UPDATE TO t DO (NOTIFY t; SELECT 1);select 2"),
            ["CREATE RULE r AS ON UPDATE TO t DO (NOTIFY t; SELECT 1)", "select 2"]
        );
    }

    #[test]
    fn the_cli_cases_from_its_own_test_suite_split_the_same_way() {
        // Pairs of (input, expected pieces), derived by hand from the CLI's state machine.
        let cases: &[(&str, &[&str])] = &[
            ("END;-- comment", &["END", "-- comment"]),
            ("SELECT --; 1", &["SELECT --; 1"]),
            ("- ;END", &["-", "END"]),
            ("-- /* \n; */ END", &["-- /*", "*/ END"]),
            ("SELECT /*; /*;*/ ;*/ 1", &["SELECT /*; /*;*/ ;*/ 1"]),
            ("/ * ; */ END", &["/ *", "*/ END"]),
            (";END;;", &["END"]),
            ("\\;;\\;", &["\\", "\\"]),
            ("$tag$ any ; string$tag$", &["$tag$ any ; string$tag$"]),
            ("SELECT \"$\"; $$", &["SELECT \"$\"", "$$"]),
            ("SELECT '\\'; 1'", &["SELECT '\\'", "1'"]),
            ("begin atomic; select 'end'; end", &["begin atomic; select 'end'; end"]),
        ];
        for (sql, expected) in cases {
            assert_eq!(texts(sql), *expected, "{sql:?}");
        }
    }

    #[test]
    fn a_multibyte_character_ends_a_dollar_tag_like_in_the_cli() {
        // The CLI sees U+FFFD for the continuation byte of `é`, which is not a tag character: `$é$` is
        // no dollar quote there, so the `;` inside splits.
        assert_eq!(texts("select $é$a;b$é$"), ["select $é$a", "b$é$"]);
        // An ASCII tag works as usual.
        assert_eq!(texts("select $e$a;b$e$"), ["select $e$a;b$e$"]);
    }

    #[test]
    fn crlf_and_bom_are_kept_verbatim() {
        assert_eq!(texts("\u{feff}select 1;\r\nselect 2;\r\n"), ["\u{feff}select 1", "select 2"]);
    }

    #[test]
    fn offsets_point_at_the_statement_in_the_file() {
        let sql = "select 1;\n\n  -- c\n  select 2;";
        let stmts = split(sql);
        assert_eq!(&sql[stmts[1].offset..stmts[1].offset + 4], "-- c");
        assert_eq!(line_of(sql, stmts[1].offset), 3);
    }

    #[test]
    fn leading_words_skip_comments() {
        assert_eq!(
            leading_words("-- x\n/* y */ CREATE unique INDEX concurrently i on t (a)", 4),
            ["create", "unique", "index", "concurrently"]
        );
        assert!(!is_executable("-- only a comment\n/* and /* nested */ */"));
        assert!(is_executable("-- c\nselect 1"));
    }
}
