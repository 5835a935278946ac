//! Test support: a sandbox folder per test with its own config, the real `loket` binary,
//! and real Dovecot + Postfix started by `contrib/test-servers/start`.
//!
//! Every helper that can fail says what it was doing and shows loket's standard error, so
//! a red test reads as a story: "loket run --once failed (exit status: 70): ...".
#![allow(dead_code)] // each test file uses its own part of this module

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A sample mail from `contrib/samples/`, as bytes.
pub fn sample(name: &str) -> Vec<u8> {
    let path = repo().join("contrib/samples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading sample mail {}: {e}", path.display()))
}

/// Waits until `probe` returns something, or fails the test naming `what`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Senders may get this many acknowledgements an hour in a sandbox (`limits`).
pub const ACKS_PER_SENDER_PER_HOUR: usize = 3;

/// A temporary folder with a config file, in which `loket` runs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// A sandbox whose outbox writes files (one `.eml` per mail in `var/outbox`): the
    /// config of the spool tests, every path inside the sandbox, templates from the repo.
    pub fn new() -> Sandbox {
        Sandbox::build(
            "[outbox]\ntransport = \"file\"\npath = \"@VAR@/outbox\"\n",
            60,
        )
    }

    /// A sandbox with the given `[outbox]` and extra sections; `@VAR@` is the var folder.
    /// The global cap on automatic replies is lifted: the mail-server tests acknowledge
    /// thousands of mails in a minute.
    pub fn with_sections(sections: &str) -> Sandbox {
        Sandbox::build(sections, 100_000)
    }

    fn build(sections: &str, auto_replies_per_minute: u32) -> Sandbox {
        let dir = tempfile::tempdir().expect("creating the sandbox's temp dir");
        let sandbox = Sandbox { dir };
        let config = format!(
            r#"[store]
path = "@VAR@/store"
[spool]
path = "@VAR@/spool"
poll_interval = "100ms"
[control]
socket = "@VAR@/loket.sock"
[limits]
auto_replies_per_sender_per_hour = {per_sender}
auto_replies_per_minute = {auto_replies_per_minute}
[templates]
path = "{templates}"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "en"
{sections}"#,
            per_sender = ACKS_PER_SENDER_PER_HOUR,
            templates = concat!(env!("CARGO_MANIFEST_DIR"), "/config/templates"),
        )
        .replace("@VAR@", &sandbox.var().display().to_string());
        sandbox.write_config(&config);
        sandbox
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("loket.toml")
    }

    /// The config file's text.
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.config_path()).expect("reading the sandbox config")
    }

    /// Replaces the config file.
    pub fn write_config(&self, config: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(self.config_path(), config).expect("writing the sandbox config");
        // It holds a secret: the daemon refuses a file others can read.
        std::fs::set_permissions(self.config_path(), std::fs::Permissions::from_mode(0o600))
            .expect("chmod the sandbox config");
    }

    /// Rewrites the config with `edit`; fails when `edit` changed nothing (a stale pattern).
    pub fn edit_config(&self, edit: impl FnOnce(&str) -> String) {
        let before = self.config();
        let after = edit(&before);
        assert_ne!(before, after, "editing the sandbox config changed nothing");
        self.write_config(&after);
    }

    /// The folder holding store, spool, outbox and socket.
    pub fn var(&self) -> PathBuf {
        self.dir.path().join("var")
    }

    pub fn spool_path(&self) -> PathBuf {
        self.var().join("spool")
    }

    pub fn outbox_path(&self) -> PathBuf {
        self.var().join("outbox")
    }

    /// The command `loket --config <sandbox config> ...`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_loket"));
        command
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .env("LOKET_LOG", "info");
        command
    }

    /// Runs `loket` to the end.
    pub fn loket(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .unwrap_or_else(|e| panic!("starting loket {}: {e}", args.join(" ")))
    }

    /// Runs `loket` with `input` on standard input.
    pub fn loket_with_input(&self, args: &[&str], input: &[u8]) -> Output {
        let what = args.join(" ");
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting loket {what}: {e}"));
        let mut stdin = child.stdin.take().expect("loket's stdin is piped");
        // loket may exit before reading everything (a config error): not the test's failure.
        let _ = stdin.write_all(input);
        drop(stdin);
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("waiting for loket {what}: {e}"))
    }

    /// Runs `loket <args>` and returns its exit status, standard output and standard error.
    pub fn exec(&self, args: &[&str]) -> (ExitStatus, String, String) {
        let out = self.loket(args);
        (out.status, text(&out.stdout), text(&out.stderr))
    }

    /// Like `exec`, with `input` on standard input.
    pub fn exec_with_input(&self, args: &[&str], input: &[u8]) -> (ExitStatus, String, String) {
        let out = self.loket_with_input(args, input);
        (out.status, text(&out.stdout), text(&out.stderr))
    }

    /// `loket ingest` of one message; must exit 0.
    pub fn ingest(&self, raw: &[u8]) {
        let (status, _, stderr) = self.exec_with_input(&["ingest"], raw);
        assert!(status.success(), "loket ingest failed ({status}): {stderr}");
    }

    /// `loket run --once`; must exit 0. Returns its log (standard error).
    pub fn run_once(&self) -> String {
        let (status, _, stderr) = self.exec(&["run", "--once"]);
        assert!(
            status.success(),
            "loket run --once failed ({status}): {stderr}"
        );
        stderr
    }

    /// `loket <args> --json`, parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let what = args.join(" ");
        let (status, stdout, stderr) = self.exec(&args);
        assert!(status.success(), "loket {what} failed ({status}): {stderr}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("loket {what} printed something that is not JSON ({e}):\n{stdout}")
        })
    }

    /// `loket <args> --json`, which must print an array.
    fn json_array(&self, args: &[&str]) -> Vec<Value> {
        match self.json(args) {
            Value::Array(items) => items,
            other => panic!("loket {} --json printed no array: {other}", args.join(" ")),
        }
    }

    /// `loket ticket list --json`.
    pub fn tickets(&self) -> Vec<Value> {
        self.json_array(&["ticket", "list"])
    }

    /// `loket ticket show <id> --json`; fails when there is no such ticket.
    pub fn ticket(&self, id: u64) -> Value {
        let ticket = self.json(&["ticket", "show", &id.to_string()]);
        assert!(
            ticket.is_object(),
            "loket ticket show {id} --json: no ticket {id}, got {ticket}"
        );
        ticket
    }

    /// `loket quarantine list --json`.
    pub fn quarantine(&self) -> Vec<Value> {
        self.json_array(&["quarantine", "list"])
    }

    /// `loket outbox list --json`: the store's record of outgoing mail.
    pub fn outbox_records(&self) -> Vec<Value> {
        self.json_array(&["outbox", "list"])
    }

    /// Every `.eml` the file transport wrote, by modification time, then by name.
    pub fn outbox(&self) -> Vec<String> {
        let folder = self.outbox_path();
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Vec::new(); // nothing sent yet: the transport creates the folder
        };
        let mut files: Vec<(SystemTime, PathBuf)> = entries
            .map(|e| e.unwrap_or_else(|e| panic!("listing {}: {e}", folder.display())))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| {
                let modified = p.metadata().and_then(|m| m.modified());
                let modified = modified.unwrap_or_else(|e| panic!("mtime of {}: {e}", p.display()));
                (modified, p)
            })
            .collect();
        files.sort();
        files
            .iter()
            .map(|(_, p)| {
                std::fs::read_to_string(p)
                    .unwrap_or_else(|e| panic!("reading outbox mail {}: {e}", p.display()))
            })
            .collect()
    }

    /// The same as `outbox`, under its older name.
    pub fn outbox_files(&self) -> Vec<String> {
        self.outbox()
    }

    /// Names of the files in one spool subfolder (`tmp`, `new`, `cur`).
    pub fn spool_entries(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.spool_path().join(sub))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// How many files still wait in the spool's `new/` and `cur/`.
    pub fn spool_files(&self) -> usize {
        self.spool_entries("new").len() + self.spool_entries("cur").len()
    }

    /// Starts `loket run` in the background.
    pub fn daemon(&self) -> Daemon {
        let log_path = self.dir.path().join("daemon.log");
        let log = std::fs::File::create(&log_path).expect("creating the daemon's log file");
        let child = self
            .command(&["run"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting loket run");
        let daemon = Daemon {
            child,
            log: log_path,
        };
        // A socket left by a killed daemon proves nothing: wait for this one's word.
        wait_for("the daemon to start", Duration::from_secs(10), || {
            daemon.log().contains("loket running").then_some(())
        });
        daemon
    }
}

/// A running `loket run`; killed when dropped.
pub struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// kill -9: no chance to clean up.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit; returns whether it exited 0.
    pub fn stop(mut self) -> bool {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().expect("waiting for loket run to stop");
        status.success()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Bytes as a MIME body encodes them: base64 in lines of 76.
pub fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The header block of a mail (CRLF or LF), up to the first empty line.
pub fn head(mail: &str) -> &str {
    let crlf = mail.find("\r\n\r\n");
    let lf = mail.find("\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => &mail[..a.min(b)],
        (Some(a), None) => &mail[..a],
        (None, Some(b)) => &mail[..b],
        (None, None) => mail,
    }
}

/// Every value of a header, unfolded and trimmed; the name is case-insensitive.
pub fn header_values(mail: &str, name: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for line in head(mail).split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else {
            fields.push(line.to_string());
        }
    }
    fields
        .iter()
        .filter_map(|field| {
            let (key, value) = field.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
        .collect()
}

/// The first value of a header, unfolded and trimmed.
pub fn header(mail: &str, name: &str) -> Option<String> {
    header_values(mail, name).into_iter().next()
}

/// Real Dovecot (IMAP, LMTP) and Postfix (SMTP) on loopback ports, stopped when dropped.
pub struct MailServers {
    dir: tempfile::TempDir,
    pub imap_port: u16,
    pub smtp_port: u16,
    pub maildir_root: PathBuf,
}

impl MailServers {
    /// Starts both servers; fails the test with the reason when they cannot start.
    pub fn start() -> MailServers {
        let dir = tempfile::tempdir().expect("temp dir");
        start_servers(dir.path());
        let env = std::fs::read_to_string(dir.path().join("servers.env")).expect("servers.env");
        let value = |key: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("{key} missing from servers.env"))
                .to_string()
        };
        MailServers {
            imap_port: value("IMAP_PORT").parse().expect("port"),
            smtp_port: value("SMTP_PORT").parse().expect("port"),
            maildir_root: PathBuf::from(value("MAILDIR_ROOT")),
            dir,
        }
    }

    pub fn stop(&self) {
        let status = Command::new(repo().join("contrib/test-servers/stop"))
            .arg(self.dir.path())
            .status()
            .expect("stop script runs");
        assert!(status.success(), "contrib/test-servers/stop failed");
    }

    /// Starts the servers again on the same ports, with the mail they had.
    pub fn restart(&self) {
        start_servers(self.dir.path());
    }

    /// The `[outbox]` and `[mailbox.support]` sections for a sandbox using these servers.
    pub fn loket_sections(&self, mailbox_extra: &str) -> String {
        format!(
            "[outbox]\ntransport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {smtp}\nsecurity = \"plain\"\nretry_after = \"1s\"\ntimeout = \"5s\"\n\
             [mailbox.support]\nhost = \"127.0.0.1\"\nport = {imap}\nsecurity = \"plain\"\nuser = \"support@example.com\"\npassword = \"secret\"\n{mailbox_extra}\n",
            smtp = self.smtp_port,
            imap = self.imap_port,
        )
    }

    /// Submits a message over SMTP from `from` to `to`.
    pub fn submit(&self, from: &str, to: &[&str], raw: &[u8]) {
        smtp_send(self.smtp_port, from, to, raw)
            .unwrap_or_else(|e| panic!("SMTP submission failed: {e}"));
    }

    /// Drops a message straight into a user's Maildir, as a delivery agent would.
    pub fn deliver_directly(&self, user: &str, name: &str, raw: &[u8]) {
        let maildir = self.maildir_root.join(user);
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
        }
        let tmp = maildir.join("tmp").join(name);
        std::fs::write(&tmp, raw).expect("write mail");
        // Dovecot runs as the owner of the mail root and must be able to write here too.
        // Not recursive: Dovecot owns what it made and may be renaming it (new → cur) now.
        let owner = Command::new("chown")
            .arg(format!("--reference={}", self.maildir_root.display()))
            .arg(&maildir)
            .args(["tmp", "new", "cur"].map(|sub| maildir.join(sub)))
            .arg(&tmp)
            .status()
            .expect("chown runs");
        assert!(
            owner.success(),
            "cannot give {} to the mail user",
            maildir.display()
        );
        std::fs::rename(&tmp, maildir.join("new").join(name)).expect("rename into new");
    }

    /// Every message in a user's Maildir (INBOX, and `.Folder`s when `all_folders`).
    pub fn messages(&self, user: &str) -> Vec<MaildirMessage> {
        maildir_messages(&self.maildir_root.join(user))
    }

    /// Every message in one folder of a user (`.Loket.Processed` style names).
    pub fn folder_messages(&self, user: &str, folder: &str) -> Vec<MaildirMessage> {
        maildir_messages(&self.maildir_root.join(user).join(format!(".{folder}")))
    }

    /// Waits until a user's INBOX has at least `count` messages.
    pub fn wait_for_messages(
        &self,
        user: &str,
        count: usize,
        timeout: Duration,
    ) -> Vec<MaildirMessage> {
        wait_for(&format!("{count} message(s) for {user}"), timeout, || {
            let found = self.messages(user);
            (found.len() >= count).then_some(found)
        })
    }
}

