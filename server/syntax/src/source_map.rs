//! Text assembled from pieces of a host file (string literals, escapes, `+` concatenation), with a
//! map from every byte of the assembled text back to the host file.

use crate::model::{FileId, Span};
use crate::text::TextRange;

/// One run of the assembled text and the host bytes it came from. A verbatim run has equal
/// lengths on both sides; an escape sequence maps its decoded bytes to the whole escape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Piece {
    text: TextRange,
    /// The file the piece was written in: a string imported from another module, or joined from
    /// literals of two modules, is not in the file of the code that uses it.
    file: FileId,
    host: TextRange,
    verbatim: bool,
}

/// A string value read from source, with where each of its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "MappedTextParts")]
pub struct MappedText {
    pub text: String,
    pieces: Vec<Piece>,
    /// False when part of the value could not be known (a `${}` substitution, a variable): checks
    /// that need the whole text must then stay quiet.
    pub complete: bool,
}

/// A [`MappedText`] as read back from a saved evaluation, before its pieces are checked.
#[derive(serde::Deserialize)]
struct MappedTextParts {
    text: String,
    pieces: Vec<Piece>,
    complete: bool,
}

impl TryFrom<MappedTextParts> for MappedText {
    type Error = &'static str;

    /// Refuses pieces that break what the mapping assumes (in order, on character boundaries of
    /// the text, a verbatim piece as long as its host range), which only a damaged or crafted
    /// file holds.
    fn try_from(parts: MappedTextParts) -> Result<MappedText, Self::Error> {
        let mut end = 0;
        for piece in &parts.pieces {
            let fits = end <= piece.text.start
                && piece.text.start <= piece.text.end
                && parts.text.is_char_boundary(piece.text.start)
                && parts.text.is_char_boundary(piece.text.end)
                && piece.host.start <= piece.host.end
                && (!piece.verbatim || piece.host.len() == piece.text.len());
            if !fits {
                return Err("a mapped text whose pieces do not fit it");
            }
            end = piece.text.end;
        }
        Ok(MappedText {
            text: parts.text,
            pieces: parts.pieces,
            complete: parts.complete,
        })
    }
}

impl MappedText {
    pub fn new() -> MappedText {
        MappedText {
            text: String::new(),
            pieces: Vec::new(),
            complete: true,
        }
    }

