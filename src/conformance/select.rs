//! [`Selection`]: which cases a run runs, by name or pattern, and on which backends.
#![forbid(unsafe_code)]

use super::cases::cases;
use super::Case;
use crate::backend::{Backend, BackendKind, Emulator};

/// The cases and backends a run is asked for. Empty lists mean all of them.
///
/// ```
/// use winsock_emu::backend::BackendKind;
/// use winsock_emu::conformance::Selection;
///
/// let selection = Selection {
///     patterns: vec!["udp-*".to_owned(), "set-null-name".to_owned()],
///     backends: vec![BackendKind::Emulator],
/// };
/// assert!(selection.cases().iter().all(|case| case.id.starts_with("udp-") || case.id == "set-null-name"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Case ids or patterns, where `*` stands for any run of characters and `?` for one
    /// (`udp-*`, `*-null-*`); a case is selected when one of them matches its whole id.
    pub patterns: Vec<String>,
    /// The backends to run on; those this platform lacks are left out of the run.
    pub backends: Vec<BackendKind>,
}

impl Selection {
    /// Whether the case with id `id` is selected.
    pub fn selects(&self, id: &str) -> bool {
        self.patterns.is_empty()
            || self
                .patterns
                .iter()
                .any(|pattern| matches(pattern.as_bytes(), id.as_bytes()))
    }

    /// The selected cases, in report order.
    pub fn cases(&self) -> Vec<&'static Case> {
        cases()
            .into_iter()
            .filter(|case| self.selects(case.id))
            .collect()
    }

    /// The patterns that select no case (a mistyped name), so a runner can say so.
    pub fn unmatched(&self) -> Vec<&str> {
        let all = cases();
        self.patterns
            .iter()
            .filter(|pattern| {
                !all.iter()
                    .any(|case| matches(pattern.as_bytes(), case.id.as_bytes()))
            })
            .map(String::as_str)
            .collect()
    }

    /// The selected backends this platform has, in report order.
    pub fn backends(&self) -> Vec<BackendKind> {
        available_backends()
            .into_iter()
            .filter(|kind| self.backends.is_empty() || self.backends.contains(kind))
            .collect()
    }
}

/// Whether `pattern` (with `*` and `?`) matches all of `text`. Iterative, with one point
/// to return to after the latest `*`: time in proportion to the lengths' product at worst,
/// no recursion, no allocation.
fn matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// The backends this platform has: the emulator everywhere, and the real Winsock on
/// Windows (which is Wine's under Wine: [`crate::backend::wine_version`]).
pub fn available_backends() -> Vec<BackendKind> {
    BackendKind::ALL
        .into_iter()
        .filter(|&kind| kind == BackendKind::Emulator || cfg!(windows))
        .collect()
}

/// A fresh backend of `kind`, if this platform has it.
pub fn backend_of_kind(kind: BackendKind) -> Option<Box<dyn Backend>> {
    match kind {
        BackendKind::Emulator => Some(Box::new(Emulator::new())),
        #[cfg(windows)]
        BackendKind::Windows => Some(Box::new(crate::backend::Native::new())),
        #[cfg(not(windows))]
        BackendKind::Windows => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_ids() {
        let yes = [
            ("udp-*", "udp-recvfrom"),
            ("*", ""),
            ("*null*", "set-null-name"),
            ("set-?ull-name", "set-null-name"),
            ("a*b*c", "axxbyyc"),
            ("exact", "exact"),
            ("*-name", "set-null-name"),
        ];
        for (pattern, id) in yes {
            assert!(matches(pattern.as_bytes(), id.as_bytes()), "{pattern} {id}");
        }
        let no = [
            ("udp-*", "tcp-udp-x"),
            ("exact", "exactly"),
            ("exact", "inexact"),
            ("a*b*c", "axxbyy"),
            ("?", ""),
            ("", "x"),
        ];
        for (pattern, id) in no {
            assert!(
                !matches(pattern.as_bytes(), id.as_bytes()),
                "{pattern} {id}"
            );
        }
    }

    #[test]
    fn an_empty_selection_selects_everything_available() {
        let all = Selection::default();
        assert_eq!(all.cases().len(), cases().len());
        assert_eq!(all.backends(), available_backends());
        assert!(all.unmatched().is_empty());
    }

    #[test]
    fn a_selection_keeps_report_order_and_names_what_it_missed() {
        let first = cases()[0].id;
        let selection = Selection {
            patterns: vec!["no-such-case".to_owned(), first.to_owned()],
            backends: vec![BackendKind::Emulator],
        };
        let chosen: Vec<&str> = selection.cases().iter().map(|case| case.id).collect();
        assert_eq!(chosen, [first]);
        assert_eq!(selection.unmatched(), ["no-such-case"]);
        assert_eq!(selection.backends(), [BackendKind::Emulator]);
    }

    #[test]
    fn every_available_kind_makes_a_backend_of_that_kind() {
        for kind in BackendKind::ALL {
            let made = backend_of_kind(kind);
            assert_eq!(made.is_some(), available_backends().contains(&kind));
            if let Some(backend) = made {
                assert_eq!(backend.kind(), kind);
            }
        }
    }
}
