//! Running every rule's own `flag` and `pass` examples.

use crate::rule::{Finding, Frame};
use crate::RuleSet;
use std::fmt;

/// Which list an example came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    /// Must yield a lapse of the rule (a note for severity L or advisory-only rules).
    Flag,
    /// Must not yield a lapse of the rule (nor an own-voice note for severity L).
    Pass,
}

/// An example sentence that did not behave as its rule says.
#[derive(Clone, Debug)]
pub struct ExampleFailure {
    pub rule: String,
    pub kind: ExampleKind,
    pub example: String,
    /// What happened instead.
    pub problem: String,
    /// Every finding the example gave (all rules).
    pub findings: Vec<Finding>,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ExampleKind::Flag => "flag",
            ExampleKind::Pass => "pass",
        };
        write!(
            f,
            "rule {}, {kind} example {:?}: {}",
            self.rule, self.example, self.problem
        )
    }
}

fn own_voice(frame: Frame) -> bool {
    matches!(
        frame,
        Frame::OwnVoiceOther | Frame::OwnVoiceSelf | Frame::SelfIdentification | Frame::LowSeverity
    )
}

fn describe(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings".into();
    }
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {:?} {} {}",
                f.rule,
                f.text,
                f.frame,
                if f.lapse { "lapse" } else { "note" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl RuleSet {
    /// Runs every rule's flag and pass examples through [`RuleSet::check_text`] with all
    /// rules active. Empty means every example behaves as written.
    pub fn run_examples(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for rule in self.rules() {
            let advisory = !rule.can_lapse() || rule.advisory_only;
            for ex in &rule.flag {
                let findings = self.check_text(ex);
                let ok = findings.iter().any(|f| {
                    f.rule == rule.id
                        && (f.lapse || ((!f.severity.counts() || advisory) && own_voice(f.frame)))
                });
                if !ok {
                    failures.push(ExampleFailure {
                        rule: rule.id.clone(),
                        kind: ExampleKind::Flag,
                        example: ex.clone(),
                        problem: format!(
                            "expected a {} of {}, got: {}",
                            if advisory { "note" } else { "lapse" },
                            rule.id,
                            describe(&findings)
                        ),
                        findings,
                    });
                }
            }
            for ex in &rule.pass {
                let findings = self.check_text(ex);
                let bad = findings.iter().any(|f| {
                    f.rule == rule.id
                        && (f.lapse
                            || f.frame == Frame::LowSeverity
                            || (advisory && f.frame == Frame::OwnVoiceOther))
                });
                if bad {
                    failures.push(ExampleFailure {
                        rule: rule.id.clone(),
                        kind: ExampleKind::Pass,
                        example: ex.clone(),
                        problem: format!(
                            "expected no lapse of {}, got: {}",
                            rule.id,
                            describe(&findings)
                        ),
                        findings,
                    });
                }
            }
        }
        failures
    }
}
