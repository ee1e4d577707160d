//! [`Trace::to_mermaid`]: a trace drawn as a Mermaid sequence diagram of who talked to whom.
use std::collections::HashMap;
use std::fmt::Write;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::{Call, CallRecord, Trace};

/// The participants of a diagram, by first appearance: threads, the name resolver, and
/// addresses no traced thread bound.
#[derive(Default)]
struct Cast {
    names: Vec<String>,
}

impl Cast {
    /// The id (`P0`, `P1`, ...) of the participant called `name`, declaring it if new.
    fn id(&mut self, name: &str) -> String {
        let at = match self.names.iter().position(|n| n == name) {
            Some(at) => at,
            None => {
                self.names.push(name.to_owned());
                self.names.len() - 1
            }
        };
        format!("P{at}")
    }
}

/// Text Mermaid shows as it is: `;` would end the line and `#` start an entity.
fn clean(text: &str) -> String {
    text.replace(';', ",").replace('#', "no. ")
}

/// What a call returned, briefly: the value, or the error's name; `[injected]` when an
/// injected fault answered.
fn outcome(record: &CallRecord) -> String {
    let text = match &record.result {
        Ok(value) => value.clone(),
        Err(error) => error.name().to_owned(),
    };
    if record.injected {
        format!("{text} [injected]")
    } else {
        text
    }
}

/// `call(args)`, with the peer first when there is one.
fn call_text(record: &CallRecord) -> String {
    let mut parts = Vec::new();
    if let Some(peer) = record.peer {
        parts.push(peer.to_string());
    }
    if !record.args.is_empty() {
        parts.push(record.args.clone());
    }
    format!("{}({})", record.call, parts.join(", "))
}

impl Trace {
    /// The trace as a [Mermaid](https://mermaid.js.org/syntax/sequenceDiagram.html)
    /// sequence diagram (which GitHub renders in Markdown): one participant per thread (by
    /// its name), the name resolver, and any peer address no traced thread bound.
    ///
    /// - `connect` is an arrow from the caller to the thread that bound the address it
    ///   names (a crossed arrow when it failed), `send` and `sendto` an arrow to the socket's
    ///   peer; each is labelled with the call and its result.
    /// - A name lookup (`getaddrinfo`, `getnameinfo`) is an arrow to the resolver and its
    ///   answer an arrow back, marked `[injected]` when a fault (a poisoned name) answered.
    /// - Every other call is a note over its thread.
    ///
    /// The same trace always gives the same text, so a document can hold a diagram a test
    /// regenerates and compares.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// net.add_host("server.contoso.com", ["127.0.0.1".parse().unwrap()]);
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("127.0.0.1:27015".parse().unwrap())?;
    /// server.listen(1)?;
    /// net.start_trace();
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.connect_to_host("server.contoso.com", 27015)?;
    /// let diagram = net.trace().to_mermaid();
    /// assert!(diagram.starts_with("sequenceDiagram\n"));
    /// assert!(diagram.contains("getaddrinfo(node=\"server.contoso.com\""));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut cast = Cast::default();
        let mut lines = Vec::new();
        let mut bound: HashMap<SocketAddr, String> = HashMap::new();
        let mut peers: HashMap<SOCKET, SocketAddr> = HashMap::new();
        let owner = |bound: &HashMap<SocketAddr, String>, addr: SocketAddr| {
            let wildcard = SocketAddr::new(
                if addr.is_ipv4() {
                    std::net::Ipv4Addr::UNSPECIFIED.into()
                } else {
                    std::net::Ipv6Addr::UNSPECIFIED.into()
                },
                addr.port(),
            );
            bound
                .get(&addr)
                .or_else(|| bound.get(&wildcard))
                .cloned()
                .unwrap_or_else(|| addr.to_string())
        };
        for record in self.records() {
            let me = cast.id(&record.thread);
            let text = clean(&format!("{} -> {}", call_text(record), outcome(record)));
            let arrow = if record.result.is_ok() { "->>" } else { "-x" };
            match record.call {
                Call::GetAddrInfo | Call::GetNameInfo => {
                    let resolver = cast.id("name resolver");
                    let back = if record.result.is_ok() { "-->>" } else { "--x" };
                    lines.push(format!(
                        "    {me}->>{resolver}: {}",
                        clean(&call_text(record))
                    ));
                    lines.push(format!(
                        "    {resolver}{back}{me}: {}",
                        clean(&outcome(record))
                    ));
                }
                Call::Connect | Call::Send | Call::SendTo => {
                    if let (Call::Connect, Some(socket), Some(peer)) =
                        (record.call, record.socket, record.peer)
                    {
                        if record.result.is_ok() {
                            peers.insert(socket, peer);
                        }
                    }
                    let to = record
                        .peer
                        .or_else(|| record.socket.and_then(|s| peers.get(&s).copied()));
                    match to {
                        Some(to) => {
                            let them = cast.id(&owner(&bound, to));
                            lines.push(format!("    {me}{arrow}{them}: {text}"));
                        }
                        None => lines.push(format!("    Note over {me}: {text}")),
                    }
                }
                _ => {
                    if let (Call::Bind, Ok(value)) = (record.call, &record.result) {
                        if let Ok(addr) = value.parse::<SocketAddr>() {
                            bound.insert(addr, record.thread.clone());
                        }
                    }
                    lines.push(format!("    Note over {me}: {text}"));
                }
            }
        }
        let mut out = String::from("sequenceDiagram\n");
        for (i, name) in cast.names.iter().enumerate() {
            let _ = writeln!(out, "    participant P{i} as {}", clean(name));
        }
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn record(
        thread: &str,
        call: Call,
        socket: Option<SOCKET>,
        peer: Option<&str>,
        result: Result<&str, Error>,
    ) -> CallRecord {
        CallRecord {
            seq: 0,
            thread: thread.into(),
            call,
            socket,
            peer: peer.map(|p| p.parse().unwrap()),
            args: String::new(),
            result: result.map(str::to_owned),
            injected: false,
            note: None,
        }
    }

    #[test]
    fn connects_go_to_the_thread_that_bound_the_address() {
        let trace = Trace {
            records: vec![
                record(
                    "server",
                    Call::Bind,
                    Some(0x100),
                    Some("192.0.2.10:80"),
                    Ok("192.0.2.10:80"),
                ),
                record(
                    "client",
                    Call::Connect,
                    Some(0x104),
                    Some("192.0.2.10:80"),
                    Ok("0"),
                ),
                record("client", Call::Send, Some(0x104), None, Ok("5")),
                record(
                    "client",
                    Call::Connect,
                    Some(0x108),
                    Some("203.0.113.66:80"),
                    Err(Error::TimedOut),
                ),
            ],
        };
        let diagram = trace.to_mermaid();
        assert_eq!(
            diagram,
            "sequenceDiagram\n    participant P0 as server\n    participant P1 as client\n    \
             participant P2 as 203.0.113.66:80\n    Note over P0: bind(192.0.2.10:80) -> 192.0.2.10:80\n    \
             P1->>P0: connect(192.0.2.10:80) -> 0\n    P1->>P0: send() -> 5\n    \
             P1-xP2: connect(203.0.113.66:80) -> WSAETIMEDOUT\n"
        );
    }
}
