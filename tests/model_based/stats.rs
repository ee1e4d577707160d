//! What a run covered, counted when `MODEL_BASED_STATS` is set: calls per kind and
//! outcome (success or error code), printed at the end of the run, so the figures in
//! `docs/reliability.md` can be measured again and a strategy change that stops reaching
//! a path shows.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::ops::Op;
use super::reference::Outcome;

static COUNTS: Mutex<BTreeMap<(String, String), usize>> = Mutex::new(BTreeMap::new());

/// Whether counting is on.
pub fn enabled() -> bool {
    std::env::var_os("MODEL_BASED_STATS").is_some()
}

/// The call's kind: the variant's name, and the inner call's for data and security calls.
fn kind(op: &Op) -> String {
    let name = |text: String| {
        text.split([' ', '(', '{'])
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    match op {
        Op::Data { op, .. } => format!("Data/{}", name(format!("{op:?}"))),
        Op::Security { op, .. } => format!("Security/{}", name(format!("{op:?}"))),
        Op::Port { op, .. } => format!("Port/{}", name(format!("{op:?}"))),
        other => name(format!("{other:?}")),
    }
}

/// Counts one call and its outcome.
pub fn record(op: &Op, outcome: Outcome) {
    let outcome = match outcome {
        Ok(_) => "ok".to_owned(),
        Err(code) => code.to_string(),
    };
    *COUNTS
        .lock()
        .unwrap()
        .entry((kind(op), outcome))
        .or_default() += 1;
}

/// Prints the counts: per kind, then the totals.
pub fn print() {
    let counts = COUNTS.lock().unwrap();
    let mut kinds: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for ((kind, outcome), n) in counts.iter() {
        kinds.entry(kind).or_default().push((outcome, *n));
    }
    for (kind, outcomes) in &kinds {
        let line: Vec<String> = outcomes.iter().map(|(o, n)| format!("{o}: {n}")).collect();
        println!("{kind:<24} {}", line.join(", "));
    }
    let total: usize = counts.values().sum();
    let ok: usize = counts
        .iter()
        .filter(|((_, o), _)| o == "ok")
        .map(|(_, n)| n)
        .sum();
    let codes: std::collections::BTreeSet<&str> = counts
        .keys()
        .map(|(_, o)| o.as_str())
        .filter(|o| *o != "ok")
        .collect();
    println!(
        "{total} calls, {ok} succeeding, {} distinct error codes",
        codes.len()
    );
}
