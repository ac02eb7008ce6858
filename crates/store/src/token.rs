//! Personal API tokens. Only a SHA-256 of each token is stored: tokens are 256-bit random values,
//! so a fast hash is as safe as a slow one and keeps every API request cheap.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub person: PersonId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl Tx {
    pub async fn insert_token(
        &mut self,
        person: PersonId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar(
                "INSERT INTO api_token (person_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
                 RETURNING id",
            )
            .bind(person.0)
            .bind(name)
            .bind(token_hash)
            .bind(ts(now))
            .fetch_one(c)
            .await?)
        })
    }

    /// Revokes a token of `person`; false if they have no such token.
    pub async fn revoke_token(
        &mut self,
        person: PersonId,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
            )
            .bind(ts(now))
            .bind(id)
            .bind(person.0)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }
}

impl Conn {
    /// The token with this hash, revoked or not.
    pub async fn token_by_hash(&mut self, token_hash: &str) -> Result<ApiToken, StoreError> {
        on!(self, |c| {
            let r = sqlx::query(
                "SELECT id, person_id, name, created_at, revoked_at FROM api_token WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_one(c)
            .await?;
            Ok(ApiToken {
                id: r.i64("id")?,
                person: PersonId(r.i64("person_id")?),
                name: r.text("name")?,
                created_at: r.ts("created_at")?,
                revoked: r.opt_ts("revoked_at")?.is_some(),
            })
        })
    }

    /// The token with this hash and its person, in one query: every API request asks.
    pub async fn token_and_person(
        &mut self,
        token_hash: &str,
    ) -> Result<(ApiToken, crate::person::Person), StoreError> {
        on!(self, |c| {
            let r = sqlx::query(
                "SELECT t.id AS token_id, t.name AS token_name, t.created_at AS token_created_at,
                        t.revoked_at, p.id, p.uid, p.email, p.display_name, p.locale, p.active,
                        p.created_at, p.updated_at
                 FROM api_token t JOIN person p ON p.id = t.person_id WHERE t.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_one(c)
            .await?;
            let person = crate::person::from_row(&r)?;
            let token = ApiToken {
                id: r.i64("token_id")?,
                person: person.id,
                name: r.text("token_name")?,
                created_at: r.ts("token_created_at")?,
                revoked: r.opt_ts("revoked_at")?.is_some(),
            };
            Ok((token, person))
        })
    }
}
