//! Power cuts with the real binary and real Dovecot: Loket's var folder lives on a small
//! ext4 image mounted through a loop device, and while mail keeps arriving over IMAP
//! IDLE the image file is copied at random moments. The copy holds only what reached the
//! loop device (not the page cache of the mounted filesystem): what a power cut leaves.
//! Each copy is mounted (the journal is replayed) and opened with `loket ticket list`;
//! every mail Loket had acknowledged to Dovecot (flagged \Seen) before the cut must be in
//! it. A canary file written without a sync just before each copy must be missing from
//! it (the copy really is a power cut); in one control cut a `sync` runs before the copy,
//! and there the canary must be present.
//!
//! Needs root, `mkfs.ext4` (e2fsprogs) and `mount`/`umount`/`losetup` (mount) with loop
//! devices; `contrib/test-servers/install` installs the packages. A run prints one line
//! per cut to standard error, and its random seed: `LOKET_POWERCUT_SEED=<seed>` replays
//! the same delays and mail sizes (not the timing); `LOKET_POWERCUT_LOGS=<folder>` keeps
//! the log of every `loket run` there.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{text, Daemon, MailServers, Sandbox};

/// Cuts without a sync before the copy: what a power cut leaves.
const MEASURED_CUTS: usize = 12;
/// Cuts that must land in a run that acknowledged mail, with more mail waiting.
const MIN_CUTS_DURING_INTAKE: usize = 3;
/// Size of the ext4 image (a sparse file; a copy holds only the blocks written).
const IMAGE_MIB: u64 = 512;
/// Random time between the daemon being up and the cut.
const CUT_AFTER_MS: (u64, u64) = (200, 1500);
/// Time for IMAP commands in flight at the SIGSTOP to be answered by Dovecot.
const SETTLE: Duration = Duration::from_millis(200);
/// Pause between two deliveries into Dovecot (random in this range).
const DELIVERY_PAUSE_MS: (u64, u64) = (10, 40);
/// Every this many mails one is large (a 300 KB to 2 MB attachment): sled 0.34 kept such
/// a value in a blob file of its own, which it wrote but never synced.
const LARGE_EVERY: usize = 10;
const LARGE_BYTES: (u64, u64) = (300_000, 2_000_000);
/// The delivery thread stops here at the latest (a slow machine must not fill the image:
/// the store takes about 2.5 times the mail it holds).
const MAX_MAILS: usize = 1200;
/// How long `loket ticket list` may take on a copy before it counts as hung.
const OPEN_TIMEOUT: Duration = Duration::from_secs(60);

/// A small xorshift64* generator: enough for delays and sizes, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `lo..hi`.
    fn range(&mut self, (lo, hi): (u64, u64)) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

fn seed() -> u64 {
    match std::env::var("LOKET_POWERCUT_SEED") {
        Ok(seed) => seed
            .parse()
            .unwrap_or_else(|e| panic!("LOKET_POWERCUT_SEED={seed:?} is no number: {e}")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    }
}

fn message_id(n: usize) -> String {
    format!("<powercut-{n}@example.id>")
}

fn subject(n: usize) -> String {
    format!("Power cut {n}")
}

/// The `n` of `<powercut-n@example.id>` (with or without the angle brackets).
fn number_of_message_id(id: &str) -> Option<usize> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    bare.strip_prefix("powercut-")?
        .strip_suffix("@example.id")?
        .parse()
        .ok()
}

fn number_of_subject(subject: &str) -> Option<usize> {
    subject.strip_prefix("Power cut ")?.parse().ok()
}

