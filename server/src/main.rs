//! The `nim-server` command: parses flags, environment and `--config`, binds the
//! listener, prints `nim-server listening on http://ADDR`, and runs until SIGTERM or
//! ctrl-c. See `docs/SERVER.md`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use nim_server::config::ConfigFile;
use nim_server::origin::AllowedOrigins;
use nim_server::tls::TlsFiles;
use nim_server::{App, Config, Error};
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
    /// Address to listen on; port 0 picks a free port [default: 127.0.0.1:8080].
    #[arg(long, env = "NIM_LISTEN", value_name = "ADDR")]
    listen: Option<String>,

    /// An app as KEY:SECRET[:POLICY], POLICY one of single, desktop-mobile,
    /// multi (default, up to 10 devices). Repeat for more apps; NIM_APPS takes a
    /// comma-separated list.
    #[arg(
        long = "app",
        env = "NIM_APPS",
        value_name = "KEY:SECRET[:POLICY]",
        value_delimiter = ','
    )]
    apps: Vec<String>,

    /// Directory of static files served at / (index.html for directories).
    #[arg(long, env = "NIM_WWW", value_name = "DIR")]
    www: Option<PathBuf>,

    /// Directory of the SDK package (wasm-pack output) served at /pkg/.
    #[arg(long, env = "NIM_PKG", value_name = "DIR")]
    pkg: Option<PathBuf>,

    /// SQLite database file for accounts, created if missing
    /// [default: ./nim-data.sqlite].
    #[arg(long, env = "NIM_DATA", value_name = "PATH")]
    data: Option<PathBuf>,

    /// Development mode: allow cross-origin calls from any page (CORS) and enable
    /// POST /dev/token, which issues tokens without a server API signature. Never
    /// use it in production.
    /// NIM_DEV accepts 1/0, true/false, yes/no, on/off.
    #[arg(
        long,
        env = "NIM_DEV",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    dev: bool,

    /// A page origin (http[s]://HOST[:PORT]) allowed to open /ws; repeat for more.
    /// Upgrades from other origins get 403; without any, every origin is allowed.
    /// NIM_ALLOW_ORIGINS takes a comma-separated list.
    #[arg(
        long = "allow-origin",
        env = "NIM_ALLOW_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    allow_origins: Vec<String>,

    /// PEM certificate chain: serve TLS (https://, wss://); needs --tls-key.
    #[arg(long, env = "NIM_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "NIM_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// PostgreSQL for accounts instead of the SQLite file, shared by several nodes
    /// (postgres://USER:PASSWORD@HOST:PORT/DB).
    #[arg(long, env = "NIM_DATABASE", value_name = "URL")]
    database: Option<String>,

    /// Redis for live devices, pushes and kicks, shared by several nodes
    /// (redis://HOST:PORT/DB); without it, sessions live in this process.
    #[arg(long, env = "NIM_REDIS", value_name = "URL")]
    redis: Option<String>,

    /// Prefix of every Redis key, so several deployments can share one Redis
    /// [default: nim].
    #[arg(long, env = "NIM_REDIS_PREFIX", value_name = "PREFIX")]
    redis_prefix: Option<String>,

    /// This node's WebSocket URL as pages reach it (ws[s]://HOST:PORT/ws), listed
    /// by GET /lbs [default: from the bound address].
    #[arg(long, env = "NIM_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,

    /// TOML file with listen, www, pkg, data, dev, [[apps]] and [limits]; flags and
    /// environment variables win over it, and its apps are added to theirs.
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

/// The listen address and server configuration from flags, environment and file.
fn configure(cli: Cli) -> Result<(String, Config), Error> {
    let file = match &cli.config {
        Some(path) => ConfigFile::from_toml_file(path)?,
        None => ConfigFile::default(),
    };
    let mut apps = cli
        .apps
        .iter()
        .filter(|spec| !spec.trim().is_empty())
        .map(|spec| App::parse(spec.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    for app in file.apps()? {
        if !apps.iter().any(|a| a.key == app.key) {
            apps.push(app);
        }
    }
    let listen = cli
        .listen
        .or(file.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let data = cli
        .data
        .or(file.data.clone())
        .unwrap_or_else(|| PathBuf::from("nim-data.sqlite"));
    let mut config = Config::new(apps, data);
    config.www = cli.www.or(file.www.clone());
    config.pkg = cli.pkg.or(file.pkg.clone());
    config.dev = cli.dev || file.dev.unwrap_or(false);
    config.limits = file.limits.clone();
    config.scale_out = nim_server::ScaleOut {
        database: cli.database.or(file.database.clone()),
        redis: cli.redis.or(file.redis.clone()),
        redis_prefix: cli
            .redis_prefix
            .or(file.redis_prefix.clone())
            .unwrap_or(config.scale_out.redis_prefix),
        public_url: cli.public_url.or(file.public_url.clone()),
        timing: file.cluster.clone(),
    };
    let origins: Vec<String> = cli
        .allow_origins
        .into_iter()
        .filter(|o| !o.trim().is_empty())
        .collect();
    config.allowed_origins = if origins.is_empty() {
        AllowedOrigins::parse(file.allow_origins.as_deref().unwrap_or_default())?
    } else {
        AllowedOrigins::parse(&origins)?
    };
    config.tls = match (cli.tls_cert.or(file.tls_cert), cli.tls_key.or(file.tls_key)) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => {
            return Err(Error::Config(
                "TLS needs both --tls-cert and --tls-key".into(),
            ))
        }
    };
    Ok((listen, config))
}

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

async fn serve(cli: Cli) -> Result<(), Error> {
    let (listen, config) = configure(cli)?;
    if let Some(files) = &config.tls {
        // Fail on an unreadable certificate before announcing the address.
        nim_server::tls::acceptor(files)?;
    }
    let listener = TcpListener::bind(&listen)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    println!(
        "nim-server listening on {scheme}://{}",
        listener.local_addr()?
    );
    nim_server::run(listener, config, shutdown_signal()).await
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match runtime.block_on(serve(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("nim-server: {err}");
            ExitCode::FAILURE
        }
    }
}
