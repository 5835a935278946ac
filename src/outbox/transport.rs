//! The configured way out for mail: one enum, one place that knows which transport is used.

use crate::config::policy::{Security, SmtpPolicy, TransportPolicy};
use crate::types::EmailAddress;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{
    AsyncFileTransport, AsyncSendmailTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
};

/// Why a mail could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The envelope's addresses were refused by lettre.
    #[error("invalid envelope: {0}")]
    Envelope(String),
    /// The file transport could not write.
    #[error("file transport: {0}")]
    File(#[from] lettre::transport::file::Error),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The sendmail program failed.
    #[error("sendmail: {0}")]
    Sendmail(#[from] lettre::transport::sendmail::Error),
}

impl Error {
    /// Whether the mail server could not be reached at all (no connection, TLS failure,
    /// timeout): then every mail would fail alike, and none is to blame.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Error::Smtp(e) => !e.is_response() && !e.is_permanent() && !e.is_transient(),
            Error::Envelope(_) | Error::File(_) | Error::Sendmail(_) => false,
        }
    }

    /// Whether trying again later may succeed. Only a 5xx reply or an unusable envelope
    /// is final; a refused connection or a timeout is worth another try.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Envelope(_) => false,
            Error::Smtp(e) => !e.is_permanent(),
            Error::File(_) | Error::Sendmail(_) => true,
        }
    }
}

/// Why a transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The outbox folder could not be created.
    #[error("cannot create {path}: {error}")]
    Folder {
        /// The folder.
        path: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// The SMTP settings were refused (for example a bad host name for TLS).
    #[error("smtp server {host}: {error}")]
    Smtp {
        /// The host.
        host: String,
        /// What lettre said.
        error: lettre::transport::smtp::Error,
    },
    /// The SMTP password could not be read.
    #[error("smtp password: {0}")]
    Password(String),
}

/// A ready transport.
pub enum Transport {
    /// Writes `.eml` files into a folder.
    File(AsyncFileTransport<Tokio1Executor>),
    /// Talks to an SMTP server over a connection pool.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Pipes into sendmail.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
}

impl Transport {
    /// Builds the configured transport.
    pub fn build(policy: &TransportPolicy) -> Result<Transport, SetupError> {
        match policy {
            TransportPolicy::File { path } => {
                std::fs::create_dir_all(path).map_err(|error| SetupError::Folder {
                    path: path.display().to_string(),
                    error,
                })?;
                Ok(Transport::File(AsyncFileTransport::new(path)))
            }
            TransportPolicy::Smtp(smtp) => smtp_transport(smtp).map(Transport::Smtp),
            TransportPolicy::Sendmail { command } => Ok(Transport::Sendmail(match command {
                Some(command) => AsyncSendmailTransport::new_with_command(command),
                None => AsyncSendmailTransport::new(),
            })),
        }
    }

    /// Hands one formatted mail over.
    pub async fn send(
        &self,
        from: &EmailAddress,
        to: &[EmailAddress],
        raw: &[u8],
    ) -> Result<(), Error> {
        let envelope = envelope(from, to)?;
        match self {
            Transport::File(file) => file.send_raw(&envelope, raw).await.map(drop)?,
            Transport::Smtp(smtp) => smtp.send_raw(&envelope, raw).await.map(drop)?,
            Transport::Sendmail(sendmail) => sendmail.send_raw(&envelope, raw).await?,
        }
        Ok(())
    }

    /// A one-line description for the start-up log.
    pub fn describe(policy: &TransportPolicy) -> String {
        match policy {
            TransportPolicy::File { path } => format!("file into {}", path.display()),
            TransportPolicy::Smtp(smtp) => {
                format!("smtp {}:{} ({:?})", smtp.host, smtp.port, smtp.security)
            }
            TransportPolicy::Sendmail { command } => match command {
                Some(command) => format!("sendmail {}", command.display()),
                None => "sendmail".into(),
            },
        }
    }
}

fn smtp_transport(policy: &SmtpPolicy) -> Result<AsyncSmtpTransport<Tokio1Executor>, SetupError> {
    let refused = |error| SetupError::Smtp {
        host: policy.host.clone(),
        error,
    };
    let builder = match policy.security {
        Security::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&policy.host).map_err(refused)?
        }
        Security::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&policy.host).map_err(refused)?
        }
        Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&policy.host),
    };
    let mut builder = builder
        .port(policy.port)
        .timeout(Some(policy.timeout))
        .pool_config(PoolConfig::new().max_size(super::sender::CONCURRENCY as u32));
    let password = policy.password.reveal().map_err(SetupError::Password)?;
    if let (Some(user), Some(password)) = (&policy.user, password) {
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

fn envelope(from: &EmailAddress, to: &[EmailAddress]) -> Result<Envelope, Error> {
    let parse = |a: &EmailAddress| {
        a.as_str()
            .parse()
            .map_err(|e| Error::Envelope(format!("{a}: {e}")))
    };
    let to = to.iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(parse(from)?), to).map_err(|e| Error::Envelope(e.to_string()))
}
