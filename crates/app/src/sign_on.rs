//! Single sign-on: the identity a CAS server or an OpenID Connect provider proved, mapped to a
//! directory person by the attribute the provider is configured with (uid or email), then a
//! session opened as for a password ([`App::open_session`]). People the directory does not
//! know are refused or created as plain requesters (no role), per provider; deactivated
//! people are refused whatever the provider says.
//!
//! The protocols themselves are `guichet-sso`'s; this module never sees a ticket's XML or a
//! token, only what they proved.

use crate::session::{NewSession, SessionPolicy, digest};
use crate::{App, AppError};
use guichet_core::person::Locale;
use guichet_store::StoreError;
use guichet_store::audit::AuditRecord;
use guichet_store::person::{NewPerson, Person};
use serde_json::json;

/// Which person attribute the identity's key is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBy {
    Uid,
    Email,
}

/// What to do with someone the provider knows and the directory does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownPolicy {
    Refuse,
    /// Create a person with no role: a requester of their own requests.
    Create,
}

/// An identity a provider proved.
#[derive(Debug, Clone)]
pub struct Identity {
    /// `cas` or `oidc`.
    pub method: &'static str,
    /// The configured provider's id.
    pub provider: String,
    /// The value matched against the person (a uid or an email).
    pub key: String,
    pub match_by: MatchBy,
    /// The email and name the provider gave, used only to create a person.
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// The CAS service ticket, kept (hashed) for single logout.
    pub ticket: Option<String>,
}

/// Why a proved identity opens no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignOnError {
    /// Nobody in Guichet has this uid or email, and the provider does not create people (or
    /// could not: no email, or an email another person already has).
    #[error("no person with this identity")]
    Unknown,
    /// The person exists but was deactivated (gone from the directory, or by an administrator).
    #[error("person deactivated")]
    Inactive,
}

fn clean_email(e: &str) -> Option<String> {
    let e = e.trim().to_lowercase();
    (e.len() <= 320
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.')))
    .then_some(e)
}

impl App {
    /// Opens a session for the person `identity` maps to, creating them when `unknown` says
    /// so. CAS sessions remember their ticket so that [`App::end_sign_on`] can end them.
    pub async fn sign_on(
        &self,
        identity: &Identity,
        unknown: UnknownPolicy,
        client_ip: &str,
        policy: &SessionPolicy,
    ) -> Result<Result<NewSession, SignOnError>, AppError> {
        let key = identity.key.trim();
        let person = match self.find_signed_on(identity.match_by, key).await? {
            Some(p) if !p.active => return Ok(Err(SignOnError::Inactive)),
            Some(p) => p,
            None if unknown == UnknownPolicy::Refuse => return Ok(Err(SignOnError::Unknown)),
            None => match self.create_signed_on(identity, key, client_ip).await? {
                Some(p) => p,
                None => return Ok(Err(SignOnError::Unknown)),
            },
        };
        let session = self
            .open_session(person.id, identity.method, client_ip, policy)
            .await?;
        if let Some(ticket) = &identity.ticket {
            let mut tx = self.store().write().await?;
            tx.insert_sign_on_ticket(
                &digest(ticket),
                &digest(&session.cookie),
                &identity.provider,
                self.now(),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(Ok(session))
    }

    /// Single logout: ends the session opened with CAS ticket `ticket` at `provider`. False
    /// when there was none (signed out already, expired, unknown ticket).
    pub async fn end_sign_on(&self, provider: &str, ticket: &str) -> Result<bool, AppError> {
        let mut tx = self.store().write().await?;
        let ended = tx.end_sign_on_ticket(&digest(ticket), provider).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn find_signed_on(&self, by: MatchBy, key: &str) -> Result<Option<Person>, AppError> {
        if key.is_empty() {
            return Ok(None);
        }
        let mut conn = self.store().read().await?;
        let found = match by {
            MatchBy::Uid => conn.person_by_uid(key).await,
            MatchBy::Email => conn.person_by_email(key).await,
        };
        match found {
            Ok(p) => Ok(Some(p)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A new person with no role. None when there is no usable email, or it is already
    /// another person's: mapping is by the configured attribute only, never by a second guess.
    async fn create_signed_on(
        &self,
        identity: &Identity,
        key: &str,
        client_ip: &str,
    ) -> Result<Option<Person>, AppError> {
        let (uid, email) = match identity.match_by {
            MatchBy::Uid => (Some(key.to_owned()), identity.email.as_deref()),
            MatchBy::Email => (None, Some(key)),
        };
        let Some(email) = email.and_then(clean_email) else {
            return Ok(None);
        };
        let display_name = identity
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&email)
            .chars()
            .take(200)
            .collect();
        let now = self.now();
        let mut tx = self.store().write().await?;
        let person = match tx
            .insert_person(
                &NewPerson {
                    uid,
                    email,
                    display_name,
                    locale: Locale::default(),
                },
                now,
            )
            .await
        {
            Ok(p) => p,
            Err(StoreError::Conflict { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        tx.audit(&AuditRecord {
            at: now,
            actor: Some(person.id),
            action: "person.create".into(),
            object_type: "person",
            object_id: person.id.to_string(),
            origin: format!("web {client_ip}"),
            details: json!({ "by": identity.method, "provider": identity.provider }),
        })
        .await?;
        tx.commit().await?;
        Ok(Some(person))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_emails_create_people() {
        assert_eq!(
            clean_email(" J.Dupont@AC-Exemple.fr ").as_deref(),
            Some("j.dupont@ac-exemple.fr")
        );
        assert_eq!(clean_email("jdupont"), None);
        assert_eq!(clean_email("@ac-exemple.fr"), None);
        assert_eq!(clean_email("j@localhost"), None);
    }
}
