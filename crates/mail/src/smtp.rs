//! Handing messages to an SMTP server with lettre (pooled connections; none, STARTTLS or TLS on
//! rustls with ring). Behind the [`Mailer`] trait, so the job handler does not care which
//! server it talks to. The server's answer is kept: it is the delivery state administrators see.

use crate::config::{Security, SmtpConfig};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::time::Duration;

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server may accept it later (4xx, no connection, timeout): try again after a while.
    #[error("{0}")]
    Transient(String),
    /// The server refused it for good (5xx): trying again will not help.
    #[error("{0}")]
    Permanent(String),
}

/// Sends one message; returns the server's answer when it accepted it.
pub trait Mailer: Send + Sync + 'static {
    fn send(&self, message: Message) -> impl Future<Output = Result<String, SendError>> + Send;
}

/// Idle connections the pool keeps for reuse (lettre's default is 10). Two workers each mailing
/// a broadcast's messages eight at a time use sixteen; fewer kept would mean reconnecting
/// (greeting, EHLO, QUIT) for some messages of every round.
const POOL_IDLE_MAX: u32 = 16;

/// Why the SMTP settings cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("mail.smtp: {0}")]
pub struct SetupError(String);

/// A [`Mailer`] over a pool of SMTP connections.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpMailer")
    }
}

impl SmtpMailer {
    /// Builds the transport; connects only when the first message goes out.
    pub fn new(config: &SmtpConfig) -> Result<Self, SetupError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(SetupError("host: not set".into()));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))))
            .pool_config(PoolConfig::new().max_size(POOL_IDLE_MAX));
        if config.security != Security::None {
            let mut params = TlsParameters::builder(host.to_owned());
            if let Some(path) = &config.ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| SetupError(format!("ca_file: {}: {e}", path.display())))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| SetupError(format!("ca_file: {}: {e}", path.display())))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build_rustls()
                .map_err(|e| SetupError(format!("TLS: {e}")))?;
            builder = builder.tls(match config.security {
                Security::Starttls => Tls::Required(params),
                _ => Tls::Wrapper(params),
            });
        }
        if !config.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.expose().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
        })
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, message: Message) -> Result<String, SendError> {
        match self.transport.send(message).await {
            Ok(response) => Ok(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
