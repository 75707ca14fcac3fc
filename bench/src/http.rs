//! Just enough HTTP/1.1 for `/dev/token` and `/metrics` on loopback, so the
//! load generator needs no HTTP client library.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one request with `Connection: close` and returns the status and body.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    form: Option<&str>,
) -> io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let body = form.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    let bad = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad reply: {reply:.200}"),
        )
    };
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    let body = reply.split_once("\r\n\r\n").ok_or_else(bad)?.1.to_owned();
    Ok((status, body))
}

/// The value of the unlabelled Prometheus sample `name` in `text`.
pub fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .find_map(|value| value.trim().parse().ok())
}

/// Every sample of the labelled metric `name` in `text`, as `(labels, value)`.
pub fn labelled(text: &str, name: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|line| line.strip_prefix(name)?.strip_prefix('{'))
        .filter_map(|rest| {
            let (labels, value) = rest.split_once("} ")?;
            Some((labels.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prometheus_samples() {
        let text = "# TYPE nim_sessions_live gauge\nnim_sessions_live 42\n\
                    nim_logins_total{code=\"200\"} 7\nnim_logins_total{code=\"416\"} 1\n";
        assert_eq!(metric(text, "nim_sessions_live"), Some(42.0));
        assert_eq!(metric(text, "nim_sessions"), None);
        assert_eq!(labelled(text, "nim_logins_total").len(), 2);
    }
}
