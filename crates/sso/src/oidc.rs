//! OpenID Connect client: discovery, the authorization code flow with PKCE (S256), `state` and
//! `nonce`, the code exchanged at the token endpoint, and the ID token checked with the
//! provider's JWKS ([`crate::verify_id_token`]). The metadata and keys are read once and kept;
//! the keys are read again when a token names a key they lack (rotation).

use crate::jwt::{Jwks, verify_id_token};
use crate::{IdTokenCheck, OidcConfig, SsoError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// The parts of `/.well-known/openid-configuration` used here.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

/// What a sign-in started with, kept by the browser until the provider sends it back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    /// The PKCE verifier; its SHA-256 went to the provider.
    pub verifier: String,
}

impl Pending {
    pub fn new() -> Self {
        Self {
            state: crate::random_token(),
            nonce: crate::random_token(),
            verifier: crate::random_token(),
        }
    }

    fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }
}

impl Default for Pending {
    fn default() -> Self {
        Self::new()
    }
}

/// One configured provider, with what was read from it.
#[derive(Debug)]
pub struct OidcClient {
    pub config: OidcConfig,
    http: reqwest::Client,
    metadata: Mutex<Option<Metadata>>,
    jwks: Mutex<Option<Jwks>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    access_token: Option<String>,
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, SsoError> {
    let res = http.get(url).send().await?;
    if !res.status().is_success() {
        return Err(SsoError::Unreachable(format!(
            "{url}: HTTP {}",
            res.status()
        )));
    }
    res.json()
        .await
        .map_err(|e| SsoError::Invalid(format!("{url}: {}", e.without_url())))
}

impl OidcClient {
    pub fn new(config: OidcConfig, http: reqwest::Client) -> Self {
        Self {
            config,
            http,
            metadata: Mutex::new(None),
            jwks: Mutex::new(None),
        }
    }

    /// The provider's metadata, read at first use. Its `issuer` must be the configured one
    /// exactly (OpenID Connect Discovery §4.3).
    pub async fn metadata(&self) -> Result<Metadata, SsoError> {
        let mut m = self.metadata.lock().await;
        if let Some(m) = &*m {
            return Ok(m.clone());
        }
        let issuer = self.config.issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let found: Metadata = get_json(&self.http, &url).await?;
        if found.issuer.trim_end_matches('/') != issuer {
            return Err(SsoError::Invalid(format!(
                "discovery names issuer {}",
                found.issuer
            )));
        }
        *m = Some(found.clone());
        Ok(found)
    }

    /// Where the browser goes to sign in.
    pub async fn authorize_url(
        &self,
        redirect_uri: &str,
        pending: &Pending,
    ) -> Result<String, SsoError> {
        let m = self.metadata().await?;
        let mut url = url::Url::parse(&m.authorization_endpoint)
            .map_err(|e| SsoError::Invalid(format!("authorization_endpoint: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &self.config.scopes.join(" "))
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &pending.challenge())
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Exchanges `code` and checks the ID token; gives its claims, completed from the userinfo
    /// endpoint when the matched claim is not in the token (the claims of that answer must be
    /// about the same `sub`).
    pub async fn finish(
        &self,
        redirect_uri: &str,
        code: &str,
        pending: &Pending,
        now: i64,
    ) -> Result<Map<String, Value>, SsoError> {
        let m = self.metadata().await?;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", pending.verifier.as_str()),
        ];
        let mut req = self.http.post(&m.token_endpoint);
        if self.config.client_secret.is_empty() {
            form.push(("client_id", self.config.client_id.as_str()));
        } else {
            req = req.basic_auth(
                form_encode(&self.config.client_id),
                Some(form_encode(&self.config.client_secret)),
            );
        }
        let res = req.form(&form).send().await?;
        if !res.status().is_success() {
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            return Err(SsoError::Refused(format!(
                "token endpoint: HTTP {status} {}",
                body.chars().take(200).collect::<String>()
            )));
        }
        let tokens: TokenResponse = res
            .json()
            .await
            .map_err(|e| SsoError::Invalid(format!("token response: {}", e.without_url())))?;
        let id_token = tokens
            .id_token
            .ok_or_else(|| SsoError::Invalid("no id_token".into()))?;
        let mut claims = self.verify(&m, &id_token, &pending.nonce, now).await?;
        if !claims.contains_key(self.config.claim())
            && let (Some(url), Some(access)) = (&m.userinfo_endpoint, &tokens.access_token)
        {
            let info: Map<String, Value> = {
                let res = self.http.get(url).bearer_auth(access).send().await?;
                if !res.status().is_success() {
                    return Err(SsoError::Refused(format!(
                        "userinfo: HTTP {}",
                        res.status()
                    )));
                }
                res.json()
                    .await
                    .map_err(|e| SsoError::Invalid(format!("userinfo: {}", e.without_url())))?
            };
            if info.get("sub") != claims.get("sub") {
                return Err(SsoError::Invalid("userinfo is about another sub".into()));
            }
            for (k, v) in info {
                claims.entry(k).or_insert(v);
            }
        }
        Ok(claims)
    }

    /// Checks an ID token with the provider's keys, reading them again once when none fits.
    pub async fn verify(
        &self,
        m: &Metadata,
        id_token: &str,
        nonce: &str,
        now: i64,
    ) -> Result<Map<String, Value>, SsoError> {
        let check = IdTokenCheck {
            issuer: &m.issuer,
            client_id: &self.config.client_id,
            nonce,
            now,
        };
        let mut keys = self.jwks.lock().await;
        if let Some(jwks) = &*keys {
            match verify_id_token(id_token, jwks, &check) {
                Err(SsoError::Invalid(e)) if e.contains("signature") => {}
                other => return other,
            }
        }
        let fresh: Jwks = get_json(&self.http, &m.jwks_uri).await?;
        let result = verify_id_token(id_token, &fresh, &check);
        *keys = Some(fresh);
        result
    }
}

/// RFC 6749 §2.3.1: the client id and secret are form-encoded before HTTP Basic.
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_rfc7636_s256_of_the_verifier() {
        // RFC 7636, appendix B.
        let p = Pending {
            state: String::new(),
            nonce: String::new(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        };
        assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let q = Pending::new();
        assert_ne!(q.state, q.nonce);
        assert!(q.verifier.len() >= 43);
    }
}
