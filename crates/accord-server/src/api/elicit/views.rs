//! The answers' views: texts in words, the next question, and what preferences imply.

use super::*;

pub(super) fn text_view(space: &OutcomeSpace, values: &[u32], utility: Option<f64>) -> TextView {
    let clauses: Vec<ClauseView> = space
        .issues()
        .iter()
        .zip(values)
        .map(|(issue, &k)| {
            let v = issue.value(k);
            ClauseView {
                issue: issue.name.clone(),
                issue_label: label(&issue.name),
                value: process::scalar(&v),
                value_label: label(&v.to_string()),
                wording: issue.wording(k).map(str::to_string),
            }
        })
        .collect();
    TextView {
        values: clauses
            .iter()
            .map(|c| (c.issue.clone(), c.value.clone()))
            .collect(),
        summary: clauses
            .iter()
            .map(|c| format!("{}: {}", c.issue_label, c.value_label))
            .collect::<Vec<_>>()
            .join("; "),
        clauses,
        utility,
    }
}

pub(super) fn compare_question(space: &OutcomeSpace, q: &el::Question) -> QuestionView {
    QuestionView {
        kind: "compare".into(),
        prompt: "Which of these two texts would you rather sign?".into(),
        differences: space
            .issues()
            .iter()
            .enumerate()
            .filter(|(i, _)| q.a[*i] != q.b[*i])
            .map(|(_, issue)| issue.name.clone())
            .collect(),
        a: Some(text_view(space, &q.a, None)),
        b: Some(text_view(space, &q.b, None)),
        text: None,
    }
}

pub(super) fn walk_away_question(space: &OutcomeSpace, text: &[u32]) -> QuestionView {
    QuestionView {
        kind: "walk_away".into(),
        prompt: "Would you accept this text rather than no agreement?".into(),
        a: None,
        b: None,
        differences: Vec::new(),
        text: Some(text_view(space, text, None)),
    }
}

pub(super) fn percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round())
}

pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What preferences imply, in texts and sentences.
pub(super) fn implications_view(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    reservation: Option<f64>,
) -> Result<ImplicationsView, EngineError> {
    let view = |r: &el::Ranked| text_view(space, &r.package, Some(r.utility));
    let best = el::best_packages(space, prefs, red_lines, BEST).map_err(|e| e.to_string())?;
    let (above, below) = match reservation {
        Some(t) => (
            el::just_above(space, prefs, red_lines, t, AROUND).map_err(|e| e.to_string())?,
            el::just_below(space, prefs, red_lines, t, AROUND).map_err(|e| e.to_string())?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let issues = space.issues();
    let mut sentences = Vec::new();
    // What matters, in order (weights as shares of what is at stake).
    let mut order: Vec<usize> = (0..issues.len()).collect();
    order.sort_by(|&a, &b| prefs.weights[b].total_cmp(&prefs.weights[a]));
    let matters: Vec<String> = order
        .iter()
        .filter(|&&i| prefs.weights[i] > 0.005)
        .map(|&i| format!("{} ({})", label(&issues[i].name), percent(prefs.weights[i])))
        .collect();
    if let Some((first, rest)) = matters.split_first() {
        sentences.push(if rest.is_empty() {
            format!("Only {first} matters to you.")
        } else {
            format!(
                "What matters most to you: {first}, then {}.",
                join_and(rest)
            )
        });
    }
    let none: Vec<String> = order
        .iter()
        .filter(|&&i| prefs.weights[i] <= 0.005)
        .map(|&i| label(&issues[i].name))
        .collect();
    if !none.is_empty() {
        sentences.push(format!(
            "{} make{} no difference to you.",
            first_upper(&join_and(&none)),
            if none.len() == 1 { "s" } else { "" }
        ));
    }
    for r in red_lines {
        sentences.push(format!("Red line: {}.", r.rule.describe(issues, true)));
    }
    match best.first() {
        Some(b) => sentences.push(format!(
            "Your best text: {} (utility {:.2}).",
            text_view(space, &b.package, None).summary,
            b.utility
        )),
        None => sentences.push(
            "No text respects all your red lines: no agreement would be possible for you.".into(),
        ),
    }
    let quote = |r: &el::Ranked| {
        format!(
            "“{}” (utility {:.2})",
            text_view(space, &r.package, None).summary,
            r.utility
        )
    };
    match (reservation, above.first(), below.first()) {
        (None, _, _) => sentences.push(
            "Your walk-away point is not set yet: answer a few questions about texts you would accept rather than no agreement.".into(),
        ),
        (Some(t), Some(a), Some(b)) => sentences.push(format!(
            "With your walk-away point at {t:.2}, you would accept {} rather than no agreement, but not {}.",
            quote(a),
            quote(b)
        )),
        (Some(t), Some(a), None) => sentences.push(format!(
            "With your walk-away point at {t:.2}, you would accept every text within your red lines rather than no agreement, down to {}.",
            quote(a)
        )),
        (Some(t), None, _) => sentences.push(format!(
            "With your walk-away point at {t:.2}, you would accept no text rather than no agreement."
        )),
    }
    Ok(ImplicationsView {
        best: best.iter().map(view).collect(),
        accepted: above.iter().map(view).collect(),
        refused: below.iter().map(view).collect(),
        sentences,
    })
}

pub(super) fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub(super) fn inconsistency(answers: &[usize]) -> InconsistencyView {
    let numbers: Vec<String> = answers.iter().map(|k| k.to_string()).collect();
    InconsistencyView {
        answers: answers.to_vec(),
        sentence: format!(
            "Answers {} cannot all be right for any weighing of the issues: look at them again; changing any one of them resolves it.",
            join_and(&numbers)
        ),
    }
}
