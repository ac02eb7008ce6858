//! ID token validation: a JWS in compact form, signed RS256 or ES256 with a key of the
//! provider's JWKS (verified by `ring`), then its claims: issuer, audience, authorised party,
//! expiry and nonce. `none` and HMAC algorithms are refused: a client secret is not a key the
//! provider may sign identities with here.

use crate::SsoError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A key of a JWKS (`{"keys": [...]}`), the fields used here.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

/// The provider's published keys.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// What an ID token must say to be accepted.
#[derive(Debug, Clone)]
pub struct IdTokenCheck<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Seconds since the epoch.
    pub now: i64,
}

/// Clock difference tolerated with the provider, in seconds.
const LEEWAY: i64 = 60;

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

fn b64(part: &str) -> Result<Vec<u8>, SsoError> {
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| SsoError::Invalid("bad base64url".into()))
}

fn verify_signature(key: &Jwk, alg: &str, message: &[u8], sig: &[u8]) -> Result<(), SsoError> {
    let field = |v: &Option<String>| -> Result<Vec<u8>, SsoError> {
        b64(v
            .as_deref()
            .ok_or_else(|| SsoError::Invalid("incomplete key".into()))?)
    };
    let ok = match (alg, key.kty.as_str()) {
        ("RS256", "RSA") => signature::RsaPublicKeyComponents {
            n: field(&key.n)?,
            e: field(&key.e)?,
        }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
        .is_ok(),
        ("ES256", "EC") if key.crv.as_deref() == Some("P-256") => {
            let mut point = vec![0x04];
            point.extend(field(&key.x)?);
            point.extend(field(&key.y)?);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, sig)
                .is_ok()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(SsoError::Invalid("signature does not verify".into()))
    }
}

/// Checks `token`'s signature against `jwks` and its claims against `check`; gives the claims.
pub fn verify_id_token(
    token: &str,
    jwks: &Jwks,
    check: &IdTokenCheck<'_>,
) -> Result<Map<String, Value>, SsoError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SsoError::Invalid("not a compact JWS".into()));
    };
    let header: Header = serde_json::from_slice(&b64(h)?)
        .map_err(|_| SsoError::Invalid("bad JOSE header".into()))?;
    if !matches!(header.alg.as_str(), "RS256" | "ES256") {
        return Err(SsoError::Invalid(format!(
            "algorithm {} refused",
            header.alg
        )));
    }
    let kty = if header.alg == "RS256" { "RSA" } else { "EC" };
    let candidates: Vec<&Jwk> = jwks
        .keys
        .iter()
        .filter(|k| k.kty == kty && k.use_.as_deref().is_none_or(|u| u == "sig"))
        .filter(|k| k.alg.as_deref().is_none_or(|a| a == header.alg))
        .filter(|k| header.kid.is_none() || k.kid == header.kid)
        .collect();
    let message = format!("{h}.{p}");
    let sig = b64(s)?;
    if !candidates
        .iter()
        .any(|k| verify_signature(k, &header.alg, message.as_bytes(), &sig).is_ok())
    {
        return Err(SsoError::Invalid(
            "signature does not verify with the provider's keys".into(),
        ));
    }
    let claims: Map<String, Value> =
        serde_json::from_slice(&b64(p)?).map_err(|_| SsoError::Invalid("bad claims".into()))?;
    check_claims(&claims, check)?;
    Ok(claims)
}

fn check_claims(claims: &Map<String, Value>, check: &IdTokenCheck<'_>) -> Result<(), SsoError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let bad = |what: &str| Err(SsoError::Invalid(format!("{what} does not match")));
    if text("iss") != Some(check.issuer) {
        return bad("iss");
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&check.client_id) {
        return bad("aud");
    }
    if audiences.len() > 1 && text("azp") != Some(check.client_id) {
        return bad("azp");
    }
    match claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp + LEEWAY > check.now => {}
        _ => return Err(SsoError::Invalid("expired".into())),
    }
    if claims
        .get("iat")
        .and_then(Value::as_i64)
        .is_some_and(|iat| iat > check.now + LEEWAY)
    {
        return Err(SsoError::Invalid("issued in the future".into()));
    }
    if text("nonce") != Some(check.nonce) {
        return bad("nonce");
    }
    if text("sub").is_none_or(str::is_empty) {
        return Err(SsoError::Invalid("no sub".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check() -> IdTokenCheck<'static> {
        IdTokenCheck {
            issuer: "https://idp.example",
            client_id: "guichet",
            nonce: "n-1",
            now: 1_000_000,
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn good_claims_pass_and_each_bad_one_is_refused() {
        let good = json!({"iss": "https://idp.example", "aud": "guichet", "exp": 1_000_100,
                          "iat": 999_990, "nonce": "n-1", "sub": "42"});
        assert!(check_claims(&claims(good.clone()), &check()).is_ok());
        for (k, v) in [
            ("iss", json!("https://evil.example")),
            ("aud", json!("other")),
            ("aud", json!(["guichet", "other"])),
            ("exp", json!(900_000)),
            ("iat", json!(2_000_000)),
            ("nonce", json!("n-2")),
            ("sub", json!("")),
        ] {
            let mut c = claims(good.clone());
            c.insert(k.into(), v);
            assert!(check_claims(&c, &check()).is_err(), "{k} accepted");
        }
    }

    #[test]
    fn unsigned_and_hmac_tokens_are_refused() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"iss":"https://idp.example"}"#);
        for alg in ["none", "HS256"] {
            let h = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}"}}"#));
            let t = format!("{h}.{claims}.");
            let e = verify_id_token(&t, &Jwks::default(), &check()).expect_err("refused");
            assert!(e.to_string().contains("refused"), "{e}");
        }
    }
}
