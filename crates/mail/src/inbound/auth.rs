//! Was the sender authenticated? Read from the `Authentication-Results` header (RFC 8601) that
//! the académie's own MTA adds on top; headers further down, or from another authserv-id, may
//! have been written by anyone and are ignored.

/// The verdict on the sender's authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVerdict {
    /// DMARC pass, or an SPF or DKIM pass aligned with the `From` domain.
    Pass,
    /// Our MTA checked and nothing passed (or DMARC failed).
    Fail,
    /// No trusted header: nothing is known.
    Unknown,
}

/// The verdict of the topmost `Authentication-Results` header written by `authserv_id`, for a
/// message whose `From` domain is `from_domain`.
pub fn authentication(results: &[String], authserv_id: &str, from_domain: &str) -> AuthVerdict {
    // Only the topmost header counts: our MTA adds its own on top, and anything below it came
    // with the message.
    let Some(top) = results.first() else {
        return AuthVerdict::Unknown;
    };
    let mut parts = top.split(';');
    let id = parts
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or_default();
    if !id.eq_ignore_ascii_case(authserv_id) {
        return AuthVerdict::Unknown;
    }
    let aligned = |d: &str| aligned(d, from_domain);
    let mut pass = false;
    for method in parts {
        let mut tokens = method.split_whitespace();
        let Some(head) = tokens.next() else { continue };
        let Some((name, result)) = head.split_once('=') else {
            continue;
        };
        let props: Vec<(&str, &str)> = tokens.filter_map(|t| t.split_once('=')).collect();
        let prop = |key: &str| {
            props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| *v)
        };
        let result = result.to_ascii_lowercase();
        match name.to_ascii_lowercase().as_str() {
            "dmarc" if result == "pass" => return AuthVerdict::Pass,
            "dmarc" if result == "fail" => return AuthVerdict::Fail,
            "spf" if result == "pass" => {
                pass |= prop("smtp.mailfrom").is_some_and(aligned);
            }
            "dkim" if result == "pass" => {
                pass |= prop("header.d").or(prop("header.i")).is_some_and(aligned);
            }
            _ => {}
        }
    }
    if pass {
        AuthVerdict::Pass
    } else {
        AuthVerdict::Fail
    }
}

/// Relaxed alignment (DMARC): `domain` (or the domain of an address) is the `From` domain, a
/// parent of it, or one of its subdomains.
pub(crate) fn aligned(domain: &str, from_domain: &str) -> bool {
    let from_domain = from_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let d = domain.trim().trim_matches('"').to_ascii_lowercase();
    let d = d
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    !d.is_empty()
        && !from_domain.is_empty()
        && (d == from_domain
            || from_domain.ends_with(&format!(".{d}"))
            || d.ends_with(&format!(".{from_domain}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_top_header_of_our_own_mta_counts() {
        let ours =
            "mx.ac-dijon.fr; dkim=pass header.d=ac-dijon.fr; spf=fail smtp.mailfrom=x@ac-dijon.fr"
                .to_owned();
        let forged = "mx.ac-dijon.fr; dmarc=pass header.from=ac-dijon.fr".to_owned();
        assert_eq!(
            authentication(std::slice::from_ref(&ours), "mx.ac-dijon.fr", "ac-dijon.fr"),
            AuthVerdict::Pass
        );
        // A header from elsewhere on top: unknown, whatever is below.
        let other = "mx.example.org; dmarc=pass".to_owned();
        assert_eq!(
            authentication(&[other, forged], "mx.ac-dijon.fr", "ac-dijon.fr"),
            AuthVerdict::Unknown
        );
        let unaligned = "mx.ac-dijon.fr; dkim=pass header.d=spammer.example".to_owned();
        assert_eq!(
            authentication(&[unaligned], "mx.ac-dijon.fr", "ac-dijon.fr"),
            AuthVerdict::Fail
        );
        assert_eq!(
            authentication(&[], "mx.ac-dijon.fr", "ac-dijon.fr"),
            AuthVerdict::Unknown
        );
    }
}
