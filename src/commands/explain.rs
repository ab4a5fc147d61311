//! `peermark explain ID`: a criterion's levels and what peermark looks for, or a language rule.

use crate::cli::UsageError;
use peermark_engine::rubric::Rubric;

/// The text of `peermark explain ID`.
pub fn explain(r: &Rubric, id: &str) -> Result<String, UsageError> {
    if let Some(c) = r.criterion(id) {
        let mut s = format!("{} — {} (weight {})\n\nLevels:\n", c.id, c.title, c.weight);
        for (i, d) in c.descriptors.iter().enumerate() {
            s.push_str(&format!("  {i} {}: {d}\n", r.level_names[i]));
        }
        s.push_str("\nWhat peermark looks for, level by level:\n");
        for (i, reqs) in c.levels.iter().enumerate() {
            s.push_str(&format!("  level {}:\n", i + 1));
            for req in reqs {
                let cond = &req.condition;
                let op = cond.op.symbol();
                s.push_str(&format!(
                    "    - {} {op} {} — {}\n",
                    cond.measure, cond.value, req.advice
                ));
            }
        }
        return Ok(s.trim_end().to_string());
    }
    let upper = id.to_uppercase();
    if let Some(rule) = r.language.rule(&upper) {
        return Ok(rule.explain().trim_end().to_string());
    }
    let ids: Vec<&str> = r.criteria.iter().map(|c| c.id.as_str()).collect();
    Err(UsageError(format!(
        "no criterion or language rule {id:?}; criteria are {}, language rules are L01–L78 (try `peermark explain L56`)",
        ids.join(", ")
    )))
}
