//! Personal API tokens: `gch_` and 43 characters of base64url (256 random bits). Shown once at
//! creation; only their SHA-256 is stored.

use crate::{App, AppError, Caller};
use base64::Engine as _;
use guichet_core::PersonId;
use guichet_store::StoreError;
use guichet_store::audit::AuditRecord;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

const PREFIX: &str = "gch_";

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a token is refused. Front doors answer 401 for all of them alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("unknown token")]
    Unknown,
    #[error("revoked token")]
    Revoked,
    #[error("inactive person")]
    Inactive,
}

impl App {
    /// Creates a token for `person`; the caller is the person themselves or an administrator.
    /// Returns the token: it cannot be shown again.
    pub async fn create_token(
        &self,
        caller: &Caller,
        person: PersonId,
        name: &str,
    ) -> Result<String, AppError> {
        if caller.person_id() != Some(person) && !caller.subject.admin {
            return Err(guichet_core::permission::Denied { rule: "admin_only" }.into());
        }
        let name = guichet_core::error::required_text("name", name, 100)?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let now = self.now();
        let mut tx = self.store().write().await?;
        let id = tx.insert_token(person, &name, &digest(&token), now).await?;
        tx.audit(&AuditRecord {
            at: now,
            actor: caller.person_id(),
            action: "token.create".into(),
            object_type: "person",
            object_id: person.to_string(),
            origin: caller.origin.clone(),
            details: json!({ "token": id, "name": name }),
        })
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The caller a bearer token stands for.
    pub async fn authenticate_token(
        &self,
        token: &str,
        origin: &str,
    ) -> Result<Result<Caller, TokenError>, AppError> {
        let token = token.trim();
        if !token.starts_with(PREFIX) || token.len() != PREFIX.len() + 43 {
            return Ok(Err(TokenError::Malformed));
        }
        let digest = digest(token);
        // On SQLite the person and their facts are kept per token (see `crate::cache`); a
        // revocation or any change to people and roles clears them before it is answered.
        let (person, subject) = match self.cache().caller(&digest) {
            Some(known) => known,
            None => {
                let stamp = self.cache().stamp();
                let mut conn = self.store().read().await?;
                let (found, person) = match conn.token_and_person(&digest).await {
                    Ok(t) => t,
                    Err(StoreError::NotFound) => return Ok(Err(TokenError::Unknown)),
                    Err(e) => return Err(e.into()),
                };
                if found.revoked {
                    return Ok(Err(TokenError::Revoked));
                }
                let subject = conn.subject(&person).await?;
                self.cache()
                    .put_caller(stamp, digest, (person.clone(), subject.clone()));
                (person, subject)
            }
        };
        if !subject.active {
            return Ok(Err(TokenError::Inactive));
        }
        // Delegations depend on the moment (an absence starts or ends), so they are never cached.
        let mut subject = subject;
        if subject.is_agent() {
            let mut conn = self.store().read().await?;
            self.add_delegations(&mut conn, &mut subject).await?;
        }
        Ok(Ok(Caller {
            person: Some(person),
            subject,
            origin: origin.to_owned(),
        }))
    }

    /// Revokes one of the caller's tokens.
    pub async fn revoke_token(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let person = caller.person_id().ok_or(AppError::NotFound("token"))?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        if !tx.revoke_token(person, id, now).await? {
            return Err(AppError::NotFound("token"));
        }
        tx.audit(&AuditRecord {
            at: now,
            actor: Some(person),
            action: "token.revoke".into(),
            object_type: "person",
            object_id: person.to_string(),
            origin: caller.origin.clone(),
            details: json!({ "token": id }),
        })
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }
}
