//! Single sign-on clients: CAS 2.0/3.0 ([`cas`]) and OpenID Connect ([`oidc`]), and their
//! configuration (`[sso]`, `[[sso.cas]]`, `[[sso.oidc]]` in `guichet.toml`).
//!
//! This crate speaks the protocols and proves who someone is; it knows nothing of people,
//! sessions or pages. Mapping a proved identity to a person is `guichet-app`'s `sign_on`;
//! the routes are `guichet-web`'s `sso` module.

#![forbid(unsafe_code)]

pub mod cas;
mod config;
mod jwt;
pub mod oidc;

pub use config::{CasConfig, CasVersion, MatchBy, OidcConfig, SsoConfig, Unknown};
pub use jwt::{IdTokenCheck, verify_id_token};

/// Why a provider's answer does not prove anyone.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The provider could not be reached or answered with an HTTP error.
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// The provider refused the ticket or the code (expired, replayed, for another service).
    #[error("refused by the provider: {0}")]
    Refused(String),
    /// The answer is malformed, or fails a check (signature, issuer, audience, nonce, expiry).
    #[error("invalid answer: {0}")]
    Invalid(String),
}

impl From<reqwest::Error> for SsoError {
    fn from(e: reqwest::Error) -> Self {
        Self::Unreachable(e.without_url().to_string())
    }
}

/// The HTTP client for providers: never follows redirects (a provider's answer that redirects
/// is an error, not an invitation to fetch another host), with short timeouts.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(15))
        .user_agent("Guichet")
        .build()
        .unwrap_or_default()
}

/// 32 random bytes, base64url: states, nonces and PKCE verifiers.
pub fn random_token() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
