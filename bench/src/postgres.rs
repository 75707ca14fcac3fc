//! A PostgreSQL database of its own for one benchmark run, created and dropped
//! through `psql`, so one run's figures never meet another's rows.

use std::io;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::net::check_loopback;

/// This run's PostgreSQL database, dropped on drop.
pub struct Database {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl Database {
    /// Creates a database with a name of its own next to the one `admin` names.
    pub fn create(admin: &str) -> io::Result<Database> {
        let (base, _) = admin
            .rsplit_once('/')
            .filter(|(base, _)| base.contains("//"))
            .ok_or_else(|| {
                io::Error::other(format!("{admin}: want postgres://USER@HOST:PORT/DB"))
            })?;
        let host_port = base.rsplit(['@', '/']).next().unwrap_or(base);
        check_loopback(
            host_port
                .parse()
                .map_err(|e| io::Error::other(format!("{host_port}: {e}")))?,
        )?;
        // Seconds since the epoch (a clock before 1970 reads 0) and the process id.
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = format!("nim_bench_{}_{secs}", std::process::id());
        psql(admin, &format!("CREATE DATABASE {name}"))?;
        Ok(Database {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    /// The pids of the server processes serving connections to this database.
    pub fn backends(&self) -> io::Result<Vec<u32>> {
        let sql = format!(
            "SELECT pid FROM pg_stat_activity WHERE datname = '{}'",
            self.name
        );
        let pids = psql(&self.admin, &sql)?;
        Ok(pids.lines().filter_map(|l| l.trim().parse().ok()).collect())
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(err) = psql(&self.admin, &drop) {
            eprintln!("cluster: {err}");
        }
    }
}

/// Runs one SQL statement with `psql` (from `PATH`); its rows, unaligned.
fn psql(url: &str, sql: &str) -> io::Result<String> {
    let out = Command::new("psql")
        .args([
            url,
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .output()
        .map_err(|e| io::Error::other(format!("psql: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(io::Error::other(format!(
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}
