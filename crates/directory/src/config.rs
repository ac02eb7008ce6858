//! `[directory]`: where the académie's LDAP is, how to read it, and how its attributes map to
//! Guichet's people, establishments and roles. The defaults follow the AAF.

use serde::Deserialize;
use std::path::PathBuf;

pub use guichet_core::Secret;

/// The LDAP sync's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host:389` (add `starttls = true`) or `ldaps://host:636`. Empty: no sync.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    pub starttls: bool,
    /// PEM file of the certificate authorities to trust (default: the system's).
    pub ca_file: Option<PathBuf>,
    /// Bind DN; empty binds anonymously.
    pub bind_dn: String,
    pub bind_password: Secret,
    pub people_base: String,
    pub people_filter: String,
    /// Empty: establishments are not read from the LDAP (import them from CSV).
    pub establishments_base: String,
    pub establishments_filter: String,
    /// Entries per page of the paged search.
    pub page_size: i32,
    /// Records written per transaction.
    pub batch_size: usize,
    /// Seconds to wait for the server to answer (connection and each operation).
    pub timeout_seconds: u64,
    /// The time of day (UTC, `HH:MM`) of the daily sync job.
    pub daily_at: String,
    pub mapping: Mapping,
}

impl Default for LdapConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            starttls: false,
            ca_file: None,
            bind_dn: String::new(),
            bind_password: Secret::default(),
            people_base: "ou=personnels,dc=education,dc=gouv,dc=fr".into(),
            people_filter: "(objectClass=ENTPerson)".into(),
            establishments_base: "ou=structures,dc=education,dc=gouv,dc=fr".into(),
            establishments_filter: "(objectClass=ENTStructure)".into(),
            page_size: 500,
            batch_size: 500,
            timeout_seconds: 30,
            daily_at: "02:30".into(),
            mapping: Mapping::default(),
        }
    }
}

/// Attribute names and the values that mean something. AAF defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    pub uid: String,
    /// The display name; when the entry has none, `given_name` + `surname`.
    pub display_name: String,
    pub surname: String,
    pub given_name: String,
    pub mail: String,
    /// Assignments: `UAI$…`, the first `$`-separated field is the UAI.
    pub assignments: String,
    /// Establishments the person is responsible for (`UAI$…`; `X` means none).
    pub responsibilities: String,
    /// Administrative functions (`DIR`, `ENS`…).
    pub functions: String,
    /// Delegations: `resource|start|end|…|UAI|…` (dates `YYYYMMDD`, `YYYY-MM-DD` or
    /// `DD/MM/YYYY`), honoured between start and end included.
    pub delegations: String,
    /// Functions that make the person head of the establishments they are responsible for
    /// (a school director in a primary school, a head in a collège or lycée).
    pub director_functions: Vec<String>,
    /// Functions that make the person a teacher where they are assigned (others are staff).
    pub teacher_functions: Vec<String>,
    pub establishment_uai: String,
    pub establishment_name: String,
    pub establishment_type: String,
    pub establishment_commune: String,
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            uid: "uid".into(),
            display_name: "cn".into(),
            surname: "sn".into(),
            given_name: "givenName".into(),
            mail: "mail".into(),
            assignments: "FrEduRne".into(),
            responsibilities: "FrEduRneResp".into(),
            functions: "FrEduFonctAdm".into(),
            delegations: "FrEduResDel".into(),
            director_functions: vec!["DIR".into()],
            teacher_functions: vec!["ENS".into()],
            establishment_uai: "ENTStructureUAI".into(),
            establishment_name: "ENTStructureNomCourant".into(),
            establishment_type: "ENTStructureTypeStruct".into(),
            establishment_commune: "l".into(),
        }
    }
}

impl LdapConfig {
    /// Checks the settings, naming the bad key.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.url.is_empty()
            || self.url.starts_with("ldap://")
            || self.url.starts_with("ldaps://"))
        {
            return Err("directory.url: must start with ldap:// or ldaps://".into());
        }
        if self.starttls && self.url.starts_with("ldaps://") {
            return Err("directory.starttls: not with ldaps:// (already TLS)".into());
        }
        if self.people_base.trim().is_empty() {
            return Err("directory.people_base: required".into());
        }
        if !(1..=10_000).contains(&self.page_size) {
            return Err("directory.page_size: between 1 and 10000".into());
        }
        if !(1..=10_000).contains(&self.batch_size) {
            return Err("directory.batch_size: between 1 and 10000".into());
        }
        if self.daily_time().is_none() {
            return Err("directory.daily_at: HH:MM".into());
        }
        Ok(())
    }

    /// [`LdapConfig::daily_at`] parsed.
    pub fn daily_time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(self.daily_at.trim(), "%H:%M").ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let c = LdapConfig {
            bind_password: Secret::new("s3cret"),
            ..LdapConfig::default()
        };
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(c.validate().is_ok());
        let bad = LdapConfig {
            url: "http://x".into(),
            ..LdapConfig::default()
        };
        assert!(
            bad.validate()
                .expect_err("refused")
                .starts_with("directory.url")
        );
    }
}
