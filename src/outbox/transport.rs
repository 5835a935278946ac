//! The configured way out for mail: one enum, one place that knows which transport is used.

use crate::config::policy::TransportPolicy;
use crate::types::EmailAddress;
use lettre::address::Envelope;
use lettre::{AsyncFileTransport, AsyncTransport, Tokio1Executor};

/// Why a mail could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The envelope's addresses were refused by lettre.
    #[error("invalid envelope: {0}")]
    Envelope(String),
    /// The file transport could not write.
    #[error("file transport: {0}")]
    File(#[from] lettre::transport::file::Error),
}

impl Error {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Envelope(_) => false,
            Error::File(_) => true,
        }
    }
}

/// A ready transport.
pub enum Transport {
    /// Writes `.eml` files into a folder.
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// Builds the configured transport, creating the folder of the file transport.
    pub fn build(policy: &TransportPolicy) -> std::io::Result<Transport> {
        match policy {
            TransportPolicy::File { path } => {
                std::fs::create_dir_all(path)?;
                Ok(Transport::File(AsyncFileTransport::new(path)))
            }
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
            Transport::File(file) => file
                .send_raw(&envelope, raw)
                .await
                .map(drop)
                .map_err(Error::from),
        }
    }

    /// A one-line description for the start-up log.
    pub fn describe(policy: &TransportPolicy) -> String {
        match policy {
            TransportPolicy::File { path } => format!("file into {}", path.display()),
        }
    }
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
