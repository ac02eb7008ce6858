//! `[sso]` in `guichet.toml`: the providers the sign-in page lists.

use serde::Deserialize;

/// Single sign-on settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SsoConfig {
    /// The address users reach Guichet at (`https://guichet.ac-exemple.fr`): CAS services and
    /// OpenID Connect redirect URIs are built on it, never on the request's `Host`. Empty: the
    /// `[mail] public_url`.
    pub public_url: String,
    pub cas: Vec<CasConfig>,
    pub oidc: Vec<OidcConfig>,
}

/// Which person attribute an identity is matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchBy {
    /// The directory's uid (`person.uid`).
    #[default]
    Uid,
    /// The email address.
    Email,
}

/// What happens to someone the provider knows and Guichet does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unknown {
    /// A page says they have no access (ask the directory to list them).
    #[default]
    Refuse,
    /// A person is created, with no role: a requester who sees their own requests only.
    Create,
}

/// CAS protocol version: 2.0 validates at `/serviceValidate`, 3.0 at `/p3/serviceValidate`
/// (with attributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum CasVersion {
    #[serde(rename = "2")]
    V2,
    #[default]
    #[serde(rename = "3")]
    V3,
}

/// A CAS server (`[[sso.cas]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasConfig {
    /// Short name in URLs (`/sso/cas/{id}`): letters, digits, `-`, `_`.
    pub id: String,
    /// What the sign-in page's button says (`ENT Toutatice`).
    pub label: String,
    /// The server's base URL, before `/login` (`https://cas.ac-exemple.fr/cas`).
    pub url: String,
    #[serde(default)]
    pub version: CasVersion,
    /// Matched against the person's uid or email.
    #[serde(default)]
    pub match_by: MatchBy,
    /// The attribute holding the value matched; empty: the CAS user name itself.
    #[serde(default)]
    pub attribute: String,
    /// Attribute with the email address (for people created on first sign-in).
    #[serde(default = "default_email_attribute")]
    pub email_attribute: String,
    /// Attribute with the display name (for people created on first sign-in).
    #[serde(default = "default_name_attribute")]
    pub name_attribute: String,
    #[serde(default)]
    pub unknown: Unknown,
    /// Signing out of Guichet also signs out of CAS (`<url>/logout`).
    #[serde(default)]
    pub logout: bool,
}

fn default_email_attribute() -> String {
    "mail".into()
}

fn default_name_attribute() -> String {
    "displayName".into()
}

/// An OpenID Connect provider (`[[sso.oidc]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// Short name in URLs (`/sso/oidc/{id}`).
    pub id: String,
    pub label: String,
    /// The issuer; its `/.well-known/openid-configuration` is read at the first sign-in.
    pub issuer: String,
    pub client_id: String,
    /// Empty for a public client (PKCE alone); otherwise sent with HTTP Basic.
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub match_by: MatchBy,
    /// The claim holding the value matched; empty: `preferred_username` for uid, `email` for
    /// email.
    #[serde(default)]
    pub claim: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub unknown: Unknown,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "email".into()]
}

impl OidcConfig {
    /// The claim matched against the person.
    pub fn claim(&self) -> &str {
        match (self.claim.trim(), self.match_by) {
            ("", MatchBy::Uid) => "preferred_username",
            ("", MatchBy::Email) => "email",
            (c, _) => c,
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn http_url(u: &str) -> bool {
    u.starts_with("https://") || u.starts_with("http://")
}

impl SsoConfig {
    /// Whether any provider is configured.
    pub fn is_empty(&self) -> bool {
        self.cas.is_empty() && self.oidc.is_empty()
    }

    /// Names the first bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if !self.is_empty() && !http_url(&self.public_url) {
            return Err("sso.public_url: an http:// or https:// address is needed".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (kind, id, label, url) in self
            .cas
            .iter()
            .map(|c| ("cas", &c.id, &c.label, &c.url))
            .chain(
                self.oidc
                    .iter()
                    .map(|o| ("oidc", &o.id, &o.label, &o.issuer)),
            )
        {
            if !valid_id(id) {
                return Err(format!(
                    "sso.{kind}.id: {id:?} must be letters, digits, - or _"
                ));
            }
            if !seen.insert((kind, id.as_str())) {
                return Err(format!("sso.{kind}.id: {id:?} is used twice"));
            }
            if label.trim().is_empty() {
                return Err(format!("sso.{kind}.label: empty for {id:?}"));
            }
            if !http_url(url) {
                return Err(format!(
                    "sso.{kind} {id:?}: the URL must start with https://"
                ));
            }
        }
        for o in &self.oidc {
            if o.client_id.is_empty() {
                return Err(format!("sso.oidc.client_id: empty for {:?}", o.id));
            }
            if !o.scopes.iter().any(|s| s == "openid") {
                return Err(format!("sso.oidc.scopes: {:?} lacks \"openid\"", o.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_provider_list_parses_with_its_defaults() {
        let c: SsoConfig = toml_like(
            r#"{"public_url": "https://g.example", "cas": [{"id": "ent", "label": "ENT", "url": "https://cas.example/cas"}],
                "oidc": [{"id": "fed", "label": "Fédération", "issuer": "https://idp.example", "client_id": "g"}]}"#,
        );
        assert_eq!(c.cas[0].version, CasVersion::V3);
        assert_eq!(c.cas[0].match_by, MatchBy::Uid);
        assert_eq!(c.oidc[0].claim(), "preferred_username");
        assert_eq!(c.oidc[0].unknown, Unknown::Refuse);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn bad_ids_and_duplicates_are_named() {
        let mut c: SsoConfig = toml_like(
            r#"{"public_url": "https://g.example", "cas": [{"id": "e nt", "label": "ENT", "url": "https://cas.example"}]}"#,
        );
        assert!(c.validate().expect_err("refused").contains("sso.cas.id"));
        c.cas[0].id = "ent".into();
        c.cas.push(c.cas[0].clone());
        assert!(c.validate().expect_err("refused").contains("used twice"));
    }

    fn toml_like(json: &str) -> SsoConfig {
        serde_json::from_str(json).expect("test configuration")
    }
}
