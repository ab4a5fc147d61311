//! Agreement between two markers on ordinal levels: exact and adjacent agreement and
//! quadratic weighted kappa (Cohen, 1968), as centres use to calibrate and second-mark.

/// Agreement figures for one criterion.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    pub n: usize,
    /// Share of pairs with the same level (0–1).
    pub exact: f64,
    /// Share of pairs within one level (0–1).
    pub adjacent: f64,
    /// Quadratic weighted kappa; 1 when both markers give one identical constant level.
    pub qwk: f64,
}

/// Compares paired levels in `0..=max_level`.
pub fn agreement(pairs: &[(u8, u8)], max_level: u8) -> Agreement {
    let n = pairs.len();
    if n == 0 {
        return Agreement {
            n,
            exact: 0.0,
            adjacent: 0.0,
            qwk: 0.0,
        };
    }
    let exact = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n as f64;
    let adjacent = pairs.iter().filter(|(a, b)| a.abs_diff(*b) <= 1).count() as f64 / n as f64;
    Agreement {
        n,
        exact,
        adjacent,
        qwk: quadratic_weighted_kappa(pairs, max_level),
    }
}

/// Quadratic weighted kappa: 1 − Σ w·O / Σ w·E with w = (i−j)²/(k−1)².
pub fn quadratic_weighted_kappa(pairs: &[(u8, u8)], max_level: u8) -> f64 {
    let k = max_level as usize + 1;
    let n = pairs.len() as f64;
    let mut observed = vec![vec![0.0; k]; k];
    for &(a, b) in pairs {
        observed[a as usize][b as usize] += 1.0;
    }
    let row: Vec<f64> = (0..k).map(|i| observed[i].iter().sum()).collect();
    let col: Vec<f64> = (0..k)
        .map(|j| (0..k).map(|i| observed[i][j]).sum())
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64 - j as f64).powi(2)) / ((k as f64 - 1.0).powi(2));
            num += w * observed[i][j];
            den += w * row[i] * col[j] / n;
        }
    }
    if den == 0.0 {
        if num == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        1.0 - num / den
    }
}

/// Cohen's (unweighted) kappa: (p_o − p_e) / (1 − p_e); 1 when both markers give one
/// identical constant level.
pub fn cohen_kappa(pairs: &[(u8, u8)], max_level: u8) -> f64 {
    let k = max_level as usize + 1;
    let n = pairs.len() as f64;
    if pairs.is_empty() {
        return 0.0;
    }
    let m = confusion(pairs, max_level);
    let po = (0..k).map(|i| m[i][i]).sum::<usize>() as f64 / n;
    let pe = (0..k)
        .map(|i| {
            let row: usize = m[i].iter().sum();
            let col: usize = (0..k).map(|r| m[r][i]).sum();
            row as f64 * col as f64
        })
        .sum::<f64>()
        / (n * n);
    if pe >= 1.0 {
        if po >= 1.0 {
            1.0
        } else {
            0.0
        }
    } else {
        (po - pe) / (1.0 - pe)
    }
}

/// Counts of each (first marker's level, second marker's level): `m[a][b]`.
pub fn confusion(pairs: &[(u8, u8)], max_level: u8) -> Vec<Vec<usize>> {
    let k = max_level as usize + 1;
    let mut m = vec![vec![0; k]; k];
    for &(a, b) in pairs {
        m[a as usize][b as usize] += 1;
    }
    m
}

/// Below this many pairs a QWK is reported with its uncertainty.
pub const FEW_PAIRS: usize = 30;

/// A 95 % percentile-bootstrap interval for the QWK of `pairs` (2,000 resamples, drawn by a
/// fixed-seed splitmix64, so the same pairs always give the same interval).
pub fn qwk_interval(pairs: &[(u8, u8)], max_level: u8) -> (f64, f64) {
    if pairs.len() < 2 {
        let q = quadratic_weighted_kappa(pairs, max_level);
        return (q, q);
    }
    let mut state: u64 = 0x005e_ed0f_a9ee;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let n = pairs.len();
    let mut sample = Vec::with_capacity(n);
    let mut qs: Vec<f64> = (0..2000)
        .map(|_| {
            sample.clear();
            sample.extend((0..n).map(|_| pairs[(next() % n as u64) as usize]));
            quadratic_weighted_kappa(&sample, max_level)
        })
        .filter(|q| q.is_finite())
        .collect();
    qs.sort_by(f64::total_cmp);
    if qs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let at = |p: f64| qs[((qs.len() - 1) as f64 * p).round() as usize];
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_a_hand_computed_example() {
        // Rater A: 0 1 2 3 2 ; rater B: 0 1 2 2 3.
        // Observed weights (diff²/9): two pairs differ by 1 → Σw·O = 2/9.
        // Row totals A: [1,1,2,1]; column totals B: [1,1,2,1]; n = 5.
        // Σw·E = Σ_ij (i−j)²/9 · r_i·c_j/5 = 52/45 (26 weighted cells of r_i·c_j, ×2/45).
        // κ = 1 − (2/9)/(52/45) = 1 − 10/52 = 0.80769…
        let pairs = [(0, 0), (1, 1), (2, 2), (3, 2), (2, 3)];
        let q = quadratic_weighted_kappa(&pairs, 3);
        assert!((q - 0.807_692_31).abs() < 1e-6, "{q}");
        let a = agreement(&pairs, 3);
        assert_eq!(a.exact, 0.6);
        assert_eq!(a.adjacent, 1.0);
    }

    #[test]
    fn cohen_kappa_matches_a_hand_computed_example() {
        // 10 pairs of outcomes (1 achieved, 0 not yet): agree on 4×(1,1) and 3×(0,0),
        // disagree 2×(1,0) and 1×(0,1). p_o = 0.7; A: 6 of 1, B: 5 of 1;
        // p_e = 0.6·0.5 + 0.4·0.5 = 0.5; κ = (0.7 − 0.5)/0.5 = 0.4.
        let mut pairs = vec![(1, 1); 4];
        pairs.extend([(0, 0); 3]);
        pairs.extend([(1, 0); 2]);
        pairs.push((0, 1));
        assert!((cohen_kappa(&pairs, 1) - 0.4).abs() < 1e-12);
        assert_eq!(confusion(&pairs, 1), vec![vec![3, 1], vec![2, 4]]);
        assert_eq!(cohen_kappa(&[(1, 1), (1, 1)], 1), 1.0);
    }

    #[test]
    fn perfect_and_opposite() {
        assert_eq!(quadratic_weighted_kappa(&[(0, 0), (3, 3)], 3), 1.0);
        assert!(quadratic_weighted_kappa(&[(0, 3), (3, 0)], 3) < 0.0);
    }
}
