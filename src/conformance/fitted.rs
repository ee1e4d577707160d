//! The text table fitted to a width (a terminal's): cells abbreviated, the rule wrapped.
//! The JSON report keeps every text in full.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::report::Report;

/// The narrowest a column of results is cut to.
const NARROWEST_COLUMN: usize = 12;

/// The narrowest the rule column beside the cells may be; narrower, the rule goes on the
/// lines below its row.
const NARROWEST_RULE: usize = 24;

/// How far a rule printed below its row is indented.
const RULE_INDENT: usize = 4;

/// The gap between columns.
const GAP: usize = 2;

impl Report {
    /// The table as text, as [`Report::to_text`], fitted to `width` columns when one is
    /// given: the result columns are cut (a cut cell ends in `…`) so the rule column keeps
    /// at least 24 columns, the rule wraps within its column (or, on a narrower width, on
    /// the lines below its row), and the notes wrap at the width. `None`: lines as long as
    /// their text.
    pub fn to_text_fitted(&self, width: Option<usize>) -> String {
        let (header, lines) = self.text_cells();
        let mut widths = [0; 4];
        for cells in std::iter::once(&header).chain(&lines) {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
        if let Some(total) = width {
            shrink(&mut widths, total);
        }
        let cells_width: usize = widths.iter().map(|width| width + GAP).sum();
        let rule_width = width.map(|total| total.saturating_sub(cells_width));
        let mut out = String::new();
        for cells in std::iter::once(&header).chain(&lines) {
            for (cell, &width) in cells.iter().zip(&widths) {
                let _ = write!(out, "{:<width$}{:GAP$}", abbreviate(cell, width), "");
            }
            let rule = &cells[4];
            match (width, rule_width) {
                (None, _) => out.push_str(rule),
                (Some(_), Some(beside)) if beside >= NARROWEST_RULE => {
                    for (i, part) in wrap(rule, beside).iter().enumerate() {
                        if i > 0 {
                            let _ = write!(out, "\n{:cells_width$}", "");
                        }
                        out.push_str(part);
                    }
                }
                (Some(total), _) => {
                    let below = total.saturating_sub(RULE_INDENT).max(NARROWEST_RULE);
                    for part in wrap(rule, below) {
                        let _ = write!(out, "\n{:RULE_INDENT$}{part}", "");
                    }
                }
            }
            let end = out.trim_end_matches(' ').len();
            out.truncate(end);
            out.push('\n');
        }
        let mut notes = String::new();
        self.write_notes(&mut notes);
        match width {
            None => out.push_str(&notes),
            Some(total) => {
                for line in notes.lines() {
                    for part in wrap(line, total.max(NARROWEST_RULE)) {
                        out.push_str(&part);
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

/// Narrows the widest result column, one column at a time, until the cells and a rule
/// column of a third of `total` (at least [`NARROWEST_RULE`]) fit in `total`, or every
/// column is at its narrowest. The case id, which names the row, is cut last.
fn shrink(widths: &mut [usize; 4], total: usize) {
    let rule = NARROWEST_RULE.max(total / 3);
    loop {
        let used: usize = widths.iter().map(|width| width + GAP).sum::<usize>() + rule;
        let widest = (1..widths.len())
            .max_by_key(|&i| widths[i])
            .filter(|&i| widths[i] > NARROWEST_COLUMN)
            .unwrap_or(0);
        if used <= total || widths[widest] <= NARROWEST_COLUMN {
            return;
        }
        widths[widest] -= 1;
    }
}

/// `cell` cut to `width` characters, the last of them `…` when it was cut.
fn abbreviate(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_owned();
    }
    let mut cut: String = cell.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than
/// the width is broken where it must be). An empty text is one empty line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line = lines.last_mut().expect("never empty");
            let used = line.chars().count();
            let space = usize::from(used > 0);
            if used + space + word.len() <= width {
                if space == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(String::new());
                continue;
            }
            let rest = word.split_off(width);
            line.extend(word.iter());
            lines.push(String::new());
            word = rest;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::emulator_report;

    #[test]
    fn wrapping_breaks_at_spaces_and_splits_only_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("ab cdefgh", 4), ["ab", "cdef", "gh"]);
    }

    #[test]
    fn abbreviations_end_in_an_ellipsis() {
        assert_eq!(abbreviate("WSAEFAULT (10014) ok", 10), "WSAEFAULT…");
        assert_eq!(abbreviate("short", 10), "short");
        assert_eq!(abbreviate("héllo", 5), "héllo");
    }

    #[test]
    fn a_fitted_table_keeps_every_line_within_the_width() {
        let report = emulator_report();
        for width in [60, 80, 120, 200] {
            let text = report.to_text_fitted(Some(width));
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{width}: {} chars: {line}",
                    line.chars().count()
                );
            }
            let longest_id = report
                .rows
                .iter()
                .map(|row| row.case.id.len())
                .max()
                .unwrap_or(0);
            for case in report.rows.iter().map(|row| row.case) {
                // Ids are cut only when the results are at their narrowest already.
                let kept = if width >= longest_id + 4 * (NARROWEST_COLUMN + GAP) + NARROWEST_RULE {
                    case.id.len()
                } else {
                    case.id.len().min(NARROWEST_COLUMN - 1)
                };
                assert!(text.contains(&case.id[..kept]), "{width}: {}", case.id);
            }
            assert!(text.ends_with("conformance: PASSED\n"), "{text}");
        }
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let report = emulator_report();
        let text = report.to_text_fitted(None);
        assert_eq!(text, report.to_text());
        assert!(!text.contains('…'));
        for case in report.rows.iter().map(|row| row.case) {
            assert!(text.contains(case.rule), "{}", case.id);
        }
    }
}
