//! Byte offsets to LSP positions and back.

use lsp_types::{Position, Range};
use rnix_eval_ide::LineIndex;

pub fn position(index: &LineIndex, offset: u32) -> Position {
    let (line, character) = index.position(offset);
    Position { line, character }
}

pub fn range(index: &LineIndex, start: u32, end: u32) -> Range {
    Range {
        start: position(index, start),
        end: position(index, end),
    }
}

pub fn offset(index: &LineIndex, p: Position) -> u32 {
    index.offset(p.line, p.character)
}
