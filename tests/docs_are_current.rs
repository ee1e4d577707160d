//! The documents cannot drift from the code: every rule function and every choice is
//! documented, and every test the documents name exists.

use std::collections::BTreeSet;

const RULES_MD: &str = include_str!("../docs/rules.md");
const CHOICES_MD: &str = include_str!("../docs/choices.md");
const RULES_RS: &str = include_str!("../src/rules.rs");

/// What stands between two consecutive backquotes of `doc`, with the text before its
/// opening one: `` `x` `` is in `doc` exactly when some pair has `x` (no name here has a
/// backquote). Gathered once per document, as searching it once per name takes many
/// minutes under Miri.
fn quoted(doc: &str) -> Vec<(&str, &str)> {
    let segments: Vec<&str> = doc.split('`').collect();
    segments
        .windows(3)
        .map(|window| (window[0], window[1]))
        .collect()
}

/// Whether `doc`'s quoted spans (see [`quoted`]) hold `` `name` ``.
fn quotes(spans: &[(&str, &str)], name: &str) -> bool {
    spans.iter().any(|&(_, span)| span == name)
}

/// `file.rs::test_name` references in a document (a `…::` continuation reuses the file).
fn test_references(doc: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for cell in doc.split('`') {
        let Some((file, name)) = cell.split_once(".rs::") else {
            continue;
        };
        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !file.contains(' ') {
            found.insert((format!("{file}.rs"), name.to_owned()));
        }
    }
    found
}

#[test]
fn every_named_test_exists() {
    let references: BTreeSet<_> = test_references(RULES_MD)
        .into_iter()
        .chain(test_references(CHOICES_MD))
        .collect();
    assert!(
        references.len() > 30,
        "the documents name the tests that prove them"
    );
    for (file, name) in references {
        let source =
            std::fs::read_to_string(format!("{}/tests/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap_or_else(|_| panic!("docs name tests/{file}, which does not exist"));
        assert!(
            source.contains(&format!("fn {name}(")),
            "docs name {file}::{name}, which does not exist"
        );
    }
}

#[test]
fn every_rule_function_is_in_rules_md() {
    let rules_md = quoted(RULES_MD);
    for line in RULES_RS.lines() {
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(
                quotes(&rules_md, name),
                "docs/rules.md does not list rules::{name}"
            );
        }
    }
}

#[test]
fn every_choice_is_in_choices_md() {
    let spans = quoted(CHOICES_MD);
    for choice in winsock_emu::choices::ALL {
        assert!(
            spans
                .iter()
                .any(|&(before, span)| before.ends_with("## ") && span == choice.id),
            "docs/choices.md misses {}",
            choice.id
        );
    }
}

#[test]
fn every_security_rule_function_is_in_rules_md() {
    let rules_md = quoted(RULES_MD);
    const SECURITY_RS: &str = include_str!("../src/rules/security.rs");
    for line in SECURITY_RS.lines() {
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(
                quotes(&rules_md, name),
                "docs/rules.md does not list rules::security::{name}"
            );
        }
    }
}

#[test]
fn every_resolution_rule_function_is_in_rules_md() {
    let rules_md = quoted(RULES_MD);
    const SOURCE: &str = include_str!("../src/rules/resolution.rs");
    for line in SOURCE.lines() {
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(
                quotes(&rules_md, name),
                "docs/rules.md does not list rules::resolution::{name}"
            );
        }
    }
}

#[test]
fn every_catalog_rule_function_is_in_rules_md() {
    let rules_md = quoted(RULES_MD);
    const SOURCE: &str = include_str!("../src/rules/catalog.rs");
    for line in SOURCE.lines() {
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(
                quotes(&rules_md, name),
                "docs/rules.md does not list rules::catalog::{name}"
            );
        }
    }
}

#[test]
fn every_readiness_rule_function_is_in_rules_md() {
    let rules_md = quoted(RULES_MD);
    const SOURCE: &str = include_str!("../src/rules/readiness.rs");
    for line in SOURCE.lines() {
        if let Some(rest) = line.strip_prefix("pub fn ") {
            let name = rest.split(['(', '<']).next().unwrap();
            assert!(
                quotes(&rules_md, name),
                "docs/rules.md does not list rules::readiness::{name}"
            );
        }
    }
}
