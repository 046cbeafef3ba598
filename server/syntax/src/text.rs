//! Text positions. Inside schemals every offset is a byte offset into the file's text; the
//! conversion to LSP's (line, UTF-16 column) happens only at the edge, through [`LineIndex`].

use std::ops::Range;

/// A byte range in one file's text.
pub type TextRange = Range<usize>;

/// A zero-based line and a column in UTF-16 code units, as LSP counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: u32,
    pub character: u32,
}

/// Line starts of a text, for converting between byte offsets and [`LineCol`].
///
/// Lines end at `\n`; a `\r` before it belongs to the line break. Only `\n` and `\r\n` (and a lone
/// `\r`, as LSP allows) break lines: U+2028 and friends do not, as in LSP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
    /// For each non-ASCII character: its byte offset, and the UTF-8 bytes beyond its UTF-16
    /// units summed over it and every earlier one. UTF-16 columns then take a binary search, not a
    /// walk along the line (a megabyte-long line with thousands of diagnostics stays linear).
    wide_chars: Vec<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut wide_chars = Vec::new();
        let mut excess = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                // The first byte of a multi-byte character (the text is valid UTF-8): 2 or 3
                // bytes make one UTF-16 unit, 4 bytes a surrogate pair.
                0xC0..=0xDF => excess += 1,
                0xE0..=0xEF => excess += 2,
                0xF0..=0xFF => excess += 2,
                _ => {}
            }
            if byte >= 0xC0 {
                wide_chars.push((i, excess));
            }
        }
        LineIndex {
            line_starts,
            len: text.len(),
            wide_chars,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where zero-based `line` starts, or the text's length past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// The zero-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte range of `line` without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1).max(start);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    /// LSP position of byte `offset`. An offset inside a character counts from that character's start.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let character = (offset - start) - (self.excess_before(offset) - self.excess_before(start));
        LineCol {
            line: line as u32,
            character: character as u32,
        }
    }

    /// UTF-8 bytes beyond UTF-16 units, summed over the characters before byte `offset`.
    fn excess_before(&self, offset: usize) -> usize {
        let count = self.wide_chars.partition_point(|&(at, _)| at < offset);
        count
            .checked_sub(1)
            .and_then(|last| self.wide_chars.get(last))
            .map_or(0, |&(_, excess)| excess)
    }

    /// Keeps the index in step with an edit of its text: bytes `start..old_end` of the text it
    /// indexed were replaced, making `text` with the new bytes at `start..new_end`. Only the edited
    /// lines are scanned again; the rest move (a keystroke in a 12,000-line file indexed it whole,
    /// most of a millisecond). The same index as [`LineIndex::new`] of `text`.
    pub fn edit(&mut self, text: &str, start: usize, old_end: usize, new_end: usize) {
        let bytes = text.as_bytes();
        let old_len = self.len;
        if start > old_end || old_end > old_len || new_end < start || new_end > bytes.len() {
            *self = LineIndex::new(text);
            return;
        }
        let moved = |offset: usize| offset - old_end + new_end;
        // A line starts after `\n`, or after a `\r` not followed by `\n`: a start depends on the
        // byte before it and its own, so those from `start` to `new_end` are found again.
        let breaks_before = |at: usize| match at.checked_sub(1).map(|before| bytes[before]) {
            None => true,
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(at) != Some(&b'\n'),
            Some(_) => false,
        };
        let kept = self.line_starts.partition_point(|&s| s < start);
        let after = self.line_starts.partition_point(|&s| s <= old_end);
        let tail: Vec<usize> = self.line_starts[after..]
            .iter()
            .map(|&s| moved(s))
            .collect();
        self.line_starts.truncate(kept);
        self.line_starts
            .extend((start..=new_end).filter(|&at| breaks_before(at)));
        self.line_starts.extend(tail);

        // Wide characters: those of the new bytes counted again, those after moved, their running
        // excess changed by what the edit added or removed.
        let kept = self.wide_chars.partition_point(|&(at, _)| at < start);
        let after = self.wide_chars.partition_point(|&(at, _)| at < old_end);
        let excess_at = |chars: &[(usize, usize)], count: usize| {
            count.checked_sub(1).map_or(0, |last| chars[last].1)
        };
        let removed_through = excess_at(&self.wide_chars, after);
        let mut excess = excess_at(&self.wide_chars, kept);
        let mut inserted = Vec::new();
        for (i, &byte) in bytes[start..new_end].iter().enumerate() {
            match byte {
                0xC0..=0xDF => excess += 1,
                0xE0..=0xFF => excess += 2,
                _ => continue,
            }
            inserted.push((start + i, excess));
        }
        let tail: Vec<(usize, usize)> = self.wide_chars[after..]
            .iter()
            .map(|&(at, total)| (moved(at), total - removed_through + excess))
            .collect();
        self.wide_chars.truncate(kept);
        self.wide_chars.extend(inserted);
        self.wide_chars.extend(tail);
        self.len = text.len();
    }

    /// Byte offset of an LSP position. Positions past the end of a line clamp to the line's end,
    /// lines past the end clamp to the text's end, and a column inside a surrogate pair clamps to
    /// the character's start: a bad client position never panics.
    pub fn offset(&self, text: &str, position: LineCol) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let mut remaining = position.character as usize;
        let mut offset = range.start;
        for c in text.get(range.clone()).unwrap_or("").chars() {
            let width = c.len_utf16();
            if remaining < width {
                break;
            }
            remaining -= width;
            offset += c.len_utf8();
        }
        offset
    }
}

