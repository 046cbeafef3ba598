//! Conversions between the analyses' plain data (paths, byte ranges) and LSP types (URIs, UTF-16
//! positions). Bad client positions are clamped, never trusted.

use std::path::PathBuf;

use schemals_ide::features::{self, CompletionKind, SymbolKind as IdeSymbolKind, TokenKind};
use schemals_ide::{LineCol, LineIndex, ProjectFile, TextRange};
use tower_lsp_server::ls_types::*;

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn position(lines: &LineIndex, text: &str, offset: usize) -> Position {
    let lc = lines.line_col(text, offset);
    Position {
        line: lc.line,
        character: lc.character,
    }
}

pub fn line_col(p: Position) -> LineCol {
    LineCol {
        line: p.line,
        character: p.character,
    }
}

pub fn offset(lines: &LineIndex, text: &str, p: Position) -> usize {
    lines.offset(text, line_col(p))
}

pub fn range(file: &ProjectFile, range: &TextRange) -> Range {
    Range {
        start: position(&file.lines, &file.text, range.start),
        end: position(&file.lines, &file.text, range.end),
    }
}

pub fn text_range(file: &ProjectFile, range: Range) -> TextRange {
    let start = offset(&file.lines, &file.text, range.start);
    let end = offset(&file.lines, &file.text, range.end).max(start);
    start..end
}

pub fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Table => CompletionItemKind::CLASS,
        CompletionKind::View => CompletionItemKind::INTERFACE,
        CompletionKind::Column | CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Model | CompletionKind::Type => CompletionItemKind::STRUCT,
        CompletionKind::Enum => CompletionItemKind::ENUM,
        CompletionKind::Operation => CompletionItemKind::METHOD,
        CompletionKind::Argument => CompletionItemKind::VARIABLE,
        CompletionKind::AuthBuilder => CompletionItemKind::METHOD,
        CompletionKind::Provider => CompletionItemKind::CONSTANT,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
    }
}

pub fn symbol_kind(kind: IdeSymbolKind) -> SymbolKind {
    match kind {
        IdeSymbolKind::Schema => SymbolKind::NAMESPACE,
        IdeSymbolKind::Model => SymbolKind::CLASS,
        IdeSymbolKind::Field => SymbolKind::FIELD,
        IdeSymbolKind::Type => SymbolKind::STRUCT,
        IdeSymbolKind::Enum => SymbolKind::ENUM,
        IdeSymbolKind::Operation => SymbolKind::METHOD,
    }
}

/// The semantic token types, in legend order.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::CLASS,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
];

fn token_index(kind: TokenKind) -> u32 {
    match kind {
        TokenKind::Keyword => 0,
        TokenKind::Function => 1,
        TokenKind::Table => 2,
        TokenKind::Column => 3,
        TokenKind::Parameter => 4,
        TokenKind::String => 5,
        TokenKind::Number => 6,
        TokenKind::Comment => 7,
        TokenKind::Operator => 8,
    }
}

/// Encodes tokens as LSP's relative five-tuples; tokens spanning lines are cut at each line end.
pub fn semantic_tokens(
    file: &ProjectFile,
    tokens: &[features::SemanticToken],
) -> Vec<SemanticToken> {
    let mut sorted: Vec<&features::SemanticToken> = tokens.iter().collect();
    sorted.sort_by_key(|t| t.range.start);
    let mut out = Vec::new();
    let (mut last_line, mut last_char) = (0u32, 0u32);
    for token in sorted {
        let mut start = token.range.start;
        while start < token.range.end {
            let line = file.lines.line_of(start);
            let line_end = file.lines.line_range(&file.text, line).end;
            let end = token.range.end.min(line_end);
            if end <= start {
                start = file.lines.line_start(line + 1);
                if start == 0 || start >= file.text.len() {
                    break;
                }
                continue;
            }
            let from = position(&file.lines, &file.text, start);
            let to = position(&file.lines, &file.text, end);
            let delta_line = from.line - last_line;
            let delta_start = if delta_line == 0 {
                from.character - last_char
            } else {
                from.character
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: to.character.saturating_sub(from.character),
                token_type: token_index(token.kind),
                token_modifiers_bitset: 0,
            });
            last_line = from.line;
            last_char = from.character;
            start = file.lines.line_start(line + 1).max(end + 1);
        }
    }
    out
}

/// A byte range within a label as the `[start, end)` UTF-16 offsets LSP wants for parameter labels.
pub fn utf16_span(label: &str, range: &TextRange) -> [u32; 2] {
    let units = |end: usize| -> u32 {
        label
            .get(..end.min(label.len()))
            .map_or(0, |s| s.encode_utf16().count() as u32)
    };
    [units(range.start), units(range.end)]
}
