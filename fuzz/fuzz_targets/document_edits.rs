//! Sequences of LSP incremental edits through the document store's edit logic
//! (`schemals_syntax::text::apply_change`, which the language server calls for every
//! `didChange`), with positions past the end of lines and files, inside surrogate pairs and
//! between `\r` and `\n`, and the re-parse of the syntax tree after each edit (`Tree::edited`:
//! the edited expression alone, or blanks moved, or the whole text), and the parse of the final
//! text in pieces (`Tree::parse_in_pieces`).
//!
//! Checked after every edit: the text equals what an independent reference implementation of LSP
//! positions gives (so no edit is lost or misplaced), and every position the server would send
//! back maps to the same byte again. At the end, the incrementally re-parsed tree equals a fresh
//! parse of the final text (when neither has syntax errors, where tree-sitter's error recovery may
//! legitimately choose differently).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use schemals_syntax::text::{LineCol, LineIndex, apply_change};

const EXAMPLES: &[&str] = &[
    include_str!("../../examples/notes-events/amplify/data/resource.ts"),
    include_str!("../../examples/announcement/amplify/data/schema.sql.ts"),
    "a😀b\r\n東京 x\rlast",
    "",
];

#[derive(Arbitrary, Debug)]
enum Initial {
    Example(u8),
    Own(String),
}

#[derive(Arbitrary, Debug)]
enum Position {
    Near { line: u8, character: u8 },
    Far { line: u32, character: u32 },
}

impl Position {
    fn line_col(&self) -> LineCol {
        match *self {
            Position::Near { line, character } => LineCol {
                line: u32::from(line % 16),
                character: u32::from(character % 64),
            },
            Position::Far { line, character } => LineCol { line, character },
        }
    }
}

/// Pieces of inserted text, so the fuzzer meets the awkward characters often.
#[derive(Arbitrary, Debug)]
enum Piece {
    Text(String),
    Emoji,
    Cjk,
    CrLf,
    Cr,
    Lf,
    Bom,
    Backtick,
}

impl Piece {
    fn push_to(&self, out: &mut String) {
        out.push_str(match self {
            Piece::Text(text) => text,
            Piece::Emoji => "😀",
            Piece::Cjk => "東",
            Piece::CrLf => "\r\n",
            Piece::Cr => "\r",
            Piece::Lf => "\n",
            Piece::Bom => "\u{feff}",
            Piece::Backtick => "`",
        });
    }
}

#[derive(Arbitrary, Debug)]
enum Change {
    Range {
        start: Position,
        end: Position,
        text: Vec<Piece>,
    },
    Full(String),
}

#[derive(Arbitrary, Debug)]
struct Session {
    initial: Initial,
    changes: Vec<Change>,
}

/// Byte offset of an LSP position, written independently of `LineIndex`: lines end at `\r\n`,
/// `\r` or `\n`; a column past the line's end clamps to it, a line past the end to the text's
/// end, and a column inside a surrogate pair to the character's start.
fn reference_offset(text: &str, position: LineCol) -> usize {
    let mut line_starts = vec![0];
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek().map(|&(_, n)| n) != Some('\n'));
        if line_break {
            line_starts.push(i + c.len_utf8());
        }
    }
    let Some(&start) = line_starts.get(position.line as usize) else {
        return text.len();
    };
    let mut units = 0usize;
    for (i, c) in text[start..].char_indices() {
        if c == '\n' || c == '\r' || units + c.len_utf16() > position.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fuzz_target!(|session: Session| {
    let mut text = match &session.initial {
        Initial::Example(i) => EXAMPLES[usize::from(*i) % EXAMPLES.len()].to_owned(),
        Initial::Own(text) => text.clone(),
    };
    if text.len() > 1 << 16 || session.changes.len() > 64 {
        return;
    }
    let mut lines = LineIndex::new(&text);
    let mut tree = schemals_syntax::parse_typescript(&text);
    for change in &session.changes {
        let (range, new_text) = match change {
            Change::Range { start, end, text } => {
                let mut new_text = String::new();
                for piece in text {
                    piece.push_to(&mut new_text);
                }
                (Some((start.line_col(), end.line_col())), new_text)
            }
            Change::Full(text) => (None, text.clone()),
        };
        let expected = match range {
            Some((from, to)) => {
                let start = reference_offset(&text, from);
                let end = reference_offset(&text, to).max(start);
                format!("{}{new_text}{}", &text[..start], &text[end..])
            }
            None => new_text.clone(),
        };
        let applied = apply_change(&mut text, &mut lines, range, &new_text);
        assert_eq!(text, expected, "the edit gave another text than LSP means");
        assert_eq!(lines, LineIndex::new(&text));
        tree = match (applied, &tree) {
            (Some(applied), Some(old)) => old.edited(&text, &applied),
            _ => schemals_syntax::parse_typescript(&text),
        };
    }
    // Every position the server sends (from a byte offset) must come back to that byte, except
    // between `\r` and `\n`, which no LSP position can name.
    for (offset, _) in text.char_indices().take(2_000) {
        if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes()[offset] == b'\n' {
            continue;
        }
        let position = lines.line_col(&text, offset);
        assert_eq!(lines.offset(&text, position), offset, "at {position:?}");
    }
    let fresh = schemals_syntax::parse_typescript(&text);
    if let (Some(incremental), Some(fresh)) = (tree, &fresh)
        && !incremental.root_node().has_error()
        && !fresh.root_node().has_error()
    {
        assert!(
            incremental == *fresh,
            "the incremental re-parse differs from a fresh parse"
        );
    }
    // Parsed in small pieces (a large file's way, here for any literal over 40 bytes), the text
    // gives the fresh parse's tree, or nothing.
    if let Some(fresh) = &fresh
        && !fresh.root_node().has_error()
        && let Some(pieces) = schemals_syntax::Tree::parse_in_pieces(&text, 40, 60)
    {
        assert!(pieces == *fresh, "the text parsed in pieces differs from a fresh parse");
    }
});
