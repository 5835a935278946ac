//! The IMAP session: TCP, TLS (implicit or STARTTLS) or plain, login, and the handful of
//! commands intake uses, each with a timeout so that a silent server cannot hang a task.

use super::drain;
use crate::config::policy::{ImapAuth, MailboxPolicy, Security};
use crate::store;
use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use futures_util::TryStreamExt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_util::sync::CancellationToken;

/// How long any single command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What went wrong with a mailbox.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server could not be reached.
    #[error("cannot connect to {address}: {error}")]
    Connect {
        /// host:port.
        address: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// TLS failed (certificate, name, protocol).
    #[error("TLS with {host} failed: {error}")]
    Tls {
        /// The host.
        host: String,
        /// What rustls said.
        error: String,
    },
    /// The password could not be obtained.
    #[error("password for {user}: {message}")]
    Password {
        /// The login name.
        user: String,
        /// Why.
        message: String,
    },
    /// The server refused the login.
    #[error("login as {user} refused: {message}")]
    Login {
        /// The login name.
        user: String,
        /// What the server said.
        message: String,
    },
    /// The folder does not exist or cannot be selected.
    #[error("cannot open folder {folder}: {message}")]
    Folder {
        /// The folder.
        folder: String,
        /// What the server said.
        message: String,
    },
    /// A command failed or the connection broke.
    #[error("{command}: {error}")]
    Protocol {
        /// The command.
        command: &'static str,
        /// What async-imap said.
        error: async_imap::error::Error,
    },
    /// A command got no answer in time.
    #[error("{0}: no answer within {COMMAND_TIMEOUT:?}")]
    Timeout(&'static str),
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] store::Error),
}

impl Error {
    /// Whether the mailbox cannot work until an admin acts (wrong password, missing
    /// folder, TLS misconfiguration), as opposed to a passing network fault.
    pub fn is_fatal_for_now(&self) -> bool {
        matches!(
            self,
            Error::Login { .. } | Error::Password { .. } | Error::Folder { .. } | Error::Tls { .. }
        )
    }
}

/// What the server can do that intake cares about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capabilities {
    /// RFC 2177 IDLE.
    pub idle: bool,
    /// RFC 6851 MOVE.
    pub mv: bool,
    /// RFC 4315 UIDPLUS (UID EXPUNGE).
    pub uidplus: bool,
}

/// A plain or TLS stream, so one session type serves every security mode.
#[derive(Debug)]
pub enum Stream {
    /// Plain TCP (loopback only, or before STARTTLS).
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream<TcpStream>>),
}

/// A logged-in session.
pub struct Session {
    inner: Option<async_imap::Session<Stream>>,
}

async fn timed<T, E>(
    command: &'static str,
    future: impl Future<Output = Result<T, E>>,
    wrap: impl FnOnce(E) -> Error,
) -> Result<T, Error> {
    match tokio::time::timeout(COMMAND_TIMEOUT, future).await {
        Ok(result) => result.map_err(wrap),
        Err(_) => Err(Error::Timeout(command)),
    }
}

fn protocol(command: &'static str) -> impl FnOnce(async_imap::error::Error) -> Error {
    move |error| Error::Protocol { command, error }
}

