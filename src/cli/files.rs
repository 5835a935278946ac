//! `loket message raw` and `loket attachment list|get`: stored bytes back out, through
//! the running daemon when there is one, else from the store directly.

use super::query::ask;
use super::{exit, fail, AttachmentCommand, MessageCommand};
use crate::config::Policy;
use crate::daemon::control::Request;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// `loket message raw`.
pub fn message(policy: Policy, command: MessageCommand) -> u8 {
    let MessageCommand::Raw { ticket, number } = command;
    let request = Request::MessageRaw { id: ticket, number };
    match ask(&policy, &request).and_then(|v| bytes_of(&v)) {
        Ok(bytes) => write_out(&bytes, None),
        Err(e) => fail(&e, exit::NO_INPUT),
    }
}

/// `loket attachment list|get`.
pub fn attachment(policy: Policy, command: AttachmentCommand) -> u8 {
    match command {
        AttachmentCommand::List { ticket, json } => list(&policy, ticket, json),
        AttachmentCommand::Get {
            ticket,
            number,
            index,
            output,
        } => {
            let request = Request::AttachmentGet {
                id: ticket,
                number,
                index,
            };
            match ask(&policy, &request).and_then(|v| bytes_of(&v)) {
                Ok(bytes) => write_out(&bytes, output.as_deref()),
                Err(e) => fail(&e, exit::NO_INPUT),
            }
        }
    }
}

fn list(policy: &Policy, ticket: u64, json: bool) -> u8 {
    let files = match ask(policy, &Request::AttachmentList { id: ticket }) {
        Ok(Value::Null) => {
            eprintln!("loket: no ticket #{ticket}");
            return exit::NO_INPUT;
        }
        Ok(files) => files,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&files).expect("JSON values print")
        );
        return 0;
    }
    say!(
        "{:>3}  {:>3}  {:>10}  {:<28}  {:<16}  NAME",
        "MSG",
        "IDX",
        "SIZE",
        "TYPE",
        "SHA256"
    );
    for file in files.as_array().into_iter().flatten() {
        let sha256: String = file["sha256"]
            .as_str()
            .unwrap_or("-")
            .chars()
            .take(16)
            .collect();
        say!(
            "{:>3}  {:>3}  {:>10}  {:<28}  {:<16}  {}",
            file["message"].as_u64().unwrap_or(0),
            file["index"].as_u64().unwrap_or(0),
            file["size"].as_u64().unwrap_or(0),
            file["content_type"].as_str().unwrap_or("-"),
            sha256,
            file["name"].as_str().unwrap_or("-"),
        );
    }
    0
}

fn bytes_of(value: &Value) -> anyhow::Result<Vec<u8>> {
    let text = value["base64"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("the answer holds no bytes"))?;
    Ok(BASE64.decode(text)?)
}

/// Writes `bytes` to standard output, or to a new file; a reader that closes the pipe
/// early (`| head`) is no error.
fn write_out(bytes: &[u8], path: Option<&Path>) -> u8 {
    let written = match path {
        Some(path) => std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes)),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        }
    };
    match written {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) if path.is_none() => super::output::gone(&e),
        Err(e) => {
            let target = path.map_or("standard output".to_string(), |p| p.display().to_string());
            eprintln!("loket: cannot write to {target}: {e}");
            exit::CANT_CREATE
        }
    }
}
