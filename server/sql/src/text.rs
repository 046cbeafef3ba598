//! Positions: sqlparser counts 1-based lines (split on `\n` only) and 1-based columns in chars; the
//! rest of schemals counts bytes. Every conversion goes through [`PositionMap`].

use std::ops::Range;

use sqlparser::tokenizer::{Location, Span, TokenWithSpan};

/// Converts sqlparser locations into byte offsets of one text.
///
/// The token stream covers the text contiguously, so one forward pass over it records the byte
/// offset of every token boundary; AST spans always start and end on a token boundary, so they are
/// a binary search. Anything else falls back to walking the line.
pub(crate) struct PositionMap<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// ((line, column), byte offset) of each token boundary, in text order: the pass meets them
    /// in that order (a hash map rehashed as it grew, a tenth of a project's first analysis).
    boundaries: Vec<((u64, u64), usize)>,
}

impl<'t> PositionMap<'t> {
    pub(crate) fn new(text: &'t str) -> PositionMap<'t> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        PositionMap {
            text,
            line_starts,
            boundaries: Vec::new(),
        }
    }

    /// Records the byte offsets of the tokens' starts and ends, and returns each token's byte range.
    pub(crate) fn index_tokens(&mut self, tokens: &[TokenWithSpan]) -> Vec<Range<usize>> {
        let mut cursor = Cursor {
            byte: 0,
            line: 1,
            column: 1,
        };
        let mut ranges = Vec::with_capacity(tokens.len());
        self.boundaries.reserve(tokens.len() + 1);
        for token in tokens {
            let start = self.advance(&mut cursor, token.span.start);
            let end = self.advance(&mut cursor, token.span.end);
            match (start, end) {
                (Some(start), Some(end)) if start <= end => ranges.push(start..end),
                (Some(start), _) => ranges.push(start..start),
                _ => ranges.push(self.text.len()..self.text.len()),
            }
        }
        ranges
    }

    fn advance(&mut self, cursor: &mut Cursor, target: Location) -> Option<usize> {
        if target.line == 0 {
            return None;
        }
        if (target.line, target.column) < (cursor.line, cursor.column) {
            return self.offset(target);
        }
        let mut chars = self.text[cursor.byte..].chars();
        while (cursor.line, cursor.column) < (target.line, target.column) {
            let Some(ch) = chars.next() else { break };
            cursor.byte += ch.len_utf8();
            if ch == '\n' {
                cursor.line += 1;
                cursor.column = 1;
            } else {
                cursor.column += 1;
            }
        }
        if (cursor.line, cursor.column) != (target.line, target.column) {
            return self.offset(target);
        }
        let key = (target.line, target.column);
        match self.boundaries.last() {
            Some((last, _)) if *last >= key => {
                // Met again (a token's end is the next one's start) or, were the tokens ever out
                // of order, kept in order all the same.
                if let Err(at) = self.boundaries.binary_search_by(|(k, _)| k.cmp(&key)) {
                    self.boundaries.insert(at, (key, cursor.byte));
                }
            }
            _ => self.boundaries.push((key, cursor.byte)),
        }
        Some(cursor.byte)
    }

    /// The byte offset of a location, or `None` when it lies outside the text.
    pub(crate) fn offset(&self, location: Location) -> Option<usize> {
        let key = (location.line, location.column);
        if let Ok(at) = self.boundaries.binary_search_by(|(k, _)| k.cmp(&key)) {
            return Some(self.boundaries[at].1);
        }
        let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line_text = &self.text[start..end];
        if column == line_text.chars().count() {
            return Some(end);
        }
        line_text.char_indices().nth(column).map(|(i, _)| start + i)
    }

    /// The byte range of a span, or `None` for an empty span (sqlparser's "no location").
    pub(crate) fn range(&self, span: Span) -> Option<Range<usize>> {
        if span.start.line == 0 {
            return None;
        }
        let start = self.offset(span.start)?;
        let end = self.offset(span.end).unwrap_or(start).max(start);
        Some(start..end)
    }
}

struct Cursor {
    byte: usize,
    line: u64,
    column: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_chars_not_bytes() {
        let text = "SELECT 'café — 東京'\nFROM t";
        let map = PositionMap::new(text);
        let at = |line, column| map.offset(Location { line, column });
        assert_eq!(at(1, 1), Some(0));
        assert_eq!(at(1, 9), Some(text.find("café").unwrap()));
        assert_eq!(at(1, 16), Some(text.find("東京").unwrap()));
        assert_eq!(at(1, 19), Some(text.find('\n').unwrap()));
        assert_eq!(at(2, 6), Some(text.find(" t").unwrap() + 1));
        assert_eq!(at(3, 1), None);
        assert_eq!(at(0, 0), None);
    }
}