/// Mail number `n`, from its own sender (the per-sender limit on acknowledgements never
/// applies); with an attachment of `large` bytes (base64) when given.
fn mail(n: usize, large: Option<usize>, rng: &mut Rng) -> Vec<u8> {
    let head = format!(
        "From: Customer {n} <pc{n}@example.id>\r\nTo: support@example.com\r\nSubject: {}\r\n\
         Message-ID: {}\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\nMIME-Version: 1.0\r\n",
        subject(n),
        message_id(n)
    );
    let question = format!("Question number {n}: the power went out while I was typing.\r\n");
    let Some(bytes) = large else {
        return format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{question}")
            .into_bytes();
    };
    let mut mail = format!(
        "{head}Content-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n\
         --b{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{question}\r\n\
         --b{n}\r\nContent-Type: application/octet-stream; name=\"dump-{n}.bin\"\r\n\
         Content-Disposition: attachment; filename=\"dump-{n}.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let lines = bytes.div_ceil(78);
    mail.reserve(lines * 78 + 64);
    for _ in 0..lines {
        for _ in 0..8 {
            let mut word = rng.next();
            for _ in 0..9 {
                mail.push(ALPHABET[(word & 63) as usize]);
                word >>= 6;
            }
        }
        mail.extend_from_slice(&ALPHABET[..4]);
        mail.extend_from_slice(b"\r\n");
    }
    mail.extend_from_slice(format!("--b{n}--\r\n").as_bytes());
    mail
}

/// A tool this test needs, found on PATH or in the sbin folders, or a clear failure.
fn tool(name: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let fallback = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from);
    std::env::split_paths(&path)
        .chain(fallback)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test needs `{name}` (Debian package {package}), which is not installed; \
                 as root: apt-get install {package} (contrib/test-servers/install does it)"
            )
        })
}

/// The external tools, looked up once.
#[derive(Clone)]
struct Tools {
    mkfs: PathBuf,
    mount: PathBuf,
    umount: PathBuf,
    losetup: PathBuf,
    cp: PathBuf,
    sync: PathBuf,
}

impl Tools {
    fn find() -> Tools {
        Tools {
            mkfs: tool("mkfs.ext4", "e2fsprogs"),
            mount: tool("mount", "mount"),
            umount: tool("umount", "mount"),
            losetup: tool("losetup", "mount"),
            cp: tool("cp", "coreutils"),
            sync: tool("sync", "coreutils"),
        }
    }
}

/// Runs a command to the end; its standard error on failure.
fn run(program: &Path, args: &[&OsStr]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {} failed ({}): {}",
            program.display(),
            args.iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            out.status,
            text(&out.stderr).trim()
        ))
    }
}

/// Makes an empty ext4 filesystem in a new sparse image file.
fn make_image(tools: &Tools, image: &Path) {
    let file = std::fs::File::create(image).expect("creating the image file");
    file.set_len(IMAGE_MIB << 20)
        .expect("sizing the image file");
    drop(file);
    // Inode tables and journal are written now, not by a kernel thread during the cuts.
    run(
        &tools.mkfs,
        &[
            "-q".as_ref(),
            "-F".as_ref(),
            "-E".as_ref(),
            "lazy_itable_init=0,lazy_journal_init=0".as_ref(),
            image.as_os_str(),
        ],
    )
    .unwrap_or_else(|e| panic!("making the ext4 image: {e}"));
}

/// An image file loop-mounted on a folder; unmounted and its loop device detached when
/// dropped, also when the test fails.
struct Mounted {
    tools: Tools,
    image: PathBuf,
    point: PathBuf,
}

