//! Handing messages to an SMTP server: lettre speaks SMTP, over connections this module opens
//! and pools itself (none, STARTTLS or TLS, rustls on ring). Behind the [`Mailer`] trait, so the
//! job handlers do not care which server they talk to. The server's answer is kept: it is the
//! delivery state administrators see.
//!
//! Why not lettre's own pooled transport: its sockets keep Nagle's algorithm on, and lettre
//! writes a message's body and its final `.` in two writes. The second waits for the server to
//! acknowledge the first, which a Linux receiver delays by 40 ms: every message cost 40 ms of
//! waiting, the whole of a notice's time on a quiet machine (bench/README.md, "Notices").
//! Here every socket is opened with `TCP_NODELAY`.

use crate::config::{Security, SmtpConfig};
use lettre::Message;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

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

/// Idle connections the pool keeps for reuse. Two workers each mailing a broadcast's messages
/// eight at a time use sixteen; fewer kept would mean reconnecting (greeting, EHLO, QUIT) for
/// some messages of every round.
const POOL_IDLE_MAX: usize = 16;

/// An idle connection older than this is closed rather than reused (servers close theirs after
/// a few minutes; Postfix after 300 s).
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// Why the SMTP settings cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("mail.smtp: {0}")]
pub struct SetupError(String);

/// A [`Mailer`] over a pool of SMTP connections.
#[derive(Clone)]
pub struct SmtpMailer {
    inner: Arc<Inner>,
}

struct Inner {
    host: String,
    port: u16,
    timeout: Duration,
    hello: ClientId,
    /// How the connection is protected.
    security: Transport,
    credentials: Option<Credentials>,
    /// Connections at rest, the most recently used last; with when they were put back.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

enum Transport {
    Plain,
    /// Upgraded by STARTTLS after the greeting (lettre does the handshake).
    Starttls(TlsParameters),
    /// TLS from the first byte.
    Tls(TlsConnector, ServerName<'static>),
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpMailer")
    }
}

impl SmtpMailer {
    /// Checks the settings; connects only when the first message goes out.
    pub fn new(config: &SmtpConfig) -> Result<Self, SetupError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(SetupError("host: not set".into()));
        }
        let security = match config.security {
            Security::None => Transport::Plain,
            Security::Starttls => {
                let mut params = TlsParameters::builder(host.to_owned());
                if let Some(path) = &config.ca_file {
                    let pem = std::fs::read(path)
                        .map_err(|e| SetupError(format!("ca_file: {}: {e}", path.display())))?;
                    let cert = Certificate::from_pem(&pem)
                        .map_err(|e| SetupError(format!("ca_file: {}: {e}", path.display())))?;
                    params = params.add_root_certificate(cert);
                }
                Transport::Starttls(
                    params
                        .build_rustls()
                        .map_err(|e| SetupError(format!("TLS: {e}")))?,
                )
            }
            Security::Tls => {
                let (connector, name) =
                    crate::tls::connector(host, config.ca_file.as_deref()).map_err(SetupError)?;
                Transport::Tls(connector, name)
            }
        };
        let credentials = (!config.username.is_empty()).then(|| {
            Credentials::new(config.username.clone(), config.password.expose().to_owned())
        });
        Ok(Self {
            inner: Arc::new(Inner {
                host: host.to_owned(),
                port: config.port,
                timeout: Duration::from_secs(config.timeout_secs.max(1)),
                hello: ClientId::default(),
                security,
                credentials,
                idle: Mutex::new(Vec::new()),
            }),
        })
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, message: Message) -> Result<String, SendError> {
        let inner = &self.inner;
        let bytes = message.formatted();
        tokio::time::timeout(inner.timeout, inner.deliver(message.envelope(), &bytes))
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Transient(format!(
                    "{}:{}: no answer within {} s",
                    inner.host,
                    inner.port,
                    inner.timeout.as_secs()
                )))
            })
    }
}

impl Inner {
    async fn deliver(&self, envelope: &Envelope, bytes: &[u8]) -> Result<String, SendError> {
        let mut conn = match self.checkout().await {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        let sent = conn.send(envelope, bytes).await;
        // lettre closes a connection on any error; one still whole serves the next message.
        if !conn.has_broken() {
            self.checkin(conn);
        }
        match sent {
            Ok(response) => Ok(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) => Err(classify(e)),
        }
    }

    /// A connection at rest that still answers, if there is one. Each is asked `NOOP` first:
    /// the server may have closed it meanwhile (restarted, or tired of waiting), and a message
    /// must not fail on a dead socket while a fresh one would take it.
    async fn checkout(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()?;
            let rested = since.elapsed();
            if rested > IDLE_LIMIT {
                continue;
            }
            if !conn.test_connected().await {
                continue;
            }
            return Some(conn);
        }
    }

    fn checkin(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < POOL_IDLE_MAX {
            idle.push((conn, Instant::now()));
        }
    }

    /// Opens a connection: TCP without Nagle's delay, TLS as configured, greeting, EHLO, login.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let at = format!("{}:{}", self.host, self.port);
        let transient = |e: &dyn std::fmt::Display| SendError::Transient(format!("{at}: {e}"));
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| transient(&e))?;
        tcp.set_nodelay(true).map_err(|e| transient(&e))?;
        let stream: Box<dyn AsyncTokioStream> = match &self.security {
            Transport::Tls(connector, name) => Box::new(TlsIo(
                connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| transient(&format!("TLS: {e}")))?,
            )),
            Transport::Plain | Transport::Starttls(_) => Box::new(tcp),
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
            .await
            .map_err(classify)?;
        if let Transport::Starttls(params) = &self.security {
            conn.starttls(params.clone(), &self.hello)
                .await
                .map_err(classify)?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(classify)?;
        }
        Ok(conn)
    }
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Transient(e.to_string())
    }
}

/// A TLS stream as lettre takes one.
#[derive(Debug)]
struct TlsIo(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsIo {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
