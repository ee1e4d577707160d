//! [`Report`]: the results of a run, as a text table or JSON.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::cases::OUTSIDE_THE_SUITE;
use super::divergences::known_divergence;
use super::verdict::{Observed, Stopped, Verdict};
use super::Case;
use crate::backend::{BackendKind, CallResult};

/// One case on one backend.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Run {
    /// The backend it ran on.
    pub backend: BackendKind,
    /// What the scenario observed.
    pub observed: Observed,
    /// The judgement.
    pub verdict: Verdict,
}

/// One case and its runs, one per backend of the report.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Row {
    /// The case.
    pub case: &'static Case,
    /// Its runs, in the order of [`Report::backends`].
    pub runs: Vec<Run>,
}

impl Row {
    /// The run on `backend`, if the case ran there.
    pub fn run(&self, backend: BackendKind) -> Option<&Run> {
        self.runs.iter().find(|run| run.backend == backend)
    }

    /// Whether the emulator and real Windows both ran the case and observed different
    /// things (a case not applicable on one of them was not run there: no difference).
    pub fn windows_differs_from_emulator(&self) -> bool {
        match (
            self.run(BackendKind::Emulator),
            self.run(BackendKind::Windows),
        ) {
            (Some(emulator), Some(windows)) => {
                let applicable = |run: &Run| run.verdict != Verdict::NotApplicable;
                applicable(emulator) && applicable(windows) && emulator.observed != windows.observed
            }
            _ => false,
        }
    }
}

/// The results of a conformance run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// The backends that ran, in column order.
    pub backends: Vec<BackendKind>,
    /// One row per case.
    pub rows: Vec<Row>,
    /// The version of the Wine the `windows` column ran under
    /// ([`crate::backend::wine_version`]), `None` for real Windows (or no such column).
    pub wine: Option<&'static str>,
}

/// `success`, or the code's name and number.
pub(super) fn result_text(result: &CallResult) -> String {
    match result {
        Ok(()) => "success".to_owned(),
        Err(code) => code.to_string(),
    }
}

/// What was observed, in words.
pub(super) fn observed_text(observed: &Observed) -> String {
    match observed {
        Ok(result) => result_text(result),
        Err(stopped) => stopped.to_string(),
    }
}

/// The code of the call under test, if it was made (`null` in JSON when setup failed).
fn observed_code(observed: &Observed) -> Option<i32> {
    match observed {
        Ok(result) | Err(Stopped::Value(super::ValueMismatch { result, .. })) => {
            Some(result_code(result))
        }
        Err(
            Stopped::Setup(_)
            | Stopped::NotApplicable(_)
            | Stopped::Crashed(_)
            | Stopped::TimedOut(_),
        ) => None,
    }
}

