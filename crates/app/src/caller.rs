//! Who is calling a use case: a signed-in person with their permission facts, or Guichet itself.

use crate::error::NotFoundAs;
use crate::{App, AppError};
use guichet_core::PersonId;
use guichet_core::permission::Subject;
use guichet_store::Conn;
use guichet_store::person::{Person, PersonRole};

/// The author of a call, resolved once per request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// `None` for Guichet itself (the CLI run by the operator, automation).
    pub person: Option<Person>,
    pub subject: Subject,
    /// The front door and address, for the audit log: `api 127.0.0.1`, `cli`.
    pub origin: String,
}

impl Caller {
    /// Guichet itself, with every right: the operator's CLI and automation.
    pub fn system(origin: &str) -> Self {
        Self {
            person: None,
            subject: Subject::new(PersonId(0), true, &[], Vec::new()).with_admin(),
            origin: origin.to_owned(),
        }
    }

    pub fn person_id(&self) -> Option<PersonId> {
        self.person.as_ref().map(|p| p.id)
    }
}

trait WithAdmin {
    fn with_admin(self) -> Self;
}

impl WithAdmin for Subject {
    fn with_admin(mut self) -> Self {
        self.admin = true;
        self
    }
}

impl App {
    /// Resolves a person into a caller: their roles and groups, read once.
    pub async fn caller(&self, person: PersonId, origin: &str) -> Result<Caller, AppError> {
        let mut conn = self.store().read().await?;
        let person = conn.person(person).await.or_not_found("person")?;
        let mut subject = conn.subject(&person).await?;
        self.add_delegations(&mut conn, &mut subject).await?;
        Ok(Caller {
            person: Some(person),
            subject,
            origin: origin.to_owned(),
        })
    }

    /// The same for a person and roles just read on `conn` (the mail intake reads both for
    /// its policy): only their groups and delegations are left to read.
    pub(crate) async fn caller_with(
        &self,
        conn: &mut Conn,
        person: Person,
        roles: &[PersonRole],
        origin: &str,
    ) -> Result<Caller, AppError> {
        let mut subject = conn.subject_with(&person, roles).await?;
        self.add_delegations(conn, &mut subject).await?;
        Ok(Caller {
            person: Some(person),
            subject,
            origin: origin.to_owned(),
        })
    }
}