impl MailServers {
    /// Fails the test when a staff address (`@staff.example`, where every test's agents
    /// and engineers write from) appears in any mail a customer received: in a header,
    /// the text or a file, decoded. Customers are everyone but staff, the desks and their
    /// leads (`@example.com`) and outside specialists (`@vendor.example`).
    pub fn assert_no_staff_address_reached_a_customer(&self) {
        let Ok(users) = std::fs::read_dir(&self.maildir_root) else {
            return;
        };
        for user in users.flatten() {
            let name = user.file_name().to_string_lossy().into_owned();
            let not_customer = ["@staff.example", "@example.com", "@vendor.example"];
            if !name.contains('@') || not_customer.iter().any(|d| name.ends_with(d)) {
                continue;
            }
            for message in self.messages(&name) {
                let mut seen = vec![message.text.to_lowercase()];
                seen.push(
                    loket::mail::parse(message.text.as_bytes())
                        .text
                        .to_lowercase(),
                );
                for file in loket::mail::files::attachments(message.text.as_bytes()) {
                    seen.push(String::from_utf8_lossy(&file.bytes).to_lowercase());
                }
                assert!(
                    !seen.iter().any(|s| s.contains("@staff.example")),
                    "a staff address reached the customer {name} in:\n{}",
                    message.text
                );
            }
        }
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        // Every end-to-end test proves, on its way out, that no private address of staff
        // reached a customer.
        if !std::thread::panicking() {
            self.assert_no_staff_address_reached_a_customer();
        }
        let _ = Command::new(repo().join("contrib/test-servers/stop"))
            .arg(self.dir.path())
            .status();
    }
}

