//! OpenID Connect sign-on against a real provider (`oidc-provider` on Node, started per test):
//! the code flow with PKCE through Guichet, people mapped by uid or email, unknown people
//! refused or created, deactivated people refused, a forged `state`, replayed answers,
//! forged or misdirected ID tokens, open redirects, and signing out ending the session.

mod sso_common;

use guichet_sso::oidc::{OidcClient, Pending};
use guichet_sso::{MatchBy, OidcConfig, SsoConfig, Unknown};
use guichet_testkit::oidc::{OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_PASSWORD, OidcProvider};
use guichet_testkit::{TestDb, both_engines};
use sso_common::{Browser, Hop, Listener, Site};

fn provider(id: &str, issuer: &str, match_by: MatchBy, unknown: Unknown) -> OidcConfig {
    OidcConfig {
        id: id.into(),
        label: format!("Fédération {id}"),
        issuer: issuer.into(),
        client_id: OIDC_CLIENT_ID.into(),
        client_secret: OIDC_CLIENT_SECRET.into(),
        match_by,
        claim: String::new(),
        scopes: vec!["openid".into(), "profile".into(), "email".into()],
        unknown,
    }
}

/// Guichet with three providers on one real OpenID Connect provider: `fed` (by uid, unknown
/// people refused), `fed-mail` (by email), `fed-open` (by uid, unknown people created).
async fn site(db: TestDb) -> (Site, OidcProvider) {
    let listener = Listener::bind().await;
    let base = listener.base();
    let ids = ["fed", "fed-mail", "fed-open"];
    let uris: Vec<String> = ids
        .iter()
        .map(|id| format!("{base}/sso/oidc/{id}/callback"))
        .collect();
    let op = OidcProvider::start(&uris.iter().map(String::as_str).collect::<Vec<_>>());
    let issuer = op.issuer();
    let sso = SsoConfig {
        oidc: vec![
            provider("fed", &issuer, MatchBy::Uid, Unknown::Refuse),
            provider("fed-mail", &issuer, MatchBy::Email, Unknown::Refuse),
            provider("fed-open", &issuer, MatchBy::Uid, Unknown::Create),
        ],
        ..SsoConfig::default()
    };
    let site = listener.serve(db, sso).await;
    (site, op)
}

/// Starts at `start` (a Guichet URL), signs in at the provider as `login`, and stops at the
/// answer of Guichet's callback (not followed).
async fn through_provider(b: &mut Browser, site: &Site, start: &str, login: &str) -> Hop {
    let callback = format!("{}/sso/oidc/", site.base);
    let hop = b.get(start).await;
    assert_eq!(hop.status, 200, "the provider's login page: {}", hop.body);
    assert!(hop.has("Test provider"), "{}", hop.body);
    let action = hop.url.clone() + "/login";
    let req = b
        .post_once(&action, &[("login", login), ("password", OIDC_PASSWORD)])
        .await;
    let back = b
        .follow_until(req, |next| next.starts_with(&callback))
        .await;
    let to = back.location.clone().expect("sent back to Guichet");
    assert!(to.starts_with(&callback), "{to}");
    b.get_once(&to).await
}

