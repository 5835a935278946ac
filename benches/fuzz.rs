//! A fuzzer on the stable toolchain (not a test): mutated mails through the whole mail
//! path, and mutated config files through the config loader, for as long as asked.
//!
//! Each mail is parsed and classified, then prepared (journal, parse) and handed to a
//! real `Worker` over a real store, which threads it, decides against the store's
//! snapshot and commits. Seeds are `contrib/samples/` and the test corpora, plus agent
//! replies with commands. A panic anywhere is a crash: the input is saved under
//! `target/fuzz-crashes/` and the run goes on. The store lives in /dev/shm when there is
//! one, so that its syncs cost nothing.
//!
//! Usage: FUZZ_SECONDS=1800 [FUZZ_SEED=1] cargo bench --bench fuzz

use loket::config::Policy;
use loket::daemon::worker::Worker;
use loket::intake::{Arrival, Preparer, Receipt};
use loket::store::Store;
use loket::types::Timestamp;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Panics seen, and the last panic's message.
static PANICS: AtomicUsize = AtomicUsize::new(0);
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// A fresh store after this many mails, so that it does not grow without end.
const MAILS_PER_STORE: usize = 3000;

const CONFIG: &str = r#"[store]
path = "@DIR@/store"
[spool]
path = "@DIR@/spool"
[outbox]
transport = "file"
path = "@DIR@/outbox"
[control]
socket = "@DIR@/loket.sock"
[limits]
auto_replies_per_sender_per_hour = 1000
auto_replies_per_minute = 100000
[intake]
max_message_size = "1 MiB"
max_parts = 50
max_depth = 8
[templates]
path = "@REPO@/config/templates"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "id"
team = "front"
[team.front]
name = "Front"
tier = 1
[team.senior]
name = "Senior"
tier = 2
[team.engineers]
name = "Engineers"
tier = 3
[agent.andi]
name = "Andi"
addresses = ["andi@staff.example"]
tier = 1
teams = ["front"]
[agent.rina]
name = "Rina"
addresses = ["rina@staff.example"]
tier = 2
teams = ["senior"]
[agent.eko]
name = "Eko"
addresses = ["eko@staff.example"]
tier = 3
teams = ["engineers"]
[security]
secret = "a fuzz secret, 16+ characters"
trusted_authserv_ids = ["mx.example.com"]
[sla.standard]
first_response = "1h"
resolution = "1d"
"#;

/// Agent replies that exercise the commands; the samples are customers' mail.
const AGENT_SEEDS: [&str; 4] = [
    "From: Andi <andi@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #1] Printer\r\nAuthentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\nMessage-ID: <a1@staff.example>\r\n\r\n#priority high\r\n#tier 2\r\nSudah saya cek, Pak.\r\n",
    "From: Rina <rina@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #1] Printer\r\nAuthentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\nMessage-ID: <r1@staff.example>\r\n\r\n#escalate butuh teknisi\r\n#visit 2026-12-10 09:00 2h bawa toner\r\n",
    "From: Eko <eko@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #2]\r\nAuthentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\nMessage-ID: <e1@staff.example>\r\n\r\n#close\r\n#cc +dewi@example.id\r\n#merge 1\r\nSelesai.\r\n",
    "From: Andi <andi@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #3]\r\nAuthentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\nMessage-ID: <a2@staff.example>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n#note\r\n#attachments\r\n--b\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n--b--\r\n",
];

/// xorshift64*: enough randomness for mutations, and repeatable from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that tend to break mail readers.
const NASTY: [&[u8]; 16] = [
    b"\r\n",
    b"\n",
    b"\0",
    b"\xff\xfe",
    b"=?UTF-8?B?",
    b"?=",
    b"=?ISO-8859-1?Q?=E9?=",
    b"\r\n--b\r\n",
    b"boundary=\"",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"\xe2\x80\xae",
    b"[HD #",
    b"#close\r\n",
    b"Content-Type: application/ms-tnef\r\n\r\nx\x9f>\"",
    b"\r\n\r\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(8) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(len + 1);
                let nasty = NASTY[rng.below(NASTY.len())];
                input.splice(at..at, nasty.iter().copied());
            }
            3 if len > 1 => {
                let at = rng.below(len);
                let end = (at + rng.below(64)).min(len);
                input.drain(at..end);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let end = (from + rng.below(512)).min(other.len());
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[from..end].iter().copied());
                }
            }
            5 if len > 0 => {
                // Repeat a slice: long lines, many parts, deep nesting.
                let at = rng.below(len);
                let end = (at + rng.below(80)).min(len);
                let piece = input[at..end].to_vec();
                for _ in 0..rng.below(40) {
                    input.splice(at..at, piece.iter().copied());
                }
            }
            6 => input.truncate(rng.below(len + 1)),
            7 if len > 0 => {
                let at = rng.below(len);
                let digit = b'0' + rng.below(10) as u8;
                input.insert(at, digit);
            }
            _ => {}
        }
    }
    input.truncate(2 * 1024 * 1024);
}

