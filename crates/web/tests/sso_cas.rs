//! CAS sign-on against a real CAS server (django-cas-server, started per test): CAS 3.0 with
//! attributes and CAS 2.0, people mapped by uid or by the `mail` attribute, unknown people
//! refused or created, a forged ticket, open redirects, and single logout both ways (the CAS
//! server's back-channel request ends the Guichet session; signing out of Guichet goes through
//! the CAS server's logout).

mod sso_common;

use guichet_sso::{CasConfig, CasVersion, MatchBy, SsoConfig, Unknown};
use guichet_testkit::cas::{CasAccount, CasServer};
use guichet_testkit::{TestDb, both_engines};
use sso_common::{Browser, Hop, Listener, Site};

fn provider(
    id: &str,
    url: &str,
    version: CasVersion,
    match_by: MatchBy,
    unknown: Unknown,
) -> CasConfig {
    CasConfig {
        id: id.into(),
        label: format!("ENT {id}"),
        url: url.into(),
        version,
        match_by,
        attribute: if match_by == MatchBy::Email {
            "mail".into()
        } else {
            String::new()
        },
        email_attribute: "mail".into(),
        name_attribute: "givenName".into(),
        unknown,
        logout: true,
    }
}

/// Guichet with four entries on one real CAS server: `ent` (CAS 3.0, by user name, unknown
/// people refused), `ent-mail` (by the `mail` attribute), `ent-open` (unknown people created),
/// `ent-v2` (CAS 2.0).
async fn site(db: TestDb) -> (Site, CasServer) {
    let cas = CasServer::start(&[
        CasAccount::new("dir-a", "ignored@ac-test.fr", "Directrice", "A"),
        CasAccount::new("prof", "prof.a@ac-test.fr", "Prof", "A"),
        CasAccount::new("sansmail", "", "Sans", "Mail"),
        CasAccount::new("inconnu", "inconnu@ac-test.fr", "Inconnu", "X"),
        CasAccount::new("nouveau", "nouveau@ac-test.fr", "Nouvelle", "Personne"),
    ]);
    let url = cas.url();
    let listener = Listener::bind().await;
    let sso = SsoConfig {
        cas: vec![
            provider("ent", &url, CasVersion::V3, MatchBy::Uid, Unknown::Refuse),
            provider(
                "ent-mail",
                &url,
                CasVersion::V3,
                MatchBy::Email,
                Unknown::Refuse,
            ),
            provider(
                "ent-open",
                &url,
                CasVersion::V3,
                MatchBy::Uid,
                Unknown::Create,
            ),
            provider(
                "ent-v2",
                &url,
                CasVersion::V2,
                MatchBy::Uid,
                Unknown::Refuse,
            ),
        ],
        ..SsoConfig::default()
    };
    let site = listener.serve(db, sso).await;
    (site, cas)
}

/// From `start` (a Guichet URL) through the CAS login form as `username`; stops at Guichet's
/// answer to the ticket (not followed).
async fn through_cas(b: &mut Browser, site: &Site, start: &str, username: &str) -> Hop {
    let form = b.get(start).await;
    assert_eq!(form.status, 200, "the CAS login page: {}", form.body);
    let mut fields: Vec<(String, String)> = [
        "csrfmiddlewaretoken",
        "lt",
        "service",
        "renew",
        "gateway",
        "method",
    ]
    .iter()
    .filter_map(|n| form.hidden(n).map(|v| ((*n).to_owned(), v)))
    .collect();
    fields.push(("username".into(), username.into()));
    fields.push(("password".into(), "secret".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = form.url.split('?').next().unwrap_or("").to_owned()
        + "?"
        + form.url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let posted = b.post_once(&url, &pairs).await;
    let back = b
        .follow_until(posted, |n| {
            n.starts_with(&format!("{}/sso/cas/", site.base))
        })
        .await;
    let to = back
        .location
        .clone()
        .unwrap_or_else(|| panic!("no ticket: {}", back.body));
    assert!(to.contains("ticket=ST-"), "{to}");
    b.get_once(&to).await
}

async fn signs_in_with_cas_and_renews_the_session(db: TestDb) {
    let (site, _cas) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    let mut b = Browser::new();
    let page = b.get(&format!("{}/sign-in", site.base)).await;
    assert!(page.has("ENT ent"), "{}", page.body);
    b.set_cookie(&site.base, "guichet_session", "planted-by-someone-else");
    let start = format!("{}/sso/cas/ent?next=/requests/new", site.base);
    let done = through_cas(&mut b, &site, &start, "dir-a").await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(&*format!("{}/requests/new", site.base))
    );
    let session = b.cookie(&site.base, "guichet_session").expect("a session");
    assert_ne!(session, "planted-by-someone-else");
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has(&site.fx.director_a.display_name), "{}", home.body);

    // CAS 2.0: the user name alone.
    let mut b = Browser::new();
    let start = format!("{}/sso/cas/ent-v2", site.base);
    let done = through_cas(&mut b, &site, &start, "dir-a").await;
    assert_eq!(done.status, 303, "CAS 2.0: {}", done.body);
    // A ticket is good once: the same answer again is refused.
    let replay = b.hops.last().expect("the ticket hop").url.clone();
    let again = Browser::new().get_once(&replay).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.has("La connexion n'a pas abouti"));
    // A made-up ticket too.
    let forged = Browser::new()
        .get_once(&format!("{}/sso/cas/ent?ticket=ST-1-forged", site.base))
        .await;
    assert_eq!(forged.status, 400);
}