async fn signs_in_and_renews_the_session(db: TestDb) {
    let (site, _op) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    let mut b = Browser::new();
    // The sign-in page lists the providers, and keeps the local form.
    let page = b
        .get(&format!("{}/sign-in?next=/requests/new", site.base))
        .await;
    assert!(page.has("Fédération fed"), "{}", page.body);
    assert!(
        page.has("href=\"/sso/oidc/fed?next=/requests/new\""),
        "{}",
        page.body
    );
    assert!(page.has("name=\"password\""));
    // A session id planted before sign-in is worth nothing after it.
    b.set_cookie(&site.base, "guichet_session", "planted-by-someone-else");
    let start = format!("{}/sso/oidc/fed?next=/requests/new", site.base);
    let done = through_provider(&mut b, &site, &start, "dir-a").await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(&*format!("{}/requests/new", site.base))
    );
    let session = b
        .cookie(&site.base, "guichet_session")
        .expect("a session cookie");
    assert_ne!(session, "planted-by-someone-else");
    assert!(
        b.cookie(&site.base, "guichet_oidc").is_none(),
        "the flow's cookie is gone"
    );
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has(&site.fx.director_a.display_name), "{}", home.body);

    // Signing out ends the Guichet session: back to the sign-in page, the old id worth nothing.
    let csrf = home.hidden("csrf").expect("the sign-out form's token");
    let out = b
        .post_once(&format!("{}/sign-out", site.base), &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location, Some(format!("{}/sign-in", site.base)));
    assert!(b.cookie(&site.base, "guichet_session").is_none());
    let left = site
        .app
        .session_caller(&session, "test", &Default::default())
        .await
        .expect("reads");
    assert!(left.is_none(), "the session survived signing out");
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(!home.has(&site.fx.director_a.display_name), "{}", home.body);

    // By email, on another provider entry: the same person.
    let mut b = Browser::new();
    let start = format!("{}/sso/oidc/fed-mail", site.base);
    let done = through_provider(&mut b, &site, &start, &site.fx.teacher_a.email).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has(&site.fx.teacher_a.display_name), "{}", home.body);
}

async fn unknown_people_are_refused_or_created(db: TestDb) {
    let (site, _op) = site(db).await;
    let mut b = Browser::new();
    let start = format!("{}/sso/oidc/fed", site.base);
    let done = through_provider(&mut b, &site, &start, "inconnu").await;
    assert_eq!(done.status, 403);
    assert!(
        done.has("Votre compte n'a pas accès à Guichet"),
        "{}",
        done.body
    );
    assert!(b.cookie(&site.base, "guichet_session").is_none());
    assert!(site.person("inconnu@ac-test.fr").await.is_none());

    let mut b = Browser::new();
    let start = format!("{}/sso/oidc/fed-open", site.base);
    let done = through_provider(&mut b, &site, &start, "nouveau").await;
    assert_eq!(done.status, 303, "{}", done.body);
    let created = site.person("nouveau@ac-test.fr").await.expect("created");
    assert_eq!(created.uid.as_deref(), Some("nouveau"));
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has("nouveau"), "{}", home.body);
    // A requester: no role, so the desk is not theirs.
    let desk = b.get_once(&format!("{}/desk", site.base)).await;
    assert_ne!(desk.status, 200);

    // Deactivated people are refused, whatever the provider proved.
    site.set_uid(&site.fx.director_b, "dir-b").await;
    site.deactivate(&site.fx.director_b).await;
    let mut b = Browser::new();
    let start = format!("{}/sso/oidc/fed", site.base);
    let done = through_provider(&mut b, &site, &start, "dir-b").await;
    assert_eq!(done.status, 403);
    assert!(
        done.has("Votre compte Guichet est désactivé"),
        "{}",
        done.body
    );
}

async fn a_forged_state_or_a_replayed_answer_is_refused(db: TestDb) {
    let (site, _op) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    let mut b = Browser::new();
    let start = format!("{}/sso/oidc/fed", site.base);
    let hop = b.get(&start).await;
    let action = hop.url.clone() + "/login";
    let callback = format!("{}/sso/oidc/", site.base);
    let req = b
        .post_once(&action, &[("login", "dir-a"), ("password", OIDC_PASSWORD)])
        .await;
    let back = b.follow_until(req, |n| n.starts_with(&callback)).await;
    let good = back.location.clone().expect("back to Guichet");
    let forged = {
        let mut u = reqwest::Url::parse(&good).expect("a URL");
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    "forged".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    };
    let refused = b.get_once(&forged).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.has("La connexion n'a pas abouti"),
        "{}",
        refused.body
    );
    assert!(b.cookie(&site.base, "guichet_session").is_none());
    // The refusal dropped the flow: the genuine answer, now, is refused too.
    let late = b.get_once(&good).await;
    assert_eq!(late.status, 400);

    // A genuine sign-in, then its answer replayed (by this browser or by another).
    let mut b = Browser::new();
    let done = through_provider(&mut b, &site, &start, "dir-a").await;
    assert_eq!(done.status, 303);
    let replayed = b.hops.last().expect("the callback").url.clone();
    assert!(replayed.contains("/callback?"), "{replayed}");
    assert_eq!(b.get_once(&replayed).await.status, 400);
    assert_eq!(Browser::new().get_once(&replayed).await.status, 400);
    // An error sent back by the provider is a refusal, not a crash.
    let err = Browser::new()
        .get_once(&format!(
            "{}/sso/oidc/fed/callback?error=access_denied&state=x",
            site.base
        ))
        .await;
    assert_eq!(err.status, 400);
}

