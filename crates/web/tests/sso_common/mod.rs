//! Sign-on tests run Guichet on a real loopback socket, because the providers (a real CAS
//! server, a real OpenID Connect provider) send the browser back to it and, for single logout,
//! call it themselves. [`Browser`] is a plain HTTP client with a cookie jar per host that
//! follows redirects one by one, so a test sees every hop.

#![allow(dead_code, reason = "each test binary uses a different part")]

use guichet_app::{App, AppConfig, SystemClock};
use guichet_store::person::Person;
use guichet_testkit::TestDb;
use guichet_testkit::fixture::Fixture;
use guichet_web::pages::WebConfig;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// Guichet listening on 127.0.0.1.
pub struct Site {
    pub app: App,
    pub fx: Fixture,
    pub base: String,
    pub db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A bound listener: the address is known before the providers start.
pub struct Listener(tokio::net::TcpListener);

impl Listener {
    pub async fn bind() -> Self {
        Self(
            tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a loopback port"),
        )
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.0.local_addr().expect("bound"))
    }

    /// Serves Guichet with `sso` as its providers.
    pub async fn serve(self, db: TestDb, sso: guichet_sso::SsoConfig) -> Site {
        let fx = Fixture::build(&db.store).await;
        let app = App::new(
            db.store.clone(),
            Arc::new(SystemClock),
            AppConfig::default(),
        );
        let base = self.base();
        let web = WebConfig {
            sso: guichet_sso::SsoConfig {
                public_url: base.clone(),
                ..sso
            },
            ..WebConfig::default()
        };
        web.validate().expect("a valid configuration");
        let router = guichet_web::router_with(app.clone(), web);
        let server = tokio::spawn(async move {
            axum::serve(
                self.0,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serves");
        });
        Site {
            app,
            fx,
            base,
            db,
            server,
        }
    }
}

impl Site {
    /// Gives `person` a directory uid, as a sync would.
    pub async fn set_uid(&self, person: &Person, uid: &str) {
        let mut tx = self.db.store.write().await.expect("write");
        tx.update_directory_person(
            person.id,
            uid,
            &person.email,
            &person.display_name,
            chrono::Utc::now(),
        )
        .await
        .expect("uid set");
        tx.commit().await.expect("commit");
    }

    pub async fn deactivate(&self, person: &Person) {
        let mut tx = self.db.store.write().await.expect("write");
        tx.set_person_active(person.id, false, chrono::Utc::now())
            .await
            .expect("deactivated");
        tx.commit().await.expect("commit");
    }

    /// The person with this email, if any.
    pub async fn person(&self, email: &str) -> Option<Person> {
        self.db
            .store
            .read()
            .await
            .expect("read")
            .person_by_email(email)
            .await
            .ok()
    }
}

/// One answer.
#[derive(Debug)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Hop {
    /// True when the page shows `text` (the entities minijinja and Django write decoded).
    pub fn has(&self, text: &str) -> bool {
        self.body
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&#x2f;", "/")
            .replace("&amp;", "&")
            .contains(text)
    }

    /// The value of the hidden input `name`.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\"");
        let at = self.body.find(&needle)?;
        let start = self.body[..at].rfind('<')?;
        let end = at + self.body[at..].find('>')?;
        let tag = &self.body[start..end];
        let v = tag.find("value=\"")? + 7;
        Some(tag[v..v + tag[v..].find('"')?].replace("&amp;", "&"))
    }
}

/// A browser without JavaScript.
#[derive(Default)]
pub struct Browser {
    http: reqwest::Client,
    /// Cookies by `host:port`, then name.
    pub jar: BTreeMap<String, BTreeMap<String, String>>,
    /// Every answer, in order.
    pub hops: Vec<Hop>,
}

fn host_of(url: &str) -> String {
    let u = reqwest::Url::parse(url).expect("an absolute URL");
    format!(
        "{}:{}",
        u.host_str().unwrap_or(""),
        u.port_or_known_default().unwrap_or(0)
    )
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            ..Self::default()
        }
    }

    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jar.get(&host_of(url))?.get(name).cloned()
    }

    pub fn set_cookie(&mut self, url: &str, name: &str, value: &str) {
        self.jar
            .entry(host_of(url))
            .or_default()
            .insert(name.into(), value.into());
    }

    async fn send(&mut self, req: reqwest::RequestBuilder, url: &str) -> Hop {
        let host = host_of(url);
        let mut req = req.header("Accept-Language", "fr");
        if let Some(c) = self.jar.get(&host).filter(|c| !c.is_empty()) {
            let v: Vec<String> = c.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header("Cookie", v.join("; "));
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| {
                res.url()
                    .join(l)
                    .map(String::from)
                    .unwrap_or_else(|_| l.to_owned())
            });
        let set_cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        let jar = self.jar.entry(host).or_default();
        for c in &set_cookies {
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            let attrs = attrs.to_ascii_lowercase();
            if attrs.contains("max-age=0")
                || attrs.contains("expires=thu, 01 jan 1970")
                || v.is_empty()
            {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        let body = res.text().await.unwrap_or_default();
        let hop = Hop {
            url: url.to_owned(),
            status,
            location,
            set_cookies,
            body,
        };
        self.hops.push(Hop {
            url: hop.url.clone(),
            status: hop.status,
            location: hop.location.clone(),
            set_cookies: hop.set_cookies.clone(),
            body: String::new(),
        });
        hop
    }

    /// One GET, no redirect followed.
    pub async fn get_once(&mut self, url: &str) -> Hop {
        self.send(self.http.get(url), url).await
    }

    /// GET, following redirects; the last answer.
    pub async fn get(&mut self, url: &str) -> Hop {
        let hop = self.get_once(url).await;
        self.follow(hop).await
    }

    /// Follows `hop`'s redirects while `stop` says not to stop at a URL.
    pub async fn follow_until(&mut self, mut hop: Hop, stop: impl Fn(&str) -> bool) -> Hop {
        for _ in 0..20 {
            match (&hop.location, hop.status) {
                (Some(next), 301..=303 | 307 | 308) if !stop(next) => {
                    let next = next.clone();
                    hop = self.get_once(&next).await;
                }
                _ => return hop,
            }
        }
        panic!("too many redirects");
    }

    pub async fn follow(&mut self, hop: Hop) -> Hop {
        self.follow_until(hop, |_| false).await
    }

    /// POSTs a form (with a `Referer`, as Django's CSRF check wants), no redirect followed.
    pub async fn post_once(&mut self, url: &str, fields: &[(&str, &str)]) -> Hop {
        let req = self.http.post(url).header("Referer", url).form(fields);
        self.send(req, url).await
    }

    /// POSTs a form, following redirects.
    pub async fn post(&mut self, url: &str, fields: &[(&str, &str)]) -> Hop {
        let hop = self.post_once(url, fields).await;
        self.follow(hop).await
    }
}
