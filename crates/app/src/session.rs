//! Browser sessions: signing in with a local password (rate-limited per account and per client
//! address, with lockout), opening a session for a person whatever proved who they are (the seam
//! for CAS and OpenID Connect), resolving a session cookie into a [`Caller`], signing out.
//!
//! Session ids are 256 random bits, handed to the browser once; only their SHA-256 is stored.
//! Passwords are never logged nor kept: the attempt table records the typed login and the
//! outcome only.

use crate::{App, AppError, Caller};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use guichet_core::PersonId;
use guichet_store::StoreError;
use guichet_store::audit::AuditRecord;
use guichet_store::session::WebSession;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

/// How sign-in is throttled and how long a session lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Failed attempts on one account before it is locked.
    pub max_failures: i64,
    /// Failed attempts from one client address (whatever the account) before it is refused.
    pub max_client_failures: i64,
    /// How long failures count, and so how long a lockout lasts.
    pub lockout_minutes: i64,
    /// A session ends after this long without a request.
    pub idle_minutes: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            max_client_failures: 20,
            lockout_minutes: 15,
            idle_minutes: 8 * 60,
        }
    }
}

/// A session just opened: the cookie value (shown once) and its CSRF secret.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie: String,
    pub csrf: String,
    pub person: PersonId,
}

/// A live session resolved from its cookie.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    pub caller: Caller,
    pub csrf: String,
}

/// Why a sign-in is refused. Wrong login and wrong password are one case: telling them apart
/// would let anyone test which accounts exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("unknown login or wrong password")]
    Invalid,
    /// Too many failures for this account; try again in `minutes`.
    #[error("account locked for {minutes} minutes")]
    Locked { minutes: i64 },
    /// Too many failures from this address.
    #[error("too many attempts from this address")]
    Throttled { minutes: i64 },
}

/// An Argon2id hash of a random password: verified against when the login is unknown, so that
/// an unknown login takes as long to refuse as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6WFpWLJzb1Tz0Dv+MN6XHg6x4Wbo9/Ccr3xgGXUVL0Q";

pub(crate) fn digest(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Minutes until a lockout that started with failures up to `last` lifts, at least one.
fn minutes_left(last: Option<DateTime<Utc>>, now: DateTime<Utc>, window: Duration) -> i64 {
    last.map_or(window.num_minutes(), |l| {
        ((l + window - now).num_seconds() + 59) / 60
    })
    .max(1)
}

impl App {
    /// Signs in with a local login (an email) and password, from `client_ip`. Locked accounts and
    /// throttled addresses are refused before the password is checked, and such refusals are not
    /// counted, so a lockout ends `lockout_minutes` after the last counted failure.
    pub async fn sign_in_password(
        &self,
        login: &str,
        password: &str,
        client_ip: &str,
        policy: &SessionPolicy,
    ) -> Result<Result<NewSession, SignInError>, AppError> {
        let account: String = login.trim().to_lowercase().chars().take(320).collect();
        let now = self.now();
        let window = Duration::minutes(policy.lockout_minutes);
        let mut conn = self.store().read().await?;
        let failures = conn
            .login_failures(&account, client_ip, now - window)
            .await?;
        if failures.account >= policy.max_failures {
            let minutes = minutes_left(failures.account_last, now, window);
            return Ok(Err(SignInError::Locked { minutes }));
        }
        if failures.client >= policy.max_client_failures {
            return Ok(Err(SignInError::Throttled {
                minutes: window.num_minutes().max(1),
            }));
        }
        let person = match conn.person_by_email(&account).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let stored = match &person {
            Some(p) if p.active => conn.password_hash(p.id).await?,
            _ => None,
        };
        drop(conn);
        let ok = verify_blocking(password.to_owned(), stored).await?;

        let mut tx = self.store().write().await?;
        tx.record_login_attempt(&account, client_ip, ok, now)
            .await?;
        let Some(person) = person.filter(|_| ok) else {
            tx.commit().await?;
            return Ok(Err(SignInError::Invalid));
        };
        tx.commit().await?;
        Ok(Ok(self
            .open_session(person.id, "password", client_ip, policy)
            .await?))
    }

    /// Opens a session for `person`, however they proved who they are (`method`: `password`,
    /// `cas`, `oidc`). Every sign-in gets a fresh id, so a session id planted before sign-in is
    /// worth nothing after it.
    pub async fn open_session(
        &self,
        person: PersonId,
        method: &str,
        client_ip: &str,
        policy: &SessionPolicy,
    ) -> Result<NewSession, AppError> {
        let cookie = random_token();
        let csrf = random_token();
        let now = self.now();
        let mut tx = self.store().write().await?;
        // Expired sessions and attempts older than a day go as new ones come: no job needed.
        tx.purge_sessions(now, now - Duration::days(1)).await?;
        tx.insert_session(&WebSession {
            id_hash: digest(&cookie),
            person,
            csrf_secret: csrf.clone(),
            method: method.to_owned(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::minutes(policy.idle_minutes),
        })
        .await?;
        tx.audit(&AuditRecord {
            at: now,
            actor: Some(person),
            action: "session.open".into(),
            object_type: "person",
            object_id: person.to_string(),
            origin: format!("web {client_ip}"),
            details: json!({ "method": method }),
        })
        .await?;
        tx.commit().await?;
        Ok(NewSession {
            cookie,
            csrf,
            person,
        })
    }

    /// The caller behind a session cookie; `None` when the session is unknown, expired, or its
    /// person inactive. Slides the expiry, writing at most once a minute per session.
    pub async fn session_caller(
        &self,
        cookie: &str,
        origin: &str,
        policy: &SessionPolicy,
    ) -> Result<Option<SessionCaller>, AppError> {
        if cookie.is_empty() || cookie.len() > 100 {
            return Ok(None);
        }
        let id_hash = digest(cookie);
        let now = self.now();
        let session = match self.store().read().await?.session(&id_hash).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if session.expires_at <= now {
            return Ok(None);
        }
        let caller = match self.caller(session.person, origin).await {
            Ok(c) => c,
            Err(AppError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        if !caller.subject.active {
            return Ok(None);
        }
        if now - session.last_seen_at >= Duration::minutes(1) {
            let mut tx = self.store().write().await?;
            tx.touch_session(&id_hash, now, now + Duration::minutes(policy.idle_minutes))
                .await?;
            tx.commit().await?;
        }
        Ok(Some(SessionCaller {
            caller,
            csrf: session.csrf_secret,
        }))
    }

    /// Ends the session behind `cookie` (nothing happens for an unknown one).
    pub async fn sign_out(&self, cookie: &str) -> Result<(), AppError> {
        let mut tx = self.store().write().await?;
        tx.delete_session(&digest(cookie)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Argon2 takes tens of milliseconds of CPU and 19 MiB: off the async workers. With no stored
/// hash, a decoy is verified so that the answer takes the same time.
async fn verify_blocking(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => crate::password::verify(&password, &h),
        None => {
            let _ = crate::password::verify(&password, DECOY_HASH);
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_is_a_real_hash_that_matches_nothing_typed() {
        use argon2::password_hash::phc::PasswordHash;
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!crate::password::verify("", DECOY_HASH));
    }

    #[test]
    fn lockouts_report_whole_minutes_left() {
        let now = Utc::now();
        let w = Duration::minutes(15);
        assert_eq!(minutes_left(Some(now), now, w), 15);
        assert_eq!(minutes_left(Some(now - Duration::seconds(30)), now, w), 15);
        assert_eq!(minutes_left(Some(now - Duration::minutes(14)), now, w), 1);
        assert_eq!(minutes_left(None, now, w), 15);
    }
}
