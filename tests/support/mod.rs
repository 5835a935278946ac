//! Test support: a sandbox folder per test with its own config, the real `loket` binary,
//! and real Dovecot + Postfix started by `contrib/test-servers/start`.
#![allow(dead_code)] // each test file uses its own part of this module

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// A temporary folder with a config file, in which `loket` runs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// A sandbox whose outbox writes files.
    pub fn new() -> Sandbox {
        Sandbox::with_sections(
            "[outbox]\ntransport = \"file\"\npath = \"@VAR@/outbox\"\nretry_after = \"1s\"\n",
        )
    }

    /// A sandbox with the given `[outbox]` and extra sections; `@VAR@` is the var folder.
    pub fn with_sections(sections: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let sandbox = Sandbox { dir };
        let var = sandbox.var();
        let config = format!(
            r#"[store]
path = "@VAR@/store"
[spool]
path = "@VAR@/spool"
poll_interval = "100ms"
[control]
socket = "@VAR@/loket.sock"
[limits]
auto_replies_per_sender_per_hour = 3
auto_replies_per_minute = 100000
[templates]
path = "{templates}"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "en"
{sections}"#,
            templates = repo().join("config/templates").display(),
        )
        .replace("@VAR@", &var.display().to_string());
        std::fs::write(sandbox.config_path(), config).expect("write config");
        sandbox
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("loket.toml")
    }

    pub fn var(&self) -> PathBuf {
        self.dir.path().join("var")
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
        self.command(args).output().expect("loket runs")
    }

    /// Runs `loket` with `input` on standard input.
    pub fn loket_with_input(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("loket starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
        child.wait_with_output().expect("loket ends")
    }

    /// `loket ingest` of one message; must succeed.
    pub fn ingest(&self, raw: &[u8]) {
        let out = self.loket_with_input(&["ingest"], raw);
        assert!(
            out.status.success(),
            "loket ingest failed: {}",
            text(&out.stderr)
        );
    }

    /// `loket run --once`; must succeed. Returns its log.
    pub fn run_once(&self) -> String {
        let out = self.loket(&["run", "--once"]);
        assert!(
            out.status.success(),
            "loket run --once failed: {}",
            text(&out.stderr)
        );
        text(&out.stderr)
    }

    /// `loket <args> --json`, parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let out = self.loket(&args);
        assert!(
            out.status.success(),
            "loket {args:?} failed: {}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("loket prints JSON")
    }

    pub fn tickets(&self) -> Vec<Value> {
        self.json(&["ticket", "list"])
            .as_array()
            .expect("array")
            .clone()
    }

    pub fn ticket(&self, id: u64) -> Value {
        self.json(&["ticket", "show", &id.to_string()])
    }

    pub fn outbox_records(&self) -> Vec<Value> {
        self.json(&["outbox", "list"])
            .as_array()
            .expect("array")
            .clone()
    }

    /// Every `.eml` the file transport wrote, oldest first.
    pub fn outbox_files(&self) -> Vec<String> {
        let folder = self.var().join("outbox");
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Vec::new();
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| (p.metadata().and_then(|m| m.modified()).expect("mtime"), p))
            .collect();
        files.sort();
        files
            .iter()
            .map(|(_, p)| std::fs::read_to_string(p).expect("read eml"))
            .collect()
    }

    /// Files still waiting in the spool.
    pub fn spool_files(&self) -> usize {
        ["new", "cur"]
            .iter()
            .map(|sub| {
                std::fs::read_dir(self.var().join("spool").join(sub)).map_or(0, |d| d.count())
            })
            .sum()
    }

    /// Starts `loket run` in the background.
    pub fn daemon(&self) -> Daemon {
        let log = std::fs::File::create(self.dir.path().join("daemon.log")).expect("log file");
        let child = self
            .command(&["run"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("loket run starts");
        let daemon = Daemon {
            child,
            log: self.dir.path().join("daemon.log"),
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
        let status = self.child.wait().expect("wait for loket");
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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
        let owner = Command::new("chown")
            .arg("-R")
            .arg(format!("--reference={}", self.maildir_root.display()))
            .arg(&maildir)
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

impl Drop for MailServers {
    fn drop(&mut self) {
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
        let head = self.text.split("\r\n\r\n").next().unwrap_or("");
        let head = head
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace("\r\n", "\n");
        let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
        let prefix = format!("{}:", name.to_lowercase());
        unfolded
            .lines()
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
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
