//! Drives the pages in-process like a browser without JavaScript: cookies kept between
//! requests, forms posted with their CSRF token, HTML read back as text.

#![allow(dead_code, reason = "each test binary uses a different part")]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use guichet_app::{App, AppConfig, SystemClock};
use guichet_store::person::Person;
use guichet_testkit::TestDb;
use guichet_testkit::fixture::Fixture;
use guichet_web::pages::WebConfig;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

/// One Argon2 hash for every test account: hashing is the slow part.
fn hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| guichet_app::password::hash(PASSWORD).expect("hashes"))
}

pub struct Site {
    pub router: Router,
    pub app: App,
    pub fx: Fixture,
    pub _db: TestDb,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub html: String,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first `name="csrf"` hidden field.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field");
        let rest = &self.html[at + 19..];
        rest[..rest.find('"').expect("closing quote")].to_owned()
    }

    /// True when the page shows `text` (HTML entities decoded).
    pub fn has(&self, text: &str) -> bool {
        let decoded = self
            .html
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&#x2f;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        decoded.contains(text)
    }
}

impl Site {
    pub async fn new(db: TestDb) -> Self {
        Self::with(db, WebConfig::default()).await
    }

    pub async fn with(db: TestDb, web: WebConfig) -> Self {
        let fx = Fixture::build(&db.store).await;
        let h = hash().to_owned();
        let mut tx = db.store.write().await.expect("write");
        for p in [&fx.director_a, &fx.director_b, &fx.teacher_a, &fx.agent_n1] {
            tx.set_password_hash(p.id, &h, chrono::Utc::now())
                .await
                .expect("password set");
        }
        tx.commit().await.expect("commit");
        let config = AppConfig {
            max_attachment_bytes: 64 * 1024,
            max_attachments: 3,
            ..AppConfig::default()
        };
        let app = App::new(db.store.clone(), Arc::new(SystemClock), config);
        let router = guichet_web::router_with(app.clone(), web);
        Self {
            router,
            app,
            fx,
            _db: db,
        }
    }

    pub fn browser(&self, lang: Option<&str>) -> Browser<'_> {
        Browser {
            site: self,
            cookies: BTreeMap::new(),
            lang: lang.map(str::to_owned),
        }
    }

    /// Gives `person` the shared test password (the site sets it for a few accounts only).
    pub async fn with_password(&self, person: &Person) {
        let mut tx = self.app.store().write().await.expect("write");
        tx.set_password_hash(person.id, hash(), chrono::Utc::now())
            .await
            .expect("password set");
        tx.commit().await.expect("commit");
    }

    /// A browser already signed in as `person`.
    pub async fn signed_in(&self, person: &Person) -> Browser<'_> {
        let mut b = self.browser(None);
        let page = b.sign_in(&person.email, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        b
    }
}

/// A cookie jar and a language, like one browser.
pub struct Browser<'a> {
    pub site: &'a Site,
    pub cookies: BTreeMap<String, String>,
    pub lang: Option<String>,
}

impl Browser<'_> {
    pub async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Page {
        let mut req = req;
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        if let Some(l) = &self.lang {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        let res = self
            .site
            .router
            .clone()
            .oneshot(req.body(body).expect("request"))
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().expect("ascii cookie");
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').expect("name=value");
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            headers,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::builder().uri(path), Body::empty()).await
    }

    /// Posts a URL-encoded form.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(req, Body::from(body.join("&"))).await
    }

    /// Posts a multipart form: text fields, then files `(field, filename, type, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, Vec<u8>)],
    ) -> Page {
        let boundary = "guichet-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, ct, data) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::builder().method("POST").uri(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.send(req, Body::from(body)).await
    }

    /// Opens the sign-in page (for its token), then posts the form.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        self.post(
            "/sign-in",
            &[
                ("csrf", &csrf),
                ("login", login),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    /// The CSRF token of the signed-in session, read from the home page.
    pub async fn csrf(&mut self) -> String {
        self.get("/").await.csrf()
    }

    /// Submits a request through the form; returns its reference.
    pub async fn submit(&mut self, application: &str, subject: &str) -> String {
        let csrf = self.csrf().await;
        let page = self
            .post_multipart(
                "/requests/new",
                &[
                    ("csrf", &csrf),
                    ("application", application),
                    ("type", "incident"),
                    ("subject", subject),
                    (
                        "body",
                        "Bonjour, la validation des admissions échoue depuis ce matin.",
                    ),
                ],
                &[(
                    "attachments",
                    "capture.png",
                    "image/png",
                    b"\x89PNG fake".to_vec(),
                )],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let loc = page.location().to_owned();
        loc.trim_start_matches("/requests/")
            .trim_end_matches("/submitted")
            .to_owned()
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