impl Session {
    /// Connects and logs in as the policy says.
    pub async fn connect(policy: &MailboxPolicy) -> Result<Session, Error> {
        let address = format!("{}:{}", policy.host, policy.port);
        let connect = |error| Error::Connect {
            address: address.clone(),
            error,
        };
        let tcp = timed(
            "connect",
            TcpStream::connect((policy.host.as_str(), policy.port)),
            connect,
        )
        .await?;
        let stream = match policy.security {
            Security::Tls => Stream::Tls(Box::new(tls(&policy.host, tcp).await?)),
            Security::Plain | Security::Starttls => Stream::Plain(tcp),
        };
        let mut client = async_imap::Client::new(stream);
        greeting(&mut client).await?;
        if policy.security == Security::Starttls {
            client = starttls(client, &policy.host).await?;
        }
        let password = policy
            .password
            .reveal()
            .map_err(|message| Error::Password {
                user: policy.user.clone(),
                message,
            })?;
        let password = password.unwrap_or_default();
        // A broken connection is no refusal: only the server's own No or Bad is.
        let refused = |(error, _): (async_imap::error::Error, _)| match error {
            async_imap::error::Error::Io(_) | async_imap::error::Error::ConnectionLost => {
                Error::Protocol {
                    command: "LOGIN",
                    error,
                }
            }
            error => Error::Login {
                user: policy.user.clone(),
                message: error.to_string(),
            },
        };
        let session = match policy.auth {
            ImapAuth::Login => {
                timed("LOGIN", client.login(&policy.user, &password), refused).await?
            }
            ImapAuth::Plain => {
                let plain = PlainAuth {
                    user: policy.user.clone(),
                    password,
                };
                timed("AUTHENTICATE", client.authenticate("PLAIN", plain), refused).await?
            }
        };
        Ok(Session {
            inner: Some(session),
        })
    }

    fn session(&mut self) -> &mut async_imap::Session<Stream> {
        self.inner
            .as_mut()
            .expect("the session is only taken out during IDLE")
    }

    /// Selects a folder; returns its UIDVALIDITY.
    pub async fn select(&mut self, folder: &str) -> Result<u32, Error> {
        let missing = |error: async_imap::error::Error| match error {
            async_imap::error::Error::Io(_) | async_imap::error::Error::ConnectionLost => {
                Error::Protocol {
                    command: "SELECT",
                    error,
                }
            }
            error => Error::Folder {
                folder: folder.to_string(),
                message: error.to_string(),
            },
        };
        let mailbox = timed("SELECT", self.session().select(folder), missing).await?;
        mailbox.uid_validity.ok_or_else(|| Error::Folder {
            folder: folder.to_string(),
            message: "the server gave no UIDVALIDITY".into(),
        })
    }

    /// Reads the server's capabilities.
    pub async fn capabilities(&mut self) -> Result<Capabilities, Error> {
        let caps = timed(
            "CAPABILITY",
            self.session().capabilities(),
            protocol("CAPABILITY"),
        )
        .await?;
        Ok(Capabilities {
            idle: caps.has_str("IDLE"),
            mv: caps.has_str("MOVE"),
            uidplus: caps.has_str("UIDPLUS"),
        })
    }

    /// Creates a folder unless it exists, and returns its name on this server: the
    /// config writes levels with `/` (`Loket/Processed`), the server may separate them
    /// with another character (`Loket.Processed`), which `LIST "" ""` tells.
    pub async fn ensure_folder(&mut self, folder: &str) -> Result<String, Error> {
        let delimiter = self.delimiter().await?;
        let name = match delimiter.as_deref() {
            Some(delimiter) if delimiter != "/" => folder.replace('/', delimiter),
            _ => folder.to_string(),
        };
        let listed = {
            let list = timed(
                "LIST",
                self.session().list(None, Some(&name)),
                protocol("LIST"),
            )
            .await?;
            let names: Vec<_> =
                timed("LIST", list.try_collect::<Vec<_>>(), protocol("LIST")).await?;
            !names.is_empty()
        };
        if !listed {
            let created = timed("CREATE", self.session().create(&name), protocol("CREATE")).await;
            if let Err(Error::Protocol { error, .. }) = created {
                return Err(Error::Folder {
                    folder: name,
                    message: format!("the server refused to create it: {error}"),
                });
            }
            created?;
        }
        Ok(name)
    }

