use clap::{Command, FromArgMatches};

use super::*;

#[test]
fn app_spec_with_and_without_policy() {
    let app = App::parse("k:s").unwrap();
    assert_eq!(app.policy, Policy::Multi(DEFAULT_MULTI_LIMIT));
    let app = App::parse("k:s:single").unwrap();
    assert_eq!((app.secret.as_str(), app.policy), ("s", Policy::Single));
    let app = App::parse("k:s:desktop-mobile").unwrap();
    assert_eq!(app.policy, Policy::DesktopMobile);
    assert!(App::parse("k:s:whatever").is_err());
    assert!(App::parse("k").is_err());
    assert!(App::parse(":s").is_err());
    // An error never shows the secret, nor a part of it.
    for spec in ["k:s3c:r3t", ":s3cr3t", "s3cr3t", "k:s3cr3t:wh4tever"] {
        let message = App::parse(spec).unwrap_err().to_string();
        for part in ["s3c", "r3t", "wh4tever"] {
            assert!(!message.contains(part), "{spec}: {message}");
        }
    }
}

#[test]
fn idle_timeout_follows_the_heartbeat_within_bounds() {
    let limits = Limits::default();
    assert_eq!(limits.idle_timeout(30_000), Duration::from_millis(65_000));
    assert_eq!(limits.idle_timeout(0), Duration::from_millis(65_000));
    assert_eq!(limits.idle_timeout(5_000), Duration::from_millis(15_000));
    assert_eq!(limits.idle_timeout(100_000), Duration::from_millis(130_000));
}

fn command() -> Command {
    <Config as clap::Args>::augment_args(Command::new("nim-server").no_binary_name(true))
}

/// `args` on the command line over the TOML `file`.
fn layered(args: &[&str], file: &str) -> Result<Config, Error> {
    let matches = command().try_get_matches_from(args).unwrap();
    let path = std::env::temp_dir().join(format!("nim-config-{}.toml", rand::random::<u64>()));
    std::fs::write(&path, file).unwrap();
    let config = Config::layered(&matches, Some(&path));
    std::fs::remove_file(&path).unwrap();
    config
}

#[test]
fn the_file_gives_apps_limits_and_settings_over_the_defaults() {
    let config = layered(
        &[],
        r#"
        listen = "127.0.0.1:9000"
        redis_prefix = "blue"
        [[apps]]
        key = "a"
        secret = "s"
        policy = "multi"
        max_devices = 3
        [[apps]]
        key = "b"
        secret = "t"
        policy = "single"
        [limits]
        login_timeout_ms = 1500
        [cluster]
        node_lease_ms = 900
        "#,
    )
    .unwrap();
    assert_eq!(config.apps[0].policy, Policy::Multi(3));
    assert_eq!(config.apps[1].policy, Policy::Single);
    assert_eq!(config.limits.login_timeout, Duration::from_millis(1500));
    assert_eq!(config.limits.close_grace, Limits::default().close_grace);
    assert_eq!(config.cluster.node_lease, Duration::from_millis(900));
    assert_eq!(config.listen, "127.0.0.1:9000");
    assert_eq!(config.redis_prefix, "blue");
    assert_eq!(config.data, PathBuf::from(DEFAULT_DATA));
    assert!(layered(&[], "nonsense = 1").is_err());
    assert!(layered(&[], "[limits]\nnonsense = 1").is_err());
}

#[test]
fn flags_win_over_the_file_and_add_their_apps_first() {
    let config = layered(
        &["--listen", "127.0.0.1:1", "--app", "b:flag:single", "--dev"],
        "listen = \"127.0.0.1:2\"\ndata = \"file.sqlite\"\n\
         [[apps]]\nkey = \"a\"\nsecret = \"s\"\n[[apps]]\nkey = \"b\"\nsecret = \"file\"\n",
    )
    .unwrap();
    assert_eq!(config.listen, "127.0.0.1:1");
    assert_eq!(
        config.data,
        PathBuf::from("file.sqlite"),
        "a default flag does not win"
    );
    assert!(config.dev);
    let apps: Vec<(&str, &str)> = config
        .apps
        .iter()
        .map(|a| (a.key.as_str(), a.secret.as_str()))
        .collect();
    assert_eq!(apps, [("b", "flag"), ("a", "s")]);
}

#[test]
fn without_a_file_the_flags_and_defaults_are_the_config() {
    let matches = command().try_get_matches_from(["--app", "k:s"]).unwrap();
    let config = Config::layered(&matches, None).unwrap();
    assert_eq!(config.listen, DEFAULT_LISTEN);
    assert_eq!(config.apps.len(), 1);
    assert_eq!(config.limits, Limits::default());
    assert!(Config::from_arg_matches(&matches).is_ok());
    assert!(config.check().is_ok());
    assert!(Config::default().check().is_err(), "no app");
}
