//! The LDAP side of a sync: connect (`ldap://`, StartTLS, `ldaps://`), bind, and stream a paged
//! search into batches, so that memory holds one page and one batch whatever the directory's
//! size. The bind password goes to the server and nowhere else.

use crate::DirectoryError;
use crate::aaf::{self, Entry};
use crate::config::LdapConfig;
use guichet_app::directory::{DirectorySync, Source, SyncReport};
use guichet_app::{App, Caller};
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchStream};
use std::sync::Arc;
use std::time::Duration;

/// Connects and binds.
pub async fn connect(config: &LdapConfig) -> Result<Ldap, DirectoryError> {
    if config.url.trim().is_empty() {
        return Err(DirectoryError::NotConfigured(
            "directory.url is empty".into(),
        ));
    }
    let timeout = Duration::from_secs(config.timeout_seconds.max(1));
    let mut settings = LdapConnSettings::new()
        .set_conn_timeout(timeout)
        .set_starttls(config.starttls);
    if let Some(path) = &config.ca_file {
        settings = settings.set_config(Arc::new(tls_config(path)?));
    }
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &config.url)
        .await
        .map_err(|e| DirectoryError::Ldap(format!("connecting to {}: {e}", config.url)))?;
    ldap3::drive!(conn);
    if !config.bind_dn.is_empty() {
        ldap.with_timeout(timeout)
            .simple_bind(&config.bind_dn, config.bind_password.expose())
            .await
            .and_then(|r| r.success())
            .map_err(|e| DirectoryError::Ldap(format!("binding as {}: {e}", config.bind_dn)))?;
    }
    Ok(ldap)
}

/// A TLS client trusting the certificate authorities of a PEM file, on the ring provider.
fn tls_config(path: &std::path::Path) -> Result<rustls::ClientConfig, DirectoryError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let tls = |e: &dyn std::fmt::Display| DirectoryError::Tls(format!("{}: {e}", path.display()));
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| tls(&e))? {
        roots.add(cert.map_err(|e| tls(&e))?).map_err(|e| tls(&e))?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| tls(&e))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// The entries under a base matching a filter, read page by page (the server sends the next
/// page only once this one is consumed) and handed out in batches.
struct Pages {
    search: SearchStream<'static, String, Vec<String>>,
    batch_size: usize,
    base: String,
    done: bool,
}

impl Pages {
    async fn open(
        ldap: &mut Ldap,
        config: &LdapConfig,
        base: &str,
        filter: &str,
        attrs: Vec<String>,
    ) -> Result<Self, DirectoryError> {
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
            Box::new(EntriesOnly::new()),
            Box::new(PagedResults::new(config.page_size)),
        ];
        let search = ldap
            .with_timeout(Duration::from_secs(config.timeout_seconds.max(1)))
            .streaming_search_with(adapters, base, Scope::Subtree, filter, attrs)
            .await
            .map_err(|e| DirectoryError::Ldap(format!("searching {base}: {e}")))?;
        Ok(Self {
            search,
            batch_size: config.batch_size.max(1),
            base: base.to_owned(),
            done: false,
        })
    }

    /// The next batch; `None` once the search is over (and its result checked).
    async fn next_batch(&mut self) -> Result<Option<Vec<Entry>>, DirectoryError> {
        let base = &self.base;
        let ldap_err = |e: ldap3::LdapError| DirectoryError::Ldap(format!("searching {base}: {e}"));
        let mut batch = Vec::new();
        while !self.done && batch.len() < self.batch_size {
            match self.search.next().await.map_err(ldap_err)? {
                Some(entry) => {
                    let e = SearchEntry::construct(entry);
                    batch.push(Entry::new(e.dn, e.attrs));
                }
                None => {
                    self.done = true;
                    self.search.finish().await.success().map_err(ldap_err)?;
                }
            }
        }
        Ok((!batch.is_empty()).then_some(batch))
    }
}

/// A full sync: establishments (when a base is configured), then people, then departures.
/// With `dry_run`, nothing changes but the run's record.
pub async fn sync(
    app: &App,
    caller: &Caller,
    config: &LdapConfig,
    dry_run: bool,
) -> Result<SyncReport, DirectoryError> {
    let mut ldap = connect(config).await?;
    let mut run = app
        .start_directory_run(caller, Source::Ldap, dry_run)
        .await?;
    match read_all(app, &mut ldap, config, &mut run).await {
        Ok(()) => {
            let _ = ldap.unbind().await;
            Ok(app.finish_directory_run(caller, run, true).await?)
        }
        Err(e) => {
            let _ = ldap.unbind().await;
            app.fail_directory_run(run, &e.to_string()).await?;
            Err(e)
        }
    }
}

async fn read_all(
    app: &App,
    ldap: &mut Ldap,
    config: &LdapConfig,
    run: &mut DirectorySync,
) -> Result<(), DirectoryError> {
    let m = &config.mapping;
    let today = app.now().date_naive();
    if !config.establishments_base.trim().is_empty() {
        let attrs = [
            &m.establishment_uai,
            &m.establishment_name,
            &m.establishment_type,
            &m.establishment_commune,
        ]
        .into_iter()
        .cloned()
        .collect();
        let mut pages = Pages::open(
            ldap,
            config,
            &config.establishments_base,
            &config.establishments_filter,
            attrs,
        )
        .await?;
        while let Some(entries) = pages.next_batch().await? {
            let records: Vec<_> = entries.iter().map(|e| aaf::establishment(e, m)).collect();
            app.sync_establishments(run, &records).await?;
        }
    }
    let attrs = [
        &m.uid,
        &m.display_name,
        &m.surname,
        &m.given_name,
        &m.mail,
        &m.assignments,
        &m.responsibilities,
        &m.functions,
        &m.delegations,
    ]
    .into_iter()
    .cloned()
    .collect();
    let mut pages = Pages::open(
        ldap,
        config,
        &config.people_base,
        &config.people_filter,
        attrs,
    )
    .await?;
    while let Some(entries) = pages.next_batch().await? {
        let records: Vec<_> = entries.iter().map(|e| aaf::person(e, m, today)).collect();
        app.sync_persons(run, &records).await?;
    }
    Ok(())
}