/// The code of a result: 0 for success.
fn result_code(result: &CallResult) -> i32 {
    result.err().map_or(0, |code| code.0)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Report {
    /// The report of `rows` run on `backends` in this process's environment (so a
    /// `windows` column run under Wine says which Wine).
    pub fn new(backends: Vec<BackendKind>, rows: Vec<Row>) -> Self {
        let wine =
            crate::backend::wine_version().filter(|_| backends.contains(&BackendKind::Windows));
        Report {
            backends,
            rows,
            wine,
        }
    }

    /// The name of `backend`'s column: its [`BackendKind::name`], or `wine <version>` for
    /// the `windows` column run under Wine.
    pub fn column_name(&self, backend: BackendKind) -> String {
        match (backend, self.wine) {
            (BackendKind::Windows, Some(version)) => format!("wine {version}"),
            _ => backend.name().to_owned(),
        }
    }

    /// Whether no case failed on any backend (a stale divergence or a failed setup is a
    /// failure).
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }

    /// Every failing (case, run).
    pub fn failures(&self) -> impl Iterator<Item = (&'static Case, &Run)> {
        self.rows.iter().flat_map(|row| {
            row.runs
                .iter()
                .filter(|run| run.verdict.is_failure())
                .map(|run| (row.case, run))
        })
    }

    /// How many runs on `backend` got `verdict`.
    pub fn count(&self, backend: BackendKind, verdict: Verdict) -> usize {
        self.rows
            .iter()
            .filter_map(|row| row.run(backend))
            .filter(|run| run.verdict == verdict)
            .count()
    }

    /// The cell of one backend: what it observed and the verdict, `n/a: <reason>` when
    /// the backend cannot run the scenario, or `not run`.
    pub(super) fn cell(&self, row: &Row, backend: BackendKind) -> String {
        match row.run(backend) {
            Some(run) if run.verdict == Verdict::Pass => {
                format!("{} ok", observed_text(&run.observed))
            }
            Some(run) if run.verdict == Verdict::NotApplicable => observed_text(&run.observed),
            Some(run) => format!("{} [{}]", observed_text(&run.observed), run.verdict),
            None => "not run".to_owned(),
        }
    }

    /// The rule cell of a row: its `docs/rules.md` ids, the rule, and its source (with the
    /// choice it rests on).
    pub(super) fn rule_text(row: &Row) -> String {
        let mut source = row.case.source.to_owned();
        if let Some(choice) = row.case.choice {
            let _ = write!(source, "; choice `{choice}`");
        }
        if row.case.docs.is_empty() {
            format!("{} [{}]", row.case.rule, source)
        } else {
            format!(
                "{}: {} [{}]",
                row.case.docs.join(", "),
                row.case.rule,
                source
            )
        }
    }

    /// The text table's header and one line of cells per case.
    pub(super) fn text_cells(&self) -> ([String; 5], Vec<[String; 5]>) {
        let header = [
            "case".to_owned(),
            "expected".to_owned(),
            self.column_name(BackendKind::Emulator),
            self.column_name(BackendKind::Windows),
            "rule [source]".to_owned(),
        ];
        let lines = self
            .rows
            .iter()
            .map(|row| {
                [
                    row.case.id.to_owned(),
                    result_text(&row.case.expected),
                    self.cell(row, BackendKind::Emulator),
                    self.cell(row, BackendKind::Windows),
                    Self::rule_text(row),
                ]
            })
            .collect();
        (header, lines)
    }

    /// The table as text: one line per case with the expected result, what each backend
    /// observed and its verdict (`not run` for a backend this platform lacks, `n/a: <reason>`
    /// for a backend that cannot run the scenario), then the rule and its source; then the
    /// known divergences met, the failures, and a summary (with the count of `n/a` cases).
    /// Lines are as long as their text; [`Report::to_text_fitted`] fits them to a width.
    pub fn to_text(&self) -> String {
        self.to_text_fitted(None)
    }

    /// The notes under the table: divergences met, differences, failures, summary.
    pub(super) fn write_notes(&self, out: &mut String) {
        for row in &self.rows {
            for run in &row.runs {
                if let Some(divergence) = known_divergence(row.case.id, run.backend) {
                    let _ = write!(
                        out,
                        "\nknown divergence, {} on {}: {}",
                        row.case.id,
                        self.column_name(run.backend),
                        divergence.reason
                    );
                    let _ = write!(out, " (evidence: {})", divergence.evidence);
                    if run.verdict == Verdict::StaleDivergence {
                        out.push_str(" -- it now passes: remove the entry from KNOWN_DIVERGENCES");
                    }
                    out.push('\n');
                }
            }
            if row.windows_differs_from_emulator() {
                let _ = writeln!(
                    out,
                    "\n{} differs from the emulator on {}",
                    self.column_name(BackendKind::Windows),
                    row.case.id
                );
            }
        }
        for (case, run) in self.failures() {
            let _ = writeln!(
                out,
                "\nFAILED {} on {}: expected {}, observed {} [{}]",
                case.id,
                self.column_name(run.backend),
                result_text(&case.expected),
                observed_text(&run.observed),
                run.verdict
            );
        }
        out.push('\n');
        let outside: Vec<&str> = OUTSIDE_THE_SUITE
            .iter()
            .map(|uncovered| uncovered.rule)
            .collect();
        let _ = writeln!(
            out,
            "docs/rules.md rules proved by the emulator's own tests only: {}",
            outside.join(", ")
        );
        for backend in BackendKind::ALL {
            if !self.backends.contains(&backend) {
                let _ = writeln!(out, "{}: not run", self.column_name(backend));
                continue;
            }
            let failed = self
                .rows
                .iter()
                .filter_map(|row| row.run(backend))
                .filter(|run| run.verdict.is_failure())
                .count();
            let _ = writeln!(
                out,
                "{}: {} cases, {} pass, {} known divergence, {} n/a, {} failed",
                self.column_name(backend),
                self.rows.len(),
                self.count(backend, Verdict::Pass),
                self.count(backend, Verdict::KnownDivergence),
                self.count(backend, Verdict::NotApplicable),
                failed
            );
        }
        out.push_str(if self.passed() {
            "conformance: PASSED\n"
        } else {
            "conformance: FAILED\n"
        });
    }

    /// The report as JSON: `{"passed", "backends", "wine" (the Wine version the `windows`
    /// column ran under, or null), "cases": [{"id", "rule", "docs", "checks",
    /// "choice", "source", "expected", "expected_code", "results": {"emulator": {...},
    /// "windows": {...}}, "windows_differs_from_emulator"}]}`, where each result has `observed`, `observed_code` (the code of the call under
    /// test, 0 for success, even when a value differed; null when setup failed or the case
    /// is not applicable), `verdict` (`not run` for a backend that did not run, `n/a` for
    /// one that cannot run the scenario, with `observed` `"n/a: <reason>"`) and
    /// `divergence` (the reason, when one is listed).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"passed\": {},", self.passed());
        let backends: Vec<String> = self
            .backends
            .iter()
            .map(|backend| json_string(backend.name()))
            .collect();
        let _ = writeln!(out, "  \"backends\": [{}],", backends.join(", "));
        let wine = self.wine.map_or("null".to_owned(), json_string);
        let _ = writeln!(out, "  \"wine\": {wine},");
        out.push_str("  \"cases\": [\n");
        for (i, row) in self.rows.iter().enumerate() {
            let case = row.case;
            let checks: Vec<String> = case.checks.iter().map(|check| json_string(check)).collect();
            let docs: Vec<String> = case.docs.iter().map(|id| json_string(id)).collect();
            let choice = case.choice.map_or("null".to_owned(), json_string);
            let _ = write!(
                out,
                "    {{\"id\": {}, \"rule\": {}, \"docs\": [{}], \"checks\": [{}], \"choice\": {}, \"source\": {}, \"expected\": {}, \"expected_code\": {}, \"results\": {{",
                json_string(case.id),
                json_string(case.rule),
                docs.join(", "),
                checks.join(", "),
                choice,
                json_string(case.source),
                json_string(&result_text(&case.expected)),
                result_code(&case.expected),
            );
            let results: Vec<String> = BackendKind::ALL
                .iter()
                .map(|&backend| {
                    let body = match row.run(backend) {
                        None => "\"observed\": null, \"observed_code\": null, \"verdict\": \"not run\", \"divergence\": null".to_owned(),
                        Some(run) => format!(
                            "\"observed\": {}, \"observed_code\": {}, \"verdict\": {}, \"divergence\": {}",
                            json_string(&observed_text(&run.observed)),
                            observed_code(&run.observed).map_or("null".to_owned(), |code| code.to_string()),
                            json_string(run.verdict.label()),
                            known_divergence(case.id, backend).map_or("null".to_owned(), |d| json_string(d.reason)),
                        ),
                    };
                    format!("{}: {{{body}}}", json_string(backend.name()))
                })
                .collect();
            let comma = if i + 1 < self.rows.len() { "," } else { "" };
            let _ = writeln!(
                out,
                "{}}}, \"windows_differs_from_emulator\": {}}}{comma}",
                results.join(", "),
                row.windows_differs_from_emulator()
            );
        }
        out.push_str("  ]\n}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::conformance::cases;

    /// A report of `case` on both backends, with these observations and verdicts.
    fn both(emulator: (Observed, Verdict), windows: (Observed, Verdict)) -> Report {
        let case = cases()[0];
        let run = |backend, (observed, verdict)| Run {
            backend,
            observed,
            verdict,
        };
        Report {
            backends: BackendKind::ALL.to_vec(),
            rows: vec![Row {
                case,
                runs: vec![
                    run(BackendKind::Emulator, emulator),
                    run(BackendKind::Windows, windows),
                ],
            }],
            wine: None,
        }
    }

    #[test]
    fn a_case_not_applicable_on_windows_is_shown_with_its_reason_and_passes() {
        let expected = cases()[0].expected;
        let report = both(
            (Ok(expected), Verdict::Pass),
            (
                Err(Stopped::NotApplicable("cannot pend")),
                Verdict::NotApplicable,
            ),
        );
        assert!(report.passed());
        assert!(!report.rows[0].windows_differs_from_emulator());
        assert_eq!(
            report.count(BackendKind::Windows, Verdict::NotApplicable),
            1
        );
        let text = report.to_text();
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.contains(" ok ") && line.contains("  n/a: cannot pend  "),
            "{line}"
        );
        assert!(!text.contains("windows differs"), "{text}");
        assert!(
            text.contains("windows: 1 cases, 0 pass, 0 known divergence, 1 n/a, 0 failed"),
            "{text}"
        );
        let json = report.to_json();
        assert!(json.contains(
            "\"windows\": {\"observed\": \"n/a: cannot pend\", \"observed_code\": null, \"verdict\": \"n/a\""
        ), "{json}");
        assert!(
            json.contains("\"windows_differs_from_emulator\": false"),
            "{json}"
        );
    }

    #[test]
    fn a_case_that_fails_beside_a_not_applicable_one_still_fails() {
        let report = both(
            (Ok(Err(crate::backend::Code(1))), Verdict::Fail),
            (
                Err(Stopped::NotApplicable("cannot pend")),
                Verdict::NotApplicable,
            ),
        );
        assert!(!report.passed());
        assert_eq!(report.failures().count(), 1);
        assert!(report.to_text().ends_with("conformance: FAILED\n"));
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(json_string("host/é"), "\"host/é\"");
    }
}
