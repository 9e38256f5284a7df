//! How close a fit is to the truth (for benchmarks and tests).

/// Kendall's τ-b between two lists of numbers (pairs where both differ in the same direction,
/// minus pairs where they differ in opposite directions, corrected for ties), in O(n log n)
/// by Knight's algorithm, so it can run over every package of a space.
pub fn kendall_tau(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "kendall_tau needs paired lists");
    let n = x.len();
    if n < 2 {
        return 1.0;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let pairs = |t: u64| t * (t.saturating_sub(1)) / 2;
    let n0 = pairs(n as u64);
    let (mut n1, mut n3) = (0u64, 0u64);
    let (mut tx, mut txy) = (1u64, 1u64);
    for w in 1..n {
        let (a, b) = (idx[w - 1], idx[w]);
        if x[a] == x[b] {
            tx += 1;
            if y[a] == y[b] {
                txy += 1;
            } else {
                n3 += pairs(txy);
                txy = 1;
            }
        } else {
            n1 += pairs(tx);
            n3 += pairs(txy);
            tx = 1;
            txy = 1;
        }
    }
    n1 += pairs(tx);
    n3 += pairs(txy);
    // Count inversions of y in this order by merge sort.
    let mut ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
    let mut buf = ys.clone();
    let swaps = merge_count(&mut ys, &mut buf);
    let mut n2 = 0u64;
    let mut ty = 1u64;
    for w in 1..n {
        if ys[w - 1] == ys[w] {
            ty += 1;
        } else {
            n2 += pairs(ty);
            ty = 1;
        }
    }
    n2 += pairs(ty);
    let num = n0 as f64 - n1 as f64 - n2 as f64 + n3 as f64 - 2.0 * swaps as f64;
    let den = ((n0 - n1) as f64 * (n0 - n2) as f64).sqrt();
    if den == 0.0 {
        return 0.0;
    }
    num / den
}

fn merge_count(v: &mut [f64], buf: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut swaps = {
        let (l, r) = v.split_at_mut(mid);
        let (bl, br) = buf.split_at_mut(mid);
        merge_count(l, bl) + merge_count(r, br)
    };
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        if v[i] <= v[j] {
            buf[k] = v[i];
            i += 1;
        } else {
            buf[k] = v[j];
            j += 1;
            swaps += (mid - i) as u64;
        }
        k += 1;
    }
    buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
    k += mid - i;
    buf[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&buf[..n]);
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(x: &[f64], y: &[f64]) -> f64 {
        let (mut c, mut tx, mut ty, mut n0) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..x.len() {
            for j in i + 1..x.len() {
                let a = (x[i] - x[j]).signum() * (x[i] != x[j]) as i32 as f64;
                let b = (y[i] - y[j]).signum() * (y[i] != y[j]) as i32 as f64;
                c += a * b;
                tx += (a == 0.0) as i32 as f64;
                ty += (b == 0.0) as i32 as f64;
                n0 += 1.0;
            }
        }
        c / ((n0 - tx) * (n0 - ty)).sqrt()
    }

    #[test]
    fn matches_the_definition() {
        assert_eq!(kendall_tau(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 1.0);
        assert_eq!(kendall_tau(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0);
        let mut rng = accord_model::Rng::new(9);
        for _ in 0..50 {
            let n = 2 + rng.below(30) as usize;
            let x: Vec<f64> = (0..n).map(|_| rng.below(5) as f64).collect();
            let y: Vec<f64> = (0..n).map(|_| rng.below(4) as f64).collect();
            let (a, b) = (kendall_tau(&x, &y), naive(&x, &y));
            assert!((a - b).abs() < 1e-12 || (a == 0.0 && b.is_nan()), "{a} {b}");
        }
    }
}
