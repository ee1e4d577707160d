//! The conformance suite: every documented rule as a small scripted scenario, run on any
//! [`Backend`].
//!
//! Each [`Case`] names its rule, the page it comes from, the rule functions of
//! [`crate::rules`] (and `crate::rules::security`) it exercises (or the [`crate::choices`] id where the pages are silent),
//! the expected result, and a scenario: a few calls through a [`Session`] that set the
//! stage, then the one call under test. [`run`] runs every case on each backend given and
//! judges each result ([`Verdict`]); on Windows, [`run_available`] runs both the emulator
//! and the real Winsock, so a case where Windows differs from the emulator is reported as
//! such. Differences already understood are listed, with their reasons, in
//! [`KNOWN_DIVERGENCES`]; a listed divergence that stops diverging fails the run, as
//! Wine's `todo_wine` markers do. A case that needs a capability a backend lacks (making
//! an overlapped operation pend: [`Backend::deferral`], which real Windows does not have)
//! is [`Verdict::NotApplicable`] there, shown as `n/a: <reason>`, neither passed nor
//! failed; the emulator has every capability, so no case is ever `n/a` on it.
//!
//! ```
//! use winsock_emu::backend::Emulator;
//! use winsock_emu::conformance;
//!
//! let report = conformance::run(&[&Emulator::new()]);
//! assert!(report.passed(), "{}", report.to_text());
//! ```
//!
//! `cargo run --example conformance` prints the table (`-- --json` for JSON, `--markdown`
//! for a job summary or `docs/conformance.md`) and exits non-zero when a rule fails. A run
//! can be narrowed ([`Selection`]: cases by id or pattern, backends by kind), and each case
//! can run in a process of its own ([`isolate`]), so a crash or a hang is that case's
//! verdict. Under Wine the `windows` column is Wine's `ws2_32`
//! ([`crate::backend::wine_version`]): the calls Wine does not implement are found by
//! running them and make their cases `n/a`, and Wine's differences from Windows on the calls
//! it does implement are listed with their evidence in [`WINE_DIVERGENCES`].
#![forbid(unsafe_code)]

mod cases;
mod divergences;
mod fitted;
mod interned;
pub mod isolate;
mod markdown;
mod report;
mod select;
mod session;
mod verdict;

use std::fmt;

use crate::backend::{Backend, BackendKind, CallResult};

pub use cases::{cases, Uncovered, OUTSIDE_THE_SUITE};
pub use divergences::{
    known_divergence, Divergence, KNOWN_DIVERGENCES, UNREVIEWED, UNREVIEWED_WINE_DIVERGENCES,
    WINE_DIVERGENCES,
};
pub use report::{Report, Row, Run};
pub use select::{available_backends, backend_of_kind, Selection};
pub use session::{Session, Setup, SetupFailure};
pub use verdict::{check_value, judge, Observed, Stopped, ValueMismatch, Verdict};

/// A scenario: setup calls on the session, then the call under test, whose result it
/// returns (or the setup step that failed).
pub type Scenario = fn(&mut Session<'_>) -> Observed;

/// One documented rule (or one choice) as a runnable case.
#[derive(Clone, Copy)]
pub struct Case {
    /// A short, stable identifier.
    pub id: &'static str,
    /// The rule, in a sentence.
    pub rule: &'static str,
    /// The rules of `docs/rules.md` the case checks, by their ids there (`S3`, `Q7`, `O2`);
    /// empty for a case that rests on a choice alone.
    pub docs: &'static [&'static str],
    /// The functions of `src/rules.rs` and `src/rules/security.rs` the case exercises
    /// (empty for a success case that passes every check, or a rule of the model).
    pub checks: &'static [&'static str],
    /// The [`crate::choices`] id the expected result rests on, where the pages are silent
    /// or disagree.
    pub choice: Option<&'static str>,
    /// Where the rule comes from: a Microsoft page and the part of it.
    pub source: &'static str,
    /// The expected result of the call under test. A scenario may also check values the
    /// call returns or writes ([`check_value`]); a different value fails the case.
    pub expected: CallResult,
    /// The scenario.
    pub scenario: Scenario,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("id", &self.id)
            .field("expected", &self.expected)
            .finish_non_exhaustive()
    }
}