    /// The server's hierarchy delimiter: what `LIST "" ""` tells (RFC 3501 6.3.8), or
    /// else what INBOX is listed with.
    async fn delimiter(&mut self) -> Result<Option<String>, Error> {
        for pattern in ["", "INBOX"] {
            let list = timed(
                "LIST",
                self.session().list(Some(""), Some(pattern)),
                protocol("LIST"),
            )
            .await?;
            let names: Vec<_> =
                timed("LIST", list.try_collect::<Vec<_>>(), protocol("LIST")).await?;
            if let Some(delimiter) = names.iter().find_map(|n| n.delimiter()) {
                return Ok(Some(delimiter.to_string()));
            }
        }
        Ok(None)
    }

    /// The UIDs above `last`, ascending.
    pub async fn uids_after(&mut self, last: u32) -> Result<Vec<u32>, Error> {
        let query = format!("UID {}:*", last.saturating_add(1));
        let found = timed(
            "UID SEARCH",
            self.session().uid_search(query),
            protocol("UID SEARCH"),
        )
        .await?;
        // `n:*` always matches the highest UID, even when it is below n.
        let mut uids: Vec<u32> = found.into_iter().filter(|uid| *uid > last).collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// Fetches whole messages by UID without setting \Seen.
    pub async fn fetch(&mut self, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, Error> {
        let set = uid_set(uids);
        let session = self.session();
        let stream = timed(
            "UID FETCH",
            session.uid_fetch(&set, "(UID BODY.PEEK[])"),
            protocol("UID FETCH"),
        )
        .await?;
        let fetched: Vec<_> = timed(
            "UID FETCH",
            stream.try_collect::<Vec<_>>(),
            protocol("UID FETCH"),
        )
        .await?;
        Ok(fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
            .collect())
    }

    /// Acknowledges safe messages: move them, or flag them \Seen.
    pub async fn acknowledge(
        &mut self,
        uids: &[u32],
        move_to: Option<&str>,
        caps: &Capabilities,
    ) -> Result<(), Error> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        match move_to {
            Some(folder) if caps.mv => {
                timed(
                    "UID MOVE",
                    self.session().uid_mv(&set, folder),
                    protocol("UID MOVE"),
                )
                .await
            }
            Some(folder) => self.copy_and_delete(&set, folder, caps).await,
            None => self.flag(&set, "+FLAGS.SILENT (\\Seen)").await,
        }?;
        // async-imap ends a command's answer quietly when the connection closes before
        // the server's tagged OK; an answered NOOP after it proves the server had it.
        timed("NOOP", self.session().noop(), protocol("NOOP")).await
    }

    /// MOVE without the MOVE extension. Without UIDPLUS there is no way to expunge only
    /// these messages, so they stay flagged \Deleted rather than risk expunging others.
    async fn copy_and_delete(
        &mut self,
        set: &str,
        folder: &str,
        caps: &Capabilities,
    ) -> Result<(), Error> {
        timed(
            "UID COPY",
            self.session().uid_copy(set, folder),
            protocol("UID COPY"),
        )
        .await?;
        self.flag(set, "+FLAGS.SILENT (\\Seen \\Deleted)").await?;
        if caps.uidplus {
            let stream = timed(
                "UID EXPUNGE",
                self.session().uid_expunge(set),
                protocol("UID EXPUNGE"),
            )
            .await?;
            timed("UID EXPUNGE", drain(stream), protocol("UID EXPUNGE")).await?;
        }
        Ok(())
    }

    async fn flag(&mut self, set: &str, flags: &str) -> Result<(), Error> {
        let stream = timed(
            "UID STORE",
            self.session().uid_store(set, flags),
            protocol("UID STORE"),
        )
        .await?;
        timed("UID STORE", drain(stream), protocol("UID STORE")).await
    }

    /// Whether the server reported new mail (EXISTS, RECENT) beside the answers to the
    /// commands since the last look; takes every such report out, so that the queue of
    /// them (which drops what does not fit) never fills.
    pub fn heard_of_new_mail(&mut self) -> bool {
        let news = &self.session().unsolicited_responses;
        tells_of_new_mail(std::iter::from_fn(|| news.try_recv().ok()))
    }

    /// Waits in IDLE until the server reports a change, `renew` passes, or `stop` fires.
    pub async fn idle(&mut self, renew: Duration, stop: &CancellationToken) -> Result<(), Error> {
        let session = self
            .inner
            .take()
            .expect("a session is present between commands");
        let news = session.unsolicited_responses.clone();
        let mut handle = session.idle();
        timed("IDLE", handle.init(), protocol("IDLE")).await?;
        // What arrived before IDLE began is told before the server's "+ idling", and
        // async-imap files that beside the answers, not as the end of the wait.
        if !tells_of_new_mail(std::iter::from_fn(|| news.try_recv().ok())) {
            let (wait, interrupt) = handle.wait_with_timeout(renew);
            tokio::select! {
                result = wait => { result.map_err(protocol("IDLE")).map(|_: IdleResponse| ())?; }
                () = stop.cancelled() => drop(interrupt),
            }
        }
        let session = timed("DONE", handle.done(), protocol("DONE")).await?;
        self.inner = Some(session);
        Ok(())
    }

    /// Logs out politely; errors do not matter any more.
    pub async fn logout(&mut self) {
        if let Some(mut session) = self.inner.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), session.logout()).await;
        }
    }
}

