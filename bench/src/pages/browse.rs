//! One simulated person: signs in through the real form (the login cookie's CSRF token, then
//! the session cookie), then opens pages in turn until the deadline, timing each one from
//! sending the request to the last byte of the HTML, over loopback.

use super::users::User;
use crate::latency::Latencies;
use anyhow::{Context, bail};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode, Url};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The kinds of page measured, in report order.
pub const KINDS: [&str; 7] = [
    "desk queue (group, newest first)",
    "desk queue next page",
    "desk queue filtered (unassigned)",
    "desk queue by priority",
    "desk ticket page",
    "portal home",
    "portal request page",
];

/// What one person measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub latencies: BTreeMap<&'static str, Latencies>,
    pub errors: usize,
    pub error_sample: Option<String>,
}

impl Outcome {
    fn error(&mut self, e: String) {
        self.errors += 1;
        self.error_sample.get_or_insert(e);
    }
}

/// `name=value` of a `Set-Cookie` named `name`, if the response sets it.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// Percent-encodes a form value.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Opens a session through `GET /sign-in` and `POST /sign-in`; answers the `Cookie` header.
pub async fn sign_in(
    client: &Client,
    base: &Url,
    email: &str,
    password: &str,
) -> anyhow::Result<String> {
    let url = base.join("/sign-in")?;
    let form = client.get(url.clone()).send().await?;
    let token = set_cookie(&form, "guichet_login").context("no login cookie on /sign-in")?;
    let body = form.text().await?;
    if !body.contains(&format!("name=\"csrf\" value=\"{token}\"")) {
        bail!("the sign-in form does not carry the login cookie's token");
    }
    let res = client
        .post(url)
        .header(COOKIE, format!("guichet_login={token}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={}&login={}&password={}&next=%2F",
            encode(&token),
            encode(email),
            encode(password)
        ))
        .send()
        .await?;
    let status = res.status();
    if status != StatusCode::SEE_OTHER && status != StatusCode::FOUND {
        bail!("sign-in of {email}: {status}");
    }
    let session = set_cookie(&res, "guichet_session")
        .with_context(|| format!("sign-in of {email}: no session cookie"))?;
    if res.headers().get(LOCATION).is_none() {
        bail!("sign-in of {email}: no redirect");
    }
    Ok(format!("guichet_session={session}"))
}

/// The "next page" link of a queue page, unescaped: the first link to a queue with a cursor
/// (the language switch's link carries the page's own address, cursor included).
fn next_link(html: &str) -> Option<String> {
    html.split("href=\"").skip(1).find_map(|rest| {
        let href = rest.get(..rest.find('"')?)?;
        let href = href
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        (href.starts_with("/desk/queues/") && href.contains("after=")).then_some(href)
    })
}

/// A small deterministic generator (xorshift), for think times and choices.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// What a person does, over and over: (kind, path); `None` path = the last queue's next page.
fn plan(user: &User, step: u64, rng: &mut Rng) -> (&'static str, Option<String>) {
    let reference = if user.references.is_empty() {
        None
    } else {
        let i = rng.below(user.references.len() as u64) as usize;
        user.references.get(i).cloned()
    };
    if !user.agent {
        return match (step % 3, reference) {
            (1 | 2, Some(r)) => (KINDS[6], Some(format!("/requests/{r}"))),
            _ => (KINDS[5], Some("/".into())),
        };
    }
    let g = user
        .groups
        .get(rng.below(user.groups.len() as u64) as usize)
        .copied()
        .unwrap_or(0);
    match (step % 6, reference) {
        (1, _) => (KINDS[1], None),
        (2, _) => (KINDS[2], Some(format!("/desk/queues/group-{g}-new"))),
        (3, _) => (
            KINDS[3],
            Some(format!("/desk/queues/group-{g}?sort=-priority")),
        ),
        (4 | 5, Some(r)) => (KINDS[4], Some(format!("/desk/tickets/{r}"))),
        _ => (KINDS[0], Some(format!("/desk/queues/group-{g}"))),
    }
}

/// One GET with the session: its time and body, or why it failed.
async fn get(client: &Client, url: Url, cookie: &str) -> Result<(Duration, String), String> {
    let started = Instant::now();
    let res = client
        .get(url.clone())
        .header(COOKIE, cookie)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = res.status();
    let body = res
        .text()
        .await
        .map_err(|e| format!("GET {url}: reading: {e}"))?;
    let elapsed = started.elapsed();
    if status != StatusCode::OK {
        return Err(format!("GET {url}: {status}"));
    }
    Ok((elapsed, body))
}

/// Opens pages until `until`, recording those sent from `measure_from` on; waits a think time
/// (uniform between 0 and twice `think`) between pages.
pub async fn browse(
    client: &Client,
    base: &Url,
    user: &User,
    cookie: &str,
    think: Duration,
    seed: u64,
    (measure_from, until): (Instant, Instant),
) -> Outcome {
    let mut out = Outcome::default();
    let mut rng = Rng::new(seed);
    let mut next: Option<String> = None;
    let mut step = rng.below(6);
    while Instant::now() < until {
        if !think.is_zero() {
            let ms = rng.below(2 * think.as_millis() as u64 + 1);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            if Instant::now() >= until {
                break;
            }
        }
        let (kind, path) = plan(user, step, &mut rng);
        step += 1;
        let Some(path) = path.or_else(|| next.take()) else {
            continue;
        };
        let url = match base.join(&path) {
            Ok(u) => u,
            Err(e) => {
                out.error(format!("{path}: {e}"));
                continue;
            }
        };
        let started = Instant::now();
        match get(client, url, cookie).await {
            Ok((d, body)) => {
                if kind == KINDS[0] {
                    next = next_link(&body);
                }
                if started >= measure_from {
                    out.latencies.entry(kind).or_default().record(d);
                }
            }
            Err(e) => out.error(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_unescaped() {
        let html = r#"<a href="&#x2f;language?lang=en&amp;next=&#x2f;desk&#x2f;queues&#x2f;group-3?after=x">EN</a>
            <p><a class="fr-link" href="&#x2f;desk&#x2f;queues&#x2f;group-3?sort=-created&amp;after=abc_1">Next</a></p>"#;
        assert_eq!(
            next_link(html).as_deref(),
            Some("/desk/queues/group-3?sort=-created&after=abc_1")
        );
        assert_eq!(next_link("<p>no link</p>"), None);
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(encode("a.b@c-d_e"), "a.b%40c-d_e");
        assert_eq!(encode("x y+z"), "x%20y%2Bz");
    }
}