impl Case {
    /// Runs the scenario on `backend` and tears it down. What it observed; or, when the
    /// scenario made a call the backend does not implement although Windows does
    /// ([`Backend::take_not_implemented`]: Wine), `n/a` with that call.
    pub fn observe(&self, backend: &dyn Backend) -> Observed {
        let _earlier = backend.take_not_implemented();
        let mut session = Session::new(backend);
        let observed = (self.scenario)(&mut session);
        session.finish();
        match backend.take_not_implemented() {
            Some(reason) => Err(Stopped::NotApplicable(interned::intern(&reason))),
            None => observed,
        }
    }

    /// Runs the case on `backend` and judges the result.
    pub fn run(&self, backend: &dyn Backend) -> Run {
        self.judged(backend.kind(), self.observe(backend))
    }

    /// Judges what the case observed on a backend of `kind` (in this process, or in a
    /// process of its own: [`isolate`]).
    pub fn judged(&self, backend: BackendKind, observed: Observed) -> Run {
        let verdict = judge(self.expected, &observed, known_divergence(self.id, backend));
        Run {
            backend,
            observed,
            verdict,
        }
    }
}

/// Runs every case on each backend, one case at a time (Winsock is one per process).
pub fn run(backends: &[&dyn Backend]) -> Report {
    run_cases(&cases(), backends)
}

