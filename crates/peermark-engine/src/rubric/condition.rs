//! Level conditions: `measure >= number`.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
}

/// The operators, as written in a rubric (longest first, so `>=` is found before `>`).
const OPERATORS: [(&str, Op); 5] = [
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("==", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
];

impl Op {
    /// Whether a measure's value `v` meets the number `n` under this operator.
    pub fn holds(self, v: f64, n: f64) -> bool {
        match self {
            Op::Ge => v >= n,
            Op::Le => v <= n,
            Op::Gt => v > n,
            Op::Lt => v < n,
            Op::Eq => (v - n).abs() < 1e-9,
        }
    }

    /// The operator as a rubric writes it.
    pub fn symbol(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(_, op)| *op == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }
}

/// A parsed `when` condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub measure: String,
    pub op: Op,
    pub value: f64,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        for (sym, op) in [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
        ] {
            if let Some(i) = t.find(sym) {
                let measure = t[..i].trim();
                let value = t[i + sym.len()..].trim();
                if measure.is_empty()
                    || !measure
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(format!("{t:?}: expected a measure name before {sym}"));
                }
                let value: f64 = value
                    .parse()
                    .map_err(|_| format!("{t:?}: expected a number after {sym}"))?;
                return Ok(Condition {
                    measure: measure.to_string(),
                    op,
                    value,
                });
            }
        }
        Err(format!(
            "{t:?}: expected `measure >= number` (or <=, >, <, ==)"
        ))
    }

    pub fn holds(&self, measures: &BTreeMap<String, f64>) -> bool {
        let v = measures.get(&self.measure).copied().unwrap_or(0.0);
        self.op.holds(v, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_evaluates() {
        let c = Condition::parse("concepts_explained >= 3").unwrap();
        let mut m = BTreeMap::new();
        m.insert("concepts_explained".to_string(), 3.0);
        assert!(c.holds(&m));
        m.insert("concepts_explained".to_string(), 2.0);
        assert!(!c.holds(&m));
        assert!(Condition::parse("lapses <= 2").unwrap().holds(&m));
        assert!(Condition::parse("x => 2").is_err());
        assert!(Condition::parse("x >= two").is_err());
    }
}