/// Starts the servers in `dir`. A free port can be taken by a parallel test between being
/// chosen and being bound, so a failed start is tried again (with new ports) twice.
fn start_servers(dir: &Path) {
    let mut last = String::new();
    for _ in 0..3 {
        let out = Command::new(repo().join("contrib/test-servers/start"))
            .arg(dir)
            .output()
            .expect("contrib/test-servers/start runs");
        if out.status.success() {
            return;
        }
        last = text(&out.stderr);
        let _ = Command::new(repo().join("contrib/test-servers/stop"))
            .arg(dir)
            .status();
    }
    panic!("the test mail servers did not start (install them with contrib/test-servers/install):\n{last}");
}

/// A message file in a Maildir and its flags.
#[derive(Debug, Clone)]
pub struct MaildirMessage {
    pub text: String,
    pub flags: String,
}

impl MaildirMessage {
    /// The value of a header (first occurrence, unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        header(&self.text, name)
    }

    /// Its text as a reader sees it, decoded.
    pub fn body(&self) -> String {
        loket::mail::parse(self.text.as_bytes()).text
    }
}

impl MailServers {
    /// The first mail of `user` whose text contains `words`, waiting up to `wait` for it.
    pub fn mail_with(&self, user: &str, words: &str, wait: Duration) -> MaildirMessage {
        wait_for(&format!("a mail to {user} with {words:?}"), wait, || {
            self.messages(user)
                .into_iter()
                .find(|m| m.body().contains(words))
        })
    }

