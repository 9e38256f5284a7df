//! Drafting candidates of the one-text mediator besides its Thompson-sampled Nash points.

/// Every text that differs from `text` in one clause. For parties without red lines (every
/// straw poll's rejection taken at its word, `rejection_slip` 0), each sampled Nash point's
/// (and the mean Nash point's) single-clause changes are drafting candidates beside it: a
/// one-clause change measures one clause-value difference alone (with graded answers, against
/// the bands ±0.02 and ±0.1), a sharp question just where the gains at the contenders are
/// decided. With `thompson-nash:0:0` on the benchmark (500 scenarios) it lifted the share at
/// ≥ 0.95 of the Nash product to the targets with graded answers (BENCHMARKS.md). Where
/// parties may hold red lines, those changes near a Nash point on a red line are rejected for it,
/// and the rejections mislead the belief: on `scenarios/trade.toml` the live suggestions' mean
/// fell from 0.8 to 0.45 of the Nash product, so a mediator that expects red lines does without.
pub(super) fn single_clause_changes<'a>(
    text: &'a [u32],
    radices: &'a [u32],
) -> impl Iterator<Item = Vec<u32>> + 'a {
    radices.iter().enumerate().flat_map(move |(i, &r)| {
        (0..r).filter(move |&v| v != text[i]).map(move |v| {
            let mut o = text.to_vec();
            o[i] = v;
            o
        })
    })
}
