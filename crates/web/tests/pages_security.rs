//! What the pages refuse: forms without their token, other schools' tickets and files, password
//! guessing; and what they send with every answer (security headers, cookie flags, language).

mod pages_common;

use axum::http::{StatusCode, header};
use guichet_testkit::{TestDb, both_engines};
use guichet_web::pages::WebConfig;
use pages_common::{PASSWORD, Site};

async fn a_form_without_its_token_is_refused(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.director_a).await;
    let reference = b.submit("LSUN", "LSUN : jeton").await;
    for fields in [
        vec![("reason", "x")],
        vec![("csrf", "forged"), ("reason", "x")],
    ] {
        let page = b
            .post(&format!("/requests/{reference}/cancel"), &fields)
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.has("Formulaire expiré"), "{}", page.html);
    }
    let page = b
        .post_multipart("/requests/new", &[("subject", "s"), ("body", "b")], &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "multipart forms too");
    // Another session's token is not this one's.
    let mut other = site.signed_in(&site.fx.director_b).await;
    let theirs = other.csrf().await;
    let page = b
        .post(
            &format!("/requests/{reference}/cancel"),
            &[("csrf", &theirs)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // The sign-in form has its own token, from its cookie.
    let mut anon = site.browser(None);
    let page = anon
        .post(
            "/sign-in",
            &[
                ("login", "claire.martin@ac-dijon.fr"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = b.post("/sign-out", &[]).await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "signing out needs the token too"
    );
}

async fn director_b_cannot_open_director_a_ticket_or_file(db: TestDb) {
    let site = Site::new(db).await;
    let mut a = site.signed_in(&site.fx.director_a).await;
    let reference = a.submit("ONDE", "ONDE : élève introuvable").await;
    let page = a.get(&format!("/requests/{reference}")).await;
    let at = page.html.find("/attachments/").expect("an attachment link");
    let file_url = page.html[at - 30..]
        .split('"')
        .find(|s| s.contains("/attachments/"))
        .expect("href")
        .to_owned();
    let file = a.get(&file_url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, b"\x89PNG fake");
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii")
            .starts_with("attachment")
    );

    let mut b = site.signed_in(&site.fx.director_b).await;
    for url in [format!("/requests/{reference}"), file_url.clone()] {
        let page = b.get(&url).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{url}");
        assert!(page.has("Page introuvable"), "an HTML error page");
        assert!(!page.has("élève introuvable"));
    }
    let missing = b.get("/requests/2026-999999").await;
    assert_eq!(
        missing.status,
        StatusCode::NOT_FOUND,
        "same answer as a missing one"
    );
    let csrf = b.csrf().await;
    let page = b
        .post(&format!("/requests/{reference}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Anonymous: to the sign-in page, and back after.
    let mut anon = site.browser(None);
    let page = anon.get(&file_url).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location().starts_with("/sign-in?next=%2Frequests%2F")
            || page.location().starts_with("/sign-in?next=/requests/"),
        "{}",
        page.location()
    );
}

async fn sign_in_locks_the_account_after_repeated_failures(db: TestDb) {
    let web = WebConfig {
        login_max_failures: 3,
        login_lockout_minutes: 10,
        ..WebConfig::default()
    };
    let site = Site::with(db, web).await;
    let mut b = site.browser(None);
    let email = site.fx.director_a.email.clone();
    for _ in 0..3 {
        let page = b.sign_in(&email, "wrong password").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.has("Identifiant ou mot de passe incorrect."));
        assert!(page.has(&format!("value=\"{email}\"")), "the login is kept");
    }
    let page = b.sign_in(&email, PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked, even with the right password"
    );
    assert!(
        page.has("ce compte est bloqué. Réessayez dans 10 minute(s)"),
        "{}",
        page.html
    );
    // Another account is not locked by these failures.
    let page = b.sign_in(&site.fx.director_b.email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // An unknown account answers like a wrong password.
    let mut c = site.browser(None);
    let page = c.sign_in("nobody@ac-dijon.fr", PASSWORD).await;
    assert!(page.has("Identifiant ou mot de passe incorrect."));
}

async fn sessions_are_renewed_at_sign_in_and_end_at_sign_out(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.browser(None);
    b.cookies
        .insert("guichet_session".into(), "planted-by-someone".into());
    let page = b.sign_in(&site.fx.director_a.email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let set: Vec<&str> = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("guichet_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert_ne!(b.cookies["guichet_session"], "planted-by-someone");
    let cookie = b.cookies["guichet_session"].clone();

    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.has("Claire Martin"));
    let csrf = home.csrf();
    let out = b.post("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    // The old cookie no longer opens anything, even replayed.
    b.cookies.insert("guichet_session".into(), cookie);
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/sign-in"));
}

async fn secure_cookies_carry_the_host_prefix(db: TestDb) {
    let web = WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    };
    let site = Site::with(db, web).await;
    let mut b = site.browser(None);
    let page = b.sign_in(&site.fx.director_a.email, PASSWORD).await;
    let session = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-guichet_session="))
        .expect("a __Host- cookie");
    assert!(session.contains("Secure") && session.contains("Path=/"));
    assert!(b.get("/").await.has("Claire Martin"));
}

async fn pages_speak_french_then_english_on_request(db: TestDb) {
    let site = Site::new(db).await;
    let mut fr = site.browser(None);
    let page = fr.get("/sign-in").await;
    assert!(page.has("<html lang=\"fr\"") && page.has("Se connecter"));
    let mut en = site.browser(Some("en-GB,en;q=0.9,fr;q=0.5"));
    let page = en.get("/sign-in").await;
    assert!(page.has("<html lang=\"en\"") && page.has("Sign in"));
    assert_eq!(page.headers[header::CONTENT_LANGUAGE], "en");
    // The visitor's choice wins over the browser's.
    let switched = en.get("/language?lang=fr&next=/accessibility").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), "/accessibility");
    let page = en.get("/accessibility").await;
    assert!(page.has("Déclaration d'accessibilité") && page.has("non conforme"));
    let away = en.get("/language?lang=en&next=//evil.example").await;
    assert_eq!(away.location(), "/", "never sent to another site");
}

async fn every_answer_carries_the_security_headers(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.browser(None);
    let page = b.get("/sign-in").await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(page.headers.contains_key(header::REFERRER_POLICY));
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert!(!page.has("<script"), "no script at all");
    assert!(
        !page.has(" style=\""),
        "no inline style: the CSP forbids them"
    );

    let missing = b.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.has("Page introuvable"), "HTML for page routes");
    let wrong_method = b.get("/sign-out").await;
    assert_eq!(wrong_method.status, StatusCode::NOT_FOUND);
    assert!(wrong_method.has("Page introuvable"));
    let api = b.get("/api/v1/nothing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );

    let css = page
        .html
        .split('"')
        .find(|s| s.ends_with("dsfr.min.css"))
        .expect("the DSFR")
        .replace("&#x2f;", "/");
    let asset = b.get(&css).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(
        asset.headers[header::CACHE_CONTROL]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );
    assert!(
        asset.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );
}

async fn the_neutral_theme_drops_the_state_identity(db: TestDb) {
    let web = WebConfig {
        theme: guichet_web::pages::Theme::Neutral,
        ..WebConfig::default()
    };
    let site = Site::with(db, web).await;
    let page = site.browser(None).get("/sign-in").await;
    assert!(page.has("neutral.css"));
    assert!(!page.has("dsfr.min.css") && !page.has("République"));
}

both_engines!(
    a_form_without_its_token_is_refused,
    director_b_cannot_open_director_a_ticket_or_file,
    sign_in_locks_the_account_after_repeated_failures,
    sessions_are_renewed_at_sign_in_and_end_at_sign_out,
    secure_cookies_carry_the_host_prefix,
    pages_speak_french_then_english_on_request,
    every_answer_carries_the_security_headers,
    the_neutral_theme_drops_the_state_identity,
);