async fn only_local_paths_are_followed_after_sign_in(db: TestDb) {
    let (site, _op) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    for evil in ["//evil.example", "https://evil.example", "/\\evil.example"] {
        let mut b = Browser::new();
        let start = format!("{}/sso/oidc/fed?next={}", site.base, urlencode(evil));
        let done = through_provider(&mut b, &site, &start, "dir-a").await;
        assert_eq!(done.status, 303);
        assert_eq!(
            done.location.as_deref(),
            Some(&*format!("{}/", site.base)),
            "{evil}"
        );
    }
}

fn urlencode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", s)])
        .expect("a URL")
        .query()
        .unwrap_or("")
        .trim_start_matches("v=")
        .to_owned()
}

/// The ID token checks on tokens the real provider signed: the genuine one passes; a wrong
/// nonce, another audience, or a payload changed after signing do not.
async fn forged_or_misdirected_id_tokens_are_refused(db: TestDb) {
    let (site, op) = site(db).await;
    let redirect = format!("{}/sso/oidc/fed/callback", site.base);
    let config = provider("fed", &op.issuer(), MatchBy::Uid, Unknown::Refuse);
    let http = guichet_sso::http_client();
    let client = OidcClient::new(config.clone(), http.clone());
    let pending = Pending::new();
    let url = client
        .authorize_url(&redirect, &pending)
        .await
        .expect("discovery");
    let mut b = Browser::new();
    let hop = b.get(&url).await;
    let req = b
        .post_once(
            &(hop.url.clone() + "/login"),
            &[("login", "dir-a"), ("password", OIDC_PASSWORD)],
        )
        .await;
    let back = b.follow_until(req, |n| n.starts_with(&redirect)).await;
    let code = reqwest::Url::parse(back.location.as_deref().expect("redirected"))
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let meta = client.metadata().await.expect("metadata");
    let tokens: serde_json::Value = http
        .post(&meta.token_endpoint)
        .basic_auth(OIDC_CLIENT_ID, Some(OIDC_CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("code_verifier", &pending.verifier),
        ])
        .send()
        .await
        .expect("token endpoint")
        .json()
        .await
        .expect("tokens");
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    let now = chrono::Utc::now().timestamp();
    let claims = client
        .verify(&meta, id_token, &pending.nonce, now)
        .await
        .expect("the genuine token passes");
    assert_eq!(claims["preferred_username"], "dir-a");
    let err = client
        .verify(&meta, id_token, "another-nonce", now)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("nonce"), "{err}");
    let other = OidcClient::new(
        OidcConfig {
            client_id: "another-client".into(),
            ..config
        },
        http,
    );
    let err = other
        .verify(&meta, id_token, &pending.nonce, now)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("aud"), "{err}");
    let late = now + 3600;
    assert!(
        client
            .verify(&meta, id_token, &pending.nonce, late)
            .await
            .is_err()
    );
    // The same signature over other claims: someone else, as forged by whoever holds a token.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = id_token.split('.').collect();
    let mut forged_claims = claims.clone();
    forged_claims.insert("preferred_username".into(), "admin".into());
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(serde_json::to_vec(&forged_claims).expect("json")),
        parts[2]
    );
    let err = client
        .verify(&meta, &forged, &pending.nonce, now)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("signature"), "{err}");
    // The code was spent above: the provider refuses it a second time.
    assert!(
        client
            .finish(&redirect, &code, &pending, now)
            .await
            .is_err()
    );
}

both_engines!(
    signs_in_and_renews_the_session,
    unknown_people_are_refused_or_created,
    a_forged_state_or_a_replayed_answer_is_refused,
    only_local_paths_are_followed_after_sign_in,
    forged_or_misdirected_id_tokens_are_refused,
);