/// What one content change did to a text, in byte offsets: `start..old_end` of the old text became
/// `start..new_end` of the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
    /// Whether the old text's `start..old_end` was spaces and tabs only (or nothing): such an
    /// edit between two tokens changes no syntax.
    pub removed_blank: bool,
}

/// Spaces and tabs: what can be typed between two tokens without changing the syntax (a line
/// break can: automatic semicolons).
pub fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Applies one editor change to `text` and keeps `lines` in step: `range` is in LSP positions,
/// clamped as [`LineIndex::offset`] clamps them (an end before the start counts as the start), or
/// `None` to replace the whole text. Returns the edit for a re-parse of what it edited (see
/// `Tree::edited`), or `None` when the whole text was replaced. No position a client sends can
/// make it panic.
pub fn apply_change(
    text: &mut String,
    lines: &mut LineIndex,
    range: Option<(LineCol, LineCol)>,
    new_text: &str,
) -> Option<TextChange> {
    let Some((from, to)) = range else {
        new_text.clone_into(text);
        *lines = LineIndex::new(text);
        return None;
    };
    // `offset` only returns char boundaries within the text, so the slice below is safe.
    let start = lines.offset(text, from);
    let old_end = lines.offset(text, to).max(start);
    let removed_blank = is_blank(&text[start..old_end]);
    text.replace_range(start..old_end, new_text);
    let new_end = start + new_text.len();
    lines.edit(text, start, old_end, new_end);
    Some(TextChange {
        start,
        old_end,
        new_end,
        removed_blank,
    })
}

/// The largest char boundary not after `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_cjk() {
        let text = "a😀b\r\n東京 x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let b = text.find('b').unwrap();
        assert_eq!(
            index.line_col(text, b),
            LineCol {
                line: 0,
                character: 3
            }
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            index.line_col(text, x),
            LineCol {
                line: 1,
                character: 3
            }
        );
        assert_eq!(
            index.offset(
                text,
                LineCol {
                    line: 1,
                    character: 3
                }
            ),
            x
        );
        // Inside the surrogate pair: clamps to the emoji's start.
        assert_eq!(
            index.offset(
                text,
                LineCol {
                    line: 0,
                    character: 2
                }
            ),
            1
        );
        // Past the end of the line: the line's end, before "\r\n".
        assert_eq!(
            index.offset(
                text,
                LineCol {
                    line: 0,
                    character: 99
                }
            ),
            b + 1
        );
        // Past the last line: the end of the text.
        assert_eq!(
            index.offset(
                text,
                LineCol {
                    line: 9,
                    character: 0
                }
            ),
            text.len()
        );
    }

    #[test]
    fn utf16_columns_agree_with_counting_along_the_line() {
        let text = "aé東😀\r\nx\u{7ff}\u{800}\u{ffff}\u{10000}y\rz😀😀\n\n€";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            let boundary = floor_char_boundary(text, offset);
            let line = index.line_of(boundary);
            let start = index.line_start(line);
            let counted: usize = text[start..boundary].chars().map(char::len_utf16).sum();
            assert_eq!(
                index.line_col(text, offset),
                LineCol {
                    line: line as u32,
                    character: counted as u32
                },
                "at byte {offset}"
            );
        }
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_col(text, 1),
            LineCol {
                line: 0,
                character: 0
            }
        );
    }

    /// Edits of every kind at every place (line breaks made and unmade, `\r` joined to a `\n`,
    /// wide characters added and removed): the index kept in step is the index built anew.
    #[test]
    fn an_index_kept_in_step_with_edits_is_the_index_built_anew() {
        const PIECES: &[&str] = &["a", "\n", "\r", "\r\n", "é", "東", "😀", "bc"];
        let mut seed: u64 = 0x5eed;
        let mut next = |below: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % below
        };
        let mut text = String::new();
        for _ in 0..40 {
            text.push_str(PIECES[next(PIECES.len())]);
        }
        let mut lines = LineIndex::new(&text);
        for _ in 0..5_000 {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let a = boundaries[next(boundaries.len())];
            let b = boundaries[next(boundaries.len())];
            let (start, old_end) = (a.min(b), a.max(b).min(a.min(b) + 6));
            let old_end = floor_char_boundary(&text, old_end);
            let inserted: String = (0..next(3)).map(|_| PIECES[next(PIECES.len())]).collect();
            text.replace_range(start..old_end, &inserted);
            lines.edit(&text, start, old_end, start + inserted.len());
            assert_eq!(lines, LineIndex::new(&text), "after an edit of {text:?}");
            if text.len() > 200 {
                text.truncate(floor_char_boundary(&text, 100));
                lines = LineIndex::new(&text);
            }
        }
    }
}
