//! Accounts and sessions over HTTP: sign up, sign in (a bearer token and the pages' cookie),
//! sign out (here or everywhere), who is signed in.

use super::*;

/// `POST /api/accounts` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// 1 to 64 visible characters.
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    /// 8 to 256 characters, not a common password.
    #[schema(min_length = 8, max_length = 256)]
    password: String,
}

/// Creates an account. The name is kept in Unicode NFC and must be unique whatever its case or
/// form; the password is 8 to 256 characters, not a common one (see `accounts`). A name that
/// cannot be had (taken, in any case or form, or reserved) gets one answer, whichever it is.
#[utoipa::path(post, path = "/api/accounts", tag = "accounts", summary = "Create an account: a name of 1 to 64 visible characters (unique whatever its case), a password of 8 to 256 characters that is not a common one", request_body = Credentials, responses((status = 201, description = "Created: {id, name}", body = Object), (status = 400, description = "Invalid name or password", body = crate::error::ErrorBody), (status = 409, description = "That name cannot be used (taken or reserved: one answer for both)", body = crate::error::ErrorBody), (status = 429, description = "Too many sign-ups from your address; see Retry-After", body = crate::error::ErrorBody)), security(()))]
pub async fn create_account(
    State(s): State<AppState>,
    ClientAddr(address): ClientAddr,
    b: JsonBody<Credentials>,
) -> Res<(StatusCode, Json<Value>)> {
    let c = body(b)?;
    s.accounts.sign_up(address)?;
    let name = crate::names::account_name(&c.name)?;
    let key = crate::names::key(&name);
    crate::accounts::check_password(&c.password, &name)?;
    let unavailable = || {
        ApiError::conflict(
            "name_unavailable",
            "that name cannot be used; choose another",
        )
    };
    if crate::accounts::reserved(&key) {
        return Err(unavailable());
    }
    // Hashed before the name is tried: a taken name costs the same work as a free one.
    let hash = hash_password(c.password).await?;
    let id = new_id();
    if !s.store.create_user(&id, &name, &key, &hash).await? {
        return Err(unavailable());
    }
    Ok((StatusCode::CREATED, Json(json!({"id": id, "name": name}))))
}

/// Signs in: a bearer token valid for 7 days, also set as an HttpOnly cookie for the pages.
/// Other sessions of the user go on (several devices); `DELETE /api/sessions?everywhere=true`
/// ends them all. Throttled per account and per client address (`429` with `Retry-After`).
#[utoipa::path(post, path = "/api/sessions", tag = "accounts", summary = "Sign in: a bearer token, also set as the HttpOnly cookie `accord_session` the pages use. The name is matched whatever its case. Throttled per account and per client address.", request_body = Credentials, responses((status = 201, description = "Signed in: {token, user}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Unknown name or wrong password (one answer for both)", body = crate::error::ErrorBody), (status = 429, description = "Too many attempts for this account or from your address; see Retry-After", body = crate::error::ErrorBody)), security(()))]
pub async fn create_session(
    State(s): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    b: JsonBody<Credentials>,
) -> Res<(StatusCode, [(HeaderName, String); 1], Json<Value>)> {
    let c = body(b)?;
    let name: String = {
        use unicode_normalization::UnicodeNormalization;
        c.name.trim().nfc().collect()
    };
    let key = crate::names::key(&name);
    s.accounts.sign_in(&key, address)?;
    let found = s.store.user_by_name(&key, &name).await?;
    // An unknown name costs the same argon2 work and gets the same answer as a wrong password.
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = crate::accounts::verify(c.password, hash).await;
    let user = match user {
        Some(user) if verified => user,
        _ => return Err(ApiError::unauthorized("unknown name or wrong password")),
    };
    let token = new_token();
    const WEEK_S: i64 = 7 * 24 * 3600;
    s.store
        .create_session(&token_hash(&token), &user.id, WEEK_S * 1000)
        .await?;
    let cookie = s.accounts.cookie(&headers, &token, WEEK_S);
    Ok((
        StatusCode::CREATED,
        [(SET_COOKIE, cookie)],
        Json(json!({"token": token, "user": user})),
    ))
}

/// `DELETE /api/sessions` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignOut {
    /// End every session of the signed-in user (all devices and browsers), not only this one.
    #[serde(default)]
    pub everywhere: bool,
}

/// Signs out: the session ends (token and cookie alike); with `?everywhere=true`, every
/// session of the user does.
#[utoipa::path(delete, path = "/api/sessions", tag = "accounts", summary = "Sign out: the session ends; with ?everywhere=true every session of yours does (sign out everywhere)", params(SignOut), responses((status = 204, description = "Signed out"), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "?everywhere=true without a live session", body = crate::error::ErrorBody)), security(()))]
pub async fn delete_session(
    State(s): State<AppState>,
    Query(q): Query<SignOut>,
    headers: HeaderMap,
) -> Res<(StatusCode, [(HeaderName, String); 1])> {
    let token = request_token(&headers);
    if q.everywhere {
        let user = match &token {
            Some(t) => s.store.session_user(&token_hash(t)).await?,
            None => None,
        }
        .ok_or_else(|| {
            ApiError::unauthorized("sign in first: ending every session needs one of them")
        })?;
        let ended = s.store.delete_user_sessions(&user.id).await?;
        tracing::info!(user = %user.id, sessions = ended, "signed out everywhere");
    } else if let Some(token) = token {
        s.store.delete_session(&token_hash(&token)).await?;
    }
    let cookie = s.accounts.cookie(&headers, "", 0);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]))
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/me", tag = "accounts", summary = "Who is signed in", responses((status = 200, description = "{user: {id, name}}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn me(Auth(user): Auth) -> Json<Value> {
    Json(json!({"user": user}))
}
