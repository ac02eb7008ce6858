//! Scratch: where does a submission's time go? (not committed)
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).expect("url");
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(2000);
    let store = guichet_store::Store::connect(&url, &Default::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let fx = guichet_testkit::fixture::Fixture::build(&store).await;
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let caller = app.caller(fx.director_a.id, "t").await.unwrap();
    let req = || SubmitTicket {
        on_behalf_of: None,
        establishment: None,
        application: Some(fx.lsun.id),
        ticket_type: TicketType::Incident,
        channel: Channel::Api,
        subject: "Écran noir salle info".into(),
        body: "Bonjour, l'écran de l'ordinateur reste noir. Cordialement".into(),
        urgency: Urgency::Medium,
        impact: Impact::Low,
        attachments: vec![],
    };
    let t0 = Instant::now();
    for _ in 0..n {
        app.submit(&caller, req()).await.unwrap();
    }
    let el = t0.elapsed();
    println!(
        "sequential submit: {n} in {el:?} -> {:.0}/s, {:?} each",
        n as f64 / el.as_secs_f64(),
        el / n as u32
    );
    let t0 = Instant::now();
    for _ in 0..n {
        let _ = app.caller(fx.director_a.id, "t").await.unwrap();
    }
    println!("caller(): {:?} each", t0.elapsed() / n as u32);
    let t0 = Instant::now();
    for _ in 0..n {
        let tx = store.write().await.unwrap();
        tx.commit().await.unwrap();
    }
    println!("empty write tx: {:?} each", t0.elapsed() / n as u32);
    let _ = Caller::system("x");
    let t0 = Instant::now();
    let mut hs = vec![];
    for _ in 0..16 {
        let app = app.clone();
        let caller = caller.clone();
        let fxl = fx.lsun.id;
        hs.push(tokio::spawn(async move {
            for _ in 0..(n / 16) {
                app.submit(
                    &caller,
                    SubmitTicket {
                        on_behalf_of: None,
                        establishment: None,
                        application: Some(fxl),
                        ticket_type: TicketType::Incident,
                        channel: Channel::Api,
                        subject: "x écran".into(),
                        body: "y imprimante".into(),
                        urgency: Urgency::Medium,
                        impact: Impact::Low,
                        attachments: vec![],
                    },
                )
                .await
                .unwrap();
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    let el = t0.elapsed();
    println!(
        "16 concurrent: {n} in {el:?} -> {:.0}/s",
        n as f64 / el.as_secs_f64()
    );
}