impl Mounted {
    fn new(tools: &Tools, image: &Path, point: &Path) -> Result<Mounted, String> {
        std::fs::create_dir_all(point).map_err(|e| format!("mount point: {e}"))?;
        let mounted = Mounted {
            tools: tools.clone(),
            image: image.to_path_buf(),
            point: point.to_path_buf(),
        };
        match run(
            &tools.mount,
            &[
                "-o".as_ref(),
                "loop".as_ref(),
                image.as_os_str(),
                point.as_os_str(),
            ],
        ) {
            Ok(()) => Ok(mounted),
            Err(e) => {
                // Dropping detaches a loop device the failed mount may have left.
                Err(format!(
                    "{e} (loop mounts need root and /dev/loop-control; is this a container without them?)"
                ))
            }
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let mut unmounted = false;
        for _ in 0..50 {
            if run(&self.tools.umount, &[self.point.as_os_str()]).is_ok() {
                unmounted = true;
                break;
            }
            if !is_mount_point(&self.point) {
                unmounted = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !unmounted {
            let _ = run(&self.tools.umount, &["-l".as_ref(), self.point.as_os_str()]);
        }
        // `mount -o loop` detaches on unmount; whatever is still attached goes now.
        let listed = Command::new(&self.tools.losetup)
            .arg("-j")
            .arg(&self.image)
            .output();
        if let Ok(listed) = listed {
            for line in text(&listed.stdout).lines() {
                if let Some((device, _)) = line.split_once(':') {
                    let _ = run(&self.tools.losetup, &["-d".as_ref(), device.as_ref()]);
                }
            }
        }
    }
}

fn is_mount_point(path: &Path) -> bool {
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .any(|line| line.split(' ').nth(4) == Some(&*path.to_string_lossy()))
}

/// The support INBOX as a delivery agent sees it: mail is written to `tmp/`, given to the
/// mail user and renamed into `new/`, from a thread of its own.
struct Inbox {
    maildir: PathBuf,
    uid: u32,
    gid: u32,
}

impl Inbox {
    fn deliver(&self, name: &str, raw: &[u8]) {
        let tmp = self.maildir.join("tmp").join(name);
        std::fs::write(&tmp, raw).expect("writing a mail into tmp/");
        std::os::unix::fs::chown(&tmp, Some(self.uid), Some(self.gid))
            .expect("giving a mail to the mail user");
        std::fs::rename(&tmp, self.maildir.join("new").join(name)).expect("rename into new/");
    }
}

/// Delivers mail into Dovecot from a thread until stopped; stopped and joined on drop.
struct Deliveries {
    stop: Arc<AtomicBool>,
    delivered: Arc<AtomicUsize>,
    large: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Deliveries {
    /// Starts after the mails numbered below `first` (already delivered).
    fn start(inbox: Inbox, first: usize, seed: u64) -> Deliveries {
        let stop = Arc::new(AtomicBool::new(false));
        let delivered = Arc::new(AtomicUsize::new(first));
        let large = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, delivered, large) = (stop.clone(), delivered.clone(), large.clone());
            std::thread::spawn(move || {
                let mut rng = Rng::new(seed);
                for n in first..MAX_MAILS {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let size = (n % LARGE_EVERY == LARGE_EVERY / 2)
                        .then(|| rng.range(LARGE_BYTES) as usize);
                    inbox.deliver(&format!("{n:06}.powercut"), &mail(n, size, &mut rng));
                    if size.is_some() {
                        large.fetch_add(1, Ordering::Relaxed);
                    }
                    delivered.store(n + 1, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(rng.range(DELIVERY_PAUSE_MS)));
                }
            })
        };
        Deliveries {
            stop,
            delivered,
            large,
            thread: Some(thread),
        }
    }

    fn delivered(&self) -> usize {
        self.delivered.load(Ordering::Relaxed)
    }
}

impl Drop for Deliveries {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The mail numbers Loket has acknowledged: flagged \Seen in the support INBOX (Loket
/// flags a mail only once the store holds it on disk), read from the Maildir's file
/// names (flags) and the mails' Message-IDs.
fn acknowledged(maildir: &Path) -> BTreeSet<usize> {
    let mut last_problem = String::new();
    for _ in 0..5 {
        match try_acknowledged(maildir) {
            Ok(found) => return found,
            Err(problem) => last_problem = problem,
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "reading the acknowledged mails from {}: {last_problem}",
        maildir.display()
    )
}

fn try_acknowledged(maildir: &Path) -> Result<BTreeSet<usize>, String> {
    let cur = maildir.join("cur");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&cur).map_err(|e| format!("listing cur/: {e}"))? {
        let entry = entry.map_err(|e| format!("listing cur/: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((_, flags)) = name.split_once(":2,") else {
            continue;
        };
        if !flags.contains('S') {
            continue;
        }
        // The head only: some mails are megabytes.
        let mut head = vec![0; 2048];
        let read = std::fs::File::open(entry.path())
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| format!("reading {name}: {e}"))?;
        let head = String::from_utf8_lossy(&head[..read]).into_owned();
        let id = support::header(&head, "Message-ID")
            .ok_or_else(|| format!("{name} has no Message-ID in its first {read} bytes"))?;
        let n = number_of_message_id(&id)
            .ok_or_else(|| format!("{name} has a Message-ID not sent by this test: {id}"))?;
        found.insert(n);
    }
    Ok(found)
}

/// Every file under a folder (relative path) and its size.
fn files_in(folder: &Path) -> BTreeMap<String, u64> {
    fn walk(folder: &Path, prefix: &str, found: &mut BTreeMap<String, u64>) {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => walk(&entry.path(), &format!("{name}/"), found),
                _ => {
                    found.insert(name, entry.metadata().map_or(0, |m| m.len()));
                }
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(folder, "", &mut found);
    found
}

/// How the store's files in the copy differ from the running store's at the cut (which
/// include what was still in the page cache): for a failure report.
fn store_differences(before: &BTreeMap<String, u64>, copy: &BTreeMap<String, u64>) -> String {
    let size = |s: Option<&u64>| s.map_or("missing".to_string(), |s| format!("{s} bytes"));
    let lines: Vec<String> = before
        .keys()
        .chain(copy.keys().filter(|k| !before.contains_key(*k)))
        .filter(|name| before.get(*name) != copy.get(*name))
        .map(|name| {
            format!(
                "    store/{name}: {} at the cut, {} in the copy",
                size(before.get(name)),
                size(copy.get(name))
            )
        })
        .collect();
    if lines.is_empty() {
        return "the copy's store files have the sizes the running store's had".into();
    }
    let shown = lines.len().min(30);
    format!(
        "store files that differ between the cut and the copy (before loket opened it):\n{}{}",
        lines[..shown].join("\n"),
        if lines.len() > shown {
            format!("\n    ... and {} more", lines.len() - shown)
        } else {
            String::new()
        }
    )
}

/// The loop device (its name under /sys/block) an image file is attached to.
fn loop_device(image: &Path) -> Option<String> {
    let image = image.canonicalize().ok()?;
    std::fs::read_dir("/sys/block")
        .ok()?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("loop"))
        .find(|name| {
            std::fs::read_to_string(format!("/sys/block/{name}/loop/backing_file"))
                .is_ok_and(|backing| Path::new(backing.trim()) == image)
        })
}

/// The writes, written sectors, discards and flushes a block device has completed, or
/// `None` while requests are in flight.
fn device_writes(device: &str) -> Option<[u64; 4]> {
    let stat = std::fs::read_to_string(format!("/sys/block/{device}/stat")).ok()?;
    let field: Vec<u64> = stat
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let at = |i: usize| field.get(i).copied().unwrap_or(0);
    (at(8) == 0).then(|| [at(4), at(6), at(11), at(15)])
}

/// Copies the image while its loop device writes nothing: the copy is the device as it
/// was at one moment, as a power cut leaves it (a copy taken while the kernel writes back
/// could hold a later block without an earlier one). Returns the attempts it took.
fn copy_quietly(tools: &Tools, device: &str, image: &Path, copy: &Path) -> usize {
    for attempt in 1..=20 {
        let before = device_writes(device);
        run(
            &tools.cp,
            &[
                "--sparse=always".as_ref(),
                image.as_os_str(),
                copy.as_os_str(),
            ],
        )
        .expect("copying the image");
        if before.is_some() && before == device_writes(device) {
            return attempt;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{device} was writing during each of 20 copies of {}",
        image.display()
    )
}

fn signal(daemon: &Daemon, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(daemon.pid().to_string())
        .status()
        .expect("running kill");
    assert!(
        status.success(),
        "kill -{signal} {}: {status}",
        daemon.pid()
    );
}

/// The last lines of a text (logs can be long).
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// What a copied store gave `loket ticket list --json` (and a few `ticket show`s).
struct Opened {
    /// Mail number -> ticket id, from the tickets' subjects.
    tickets: BTreeMap<usize, u64>,
    /// How many tickets the copy holds, this test's or not.
    count: usize,
    /// What the `ticket show`s found wrong.
    problems: Vec<String>,
}

/// Runs `loket --config <config> <args>` with a time limit; its stdout, or why not.
fn loket(config: &Path, scratch: &Path, args: &[&str]) -> Result<String, String> {
    let (code, stdout) = loket_status(config, scratch, args)?;
    match code {
        Some(0) => Ok(stdout),
        _ => Err(stdout),
    }
}

/// Runs `loket` on a copy: its exit code and standard output, or why it did not end
/// (`Err` also carries stderr when it failed, in `loket`'s words).
fn loket_status(
    config: &Path,
    scratch: &Path,
    args: &[&str],
) -> Result<(Option<i32>, String), String> {
    let stdout_path = scratch.join("loket.stdout");
    let stderr_path = scratch.join("loket.stderr");
    let stdout = std::fs::File::create(&stdout_path).expect("creating a stdout file");
    let stderr = std::fs::File::create(&stderr_path).expect("creating a stderr file");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_loket"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("LOKET_LOG", "info")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("starting loket");
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for loket") {
            break Some(status);
        }
        if started.elapsed() > OPEN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let what = format!("loket {}", args.join(" "));
    match status {
        None => Err(format!(
            "{what} hung: killed after {OPEN_TIMEOUT:?}; its stderr:\n{}",
            tail(&stderr, 40)
        )),
        Some(status) if status.code().is_some_and(|c| c > 1) || status.code().is_none() => {
            Err(format!(
                "{what} failed ({status}); its stderr:\n{}",
                tail(&stderr, 40)
            ))
        }
        Some(status) if !status.success() => Ok((
            status.code(),
            format!(
                "{stdout}\n{what} exited {status}; its stderr:\n{}",
                tail(&stderr, 40)
            ),
        )),
        Some(status) => Ok((status.code(), stdout)),
    }
}

/// Opens the store of a copy with the real binary: every ticket (an error when the store
/// does not open), and for `check` (mail numbers) `ticket show` must hold the mail's
/// Message-ID.
fn open_copy(config: &Path, scratch: &Path, check: &[usize]) -> Result<Opened, String> {
    let stdout = loket(config, scratch, &["ticket", "list", "--json"])?;
    let list: Value = serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "loket ticket list --json printed no JSON ({e}):\n{}",
            tail(&stdout, 20)
        )
    })?;
    let list = list
        .as_array()
        .ok_or_else(|| format!("loket ticket list --json printed no array: {list}"))?;
    let mut opened = Opened {
        tickets: BTreeMap::new(),
        count: list.len(),
        problems: Vec::new(),
    };
    for ticket in list {
        let n = ticket["subject"].as_str().and_then(number_of_subject);
        if let (Some(n), Some(id)) = (n, ticket["id"].as_u64()) {
            opened.tickets.insert(n, id);
        }
    }
    for &n in check {
        let Some(&id) = opened.tickets.get(&n) else {
            continue; // reported as missing by the caller
        };
        let shown = loket(
            config,
            scratch,
            &["ticket", "show", &id.to_string(), "--json"],
        )
        .and_then(|stdout| {
            serde_json::from_str::<Value>(&stdout)
                .map_err(|e| format!("loket ticket show {id} --json printed no JSON ({e})"))
        });
        let shown = match shown {
            Ok(shown) => shown,
            Err(e) => {
                opened.problems.push(format!(
                    "after `loket ticket list` had opened the copy, {e}"
                ));
                continue;
            }
        };
        let ids: Vec<&str> = shown["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["message_id"].as_str())
            .collect();
        if !ids.iter().any(|id| number_of_message_id(id) == Some(n)) {
            opened.problems.push(format!(
                "ticket {id} ({}) does not hold the mail {}: its messages are {ids:?}",
                subject(n),
                message_id(n)
            ));
        }
    }
    // Every record's journal file is there and whole (mail waiting in the journal without
    // a commit is fine: it was never acknowledged, and the next start takes it in).
    let (code, fsck) = loket_status(config, scratch, &["fsck"])?;
    let counts_zero = ["missing: 0 ", "damaged: 0"]
        .iter()
        .all(|line| fsck.contains(line));
    if !(code == Some(0) || code == Some(1)) || !counts_zero {
        opened.problems.push(format!(
            "loket fsck on the copy (exit {code:?}):\n{}",
            tail(&fsck, 20)
        ));
    }
    Ok(opened)
}

/// Mail numbers as ranges: `0-29 31 33-40`.
fn ranges(numbers: &BTreeSet<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for &n in numbers {
        run = match run {
            Some((first, last)) if n == last + 1 => Some((first, n)),
            Some(done) => {
                parts.push(range_text(done));
                Some((n, n))
            }
            None => Some((n, n)),
        };
    }
    parts.extend(run.map(range_text));
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" ")
    }
}

