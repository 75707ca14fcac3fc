//! The `nim-server` command: parses flags, environment and `--config`, binds the
//! listener, connects its backends, prints `nim-server listening on http://ADDR`,
//! and runs until SIGTERM or ctrl-c. See `docs/SERVER.md`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use nim_server::origin::AllowedOrigins;
use nim_server::{Config, Error};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The login server for nim-wasm pages: accounts, tokens, live devices and kicks
/// over a WebSocket at /ws, plus the NIM-style server API for the app's backend.
///
/// Logs go to stderr (RUST_LOG filters them, default "info"; NIM_LOG_FORMAT=json
/// for JSON lines).
#[derive(Debug, Parser)]
#[command(name = "nim-server", version)]
struct Cli {
    /// Every setting (see `Config`).
    #[command(flatten)]
    settings: Config,

    /// TOML file with any setting by its flag's name in snake_case (listen, www,
    /// pkg, data, dev, allow_origins, ...), [[apps]], [limits] and [cluster];
    /// flags and environment variables win over it, and its apps are added to
    /// theirs.
    #[arg(long, env = "NIM_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Libraries whose `trace` level prints whole frames or requests, tokens and
/// signatures included: capped below it whatever `RUST_LOG` asks, so no log line
/// ever holds a secret (`no_secret_or_token_in_any_log_line.rs`).
const REDACTING_CAPS: &[&str] = &[
    "tungstenite=debug",
    "tokio_tungstenite=debug",
    "hyper=debug",
    "hyper_util=debug",
    "h2=debug",
    "rustls=debug",
    "tokio_rustls=debug",
    "rusqlite=debug",
];

/// Completes on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

async fn serve(config: Config) -> Result<(), Error> {
    config.check()?;
    AllowedOrigins::parse(&config.allow_origins)?;
    if let Some(files) = config.tls() {
        // Fail on an unreadable certificate before announcing the address.
        nim_server::tls::acceptor(&files)?;
    }
    let listen = config.listen.clone();
    let listener = TcpListener::bind(&listen)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
    let scheme = if config.tls().is_some() {
        "https"
    } else {
        "http"
    };
    let addr = listener.local_addr()?;
    // Announced only once the backends answered: a page or a load balancer that
    // waits for this line (or for /healthz) finds the server able to log in.
    nim_server::run_when_ready(listener, config, shutdown_signal(), || {
        println!("nim-server listening on {scheme}://{addr}");
    })
    .await
}

/// The configuration from flags, environment and the `--config` file.
fn configure() -> Result<Config, Error> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    Config::layered(&matches, cli.config.as_deref())
}

fn main() -> ExitCode {
    let config = match configure() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("nim-server: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    for cap in REDACTING_CAPS {
        // Each is a valid directive literal (a target and a level).
        filter = filter.add_directive(cap.parse().expect("a valid directive"));
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if std::env::var("NIM_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("nim-server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("nim-server: {err}");
            ExitCode::FAILURE
        }
    }
}