    /// `from` answers `mail` from a mail client, to its Reply-To (or its sender), in its
    /// thread, with `text` and the Message-ID `<message_id>`.
    pub fn answer(&self, from: &str, mail: &MaildirMessage, text: &str, message_id: &str) {
        let to = mail
            .header("Reply-To")
            .or_else(|| mail.header("From"))
            .expect("someone to answer");
        let subject = mail.header("Subject").expect("a subject");
        let id = mail.header("Message-ID").expect("an id");
        let raw = format!(
            "From: {from}\r\nTo: {to}\r\nSubject: Re: {subject}\r\nIn-Reply-To: {id}\r\n\
             Message-ID: <{message_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        );
        self.submit(&address_in(from), &[&address_in(&to)], raw.as_bytes());
    }
}

fn maildir_messages(folder: &Path) -> Vec<MaildirMessage> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(folder.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let flags = name
                .split_once(":2,")
                .map_or(String::new(), |(_, f)| f.to_string());
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                found.push(MaildirMessage { text, flags });
            }
        }
    }
    found
}

/// A minimal SMTP client (RFC 5321) for submitting test mail.
pub fn smtp_send(port: u16, from: &str, to: &[&str], raw: &[u8]) -> std::io::Result<()> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    expect_reply(&mut reader, "220")?;
    command(&mut writer, &mut reader, "EHLO test.localhost", "250")?;
    command(
        &mut writer,
        &mut reader,
        &format!("MAIL FROM:<{from}>"),
        "250",
    )?;
    for rcpt in to {
        command(
            &mut writer,
            &mut reader,
            &format!("RCPT TO:<{rcpt}>"),
            "250",
        )?;
    }
    command(&mut writer, &mut reader, "DATA", "354")?;
    let body = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    for line in body.split('\n') {
        let stuffed = if line.starts_with('.') {
            format!(".{line}")
        } else {
            line.to_string()
        };
        writer.write_all(stuffed.as_bytes())?;
        writer.write_all(b"\r\n")?;
    }
    command(&mut writer, &mut reader, ".", "250")?;
    command(&mut writer, &mut reader, "QUIT", "221")
}

