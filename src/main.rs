//! The `loket` binary: all of it lives in the library; this only hands over the exit code.

fn main() -> std::process::ExitCode {
    loket::cli::main()
}
