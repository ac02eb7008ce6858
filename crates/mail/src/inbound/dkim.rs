//! DKIM verified here (mail-auth), for mail that reaches Guichet without an
//! `Authentication-Results` header from the académie's own MTA. DKIM needs only the message and
//! the signer's key from DNS; SPF and DMARC need the SMTP envelope, which a message fetched by
//! IMAP or piped after delivery no longer has reliably, so they are left to the MTA.

use super::auth::{AuthVerdict, aligned};
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where DKIM keys come from: DNS, through a cache that also holds keys given by hand (tests,
/// or a key published on an internal zone the machine cannot see).
pub struct DkimResolver {
    authenticator: MessageAuthenticator,
    keys: KeyCache,
}

impl std::fmt::Debug for DkimResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimResolver").finish_non_exhaustive()
    }
}

impl DkimResolver {
    /// Keys from the system's DNS configuration (`/etc/resolv.conf`).
    pub fn system() -> Result<Self, String> {
        let authenticator =
            MessageAuthenticator::new_system_conf().map_err(|e| format!("DNS resolver: {e}"))?;
        Ok(Self {
            authenticator,
            keys: KeyCache::default(),
        })
    }

    /// No DNS at all: only the keys added with [`DkimResolver::add_key`] are known, any other
    /// lookup fails (and the signature's verdict is then [`AuthVerdict::Unknown`]).
    pub fn offline() -> Self {
        let config = ResolverConfig::from_parts(None, Vec::new(), Vec::new());
        let authenticator = MessageAuthenticator::new(config, ResolverOpts::default())
            .unwrap_or_else(|_| {
                // Building a resolver without name servers does no IO; should it ever fail,
                // the system configuration is the only other choice.
                MessageAuthenticator::new_system_conf().expect("a DNS resolver")
            });
        Self {
            authenticator,
            keys: KeyCache::default(),
        }
    }

    /// Publishes `record` (the TXT value, `v=DKIM1; k=rsa; p=…`) as the key `selector` of
    /// `domain`, as `selector._domainkey.domain` would in DNS.
    pub fn add_key(&self, selector: &str, domain: &str, record: &str) -> Result<(), String> {
        let key = DomainKey::parse(record.as_bytes()).map_err(|e| format!("DKIM record: {e}"))?;
        let name = format!("{selector}._domainkey.{}.", domain.trim_end_matches('.'));
        self.keys.insert(
            name.into_boxed_str(),
            Txt::from(key),
            Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600),
        );
        Ok(())
    }
}

/// The DKIM verdict on `raw`: [`AuthVerdict::Pass`] when a signature verifies and its domain
/// (`d=`) is aligned with the `From` domain; [`AuthVerdict::Fail`] when signatures exist and
/// none does (broken, altered body, or signed by another domain); [`AuthVerdict::Unknown`] when
/// there is no signature or its key could not be fetched.
pub async fn verify_dkim(raw: &[u8], resolver: &DkimResolver) -> AuthVerdict {
    let Some(message) = AuthenticatedMessage::parse(raw) else {
        return AuthVerdict::Unknown;
    };
    let Some(from_domain) = message
        .from
        .first()
        .and_then(|f| f.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase())
    else {
        return AuthVerdict::Fail;
    };
    if message.dkim_headers.is_empty() && !message.has_dkim_errors {
        return AuthVerdict::Unknown;
    }
    let params = Parameters::new(&message).with_txt_cache(&resolver.keys);
    let results = resolver.authenticator.verify_dkim(params).await;
    let mut unknown = false;
    for result in &results {
        match result.result() {
            DkimResult::Pass
                if result
                    .signature()
                    .is_some_and(|s| aligned(&s.d, &from_domain)) =>
            {
                return AuthVerdict::Pass;
            }
            DkimResult::TempError(_) => unknown = true,
            _ => {}
        }
    }
    if unknown {
        AuthVerdict::Unknown
    } else {
        AuthVerdict::Fail
    }
}

/// The TXT records mail-auth looks up, keyed by fully qualified name.
#[derive(Default)]
struct KeyCache(Mutex<HashMap<Box<str>, (Txt, Instant)>>);

impl ResolverCache<Box<str>, Txt> for KeyCache {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(name)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(txt, _)| txt.clone())
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(name).map(|(txt, _)| txt)
    }

    fn insert(&self, key: Box<str>, value: Txt, valid_until: Instant) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, (value, valid_until));
    }
}
