//! CAS 2.0/3.0 client: the login URL, service ticket validation (`/serviceValidate` or
//! `/p3/serviceValidate`, whose answer carries attributes), and the single logout request a
//! CAS server posts back when the person signs out of it.

use crate::{CasConfig, CasVersion, SsoError};
use std::collections::BTreeMap;

const CAS_NS: &str = "http://www.yale.edu/tp/cas";
const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// Who the CAS server says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasUser {
    pub user: String,
    /// Attribute values by name (CAS 3.0; empty with 2.0).
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl CasUser {
    /// The first value of `name`, or the user name when `name` is empty.
    pub fn value(&self, name: &str) -> Option<&str> {
        if name.is_empty() {
            return Some(&self.user);
        }
        self.attributes
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

fn with_service(url: String, service: &str) -> String {
    let mut u = url;
    u.push_str("?service=");
    u.push_str(&url::form_urlencoded::byte_serialize(service.as_bytes()).collect::<String>());
    u
}

/// Where the browser goes to sign in.
pub fn login_url(cas: &CasConfig, service: &str) -> String {
    with_service(format!("{}/login", base(&cas.url)), service)
}

/// Where the browser goes to sign out of CAS, coming back to `service`.
pub fn logout_url(cas: &CasConfig, service: &str) -> String {
    with_service(format!("{}/logout", base(&cas.url)), service)
}

/// Validates `ticket` for `service` with the CAS server.
pub async fn validate(
    http: &reqwest::Client,
    cas: &CasConfig,
    service: &str,
    ticket: &str,
) -> Result<CasUser, SsoError> {
    let path = match cas.version {
        CasVersion::V2 => "serviceValidate",
        CasVersion::V3 => "p3/serviceValidate",
    };
    let url = format!("{}/{path}", base(&cas.url));
    let res = http
        .get(url)
        .query(&[("service", service), ("ticket", ticket)])
        .send()
        .await?;
    if !res.status().is_success() {
        return Err(SsoError::Unreachable(format!("HTTP {}", res.status())));
    }
    parse_validation(&res.text().await?)
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name((CAS_NS, name)))
}

/// Reads a `cas:serviceResponse`: the user and attributes, or the failure's code.
pub fn parse_validation(xml: &str) -> Result<CasUser, SsoError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| SsoError::Invalid(e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name((CAS_NS, "serviceResponse")) {
        return Err(SsoError::Invalid("not a cas:serviceResponse".into()));
    }
    if let Some(f) = child(root, "authenticationFailure") {
        let code = f.attribute("code").unwrap_or("UNKNOWN");
        return Err(SsoError::Refused(format!(
            "{code}: {}",
            f.text().unwrap_or("").trim()
        )));
    }
    let ok = child(root, "authenticationSuccess")
        .ok_or_else(|| SsoError::Invalid("neither success nor failure".into()))?;
    let user = child(ok, "user")
        .and_then(|u| u.text())
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| SsoError::Invalid("no cas:user".into()))?
        .to_owned();
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(attrs) = child(ok, "attributes") {
        for a in attrs
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == Some(CAS_NS))
        {
            let value = a.text().unwrap_or("").trim().to_owned();
            attributes
                .entry(a.tag_name().name().to_owned())
                .or_default()
                .push(value);
        }
    }
    Ok(CasUser { user, attributes })
}

/// The service ticket named by a single logout request (`samlp:LogoutRequest`, posted by the
/// CAS server as the form field `logoutRequest`), if it is one.
pub fn parse_logout_request(xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let root = doc.root_element();
    if !root.has_tag_name((SAMLP_NS, "LogoutRequest")) {
        return None;
    }
    root.children()
        .find(|c| c.has_tag_name((SAMLP_NS, "SessionIndex")))
        .and_then(|s| s.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cas3_success_gives_the_user_and_attributes() {
        let xml = r#"<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
          <cas:authenticationSuccess><cas:user>jdupont</cas:user>
            <cas:attributes><cas:mail>j.dupont@ac-exemple.fr</cas:mail>
              <cas:groups>a</cas:groups><cas:groups>b</cas:groups></cas:attributes>
          </cas:authenticationSuccess></cas:serviceResponse>"#;
        let u = parse_validation(xml).expect("success");
        assert_eq!(u.user, "jdupont");
        assert_eq!(u.value("mail"), Some("j.dupont@ac-exemple.fr"));
        assert_eq!(u.value(""), Some("jdupont"));
        assert_eq!(u.attributes["groups"], ["a", "b"]);
    }

    #[test]
    fn a_failure_is_refused_with_its_code() {
        let xml = r#"<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
          <cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not recognized</cas:authenticationFailure>
          </cas:serviceResponse>"#;
        let e = parse_validation(xml).expect_err("refused");
        assert!(matches!(e, SsoError::Refused(m) if m.starts_with("INVALID_TICKET")));
        assert!(parse_validation("<html>").is_err());
        // A look-alike in another namespace proves nothing.
        let fake = r#"<serviceResponse><authenticationSuccess><user>admin</user></authenticationSuccess></serviceResponse>"#;
        assert!(parse_validation(fake).is_err());
    }

    #[test]
    fn a_logout_request_names_its_ticket() {
        let xml = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="x" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">
            <saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>ST-42-abc</samlp:SessionIndex>
            </samlp:LogoutRequest>"#;
        assert_eq!(parse_logout_request(xml).as_deref(), Some("ST-42-abc"));
        assert_eq!(parse_logout_request("<x/>"), None);
    }

    #[test]
    fn urls_carry_the_encoded_service() {
        let c = CasConfig {
            id: "ent".into(),
            label: "ENT".into(),
            url: "https://cas.example/cas/".into(),
            version: CasVersion::V3,
            match_by: crate::MatchBy::Uid,
            attribute: String::new(),
            email_attribute: "mail".into(),
            name_attribute: "displayName".into(),
            unknown: crate::Unknown::Refuse,
            logout: true,
        };
        assert_eq!(
            login_url(&c, "https://g.example/sso/cas/ent?next=%2Fx"),
            "https://cas.example/cas/login?service=https%3A%2F%2Fg.example%2Fsso%2Fcas%2Fent%3Fnext%3D%252Fx"
        );
    }
}
