//! Drives the router in-process: a request in, status, headers and JSON out.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_testkit::TestDb;
use guichet_testkit::fixture::Fixture;
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

pub struct Api {
    pub router: Router,
    pub app: App,
    pub fx: Fixture,
    /// Kept alive for the test: dropping it deletes the database.
    pub _db: TestDb,
}

#[allow(dead_code, reason = "each test binary uses a different part")]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
}

impl Api {
    pub async fn new(db: TestDb) -> Self {
        let fx = Fixture::build(&db.store).await;
        let app = App::new(
            db.store.clone(),
            Arc::new(SystemClock),
            AppConfig::default(),
        );
        let router = guichet_web::router(app.clone());
        Self {
            router,
            app,
            fx,
            _db: db,
        }
    }

    pub async fn token(&self, person: &guichet_store::person::Person) -> String {
        self.app
            .create_token(&Caller::system("test"), person.id, "test")
            .await
            .expect("token")
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.raw(
            method,
            path,
            token,
            body.map(|b| ("application/json", b.to_string())),
            None,
        )
        .await
    }

    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, String)>,
        lang: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(l) = lang {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        let req = match body {
            Some((ct, b)) => req.header(header::CONTENT_TYPE, ct).body(Body::from(b)),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            headers,
            json,
        }
    }
}

pub fn ticket_body(subject: &str) -> Value {
    serde_json::json!({
        "subject": subject,
        "body": "Bonjour, l'écran de la salle informatique reste noir depuis ce matin. Cordialement.",
        "application": "LSUN",
        "urgency": "high",
        "impact": "low"
    })
}
