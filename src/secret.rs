//! Passwords: where they come from, and never showing them in logs.

use std::fmt;
use std::process::Command;

/// Where a password comes from. Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// No password (a server that needs no login).
    None,
    /// Written in the config file.
    Literal(String),
    /// Read from an environment variable at each use.
    Env(String),
    /// The first line printed by a shell command, run at each use.
    Command(String),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::None => f.write_str("None"),
            Secret::Literal(_) => f.write_str("Literal(***)"),
            Secret::Env(name) => write!(f, "Env({name})"),
            Secret::Command(_) => f.write_str("Command(***)"),
        }
    }
}

impl Secret {
    /// The password now; `Err` says where it could not be found.
    pub fn reveal(&self) -> Result<Option<String>, String> {
        match self {
            Secret::None => Ok(None),
            Secret::Literal(password) => Ok(Some(password.clone())),
            Secret::Env(name) => std::env::var(name)
                .map(Some)
                .map_err(|_| format!("environment variable {name} is not set")),
            Secret::Command(command) => run(command).map(Some),
        }
    }
}

fn run(command: &str) -> Result<String, String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .map_err(|e| format!("password_command could not start: {e}"))?;
    if !output.status.success() {
        return Err(format!("password_command exited with {}", output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err("password_command printed nothing".into());
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let shown = format!("{:?}", Secret::Literal("hunter2".into()));
        assert!(!shown.contains("hunter2"));
        assert!(!format!("{:?}", Secret::Command("echo hunter2".into())).contains("hunter2"));
    }

    #[test]
    fn command_gives_its_first_line() {
        let secret = Secret::Command("printf 'rahasia\\nmore'".into());
        assert_eq!(secret.reveal(), Ok(Some("rahasia".into())));
        assert!(Secret::Command("exit 3".into()).reveal().is_err());
    }
}
