//! Just enough of the Redis protocol (RESP2) for `INFO` and `PING` on loopback, so
//! the load generator can read Redis's own counters without a Redis client library.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::net::check_loopback;

/// One connection to Redis, one command at a time.
pub struct Redis {
    stream: BufReader<TcpStream>,
}

impl Redis {
    /// Connects to `redis://HOST:PORT/...` (loopback only).
    pub async fn connect(url: &str) -> io::Result<Redis> {
        let addr = address(url)?;
        check_loopback(addr)?;
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Redis {
            stream: BufReader::new(stream),
        })
    }

    /// Sends one command and reads its reply: a status or integer as text, or a
    /// bulk string.
    pub async fn call(&mut self, args: &[&str]) -> io::Result<String> {
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let line = line.trim_end();
        match line.split_at(line.len().min(1)) {
            ("+", rest) | (":", rest) => Ok(rest.to_owned()),
            ("$", len) => {
                let len: usize = len.parse().map_err(io::Error::other)?;
                let mut body = vec![0; len + 2];
                self.stream.read_exact(&mut body).await?;
                body.truncate(len);
                String::from_utf8(body).map_err(io::Error::other)
            }
            _ => Err(io::Error::other(format!("redis: {line}"))),
        }
    }

    /// The server's process id (`INFO server`).
    pub async fn pid(&mut self) -> io::Result<u32> {
        let server = self.call(&["INFO", "server"]).await?;
        server
            .lines()
            .find_map(|l| l.strip_prefix("process_id:")?.trim().parse().ok())
            .ok_or_else(|| io::Error::other("INFO server: no process_id"))
    }

    /// `INFO commandstats` and `INFO stats` together.
    pub async fn counters(&mut self) -> io::Result<Counters> {
        let stats = self.call(&["INFO", "stats"]).await?;
        let commandstats = self.call(&["INFO", "commandstats"]).await?;
        Ok(Counters::parse(&stats, &commandstats))
    }
}

/// The `HOST:PORT` of a `redis://HOST:PORT/DB` URL.
fn address(url: &str) -> io::Result<SocketAddr> {
    let rest = url
        .strip_prefix("redis://")
        .ok_or_else(|| io::Error::other(format!("{url}: want redis://HOST:PORT/")))?;
    let host_port = rest.split('/').next().unwrap_or(rest);
    host_port.parse().map_err(io::Error::other)
}

/// Redis's counters at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    /// `total_commands_processed`.
    pub commands: f64,
    /// `total_reads_processed`: read events on client sockets. A client that waits
    /// for each reply before it sends again costs one per round trip.
    pub reads: f64,
    /// `calls` of each `cmdstat_NAME`, commands run inside scripts and
    /// transactions included.
    pub calls: BTreeMap<String, f64>,
}

impl Counters {
    /// Reads the `INFO stats` and `INFO commandstats` replies.
    pub fn parse(stats: &str, commandstats: &str) -> Counters {
        let field = |name: &str| {
            stats
                .lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.trim().parse().ok())
                .unwrap_or(0.0)
        };
        let calls = commandstats
            .lines()
            .filter_map(|line| {
                let (name, fields) = line.strip_prefix("cmdstat_")?.split_once(':')?;
                let calls = fields.split(',').find_map(|f| f.strip_prefix("calls="))?;
                Some((name.to_owned(), calls.parse().ok()?))
            })
            .collect();
        Counters {
            commands: field("total_commands_processed"),
            reads: field("total_reads_processed"),
            calls,
        }
    }

    /// `self - earlier`, every counter (a command missing on one side counts 0).
    pub fn since(&self, earlier: &Counters) -> Counters {
        let names = self.calls.keys().chain(earlier.calls.keys());
        let calls = names
            .map(|name| {
                let count = |c: &Counters| c.calls.get(name).copied().unwrap_or(0.0);
                (name.clone(), count(self) - count(earlier))
            })
            .collect();
        Counters {
            commands: self.commands - earlier.commands,
            reads: self.reads - earlier.reads,
            calls,
        }
    }

    /// Every counter times `factor`.
    pub fn scaled(&self, factor: f64) -> Counters {
        Counters {
            commands: self.commands * factor,
            reads: self.reads * factor,
            calls: self
                .calls
                .iter()
                .map(|(name, n)| (name.clone(), n * factor))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_info_replies() {
        let stats = "# Stats\r\ntotal_commands_processed:120\r\ntotal_reads_processed:80\r\n";
        let commandstats = "# Commandstats\r\n\
            cmdstat_evalsha:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n\
            cmdstat_get:calls=4,usec=2,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n";
        let c = Counters::parse(stats, commandstats);
        assert_eq!((c.commands, c.reads), (120.0, 80.0));
        assert_eq!(c.calls.get("evalsha"), Some(&10.0));
        let later = Counters::parse(
            "total_commands_processed:130\r\ntotal_reads_processed:84\r\n",
            "cmdstat_evalsha:calls=12,usec=1\r\ncmdstat_ping:calls=1,usec=1\r\n",
        );
        let d = later.since(&c).scaled(0.5);
        assert_eq!((d.commands, d.reads), (5.0, 2.0));
        assert_eq!(d.calls.get("evalsha"), Some(&1.0));
        assert_eq!(d.calls.get("ping"), Some(&0.5));
    }

    #[test]
    fn takes_the_address_of_a_url() {
        let addr = address("redis://127.0.0.1:6390/").expect("a valid URL");
        assert_eq!(addr.port(), 6390);
        assert!(address("http://127.0.0.1:6390/").is_err());
    }
}