/// Runs `cases` on each backend in this process, one case at a time.
pub fn run_cases(cases: &[&'static Case], backends: &[&dyn Backend]) -> Report {
    let rows = cases
        .iter()
        .map(|&case| Row {
            case,
            runs: backends.iter().map(|backend| case.run(*backend)).collect(),
        })
        .collect();
    Report::new(
        backends.iter().map(|backend| backend.kind()).collect(),
        rows,
    )
}

/// Runs the suite on every backend this platform has: a fresh emulator everywhere, and
/// the real Winsock on Windows.
pub fn run_available() -> Report {
    let emulator = crate::backend::Emulator::new();
    #[cfg(windows)]
    {
        let native = crate::backend::Native::new();
        run(&[&emulator, &native])
    }
    #[cfg(not(windows))]
    {
        run(&[&emulator])
    }
}

/// The emulator's run of every case, made once for the unit tests that read a report.
/// Under Miri, where one run of the suite takes minutes, of every 16th case only
/// (`tests/conformance.rs` runs them all there).
#[cfg(test)]
pub(crate) fn emulator_report() -> &'static Report {
    static REPORT: std::sync::OnceLock<Report> = std::sync::OnceLock::new();
    REPORT.get_or_init(|| {
        let all = cases();
        let chosen: Vec<&'static Case> = if cfg!(miri) {
            all.into_iter().step_by(16).collect()
        } else {
            all
        };
        run_cases(&chosen, &[&crate::backend::Emulator::new()])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The `pub fn` names of `src/rules.rs`, `src/rules/security.rs` and
    /// `src/rules/resolution.rs`: the documented rules.
    fn rule_functions() -> BTreeSet<&'static str> {
        [
            include_str!("../rules.rs"),
            include_str!("../rules/security.rs"),
            include_str!("../rules/resolution.rs"),
            include_str!("../rules/catalog.rs"),
            include_str!("../rules/readiness.rs"),
            include_str!("../rules/duplication.rs"),
            include_str!("../rules/shutdown.rs"),
        ]
        .into_iter()
        .flat_map(str::lines)
        .filter_map(|line| line.trim_start().strip_prefix("pub fn "))
        .map(|rest| rest.split(['(', '<']).next().unwrap_or(rest).trim())
        .collect()
    }

    #[test]
    fn the_rule_list_is_read_from_rules_rs() {
        let rules = rule_functions();
        assert!(
            rules.contains("startup_done") && rules.contains("peer_address_fits"),
            "{rules:?}"
        );
        assert!(
            rules.contains("query_info_fits")
                && rules.contains("impersonation_needs_authenticated_peer"),
            "src/rules/security.rs is read too: {rules:?}"
        );
        assert!(rules.len() >= 28, "{rules:?}");
    }

    #[test]
    fn every_rule_in_rules_rs_has_a_conformance_case() {
        let covered: BTreeSet<&str> = cases()
            .iter()
            .flat_map(|case| case.checks.iter().copied())
            .collect();
        let missing: Vec<_> = rule_functions()
            .into_iter()
            .filter(|rule| !covered.contains(rule))
            .collect();
        assert!(
            missing.is_empty(),
            "rules without a conformance case: {missing:?}"
        );
    }

    #[test]
    fn every_case_names_real_rules_and_choices() {
        let rules = rule_functions();
        for case in cases() {
            for check in case.checks {
                assert!(
                    rules.contains(check),
                    "{}: no rule `{check}` in src/rules.rs or src/rules/",
                    case.id
                );
            }
            if let Some(choice) = case.choice {
                assert!(
                    crate::choices::ALL.iter().any(|c| c.id == choice),
                    "{}: no choice `{choice}`",
                    case.id
                );
            }
            assert!(
                !case.rule.is_empty() && !case.source.is_empty(),
                "{}",
                case.id
            );
        }
    }

    /// Whether a table's first cell is a rule id: capital letters, digits, then optional
    /// small letters (`S3`, `S7b`, `Q1`, `O9`), whatever the prefix.
    fn is_rule_id(cell: &str) -> bool {
        let rest = cell.trim_start_matches(|c: char| c.is_ascii_uppercase());
        let tail = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.len() < cell.len()
            && tail.len() < rest.len()
            && tail.chars().all(|c| c.is_ascii_lowercase())
    }

    /// The rule ids of `docs/rules.md`: the first cell of each table row (`| S3 | ...`) of
    /// every table, whatever its prefix.
    fn documented_rule_ids() -> BTreeSet<&'static str> {
        include_str!("../../docs/rules.md")
            .lines()
            .filter_map(|line| line.strip_prefix("| ")?.split(" |").next())
            .filter(|id| is_rule_id(id))
            .collect()
    }

    #[test]
    fn rule_ids_are_recognised_whatever_their_prefix() {
        for id in ["S1", "S7b", "Q8", "I5", "N7", "O9", "X7", "ZZ12"] {
            assert!(is_rule_id(id), "{id}");
        }
        for cell in ["#", "rule", "", "S", "7", "s1", "S1B", "---", "S1 "] {
            assert!(!is_rule_id(cell), "{cell:?}");
        }
    }

    #[test]
    fn the_rule_ids_are_read_from_docs_rules_md() {
        let ids = documented_rule_ids();
        for id in [
            "S1", "S7b", "D8", "W1", "X7", "Q1", "Q8", "I1", "I5", "N1", "N7", "O1", "O9",
        ] {
            assert!(ids.contains(id), "{id} missing from {ids:?}");
        }
        let prefixes: BTreeSet<char> = ids.iter().filter_map(|id| id.chars().next()).collect();
        assert!(prefixes.len() >= 8, "{prefixes:?}");
    }

    #[test]
    fn every_rule_in_docs_rules_md_has_a_case_or_a_reason_it_has_none() {
        let covered: BTreeSet<&str> = cases()
            .iter()
            .flat_map(|case| case.docs.iter().copied())
            .collect();
        for id in documented_rule_ids() {
            let outside = OUTSIDE_THE_SUITE
                .iter()
                .find(|uncovered| uncovered.rule == id);
            assert!(
                covered.contains(id) != outside.is_some(),
                "{id}: needs exactly one of a conformance case or an OUTSIDE_THE_SUITE entry"
            );
        }
        let ids = documented_rule_ids();
        for case in cases() {
            for id in case.docs {
                assert!(
                    ids.contains(id),
                    "{}: no rule {id} in docs/rules.md",
                    case.id
                );
            }
        }
        for uncovered in OUTSIDE_THE_SUITE {
            assert!(
                ids.contains(uncovered.rule) && !uncovered.reason.is_empty(),
                "{}",
                uncovered.rule
            );
        }
    }

    #[test]
    fn a_divergence_marks_only_its_own_backend() {
        for divergence in KNOWN_DIVERGENCES {
            assert_eq!(
                known_divergence(divergence.case, divergence.backend),
                Some(divergence)
            );
            for kind in crate::backend::BackendKind::ALL {
                if let Some(found) = known_divergence(divergence.case, kind) {
                    assert_eq!(found.backend, kind, "{}", divergence.case);
                }
            }
        }
        assert!(known_divergence("no-such-case", crate::backend::BackendKind::Emulator).is_none());
    }

    #[test]
    fn every_case_runs_on_the_emulator_never_not_applicable() {
        let report = emulator_report();
        assert_eq!(report.rows.len() == cases().len(), !cfg!(miri));
        for row in &report.rows {
            let (case, run) = (
                row.case,
                row.run(crate::backend::BackendKind::Emulator).unwrap(),
            );
            assert!(
                matches!(
                    run.verdict,
                    Verdict::Pass
                        | Verdict::Fail
                        | Verdict::KnownDivergence
                        | Verdict::StaleDivergence
                ),
                "{}: the emulator has every capability, and the setup must not fail: {:?}",
                case.id,
                run
            );
        }
    }

    #[test]
    fn case_ids_are_unique() {
        let all = cases();
        let ids: BTreeSet<&str> = all.iter().map(|case| case.id).collect();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn wine_divergences_mark_the_windows_column_under_wine_only() {
        for divergence in WINE_DIVERGENCES.iter().chain(UNREVIEWED_WINE_DIVERGENCES) {
            assert_eq!(divergence.backend, crate::backend::BackendKind::Windows);
            assert_eq!(
                known_divergence(divergence.case, divergence.backend).is_some(),
                crate::backend::wine_version().is_some(),
                "{}",
                divergence.case
            );
            assert!(known_divergence(divergence.case, BackendKind::Emulator).is_none());
        }
    }

    #[test]
    fn every_known_divergence_names_a_case_once() {
        for list in [
            KNOWN_DIVERGENCES,
            WINE_DIVERGENCES,
            UNREVIEWED_WINE_DIVERGENCES,
        ] {
            every_divergence_names_a_case_once(list);
        }
    }

    #[test]
    fn an_unreviewed_divergence_is_not_also_explained() {
        for divergence in UNREVIEWED_WINE_DIVERGENCES {
            assert_eq!(divergence.evidence, UNREVIEWED);
            assert!(
                !WINE_DIVERGENCES
                    .iter()
                    .chain(KNOWN_DIVERGENCES)
                    .any(|other| other.case == divergence.case),
                "{} is listed twice",
                divergence.case
            );
        }
        assert!(WINE_DIVERGENCES.iter().all(|d| d.evidence != UNREVIEWED));
    }

    fn every_divergence_names_a_case_once(list: &[Divergence]) {
        // The ids once, not the suite's list made anew for each divergence (slow under Miri).
        let ids: BTreeSet<&str> = cases().iter().map(|case| case.id).collect();
        for (i, divergence) in list.iter().enumerate() {
            assert!(ids.contains(divergence.case), "no case {}", divergence.case);
            assert!(!divergence.reason.is_empty() && !divergence.evidence.is_empty());
            assert!(
                list[i + 1..]
                    .iter()
                    .all(|other| (other.case, other.backend)
                        != (divergence.case, divergence.backend)),
                "{} listed twice",
                divergence.case
            );
        }
    }
}