async fn maps_by_attribute_and_applies_the_unknown_policy(db: TestDb) {
    let (site, _cas) = site(db).await;
    // By the CAS 3.0 attribute `mail`: the teacher, whose directory uid is not the CAS name.
    let teacher = guichet_store::person::Person {
        email: "prof.a@ac-test.fr".into(),
        ..site.fx.teacher_a.clone()
    };
    site.set_uid(&teacher, "t-a-0042").await;
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent-mail", site.base),
        "prof",
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has(&site.fx.teacher_a.display_name), "{}", home.body);
    // By the `mail` attribute: the CAS account `inconnu` carries no Guichet person's address.
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent-mail", site.base),
        "inconnu",
    )
    .await;
    assert_eq!(done.status, 403);
    assert!(
        done.has("Votre compte n'a pas accès à Guichet"),
        "{}",
        done.body
    );
    // Refused on `ent` too (no such uid), then created on `ent-open`.
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent", site.base),
        "nouveau",
    )
    .await;
    assert_eq!(done.status, 403);
    assert!(site.person("nouveau@ac-test.fr").await.is_none());
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent-open", site.base),
        "nouveau",
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let created = site.person("nouveau@ac-test.fr").await.expect("created");
    assert_eq!(created.uid.as_deref(), Some("nouveau"));
    assert_eq!(created.display_name, "Nouvelle");
    // Without an email, nobody can be created: refused.
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent-open", site.base),
        "sansmail",
    )
    .await;
    assert_eq!(done.status, 403);
    // Deactivated people are refused.
    site.set_uid(&site.fx.director_b, "inconnu").await;
    site.deactivate(&site.fx.director_b).await;
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent", site.base),
        "inconnu",
    )
    .await;
    assert_eq!(done.status, 403);
    assert!(
        done.has("Votre compte Guichet est désactivé"),
        "{}",
        done.body
    );
}

async fn only_local_paths_are_followed_after_sign_in(db: TestDb) {
    let (site, _cas) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    for evil in ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example"] {
        let mut b = Browser::new();
        let start = format!("{}/sso/cas/ent?next={evil}", site.base);
        let done = through_cas(&mut b, &site, &start, "dir-a").await;
        assert_eq!(done.status, 303);
        assert_eq!(
            done.location.as_deref(),
            Some(&*format!("{}/", site.base)),
            "{evil}"
        );
    }
}

async fn single_logout_ends_the_session(db: TestDb) {
    let (site, cas) = site(db).await;
    site.set_uid(&site.fx.director_a, "dir-a").await;
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent", site.base),
        "dir-a",
    )
    .await;
    assert_eq!(done.status, 303);
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(home.has(&site.fx.director_a.display_name));
    // Signing out at the CAS server: it tells Guichet, which ends the session.
    let out = b.get(&format!("{}/logout", cas.url())).await;
    assert_eq!(out.status, 200, "{}", out.body);
    let home = b.get(&format!("{}/", site.base)).await;
    assert!(
        !home.has(&site.fx.director_a.display_name),
        "still signed in: {}",
        home.body
    );
    let session = b.cookie(&site.base, "guichet_session");
    let left = match session {
        Some(c) => site
            .app
            .session_caller(&c, "test", &Default::default())
            .await
            .expect("reads"),
        None => None,
    };
    assert!(left.is_none(), "the session survived single logout");

    // Signing out of Guichet goes through the CAS server's logout, and back to the sign-in page.
    let mut b = Browser::new();
    let done = through_cas(
        &mut b,
        &site,
        &format!("{}/sso/cas/ent", site.base),
        "dir-a",
    )
    .await;
    assert_eq!(done.status, 303);
    let home = b.get(&format!("{}/", site.base)).await;
    let csrf = home.hidden("csrf").expect("the sign-out form's token");
    let out = b
        .post_once(&format!("{}/sign-out", site.base), &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    let to = out.location.clone().expect("a redirect");
    assert_eq!(
        to,
        format!(
            "{}/logout?service={}",
            cas.url(),
            urlencode(&format!("{}/sign-in", site.base))
        )
    );
    assert!(b.cookie(&site.base, "guichet_session").is_none());
}

fn urlencode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", s)])
        .expect("a URL")
        .query()
        .unwrap_or("")
        .trim_start_matches("v=")
        .to_owned()
}

both_engines!(
    signs_in_with_cas_and_renews_the_session,
    maps_by_attribute_and_applies_the_unknown_policy,
    only_local_paths_are_followed_after_sign_in,
    single_logout_ends_the_session,
);
