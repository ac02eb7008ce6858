//! The TLS client both mail protocols share: rustls on ring, trusting the system's roots and,
//! when configured, the académie's own certificate authority.

use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// A connector for `host`, and the name its certificate must carry. The error names what is
/// wrong (`ca_file: …`, `host: …`), for the caller to prefix with its setting's section.
pub(crate) fn connector(
    host: &str,
    ca_file: Option<&Path>,
) -> Result<(TlsConnector, ServerName<'static>), String> {
    let mut roots = RootCertStore::empty();
    // An unreadable system store is not fatal when a CA file is given.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = ca_file {
        let bad = |e: String| format!("ca_file: {}: {e}", path.display());
        let certs: Vec<_> = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("no certificate in it".into()));
        }
        roots.add_parsable_certificates(certs);
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let tls = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.trim().to_owned()).map_err(|e| format!("host: {e}"))?;
    Ok((TlsConnector::from(Arc::new(tls)), name))
}
