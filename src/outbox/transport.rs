//! The configured way out for mail: one enum, one place that knows which transport is used.

use crate::config::policy::{Security, SmtpPolicy, TransportPolicy};
use crate::types::EmailAddress;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a mail could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The envelope's addresses were refused by lettre.
    #[error("invalid envelope: {0}")]
    Envelope(String),
    /// The file transport could not write.
    #[error("file transport: {0}")]
    File(#[from] std::io::Error),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The sendmail program failed.
    #[error("sendmail: {0}")]
    Sendmail(SendmailFailure),
}

/// How a sendmail run failed.
#[derive(Debug)]
pub enum SendmailFailure {
    /// It could not be started or fed.
    Start(std::io::Error),
    /// It exited with this status (a sysexits code) and said this.
    Exit(i32, String),
    /// A signal ended it.
    Killed(String),
}

impl std::fmt::Display for SendmailFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendmailFailure::Start(e) => write!(f, "cannot run it: {e}"),
            SendmailFailure::Exit(code, said) => write!(f, "exit {code}: {said}"),
            SendmailFailure::Killed(said) => write!(f, "killed by a signal: {said}"),
        }
    }
}

impl SendmailFailure {
    /// Whether trying again may help (sysexits): EX_TEMPFAIL (75), a signal, or a code
    /// outside 64-78; the other sysexits codes (EX_NOUSER, EX_DATAERR, ...) are final.
    fn is_transient(&self) -> bool {
        match self {
            SendmailFailure::Exit(code, _) => *code == 75 || !(64..=78).contains(code),
            SendmailFailure::Start(_) | SendmailFailure::Killed(_) => true,
        }
    }
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
            Error::Sendmail(failure) => failure.is_transient(),
            Error::File(_) => true,
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
    /// Writes `.eml` files into a folder, each whole or not at all.
    File(PathBuf),
    /// Talks to an SMTP server over a connection pool.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Pipes into this sendmail program.
    Sendmail(PathBuf),
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
                remove_partial_files(path);
                Ok(Transport::File(path.clone()))
            }
            TransportPolicy::Smtp(smtp) => smtp_transport(smtp).map(Transport::Smtp),
            TransportPolicy::Sendmail { command } => Ok(Transport::Sendmail(
                command.clone().unwrap_or_else(|| PathBuf::from("sendmail")),
            )),
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
            Transport::File(folder) => write_file(folder, raw).await?,
            Transport::Smtp(smtp) => smtp.send_raw(&envelope, raw).await.map(drop)?,
            Transport::Sendmail(command) => sendmail(command, from, to, raw)
                .await
                .map_err(Error::Sendmail)?,
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

/// Writes one mail into `folder` as `<name>.eml`: under a hidden temporary name first,
/// synced, then renamed, so that the folder never shows a half-written mail (it may be
/// another program's pickup folder) and a crash leaves at most a hidden leftover.
async fn write_file(folder: &Path, raw: &[u8]) -> std::io::Result<()> {
    static WRITTEN: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = WRITTEN.fetch_add(1, Ordering::Relaxed);
    let name = format!("{nanos}.{}.{count}", std::process::id());
    let partial = folder.join(format!(".{name}.part"));
    let done = folder.join(format!("{name}.eml"));
    let raw = raw.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(&raw)?;
        file.sync_all()?;
        std::fs::rename(&partial, &done)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Removes what a crash left half-written in the outbox folder: those mails were not
/// marked sent and go again.
fn remove_partial_files(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(".part") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Pipes one mail into sendmail (`-i -f from -- to...`, as every MTA's sendmail takes
/// it) and reads its exit status as sysexits.
async fn sendmail(
    command: &Path,
    from: &EmailAddress,
    to: &[EmailAddress],
    raw: &[u8],
) -> Result<(), SendmailFailure> {
    use std::process::Stdio;
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(command)
        .arg("-i")
        .arg("-f")
        .arg(from.as_str())
        .arg("--")
        .args(to.iter().map(EmailAddress::as_str))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(SendmailFailure::Start)?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let fed = stdin.write_all(raw).await.and(stdin.shutdown().await);
    drop(stdin);
    let output = child
        .wait_with_output()
        .await
        .map_err(SendmailFailure::Start)?;
    let said = String::from_utf8_lossy(&output.stderr).trim().to_string();
    match output.status.code() {
        Some(0) => fed.map_err(SendmailFailure::Start),
        Some(code) => Err(SendmailFailure::Exit(code, said)),
        None => Err(SendmailFailure::Killed(said)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_mail_file_appears_whole_under_its_final_name_and_nothing_else_stays() {
        let folder = tempfile::tempdir().expect("a folder");
        let mail = b"From: a@example.id\r\n\r\nHalo\r\n".repeat(10_000);
        for _ in 0..3 {
            write_file(folder.path(), &mail).await.expect("written");
        }
        let names: Vec<String> = std::fs::read_dir(folder.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        for name in &names {
            assert!(name.ends_with(".eml") && !name.starts_with('.'), "{name}");
            assert_eq!(std::fs::read(folder.path().join(name)).expect("read"), mail);
        }
    }

    #[test]
    fn sendmail_exits_are_final_or_not_as_sysexits_say() {
        let exit = |code| SendmailFailure::Exit(code, String::new()).is_transient();
        assert!(exit(75), "EX_TEMPFAIL");
        assert!(!exit(67), "EX_NOUSER");
        assert!(!exit(64) && !exit(78));
        assert!(exit(1), "not a sysexits code: try again");
        assert!(SendmailFailure::Killed(String::new()).is_transient());
    }

    #[test]
    fn a_half_written_mail_left_by_a_crash_is_removed_at_start() {
        let folder = tempfile::tempdir().expect("a folder");
        std::fs::write(folder.path().join(".1.2.3.part"), b"From: a").expect("write");
        std::fs::write(folder.path().join("4.5.6.eml"), b"whole").expect("write");
        let policy = TransportPolicy::File {
            path: folder.path().to_path_buf(),
        };
        assert!(Transport::build(&policy).is_ok());
        let names: Vec<String> = std::fs::read_dir(folder.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["4.5.6.eml"]);
    }
}
