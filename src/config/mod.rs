//! The config file: where it is found, how it is read, and the checked `Policy` it becomes.
//!
//! Lookup order: `--config PATH`, then `$LOKET_CONFIG`, then `./config/loket.toml`,
//! then `/etc/loket/loket.toml`. Environment variables `LOKET__SECTION__KEY` override keys.

pub mod check;
pub mod policy;
pub mod raw;

pub use check::Problem;
pub use policy::Policy;

use std::path::{Path, PathBuf};

/// Where Loket looks for its config when no `--config` is given.
pub const DEFAULT_LOCATIONS: [&str; 2] = ["config/loket.toml", "/etc/loket/loket.toml"];

/// Why no `Policy` could be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No file at any of the places Loket looks.
    #[error("no config file found (looked at {looked}); pass --config PATH or set LOKET_CONFIG")]
    NotFound {
        /// The places, comma-separated.
        looked: String,
    },
    /// The file exists but is not valid TOML, or cannot be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The config file.
        path: PathBuf,
        /// What the TOML reader said.
        message: String,
    },
    /// The file was read but some keys are wrong.
    #[error("{path}: {} problem(s)", problems.len())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl Error {
    /// One line per problem, each starting with the file, for printing to the admin.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Invalid { path, problems } => problems
                .iter()
                .map(|p| format!("{}: {p}", path.display()))
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Finds the config file: the explicit path, else `$LOKET_CONFIG`, else the default locations.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("LOKET_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    DEFAULT_LOCATIONS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| Error::NotFound {
            looked: DEFAULT_LOCATIONS.join(", "),
        })
}

/// Why the daemon must not start on a config file that others can read: the passwords it
/// holds in plain text, named by key; `None` when it is private or holds none.
pub fn exposed_secrets(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    if mode & 0o004 == 0 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let mut keys = Vec::new();
    inline_secrets(&table, "", &mut keys);
    if keys.is_empty() {
        return None;
    }
    Some(format!(
        "{} can be read by every user of this machine and holds {} in plain text; \
         run `chmod 600 {}` (or 640 with the daemon's group), or use password_env / secret_env",
        path.display(),
        keys.join(", "),
        path.display()
    ))
}

/// The dotted keys of `password` and `secret` values written into the file.
fn inline_secrets(table: &toml::Table, prefix: &str, keys: &mut Vec<String>) {
    for (key, value) in table {
        let dotted = format!("{prefix}{key}");
        match value {
            toml::Value::Table(inner) => inline_secrets(inner, &format!("{dotted}."), keys),
            toml::Value::String(_) if key == "password" || key == "secret" => keys.push(dotted),
            _ => {}
        }
    }
}

/// Reads and checks the config file at `path`, with environment overrides applied.
pub fn load(path: &Path) -> Result<Policy, Error> {
    let unreadable = |message: String| Error::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    if !path.is_file() {
        return Err(unreadable("no such file".into()));
    }
    let cfg = config::Config::builder()
        .add_source(config::File::from(path).format(config::FileFormat::Toml))
        .add_source(
            config::Environment::with_prefix("LOKET")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        )
        .build()
        .map_err(|e| unreadable(e.to_string()))?;
    let config_dir = path.parent().unwrap_or(Path::new("."));
    let quoted = quoted_numbers(path);
    match check::compile(&cfg, config_dir) {
        Ok(_) if !quoted.is_empty() => Err(Error::Invalid {
            path: path.to_path_buf(),
            problems: quoted,
        }),
        Ok(policy) => Ok(policy),
        Err(problems) => Err(Error::Invalid {
            path: path.to_path_buf(),
            problems: quoted.into_iter().chain(problems).collect(),
        }),
    }
}

/// Numbers written in quotes in the file (`tier = "3"`): the loader would read them,
/// but a number in quotes is usually a sign of a copy from somewhere else, and a typo
/// like `"3 "` would not be. Environment overrides are text by nature and not checked.
fn quoted_numbers(path: &Path) -> Vec<check::Problem> {
    const NUMBERS: [&str; 6] = [
        "tier",
        "port",
        "batch_size",
        "max_attempts",
        "max_parts",
        "max_depth",
    ];
    let Ok(table) = std::fs::read_to_string(path).map(|t| t.parse::<toml::Table>()) else {
        return Vec::new();
    };
    let Ok(table) = table else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    walk_quoted(&table, "", &NUMBERS, &mut problems);
    problems
}

fn walk_quoted(
    table: &toml::Table,
    prefix: &str,
    numbers: &[&str],
    problems: &mut Vec<check::Problem>,
) {
    for (key, value) in table {
        let dotted = format!("{prefix}{key}");
        match value {
            toml::Value::Table(inner) => {
                walk_quoted(inner, &format!("{dotted}."), numbers, problems)
            }
            toml::Value::String(text) if numbers.contains(&key.as_str()) => {
                problems.push(check::Problem {
                    key: dotted,
                    message: format!(
                        "{text:?} is text; write the number without quotes: {key} = {}",
                        text.trim()
                    ),
                })
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod quoted_tests {
    #[test]
    fn a_number_in_quotes_is_named_with_how_to_write_it() {
        let folder = tempfile::tempdir().expect("a folder");
        let path = folder.path().join("loket.toml");
        std::fs::write(
            &path,
            "[agent.andi]\nname = \"Andi\"\ntier = \"3\"\n[mailbox.m]\nport = 993\n",
        )
        .expect("write");
        let problems = super::quoted_numbers(&path);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key, "agent.andi.tier");
        assert!(problems[0].message.contains("tier = 3"), "{problems:?}");
    }
}