fn range_text((first, last): (usize, usize)) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

/// What one cut found.
struct Cut {
    number: usize,
    control: bool,
    delay_ms: u64,
    acknowledged: BTreeSet<usize>,
    missing: BTreeSet<usize>,
    problems: Vec<String>,
    /// On failure: how the store's files in the copy differ from those at the cut.
    store_files: Option<String>,
    /// The end of the daemon's log at the cut.
    daemon_log: String,
}

impl Cut {
    fn failed(&self) -> bool {
        !self.problems.is_empty() || !self.missing.is_empty()
    }

    fn kind(&self) -> &'static str {
        if self.control {
            "control, synced before the copy"
        } else {
            "measured"
        }
    }

    /// The failure report of this cut: which, what was acknowledged, what is missing, why.
    fn report(&self) -> String {
        let mut report = format!(
            "cut {} ({}, {} ms after the start): {} mails acknowledged before the cut \
             (Message-IDs <powercut-N@example.id>, N = {})",
            self.number,
            self.kind(),
            self.delay_ms,
            self.acknowledged.len(),
            ranges(&self.acknowledged)
        );
        if !self.missing.is_empty() {
            let shown: Vec<String> = self
                .missing
                .iter()
                .take(20)
                .map(|&n| message_id(n))
                .collect();
            report.push_str(&format!(
                "\n  {} of them missing from the copy, N = {}: {}{}",
                self.missing.len(),
                ranges(&self.missing),
                shown.join(" "),
                if self.missing.len() > shown.len() {
                    " ..."
                } else {
                    ""
                }
            ));
        }
        for problem in self.problems.iter().chain(&self.store_files) {
            report.push_str(&format!("\n  {problem}"));
        }
        report.push_str(&format!(
            "\n  the end of loket run's log at the cut:\n{}",
            self.daemon_log
        ));
        report
    }
}