fn seeds(repo: &Path) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = AGENT_SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
    let folders = [
        "contrib/samples",
        "tests/corpus/charsets",
        "tests/corpus/quote",
        "tests/corpus/replies",
    ];
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(repo.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "eml") {
                seeds.extend(std::fs::read(entry.path()).ok());
            }
        }
    }
    seeds
}

fn scratch() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    base.join(format!("loket-fuzz-{}", std::process::id()))
}

fn fresh(dir: &Path, repo: &Path) -> (Store, Arc<Policy>, Worker, Preparer) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch folder");
    let text = CONFIG
        .replace("@DIR@", &dir.display().to_string())
        .replace("@REPO@", &repo.display().to_string());
    let path = dir.join("loket.toml");
    std::fs::write(&path, text).expect("config");
    let policy = Arc::new(loket::config::load(&path).expect("the fuzz config is valid"));
    let store = Store::open(&policy.store_path).expect("store");
    let worker = Worker::new(store.clone(), policy.clone());
    let preparer = Preparer {
        store: store.clone(),
        policy: policy.clone(),
    };
    (store, policy, worker, preparer)
}

fn save_crash(repo: &Path, kind: &str, input: &[u8]) {
    let folder = repo.join("target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&folder);
    let name = format!("{kind}-{:016x}", fnv(input));
    let _ = std::fs::write(folder.join(&name), input);
    let why = LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default();
    eprintln!("CRASH {kind}: saved target/fuzz-crashes/{name}: {why}");
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn main() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    if std::env::args().any(|a| a == "--bench") && std::env::var("FUZZ_SECONDS").is_err() {
        println!(
            "fuzz: set FUZZ_SECONDS to run it (e.g. FUZZ_SECONDS=1800 cargo bench --bench fuzz)"
        );
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
    }));
    let seeds = seeds(&repo);
    let configs: Vec<Vec<u8>> = vec![
        CONFIG.as_bytes().to_vec(),
        std::fs::read(repo.join("config/loket.toml")).unwrap_or_default(),
    ];
    let dir = scratch();
    let (mut _store, mut policy, mut worker, mut preparer) = fresh(&dir, &repo);
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let started = Instant::now();
    let (mut mails, mut config_runs, mut crashes, mut in_store) = (0usize, 0usize, 0usize, 0usize);
    let now = Timestamp(1_796_000_000);
    while started.elapsed() < Duration::from_secs(seconds) {
        // Nine mails, then one config.
        if mails % 9 == 8 {
            let mut text = configs[rng.below(configs.len())].clone();
            mutate(&mut rng, &configs, &mut text);
            let path = dir.join("fuzzed.toml");
            let _ = std::fs::write(&path, &text);
            let before = PANICS.load(Ordering::SeqCst);
            let _ = catch_unwind(|| loket::config::load(&path).map(drop));
            config_runs += 1;
            if PANICS.load(Ordering::SeqCst) > before {
                crashes += 1;
                save_crash(&repo, "config", &text);
            }
        }
        let mut mail = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &seeds, &mut mail);
        let before = PANICS.load(Ordering::SeqCst);
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let parsed = loket::mail::parse(&mail);
            loket::mail::classify(&parsed, |a| policy.is_own_address(a))
        }));
        let arrival = Arrival {
            raw: mail.clone(),
            receipt: Receipt::Spool(PathBuf::from(format!("fuzz-{mails}"))),
            desk: None,
        };
        let committed = catch_unwind(AssertUnwindSafe(|| {
            let prepared = preparer.prepare(vec![arrival]).expect("journal");
            worker.process_batch(prepared, now).expect("store")
        }));
        mails += 1;
        in_store += 1;
        // A worker that caught a panic retries the mail and logs it; the hook counts it.
        if PANICS.load(Ordering::SeqCst) > before || committed.is_err() {
            crashes += 1;
            save_crash(&repo, "mail", &mail);
        }
        if in_store >= MAILS_PER_STORE {
            drop((worker, preparer, _store));
            (_store, policy, worker, preparer) = fresh(&dir, &repo);
            in_store = 0;
        }
        if mails % 5000 == 0 {
            eprintln!(
                "fuzz: {mails} mails, {config_runs} configs, {crashes} crashes, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "fuzz: {:.1} CPU-minutes (one thread), {mails} mails and {config_runs} configs, {crashes} crashes",
        started.elapsed().as_secs_f64() / 60.0
    );
}
