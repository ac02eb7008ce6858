//! Browser sessions of the pages and the sign-in attempts that rate-limit them.
//!
//! A session row is keyed by the SHA-256 of the cookie's random id: the id itself is never
//! stored. This module reads and writes rows; when a session has expired or an account is locked
//! is decided by `guichet-app`.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub id_hash: String,
    pub person: PersonId,
    /// The random value every form of this session carries (CSRF token).
    pub csrf_secret: String,
    /// How the person proved who they are: `password`, later `cas`, `oidc`.
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Failed sign-ins counted for an account and for a client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    /// Failures for the account since `since` and after its last success.
    pub account: i64,
    /// Failures from the address since `since`, whatever the account.
    pub client: i64,
    /// The most recent failure counted for the account.
    pub account_last: Option<DateTime<Utc>>,
}

fn from_row(r: &impl Get) -> Result<WebSession, StoreError> {
    Ok(WebSession {
        id_hash: r.text("id_hash")?,
        person: PersonId(r.i64("person_id")?),
        csrf_secret: r.text("csrf_secret")?,
        method: r.text("method")?,
        created_at: r.ts("created_at")?,
        last_seen_at: r.ts("last_seen_at")?,
        expires_at: r.ts("expires_at")?,
    })
}

impl Tx {
    pub async fn insert_session(&mut self, s: &WebSession) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO web_session (id_hash, person_id, csrf_secret, method, created_at,
                                          last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&s.id_hash)
            .bind(s.person.0)
            .bind(&s.csrf_secret)
            .bind(&s.method)
            .bind(ts(s.created_at))
            .bind(ts(s.last_seen_at))
            .bind(ts(s.expires_at))
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Slides a session's expiry.
    pub async fn touch_session(
        &mut self,
        id_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "UPDATE web_session SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3",
            )
            .bind(ts(now))
            .bind(ts(expires_at))
            .bind(id_hash)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Deletes one session; false when there was none.
    pub async fn delete_session(&mut self, id_hash: &str) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query("DELETE FROM web_session WHERE id_hash = $1")
                .bind(id_hash)
                .execute(c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Deletes sessions that expired before `now`, and attempts older than `attempts_before`.
    pub async fn purge_sessions(
        &mut self,
        now: DateTime<Utc>,
        attempts_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        on!(self, |c| {
            let s = sqlx::query("DELETE FROM web_session WHERE expires_at < $1")
                .bind(ts(now))
                .execute(&mut *c)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM login_attempt WHERE at < $1")
                .bind(ts(attempts_before))
                .execute(&mut *c)
                .await?;
            Ok(s)
        })
    }

    pub async fn record_login_attempt(
        &mut self,
        account: &str,
        client_ip: &str,
        succeeded: bool,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO login_attempt (account, client_ip, succeeded, at) VALUES ($1, $2, $3, $4)",
            )
            .bind(account)
            .bind(client_ip)
            .bind(succeeded)
            .bind(ts(at))
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

impl Conn {
    /// The session with this hash, expired or not.
    pub async fn session(&mut self, id_hash: &str) -> Result<WebSession, StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "SELECT id_hash, person_id, csrf_secret, method, created_at, last_seen_at, expires_at
                 FROM web_session WHERE id_hash = $1",
            )
            .bind(id_hash)
            .fetch_one(c)
            .await?;
            from_row(&row)
        })
    }

    /// Failed attempts since `since` for `account` (after its last success) and from `client_ip`.
    pub async fn login_failures(
        &mut self,
        account: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> Result<LoginFailures, StoreError> {
        on!(self, |c| {
            let last_ok: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT MAX(at) FROM login_attempt WHERE account = $1 AND succeeded AND at >= $2",
            )
            .bind(account)
            .bind(ts(since))
            .fetch_one(&mut *c)
            .await?;
            let from = last_ok.map_or(ts(since), |t| t.max(ts(since)));
            let row = sqlx::query(
                "SELECT COUNT(*) AS n, MAX(at) AS last FROM login_attempt
                 WHERE account = $1 AND NOT succeeded AND at > $2",
            )
            .bind(account)
            .bind(from)
            .fetch_one(&mut *c)
            .await?;
            let account_failures = row.i64("n")?;
            let account_last = row.opt_ts("last")?;
            let client: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_attempt WHERE client_ip = $1 AND NOT succeeded AND at > $2",
            )
            .bind(client_ip)
            .bind(ts(since))
            .fetch_one(&mut *c)
            .await?;
            Ok(LoginFailures {
                account: account_failures,
                client,
                account_last,
            })
        })
    }
}
