//! Lists show exactly the tickets the permission rules let each person read: the SQL of
//! `list_tickets` and `guichet_core::permission::may` never disagree.

mod common;

use chrono::Duration;
use common::{at, ids, insert, list_all, new_ticket, subject_of};
use guichet_core::OrgNodeId;
use guichet_core::org::OrgKind;
use guichet_core::permission::{TicketAction, may};
use guichet_core::person::{Locale, RoleKind};
use guichet_store::org::NewOrgNode;
use guichet_store::person::{NewPerson, Person};
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(each_person_lists_exactly_what_they_may_read);

async fn each_person_lists_exactly_what_they_may_read(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let store = &db.store;
    let t0 = at(2026, 2, 2, 9, 0, 0);

    // Beyond the fixture: a partner organisation (a town hall) with its own staff, steering staff
    // reading the whole académie, the partner, or one school, and a director whose role is held
    // at a circonscription (so heads no establishment).
    let mut tx = store.write().await.expect("write");
    let mairie = tx
        .insert_org_node(
            &NewOrgNode {
                kind: OrgKind::Partner,
                parent: Some(fx.dep21.id),
                name: "Mairie de Dijon".into(),
                code: None,
                uai: None,
                establishment_type: None,
                commune: Some("Dijon".into()),
            },
            t0,
        )
        .await
        .expect("partner node");
    let mut person = async |email: &str, roles: &[(RoleKind, OrgNodeId)]| {
        let p = tx
            .insert_person(
                &NewPerson {
                    uid: None,
                    email: email.into(),
                    display_name: email.into(),
                    locale: Locale::Fr,
                },
                t0,
            )
            .await
            .expect("person");
        for (kind, node) in roles {
            tx.add_role(p.id, *kind, *node).await.expect("role");
        }
        p
    };
    let mairie_staff = person("agent@mairie-dijon.fr", &[(RoleKind::Staff, mairie.id)]).await;
    let steering_acad = person("dne@ac-dijon.fr", &[(RoleKind::Steering, fx.academie.id)]).await;
    let steering_mairie = person(
        "numerique@mairie-dijon.fr",
        &[(RoleKind::Steering, mairie.id)],
    )
    .await;
    let steering_school = person("erun@ac-dijon.fr", &[(RoleKind::Steering, fx.school_b.id)]).await;
    let director_circ = person("cpc@ac-dijon.fr", &[(RoleKind::Director, fx.circ_dijon.id)]).await;
    tx.commit().await.expect("commit");
    let spec = [
        // requester, establishment, group
        (&fx.teacher_a, Some(&fx.school_a), Some(&fx.dsi_n1)), // 1
        (&fx.director_a, Some(&fx.school_a), None),            // 2
        (&fx.director_b, Some(&fx.school_b), Some(&fx.dsi_n2)), // 3
        (&fx.director_b, Some(&fx.school_b), Some(&fx.dsden_n1)), // 4: teacher_a watches it
        (&fx.director_c, Some(&fx.school_c), Some(&fx.dsden_n1)), // 5
        (&fx.director_c, Some(&fx.school_c), Some(&fx.dsi_n2)), // 6: agent_n1 is assigned
        (&fx.agent_dsden, None, None),                         // 7: no establishment
        (&mairie_staff, Some(&mairie), Some(&fx.dsi_n1)),      // 8: at a partner
    ];
    let mut tickets: Vec<Ticket> = Vec::new();
    for (i, (requester, school, group)) in spec.iter().enumerate() {
        let t = new_ticket(
            store,
            requester.id,
            school.map(|s| s.id),
            group.map(|g| g.id),
            &format!("Ticket {}", i + 1),
            t0 + Duration::minutes(i as i64),
        )
        .await;
        tickets.push(insert(store, &t).await);
    }
    let mut tx = store.write().await.expect("write");
    tx.add_watcher(tickets[3].id, fx.teacher_a.id)
        .await
        .expect("watcher");
    let mut assigned = tickets[5].clone();
    assigned.assignee = Some(fx.agent_n1.id);
    assigned.status = guichet_core::lifecycle::Status::Assigned;
    tx.update_ticket(&assigned).await.expect("assigned");
    tx.commit().await.expect("commit");

    // Read back: watchers and the assignment are part of what the rules look at.
    let mut conn = store.read().await.expect("read");
    let mut stored = Vec::new();
    for t in &tickets {
        stored.push(conn.ticket(t.id).await.expect("ticket"));
    }
    drop(conn);
    let n = |k: &[usize]| -> Vec<i64> { k.iter().map(|i| stored[i - 1].id.0).collect() };

    let people: [(&Person, Vec<i64>); 16] = [
        (&fx.teacher_a, n(&[1, 4])),
        (&fx.director_a, n(&[1, 2])),
        (&fx.director_b, n(&[3, 4])),
        (&fx.director_c, n(&[5, 6])),
        (&fx.ien_dijon, n(&[1, 2, 3, 4])),
        (&fx.dasen71, n(&[5, 6])),
        (&fx.agent_n1, n(&[1, 6, 8])),
        (&fx.agent_n1_bis, n(&[1, 8])),
        (&fx.agent_n2, n(&[3, 6])),
        (&fx.agent_dsden, n(&[4, 5, 7])),
        (&fx.admin, n(&[1, 2, 3, 4, 5, 6, 7, 8])),
        (&mairie_staff, n(&[8])),
        (&steering_acad, n(&[1, 2, 3, 4, 5, 6, 8])),
        (&steering_mairie, n(&[8])),
        (&steering_school, n(&[3, 4])),
        (&director_circ, n(&[])),
    ];
    for (person, expected) in &people {
        let subject = subject_of(store, person).await;
        let allowed: Vec<i64> = stored
            .iter()
            .filter(|t| may(&subject, TicketAction::Read, &t.facts()).is_ok())
            .map(|t| t.id.0)
            .collect();
        assert_eq!(
            &allowed, expected,
            "the rules let {} read these tickets",
            person.display_name
        );
        for page_size in [2, 50] {
            let listed = list_all(
                store,
                &TicketFilter::default(),
                &subject.visibility(),
                Sort::OldestFirst,
                page_size,
            )
            .await;
            assert_eq!(
                ids(&listed),
                allowed,
                "{} lists what they may read (pages of {page_size})",
                person.display_name
            );
        }
    }
}
