//! The demo data on a real database: a small load checked for the properties the demo and the
//! benchmark rely on, on SQLite and PostgreSQL; determinism; and (ignored) the timing of a full
//! 50,000-ticket load.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use guichet_core::lifecycle::Status;
use guichet_core::org::OrgKind;
use guichet_core::permission::Visibility;
use guichet_core::person::RoleKind;
use guichet_core::ticket::EntryKind;
use guichet_core::{OrgNodeId, PersonId, Uai};
use guichet_demo::{DemoOptions, load, load_tickets};
use guichet_store::Store;
use guichet_store::org::OrgNode;
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::{Cursor, Sort, TicketFilter};
use guichet_testkit::{TestDb, both_engines};
use std::collections::{HashMap, HashSet};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 20, 10, 30, 0)
        .single()
        .expect("a valid date")
}

async fn all_tickets(store: &Store) -> Vec<Ticket> {
    let mut conn = store.read().await.expect("a connection");
    let everything = Visibility {
        all: true,
        person: PersonId(0),
        establishments: vec![],
        zones: vec![],
        groups: vec![],
        assignees: vec![],
    };
    let mut out = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let page = conn
            .list_tickets(
                &TicketFilter::default(),
                &everything,
                Sort::OldestFirst,
                after.as_ref(),
                500,
            )
            .await
            .expect("a page of tickets");
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

async fn establishments(store: &Store) -> Vec<OrgNode> {
    let mut conn = store.read().await.expect("a connection");
    let mut out: Vec<OrgNode> = Vec::new();
    loop {
        let after = out.last().map(|n| (n.name.clone(), n.id.0));
        let page = conn
            .list_org_nodes(Some(OrgKind::Etablissement), None, None, after, 1_000)
            .await
            .expect("a page of nodes");
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// Every role held, by node.
async fn roles_by_node(store: &Store) -> HashMap<OrgNodeId, Vec<RoleKind>> {
    let mut conn = store.read().await.expect("a connection");
    let mut persons = Vec::new();
    loop {
        let after = persons
            .last()
            .map(|p: &guichet_store::person::Person| (p.display_name.clone(), p.id.0));
        let page = conn
            .list_persons(None, after, 1_000)
            .await
            .expect("a page of persons");
        if page.is_empty() {
            break;
        }
        persons.extend(page);
    }
    let mut out: HashMap<OrgNodeId, Vec<RoleKind>> = HashMap::new();
    for p in &persons {
        for r in conn.roles_of(p.id).await.expect("roles") {
            out.entry(r.node).or_default().push(r.kind);
        }
    }
    out
}

async fn small_load(db: TestDb) {
    let opts = DemoOptions {
        tickets: 2_000,
        seed: 7,
        now: now(),
    };
    let report = load(&db.store, &opts).await.expect("demo data loads");
    assert!(!report.already_loaded);
    assert_eq!(report.tickets, 2_000);
    assert!(
        (1_700..=1_900).contains(&report.establishments),
        "{report:?}"
    );
    assert!((2_000..=2_800).contains(&report.persons), "{report:?}");
    assert!((50..=70).contains(&report.agents), "{report:?}");
    assert_eq!(report.logins.len(), 7);

    // Every establishment has a valid UAI and a director (or head for collèges and lycées).
    let nodes = establishments(&db.store).await;
    assert_eq!(nodes.len(), report.establishments);
    let roles = roles_by_node(&db.store).await;
    for node in &nodes {
        let uai = node.uai.as_ref().expect("every establishment has a UAI");
        assert_eq!(Uai::parse(uai.as_str()).as_ref(), Ok(uai));
        let kind = node.establishment_type.expect("a type");
        let head = if kind.is_primary() {
            RoleKind::Director
        } else {
            RoleKind::Head
        };
        let held = roles.get(&node.id).cloned().unwrap_or_default();
        assert!(held.contains(&head), "{} has no {head}", node.name);
        assert!(node.commune.is_some());
    }
    let circonscriptions = db
        .store
        .read()
        .await
        .expect("a connection")
        .list_org_nodes(Some(OrgKind::Circonscription), None, None, None, 1_000)
        .await
        .expect("circonscriptions");
    assert!((35..=45).contains(&circonscriptions.len()));
    for c in &circonscriptions {
        let held = roles.get(&c.id).cloned().unwrap_or_default();
        assert!(held.contains(&RoleKind::Ien), "{} has no IEN", c.name);
    }

    // Tickets: unique references, none after now, seasons, a plausible mix of statuses.
    let tickets = all_tickets(&db.store).await;
    assert_eq!(tickets.len(), 2_000);
    let references: HashSet<String> = tickets.iter().map(|t| t.reference.to_string()).collect();
    assert_eq!(references.len(), tickets.len());
    let mut by_month = [0usize; 13];
    for t in &tickets {
        assert!(
            t.created_at <= now() && t.updated_at <= now(),
            "{}",
            t.reference
        );
        assert!(t.updated_at >= t.created_at);
        assert!(t.zone.establishment.is_some() && t.zone.departement.is_some());
        assert!(t.group.is_some());
        by_month[t.created_at.month() as usize] += 1;
        if t.status == Status::Closed {
            assert!(t.closed_at.is_some() && t.resolved_at.is_some() && t.solution.is_some());
        }
        if t.status.is_open() {
            assert!(t.closed_at.is_none());
        }
    }
    assert!(by_month[9] > 2 * by_month[8], "{by_month:?}");
    let count = |f: &dyn Fn(&Ticket) -> bool| tickets.iter().filter(|t| f(t)).count();
    let old = |t: &Ticket| (now() - t.created_at).num_days() > 60;
    let old_closed = count(&|t| old(t) && matches!(t.status, Status::Closed));
    assert!(
        old_closed * 10 > count(&old) * 8,
        "most old tickets are closed"
    );
    assert!(
        count(&|t| t.status.is_open()) > 0,
        "some recent tickets are open"
    );
    assert!(count(&|t| t.satisfaction.is_some()) > 0);

    // A timeline starts with the request as submitted, by the requester.
    let t = tickets
        .iter()
        .find(|t| t.status == Status::Closed)
        .expect("a closed ticket");
    let mut conn = db.store.read().await.expect("a connection");
    let timeline = conn.timeline(t.id, true).await.expect("the timeline");
    assert_eq!(timeline[0].kind, EntryKind::Submitted);
    assert_eq!(timeline[0].author, Some(t.requester));
    assert!(timeline.iter().any(|e| e.kind == EntryKind::Resolution));
    assert!(
        timeline
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at)
    );

    // The demo logins exist with their password.
    for login in &report.logins {
        let person = conn
            .person_by_email(&login.email)
            .await
            .unwrap_or_else(|e| panic!("{} not found: {e}", login.email));
        let hash = conn
            .password_hash(person.id)
            .await
            .expect("a hash")
            .expect("a password is set");
        assert!(guichet_app::password::verify(&login.password, &hash));
    }
    drop(conn);

    // A second load changes nothing.
    let again = load(&db.store, &opts).await.expect("second load");
    assert!(again.already_loaded);
    assert_eq!(again.logins, report.logins);
    assert_eq!(all_tickets(&db.store).await.len(), 2_000);

    // More tickets on top, for the benchmark: references keep counting.
    let mut calls = Vec::new();
    let added = load_tickets(&db.store, 700, 8, now(), |done| calls.push(done))
        .await
        .expect("more tickets");
    assert_eq!(added, 700);
    assert_eq!(calls.last(), Some(&700));
    let tickets = all_tickets(&db.store).await;
    let references: HashSet<String> = tickets.iter().map(|t| t.reference.to_string()).collect();
    assert_eq!(references.len(), 2_700);
}

both_engines!(small_load);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_data() {
    let summary = |tickets: Vec<Ticket>| -> Vec<(String, String, Status, DateTime<Utc>)> {
        tickets
            .into_iter()
            .map(|t| (t.reference.to_string(), t.subject, t.status, t.created_at))
            .collect()
    };
    let opts = DemoOptions {
        tickets: 300,
        seed: 99,
        now: now(),
    };
    let (a, b) = (TestDb::sqlite().await, TestDb::sqlite().await);
    load(&a.store, &opts).await.expect("load a");
    load(&b.store, &opts).await.expect("load b");
    let (ta, tb) = (all_tickets(&a.store).await, all_tickets(&b.store).await);
    assert_eq!(summary(ta), summary(tb));
    let names = |nodes: Vec<OrgNode>| -> Vec<(String, Option<Uai>)> {
        nodes.into_iter().map(|n| (n.name, n.uai)).collect()
    };
    assert_eq!(
        names(establishments(&a.store).await),
        names(establishments(&b.store).await)
    );
}

async fn time_a_full_load(db: TestDb) {
    let started = std::time::Instant::now();
    let report = load(&db.store, &DemoOptions::default())
        .await
        .expect("demo data loads");
    let elapsed = started.elapsed();
    eprintln!(
        "{:?}: loaded {} establishments, {} persons, {} tickets in {:.1} s",
        db.engine(),
        report.establishments,
        report.persons,
        report.tickets,
        elapsed.as_secs_f64()
    );
    assert_eq!(report.tickets, 50_000);
}

/// `cargo test --release -p guichet-demo -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: loads 50,000 tickets"]
async fn time_a_full_load_on_sqlite() {
    time_a_full_load(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: loads 50,000 tickets"]
async fn time_a_full_load_on_postgres() {
    time_a_full_load(TestDb::postgres().await).await;
}
