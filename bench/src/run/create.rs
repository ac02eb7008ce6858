//! Ticket creation: varied French bodies sent by N concurrent clients until the count or the
//! deadline is reached.

use super::*;

pub(super) const SUBJECTS: &[&str] = &[
    "Impossible d'imprimer les bulletins du trimestre",
    "Connexion à l'ENT refusée pour une classe de CM2",
    "Messagerie : les courriels n'arrivent plus depuis ce matin",
    "Imprimante de la salle des maîtres hors service",
    "Mot de passe oublié pour LSUN",
    "Tableau numérique : l'ordinateur ne détecte plus l'écran",
    "Réseau wifi très lent dans le bâtiment B",
    "Demande d'ouverture de compte pour une remplaçante",
];

pub(super) const BODIES: &[&str] = &[
    "Bonjour, depuis lundi l'application affiche une erreur à l'enregistrement des appréciations. \
     Nous avons essayé avec Firefox et Chrome, sans succès. Merci de votre aide.",
    "Bonjour, plusieurs élèves n'arrivent pas à se connecter malgré des identifiants corrects. \
     Le message indique « compte verrouillé ». Cordialement, la directrice.",
    "L'imprimante réseau affiche « bourrage papier » alors qu'aucune feuille n'est coincée. \
     Nous l'avons redémarrée deux fois. Pouvez-vous envoyer un technicien ?",
    "Bonjour, je remplace une collègue jusqu'aux vacances de février et je n'ai pas encore d'accès. \
     Pourriez-vous créer mon compte ? Merci d'avance.",
];

pub(super) fn ticket_body(i: usize, run: &str, apps: &[String], uais: &[String]) -> Value {
    let urgency = ["medium", "low", "high"][i % 3];
    let impact = ["low", "medium"][i % 2];
    let mut v = json!({
        "subject": format!("{} (réf. {run}-{i:06})", SUBJECTS[i % SUBJECTS.len()]),
        "body": BODIES[i % BODIES.len()],
        "urgency": urgency,
        "impact": impact,
    });
    if !apps.is_empty() {
        v["application"] = json!(apps[i % apps.len()]);
    }
    if !uais.is_empty() {
        v["establishment"] = json!(uais[(i / 3) % uais.len()]);
    }
    v
}

/// What one creation run found.
#[derive(Debug)]
pub(super) struct CreateResult {
    pub(super) ok: usize,
    pub(super) errors: usize,
    pub(super) elapsed: Duration,
    pub(super) latencies: Latencies,
    pub(super) error_sample: Vec<String>,
}

/// `count` POSTs by `concurrency` clients sharing one counter; stops early at `deadline`.
pub(super) async fn create(
    client: &Client,
    base: &Url,
    args: &Arc<RunArgs>,
    concurrency: usize,
    count: usize,
    run: &str,
    deadline: Instant,
) -> anyhow::Result<CreateResult> {
    let url = base.join("/api/v1/tickets")?;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (client, url, args, next, run) = (
            client.clone(),
            url.clone(),
            Arc::clone(args),
            Arc::clone(&next),
            run.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Latencies::with_capacity(count / concurrency.max(1) + 1);
            let mut errors = 0usize;
            let mut sample = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || Instant::now() >= deadline {
                    break;
                }
                let body = ticket_body(i, &run, &args.applications, &args.create_uais);
                let t = Instant::now();
                let res = client
                    .post(url.clone())
                    .bearer_auth(&args.token)
                    .json(&body)
                    .send()
                    .await;
                let outcome = match res {
                    Ok(r) => {
                        let status = r.status();
                        match r.bytes().await {
                            Ok(_) if status == StatusCode::CREATED => Ok(()),
                            Ok(b) => Err(format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&b[..b.len().min(300)])
                            )),
                            Err(e) => Err(format!("{status}: reading the body: {e}")),
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                match outcome {
                    Ok(()) => lat.record(t.elapsed()),
                    Err(e) => {
                        errors += 1;
                        if sample.len() < 3 {
                            sample.push(e);
                        }
                    }
                }
            }
            (lat, errors, sample)
        }));
    }
    let mut result = CreateResult {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Latencies::with_capacity(count),
        error_sample: Vec::new(),
    };
    for t in tasks {
        let (lat, errors, sample) = t.await.context("a client task failed")?;
        result.ok += lat.len();
        result.latencies.merge(lat);
        result.errors += errors;
        result.error_sample.extend(sample);
    }
    result.elapsed = started.elapsed();
    Ok(result)
}