#[test]
fn every_mail_acknowledged_before_a_power_cut_is_in_the_store_after_it() {
    let started = Instant::now();
    let tools = Tools::find();
    let seed = seed();
    eprintln!("powercut: seed {seed} (LOKET_POWERCUT_SEED={seed} replays it)");
    let mut rng = Rng::new(seed);

    let servers = MailServers::start();
    // The first mail makes the Maildir, owned by the mail user; the thread goes on.
    servers.deliver_directly(
        "support@example.com",
        "000000.powercut",
        &mail(0, None, &mut rng),
    );
    let maildir = servers.maildir_root.join("support@example.com");
    let owner = std::fs::metadata(&servers.maildir_root).expect("the mail root");
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let work = tempfile::tempdir().expect("a temp dir for images");
    let image = work.path().join("var.img");
    make_image(&tools, &image);
    // The whole var folder (store, spool, socket) is the mounted filesystem.
    let var = sandbox.var();
    let _mounted = Mounted::new(&tools, &image, &var)
        .unwrap_or_else(|e| panic!("mounting the ext4 image on {}: {e}", var.display()));
    let device = loop_device(&image).unwrap_or_else(|| {
        panic!(
            "no loop device in /sys/block is backed by {}",
            image.display()
        )
    });
    let deliveries = Deliveries::start(
        Inbox {
            maildir: maildir.clone(),
            uid: owner.uid(),
            gid: owner.gid(),
        },
        1,
        rng.next(),
    );

    let cuts = MEASURED_CUTS + 1;
    let control = 1 + rng.range((0, cuts as u64)) as usize;
    let mut results: Vec<Cut> = Vec::new();
    let mut cuts_during_intake = 0;
    for number in 1..=cuts {
        let is_control = number == control;
        let daemon = sandbox.daemon();
        let delay_ms = rng.range(CUT_AFTER_MS);
        std::thread::sleep(Duration::from_millis(delay_ms));

        // The cut: freeze Loket, let Dovecot answer what it was sent, and see what it was
        // told; then the canary (never synced in a measured cut), then the "power cut".
        signal(&daemon, "STOP");
        std::thread::sleep(SETTLE);
        let delivered = deliveries.delivered();
        let acked = acknowledged(&maildir);
        let daemon_log = daemon.log();
        let created_in_run = daemon_log.matches("ticket created").count();
        if let Some(dir) = std::env::var_os("LOKET_POWERCUT_LOGS") {
            let _ = std::fs::write(
                Path::new(&dir).join(format!("{seed}-{number}.log")),
                &daemon_log,
            );
        }
        let daemon_log = tail(&daemon_log, 12);
        let store_at_cut = files_in(&var.join("store"));
        let store_mb = store_at_cut.values().sum::<u64>() as f64 / 1e6;
        let canary_name = format!("canary-{number}");
        let canary = format!("canary of cut {number}, seed {seed}\n");
        std::fs::write(var.join(&canary_name), &canary).expect("writing the canary");
        if is_control {
            run(&tools.sync, &[]).expect("sync");
        }
        let copy = work.path().join(format!("cut-{number}.img"));
        let attempts = copy_quietly(&tools, &device, &image, &copy);
        daemon.kill_hard();

        let before = results.last().map_or(0, |c| c.acknowledged.len());
        let new_acks = acked.len().saturating_sub(before);
        if new_acks > 0 && delivered > acked.len() {
            cuts_during_intake += 1;
        }
        let mut cut = Cut {
            number,
            control: is_control,
            delay_ms,
            acknowledged: acked,
            missing: BTreeSet::new(),
            problems: Vec::new(),
            store_files: None,
            daemon_log,
        };

        // After the cut: mount the copy (journal replay) and open its store.
        let checking = Instant::now();
        let point = work.path().join(format!("cut-{number}"));
        let scratch = work.path().join(format!("cut-{number}.out"));
        std::fs::create_dir_all(&scratch).expect("a scratch folder");
        let mut found = "copy: does not mount".to_string();
        let mut canary_state = "canary -";
        match Mounted::new(&tools, &copy, &point) {
            Err(e) => cut
                .problems
                .push(format!("the copied image does not mount: {e}")),
            Ok(copy_mount) => {
                let store_in_copy = files_in(&point.join("store"));
                let config = work.path().join(format!("cut-{number}.toml"));
                let config_text = sandbox
                    .config()
                    .replace(&var.display().to_string(), &point.display().to_string());
                std::fs::write(&config, config_text).expect("writing the copy's config");
                // `ticket show` for the newest acknowledged mails and the last large one.
                let mut check: Vec<usize> =
                    cut.acknowledged.iter().rev().take(3).copied().collect();
                check.extend(
                    cut.acknowledged
                        .iter()
                        .rev()
                        .find(|&&n| n % LARGE_EVERY == LARGE_EVERY / 2),
                );
                match open_copy(&config, &scratch, &check) {
                    Err(e) => {
                        found = "copy: does not open".into();
                        cut.problems
                            .push(format!("the copied store does not open: {e}"));
                    }
                    Ok(opened) => {
                        cut.problems.extend(opened.problems);
                        cut.missing = cut
                            .acknowledged
                            .iter()
                            .filter(|n| !opened.tickets.contains_key(n))
                            .copied()
                            .collect();
                        found = format!(
                            "copy: {} tickets, {} of {} acknowledged found",
                            opened.count,
                            cut.acknowledged.len() - cut.missing.len(),
                            cut.acknowledged.len()
                        );
                    }
                }
                let canary_found = std::fs::read_to_string(point.join(&canary_name))
                    .is_ok_and(|found| found == canary);
                canary_state = if canary_found {
                    "canary present"
                } else {
                    "canary absent"
                };
                if canary_found != is_control {
                    cut.problems.push(if is_control {
                        "the canary written and synced before the copy is missing from it: \
                         the copy does not hold what reached the disk"
                            .to_string()
                    } else {
                        "the canary written without a sync just before the copy is in it: \
                         the copy holds more than what reached the disk"
                            .to_string()
                    });
                }
                if cut.failed() {
                    cut.store_files = Some(store_differences(&store_at_cut, &store_in_copy));
                }
                drop(copy_mount);
            }
        }
        let _ = std::fs::remove_file(&copy);
        let kind = cut.kind();
        let acked = cut.acknowledged.len();
        let retried = if attempts > 1 {
            format!(" (copied at try {attempts}: the device was writing)")
        } else {
            String::new()
        };
        let verdict = match cut.problems.first() {
            Some(problem) => format!("; FAILED: {}", problem.lines().last().unwrap_or("")),
            None if !cut.missing.is_empty() => "; FAILED: acknowledged mail missing".into(),
            None => String::new(),
        };
        eprintln!(
            "powercut: cut {number}/{cuts} ({kind}) {delay_ms} ms after start: delivered \
             {delivered}, acknowledged {acked} (+{new_acks} in this run, {created_in_run} \
             tickets created), store {store_mb:.0} MB; {found}, {canary_state}{verdict}{retried} \
             [{:.1} s to check]",
            checking.elapsed().as_secs_f64()
        );
        results.push(cut);
    }
    let delivered = deliveries.delivered();
    let large = deliveries.large.load(Ordering::Relaxed);
    drop(deliveries);
    let failed: Vec<&Cut> = results.iter().filter(|c| c.failed()).collect();
    eprintln!(
        "powercut: {} of {cuts} cuts failed; {delivered} mails delivered ({large} large), \
         {cuts_during_intake} of {cuts} cuts during intake; {:.1} s",
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    let report: Vec<String> = failed.iter().map(|c| c.report()).collect();
    assert!(
        report.is_empty(),
        "{} of {cuts} power cuts (seed {seed}) lost acknowledged mail or the store:\n\n{}",
        failed.len(),
        report.join("\n\n")
    );
    // A cut proves something only while Loket is taking mail in and acknowledging it. After
    // a restart Loket takes the backlog in as one batch and acknowledges it only when all
    // of it is on disk, so a short run may end before its first acknowledgement.
    assert!(
        cuts_during_intake >= MIN_CUTS_DURING_INTAKE,
        "only {cuts_during_intake} of {cuts} cuts landed while Loket was acknowledging mail \
         (some acknowledged in that run, more delivered): the cuts prove too little"
    );
}
