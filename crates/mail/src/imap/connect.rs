//! Opening a session: TCP, then TLS from the first byte, STARTTLS, or nothing (loopback only,
//! checked by the configuration), then LOGIN. TLS is rustls on ring with the system's roots and
//! the configured CA ([`crate::tls`]).

use super::{ImapConfig, ImapError};
use crate::config::Security;
use async_imap::{Client, Session};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// A plain or TLS connection, behind one type so a session is the same either way.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

pub(crate) type ImapSession = Session<Box<dyn Io>>;

/// Connects and logs in.
pub(crate) async fn open(config: &ImapConfig) -> Result<ImapSession, ImapError> {
    let limit = Duration::from_secs(config.timeout_secs.max(1));
    tokio::time::timeout(limit, open_unbounded(config))
        .await
        .map_err(|_| {
            ImapError::Connect(format!(
                "{}:{}: no answer within {} s",
                config.host,
                config.port,
                limit.as_secs()
            ))
        })?
}

async fn open_unbounded(config: &ImapConfig) -> Result<ImapSession, ImapError> {
    let host = config.host.trim();
    let at = format!("{host}:{}", config.port);
    let tcp = TcpStream::connect((host, config.port))
        .await
        .map_err(|e| ImapError::Connect(format!("{at}: {e}")))?;
    let stream: Box<dyn Io> = match config.security {
        Security::Tls => Box::new(handshake_io(config, Box::new(tcp)).await?),
        Security::None | Security::Starttls => Box::new(tcp),
    };
    let mut client = Client::new(stream);
    greeting(&mut client, &at).await?;
    if config.security == Security::Starttls {
        client
            .run_command_and_check_ok("STARTTLS", None)
            .await
            .map_err(|e| ImapError::Connect(format!("{at}: STARTTLS refused: {e}")))?;
        // The server speaks TLS from here on, and greets no more.
        let tcp = client.into_inner();
        let tls: Box<dyn Io> = Box::new(handshake_io(config, tcp).await?);
        client = Client::new(tls);
    }
    client
        .login(config.username.trim(), config.password.expose())
        .await
        .map_err(|(e, _)| match e {
            async_imap::error::Error::No(reason) | async_imap::error::Error::Bad(reason) => {
                ImapError::Login {
                    user: config.username.trim().to_owned(),
                    reason,
                }
            }
            other => ImapError::from(other),
        })
}

async fn greeting(client: &mut Client<Box<dyn Io>>, at: &str) -> Result<(), ImapError> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Connect(format!(
            "{at}: the server closed the connection"
        ))),
        Err(e) => Err(ImapError::Connect(format!("{at}: {e}"))),
    }
}

async fn handshake_io(
    config: &ImapConfig,
    io: Box<dyn Io>,
) -> Result<tokio_rustls::client::TlsStream<Box<dyn Io>>, ImapError> {
    let (connector, name) = tls(config)?;
    connector
        .connect(name, io)
        .await
        .map_err(|e| ImapError::Connect(format!("{}:{}: TLS: {e}", config.host, config.port)))
}

fn tls(config: &ImapConfig) -> Result<(TlsConnector, ServerName<'static>), ImapError> {
    crate::tls::connector(&config.host, config.ca_file.as_deref()).map_err(ImapError::Connect)
}
