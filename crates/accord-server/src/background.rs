//! What the server does on its own: closing drafts whose deadline passed, having agents answer
//! open drafts, and hearing other instances' changes (PostgreSQL notifications).

use crate::*;

/// Closes drafts whose response deadline passed, recording who missed it. Deadlines live in the
/// database, so they are honoured after a restart and by whichever instance looks first.
pub async fn keep_deadlines(state: AppState) {
    // Negotiations with work under way: each gets one task at a time, and no negotiation's
    // agents or deadlines hold up another's.
    let busy: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>> =
        Default::default();
    loop {
        if let Err(e) = expire_due(&state, &busy).await {
            tracing::error!(error = %e, "deadline keeper");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Starts, per negotiation not already in hand, the work that is due: agents that have not
/// answered an open draft (the server stopped before they could; an agent that cannot answer
/// is marked failed once and left alone), then deadlines that passed.
async fn expire_due(
    state: &AppState,
    busy: &std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
) -> Result<(), store::StoreError> {
    let mut due: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for (id, version) in state.store.agents_pending().await? {
        due.entry(id).or_default().push(version);
    }
    for (id, _) in state.store.due_drafts(now_ms()).await? {
        due.entry(id).or_default();
    }
    for (id, versions) in due {
        let taken = busy
            .lock()
            .map(|mut b| b.insert(id.clone()))
            .unwrap_or(false);
        if !taken {
            continue;
        }
        let (state, busy) = (state.clone(), busy.clone());
        tokio::spawn(async move {
            for version in versions {
                if let Err(e) = agents_respond(&state, &id, version).await {
                    tracing::warn!(negotiation = %id, version, error = %e.message, "agents could not answer");
                }
            }
            if let Err(e) = expire_negotiation(&state, &id).await {
                tracing::error!(negotiation = %id, error = %e, "deadline keeper");
            }
            if let Ok(mut b) = busy.lock() {
                b.remove(&id);
            }
        });
    }
    Ok(())
}

/// Expires the open draft of one negotiation if its deadline has passed.
async fn expire_negotiation(state: &AppState, id: &str) -> Result<(), store::StoreError> {
    let mut tx = state.store.write(id).await?;
    let mut text = tx.live_text().await?;
    let events = text.expire(now_ms());
    if events.is_empty() {
        return Ok(());
    }
    live::record(&mut tx, &events, None, None).await?;
    tx.commit().await?;
    state.notify(id);
    Ok(())
}

/// Wakes this instance's live streams when another instance (same PostgreSQL) writes events.
pub async fn listen(state: AppState) {
    let changed = state.changed.clone();
    state
        .store
        .listen(move |id| {
            let _ = changed.send(id);
        })
        .await;
}

/// Agents holding party seats answer a new draft.
pub(crate) async fn agents_respond(
    state: &AppState,
    id: &str,
    version: i64,
) -> Result<(), error::ApiError> {
    let (negotiation, seats) = state
        .store
        .negotiation_with_seats(id)
        .await?
        .ok_or_else(|| error::ApiError::not_found("gone"))?;
    let agents: Vec<_> = seats.iter().filter(|s| s.agent.is_some()).collect();
    if agents.is_empty() {
        return Ok(());
    }
    let public = api::public_of(&state.store, id).await?;
    // Under the one-text rules agents also compare with the draft before (issue 16).
    let rules = negotiation.rules;
    let drafts = state.store.drafts(id, (version - 1).max(0)).await?;
    let Some(d) = drafts.iter().find(|d| d.version == version) else {
        return Ok(());
    };
    let final_vote = rules.is_one_text() && d.final_vote;
    let clauses: Vec<process::Clause> = serde_json::from_str(&d.clauses).unwrap_or_default();
    let previous = drafts
        .iter()
        .find(|p| p.version == version - 1)
        .and_then(|p| serde_json::from_str::<Vec<process::Clause>>(&p.clauses).ok())
        .and_then(|c| process::normalise(&public, &c).ok())
        .map(|(_, o)| o);
    for seat in agents {
        let (Some(spec), Some(doc)) = (seat.agent, &seat.private_doc) else {
            continue;
        };
        if seat.agent_failed.is_some() {
            continue;
        }
        // The agent sees only its own preferences: a scenario with just them.
        let private: process::Private =
            serde_json::from_str(doc).map_err(error::ApiError::internal)?;
        let mut mine: accord_formats::ScenarioDoc = (*public).clone();
        for p in &mut mine.parties {
            if p.name != seat.seat {
                p.role = Some(accord_formats::RoleDoc::Observer);
            }
        }
        let mut only = std::collections::BTreeMap::new();
        only.insert(seat.seat.clone(), private);
        let (_, outcome) =
            process::normalise(&public, &clauses).map_err(error::ApiError::internal)?;
        // Building the agent's index is CPU work: off the async threads.
        let name = seat.seat.clone();
        let previous = previous.clone();
        let vote = limits::bounded(state, move |_| {
            let scenario = process::merge(&mine, &only)
                .to_scenario()
                .map_err(|e| limits::EngineError::Internal(e.to_string()))?;
            if rules.is_one_text() {
                return one_text::agent_answer(
                    &scenario,
                    &name,
                    rules,
                    &outcome,
                    previous.as_ref(),
                    final_vote,
                    version,
                )
                .map(|(v, a, c)| ((v, c), a))
                .map_err(limits::EngineError::TooLarge);
            }
            process::agent_vote(&scenario, &name, spec, &outcome)
                .map(|(v, a)| {
                    let amendment = a.map(|(i, v)| process::Clause {
                        issue: scenario.space.issues()[i].name.clone(),
                        value: one_text::scalar(&scenario, i, v),
                        wording: None,
                    });
                    ((v, None), amendment)
                })
                .map_err(limits::EngineError::TooLarge)
        })
        .await;
        let (verdict, amendment) = match vote {
            Ok(v) => v,
            // Busy: the deadline keeper asks again.
            Err(e) if e.status == axum::http::StatusCode::SERVICE_UNAVAILABLE => return Err(e),
            Err(e) => {
                let reason = e.message;
                // It will not do better next time: marked failed once, the mediators told why.
                let mut tx = state.store.write(id).await?;
                if tx.mark_agent_failed(&seat.seat, &reason).await? {
                    tx.event(
                        EventKind::AgentFailed,
                        None,
                        &Audience::Mediators,
                        &json!({"seat": seat.seat, "version": version, "reason": reason}),
                    )
                    .await?;
                }
                tx.commit().await?;
                state.notify(id);
                continue;
            }
        };
        let comment = Some(if rules.is_one_text() {
            "agent (one-text: answers truthfully from its own preferences)".to_string()
        } else {
            format!("agent ({spec})")
        });
        match api::record_response(
            state,
            id,
            version,
            &seat.seat,
            None,
            verdict,
            amendment.map(api::Amendment::from),
            comment,
            &public,
        )
        .await
        {
            Ok(()) => {}
            // Closed meanwhile (another answer settled it): nothing to do.
            Err(e)
                if e.status == axum::http::StatusCode::CONFLICT
                    || e.status == axum::http::StatusCode::GONE => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