fn command(
    writer: &mut TcpStream,
    reader: &mut BufReader<TcpStream>,
    line: &str,
    code: &str,
) -> std::io::Result<()> {
    writer.write_all(format!("{line}\r\n").as_bytes())?;
    expect_reply(reader, code)
}

fn expect_reply(reader: &mut BufReader<TcpStream>, code: &str) -> std::io::Result<()> {
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if !line.starts_with(code) {
            return Err(std::io::Error::other(format!(
                "expected {code}, got {line:?}"
            )));
        }
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}

/// Reads a whole file, for tests that compare bytes.
pub fn read(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .expect("read file");
    bytes
}

/// The address in a header value such as `Name <a@b>` (or the bare address).
pub fn address_in(header: &str) -> String {
    header
        .rsplit('<')
        .next()
        .unwrap_or(header)
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// How many history entries of a kind (`"what"`) a `ticket show --json` holds.
pub fn happenings(ticket: &Value, what: &str) -> usize {
    ticket["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["what"] == what)
        .count()
}

/// A TCP proxy on loopback that forwards to a server and, until it is calmed, breaks
/// connections: it delays each chunk, and cuts most connections after a random number
/// of bytes or a random time, so that a cut lands in login, SELECT, FETCH, IDLE or the
/// STORE/MOVE after a commit.
pub struct ChaosProxy {
    pub port: u16,
    calm: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cuts: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl ChaosProxy {
    /// Starts forwarding 127.0.0.1:`port` (a free port) to 127.0.0.1:`target`.
    pub fn start(target: u16, seed: u64) -> ChaosProxy {
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        use std::sync::Arc;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a proxy port");
        let port = listener.local_addr().expect("bound").port();
        let calm = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicUsize::new(0));
        let (calm2, cuts2) = (calm.clone(), cuts.clone());
        std::thread::spawn(move || {
            let mut rng = seed | 1;
            for client in listener.incoming().flatten() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let plan = Plan::from(rng, calm2.load(std::sync::atomic::Ordering::SeqCst));
                plan.run(client, server, cuts2.clone(), calm2.clone());
            }
        });
        ChaosProxy { port, calm, cuts }
    }

    /// From now on connections pass untouched.
    pub fn calm_down(&self) {
        self.calm.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many connections it cut.
    pub fn cuts(&self) -> usize {
        self.cuts.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// What the proxy does to one connection.
struct Plan {
    /// Cut after this many bytes in both directions together.
    bytes: usize,
    /// Cut after this long.
    after: Duration,
    /// Longest delay before forwarding a chunk, in milliseconds.
    delay_ms: u64,
    /// Numbers for the delays.
    seed: u64,
}

impl Plan {
    fn from(rng: u64, calm: bool) -> Plan {
        let cut = !calm;
        Plan {
            bytes: if cut {
                (rng >> 8) as usize % 8000 + 1
            } else {
                usize::MAX
            },
            after: if cut {
                Duration::from_millis((rng >> 16) % 2700 + 300)
            } else {
                Duration::from_secs(3600)
            },
            delay_ms: if calm { 0 } else { (rng >> 24) % 30 },
            seed: rng,
        }
    }

    fn run(
        self,
        client: std::net::TcpStream,
        server: std::net::TcpStream,
        cuts: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        calm: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        let moved = Arc::new(AtomicUsize::new(0));
        let cut = Arc::new(AtomicBool::new(false));
        let streams = [client, server];
        let cut_both = {
            let (a, b) = (
                streams[0].try_clone().expect("clone"),
                streams[1].try_clone().expect("clone"),
            );
            let (cut, cuts) = (cut.clone(), cuts.clone());
            move || {
                if !cut.swap(true, Ordering::SeqCst) {
                    cuts.fetch_add(1, Ordering::SeqCst);
                }
                let _ = a.shutdown(std::net::Shutdown::Both);
                let _ = b.shutdown(std::net::Shutdown::Both);
            }
        };
        let cut_both = Arc::new(cut_both);
        // The timer: a cut in the middle of a quiet IDLE, too.
        {
            let (cut_both, calm, after) = (cut_both.clone(), calm.clone(), self.after);
            let cut = cut.clone();
            std::thread::spawn(move || {
                std::thread::sleep(after.min(Duration::from_secs(60)));
                if after < Duration::from_secs(3600)
                    && !calm.load(Ordering::SeqCst)
                    && !cut.load(Ordering::SeqCst)
                {
                    cut_both();
                }
            });
        }
        for (from, to, mut rng) in [
            (0usize, 1usize, self.seed),
            (1, 0, self.seed.rotate_left(17)),
        ] {
            let mut reader = streams[from].try_clone().expect("clone");
            let mut writer = streams[to].try_clone().expect("clone");
            let (moved, cut_both, calm) = (moved.clone(), cut_both.clone(), calm.clone());
            let (limit, delay_ms) = (self.bytes, self.delay_ms);
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut buffer = [0u8; 512];
                while let Ok(n) = reader.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    if delay_ms > 0 && !calm.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(rng % (delay_ms + 1)));
                    }
                    let total = moved.fetch_add(n, Ordering::SeqCst) + n;
                    if total > limit && !calm.load(Ordering::SeqCst) {
                        // Forward part of the chunk, then cut: the cut lands mid-answer.
                        let part = (limit.saturating_sub(total - n)).min(n);
                        let _ = writer.write_all(&buffer[..part]);
                        cut_both();
                        break;
                    }
                    if writer.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                let _ = writer.shutdown(std::net::Shutdown::Write);
            });
        }
    }
}

/// The files under `folder` whose bytes hold `needle` (any case), as they lie on disk or
/// inside any zstd frame in them (the journal and sled's compressed values), so that a
/// test can prove that erased data left the disk.
pub fn files_mentioning(folder: &Path, needle: &str) -> Vec<PathBuf> {
    let needle = needle.to_lowercase().into_bytes();
    let holds = |bytes: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(&needle))
    };
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let mut hit = holds(&bytes);
            const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
            let mut at = 0;
            while !hit && at + 4 <= bytes.len() {
                if bytes[at..at + 4] == MAGIC {
                    let mut decoded = Vec::new();
                    let mut decoder = match zstd::stream::read::Decoder::new(&bytes[at..]) {
                        Ok(decoder) => decoder.single_frame(),
                        Err(_) => {
                            at += 1;
                            continue;
                        }
                    };
                    let _ = decoder.read_to_end(&mut decoded);
                    hit = holds(&decoded);
                }
                at += 1;
            }
            if hit {
                found.push(path);
            }
        }
    }
    found
}