/// SASL PLAIN (RFC 4616): one response, `\0user\0password`; async-imap base64-encodes it.
struct PlainAuth {
    user: String,
    password: String,
}

impl async_imap::Authenticator for PlainAuth {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("\0{}\0{}", self.user, self.password)
    }
}

/// Reads every report out; true when one told of new mail.
fn tells_of_new_mail(reports: impl Iterator<Item = UnsolicitedResponse>) -> bool {
    let mut heard = false;
    for report in reports {
        heard |= matches!(
            report,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        );
    }
    heard
}

async fn greeting(client: &mut async_imap::Client<Stream>) -> Result<(), Error> {
    let read = async {
        client
            .read_response()
            .await
            .map_err(async_imap::error::Error::Io)
    };
    let greeting = timed("greeting", read, protocol("greeting")).await?;
    greeting.map(drop).ok_or(Error::Protocol {
        command: "greeting",
        error: async_imap::error::Error::ConnectionLost,
    })
}

async fn starttls(
    mut client: async_imap::Client<Stream>,
    host: &str,
) -> Result<async_imap::Client<Stream>, Error> {
    timed(
        "STARTTLS",
        client.run_command_and_check_ok("STARTTLS", None),
        protocol("STARTTLS"),
    )
    .await?;
    let Stream::Plain(tcp) = client.into_inner() else {
        unreachable!("STARTTLS is only sent on a plain connection")
    };
    Ok(async_imap::Client::new(Stream::Tls(Box::new(
        tls(host, tcp).await?,
    ))))
}

async fn tls(host: &str, tcp: TcpStream) -> Result<TlsStream<TcpStream>, Error> {
    let failed = |error: String| Error::Tls {
        host: host.to_string(),
        error,
    };
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|e| failed(e.to_string()))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    timed("TLS handshake", connector.connect(name, tcp), |e| {
        failed(e.to_string())
    })
    .await
}

/// A compact UID set: `3:5,9`.
fn uid_set(uids: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = uids.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end = iter.next().expect("peeked");
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
    }
    parts.join(",")
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uid_set;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
    }

    #[test]
    fn only_exists_and_recent_tell_of_new_mail() {
        use super::{
            tells_of_new_mail,
            UnsolicitedResponse::{Exists, Expunge, Recent},
        };
        assert!(tells_of_new_mail([Expunge(3), Exists(4)].into_iter()));
        assert!(tells_of_new_mail([Recent(1)].into_iter()));
        assert!(!tells_of_new_mail([Expunge(3)].into_iter()));
        assert!(!tells_of_new_mail(std::iter::empty()));
    }
}