    /// Appends `text`, copied byte for byte from `host_start..` in `file`.
    pub fn push_verbatim(&mut self, file: FileId, text: &str, host_start: usize) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            file,
            host: host_start..host_start + text.len(),
            verbatim: true,
        });
    }

    /// Appends the decoded value of an escape sequence written at `host` in `file`.
    pub fn push_escape(&mut self, file: FileId, decoded: &str, host: TextRange) {
        let start = self.text.len();
        self.text.push_str(decoded);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            file,
            host,
            verbatim: false,
        });
    }

    /// The file every byte of the text was written in; `None` for an empty text or one joined
    /// from several files, whose host ranges then name no one file.
    pub fn host_file(&self) -> Option<FileId> {
        let file = self.pieces.first()?.file;
        self.pieces.iter().all(|p| p.file == file).then_some(file)
    }

    /// Calls `f` with the file and host range of every piece (to move them after an edit).
    pub(crate) fn each_host_range(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        for piece in &mut self.pieces {
            f(piece.file, &mut piece.host);
        }
    }

    /// Appends another mapped text (string concatenation).
    pub fn append(&mut self, other: &MappedText) {
        let shift = self.text.len();
        self.text.push_str(&other.text);
        self.pieces.extend(other.pieces.iter().map(|p| Piece {
            text: p.text.start + shift..p.text.end + shift,
            file: p.file,
            host: p.host.clone(),
            verbatim: p.verbatim,
        }));
        self.complete &= other.complete;
    }

    /// Host offset of the byte at `offset` in the text (for a range start).
    fn host_start(&self, offset: usize) -> Option<usize> {
        let piece = self.piece_at(offset)?;
        Some(if piece.verbatim {
            piece.host.start + (offset - piece.text.start)
        } else {
            piece.host.start
        })
    }

    /// Host offset just after the byte before `offset` (for a range end).
    fn host_end(&self, offset: usize) -> Option<usize> {
        let last = offset.checked_sub(1)?;
        let piece = self.piece_at(last)?;
        Some(if piece.verbatim {
            piece.host.start + (offset - piece.text.start)
        } else {
            piece.host.end
        })
    }

    fn piece_at(&self, offset: usize) -> Option<&Piece> {
        let i = self
            .pieces
            .partition_point(|p| p.text.end <= offset)
            .min(self.pieces.len().checked_sub(1)?);
        let piece = self.pieces.get(i)?;
        piece.text.contains(&offset).then_some(piece)
    }

    /// Maps a range of the assembled text to the host file. An empty range maps to an empty host
    /// range at the mapped position; a range past the end clamps to the last byte. Ranges that
    /// span two literals joined by `+` cover the operator between them, as the user sees it.
    pub fn to_host(&self, range: TextRange) -> Option<TextRange> {
        let len = self.text.len();
        if self.pieces.is_empty() {
            return None;
        }
        if range.end <= range.start {
            let at = if range.start < len {
                self.host_start(range.start)?
            } else {
                self.host_end(len)?
            };
            return Some(at..at);
        }
        let start = range.start.min(len.saturating_sub(1));
        let end = range.end.clamp(start + 1, len.max(start + 1));
        let host_start = self.host_start(start)?;
        let host_end = self.host_end(end.min(len))?;
        Some(host_start..host_end.max(host_start))
    }

    /// [`MappedText::to_host`] with the file: `None` also for a text joined from several files.
    pub fn host_span(&self, range: TextRange) -> Option<Span> {
        Some(Span {
            file: self.host_file()?,
            range: self.to_host(range)?,
        })
    }

    /// Maps an offset of `file` into the assembled text, if that byte is part of it (a text
    /// joined from two files maps the offsets of each to its own pieces).
    pub fn from_host(&self, file: FileId, host_offset: usize) -> Option<usize> {
        self.pieces.iter().filter(|p| p.file == file).find_map(|p| {
            if p.host.contains(&host_offset) || p.host.end == host_offset {
                Some(if p.verbatim {
                    p.text.start + (host_offset - p.host.start)
                } else {
                    p.text.start
                })
            } else {
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_verbatim_escapes_and_concatenation() {
        // host: 'ab\ncd' + "ef"
        //       0123456789012345
        let file = FileId(0);
        let mut left = MappedText::new();
        left.push_verbatim(file, "ab", 1);
        left.push_escape(file, "\n", 3..5);
        left.push_verbatim(file, "cd", 5);
        let mut right = MappedText::new();
        right.push_verbatim(file, "ef", 11);
        left.append(&right);
        assert_eq!(left.text, "ab\ncdef");
        assert_eq!(left.to_host(0..2), Some(1..3));
        assert_eq!(left.to_host(2..3), Some(3..5));
        assert_eq!(left.to_host(3..5), Some(5..7));
        assert_eq!(left.to_host(4..6), Some(6..12));
        assert_eq!(left.to_host(7..7), Some(13..13));
        assert_eq!(left.from_host(file, 11), Some(5));
        assert_eq!(left.host_file(), Some(file));
    }

    #[test]
    fn text_joined_from_two_files_has_no_one_host_file() {
        let mut left = MappedText::new();
        left.push_verbatim(FileId(0), "SELECT ", 10);
        let mut right = MappedText::new();
        right.push_verbatim(FileId(1), "1", 3);
        left.append(&right);
        assert_eq!(left.host_file(), None);
        // Offset 3 of each file is a different byte of the text.
        assert_eq!(left.from_host(FileId(1), 3), Some(7));
        assert_eq!(left.from_host(FileId(0), 13), Some(3));
        assert_eq!(left.from_host(FileId(0), 3), None);
        assert_eq!(MappedText::new().host_file(), None);
    }
}
