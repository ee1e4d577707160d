//! [`NetworkSnapshot`]'s `Display`: the table as `netstat -ano` would print it, one line a
//! socket, for a person reading a failed test's output.
#![forbid(unsafe_code)]

use std::fmt;

use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::model::snapshot::{Blocked, NetworkSnapshot, SocketInfo, SocketState};

/// The column headings, in order.
const HEADINGS: [&str; 9] = [
    "Handle", "Proto", "Local", "Remote", "State", "Names", "Security", "Queued", "Waits",
];

/// Who waits on the socket `handle` (`None`: on no one socket), as `thread: call`.
fn waits(blocked: &[Blocked], handle: Option<SOCKET>) -> String {
    let here: Vec<String> = blocked
        .iter()
        .filter(|b| b.socket == handle)
        .map(|b| format!("{}: {}", b.thread, b.call))
        .collect();
    if here.is_empty() {
        "-".into()
    } else {
        here.join(", ")
    }
}

/// `TCP`, `UDP`, `TCPv6`, `UDPv6`, or the numbers of another kind of socket.
fn protocol(info: &SocketInfo) -> String {
    let version = match info.family {
        AF_INET => "",
        AF_INET6 => "v6",
        _ => {
            return format!(
                "af={} type={} proto={}",
                info.family, info.socket_type, info.protocol
            )
        }
    };
    match info.socket_type {
        SOCK_STREAM => format!("TCP{version}"),
        SOCK_DGRAM => format!("UDP{version}"),
        other => format!("IP{version} type={other}"),
    }
}

fn state(info: &SocketInfo) -> String {
    match info.state {
        SocketState::Idle if info.local.is_some() => "BOUND".into(),
        SocketState::Idle => "CREATED".into(),
        SocketState::Listening { backlog, pending } => {
            format!("LISTENING ({pending} of {backlog} waiting)")
        }
        SocketState::Connected { .. } if info.socket_type == SOCK_STREAM => "ESTABLISHED".into(),
        SocketState::Connected { .. } => "CONNECTED".into(),
    }
}

fn names(info: &SocketInfo) -> String {
    let names: Vec<String> = info
        .names
        .iter()
        .map(|name| match name.peer {
            Some(peer) => format!("{peer}={}", name.name),
            None => name.name.to_string(),
        })
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(" ")
    }
}

fn security(info: &SocketInfo) -> String {
    let mut parts = Vec::new();
    if info.security.is_some() {
        parts.push("settings".to_owned());
    }
    if let Some(principal) = &info.principal {
        parts.push(format!("is {principal}"));
    }
    for link in &info.links {
        let how = match (link.secured, link.encrypted) {
            (true, true) => "encrypted",
            (true, false) => "secured",
            (false, _) => "plain",
        };
        let with = link
            .peer_principal
            .as_ref()
            .map_or_else(String::new, |peer| format!(" with {peer}"));
        let to = link
            .peer
            .map_or_else(String::new, |peer| format!(" to {peer}"));
        parts.push(format!("{how}{with}{to}"));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

fn row(info: &SocketInfo, blocked: &[Blocked]) -> [String; 9] {
    let remote = match info.state {
        SocketState::Connected { peer } => peer.to_string(),
        _ => "*:*".into(),
    };
    [
        format!("{:#x}", info.handle),
        protocol(info),
        info.local
            .map_or_else(|| "-".into(), |local| local.to_string()),
        remote,
        state(info),
        names(info),
        security(info),
        info.waiting.to_string(),
        waits(blocked, Some(info.handle)),
    ]
}

impl fmt::Display for NetworkSnapshot {
    /// One line a socket, in handle order, under a heading line:
    ///
    /// ```text
    /// network: 1 WSAStartup outstanding, 2 sockets
    /// Handle  Proto  Local            Remote           State                     Names                    Security                 Queued  Waits
    /// 0x100   TCP    192.0.2.10:27015 *:*              LISTENING (0 of 10 waiting) -                      is host/rogue.contoso.com 0       server: accept
    /// ```
    ///
    /// `Names` lists the peer target names (a datagram socket's as `peer=name`);
    /// `Security` says whether `WSASetSocketSecurity` applied settings, the principal a test
    /// gave the socket (`is ...`), and each negotiated link (`plain`, `secured` or
    /// `encrypted`, with the peer's principal); `Queued` counts bytes and datagrams
    /// received and not read (see [`SocketInfo::waiting`]); `Waits` names each thread
    /// blocked in a call on the socket, with the call (`server: accept`). Threads blocked on
    /// no one socket (`select`, `WSAWaitForMultipleEvents`) follow the table, one line each
    /// ([`NetworkSnapshot::blocked`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "network: {} WSAStartup outstanding, {} socket{}",
            self.startups,
            self.sockets.len(),
            if self.sockets.len() == 1 { "" } else { "s" }
        )?;
        let rows: Vec<[String; 9]> = self
            .sockets
            .iter()
            .map(|info| row(info, &self.blocked))
            .collect();
        let mut widths = HEADINGS.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 9]| {
            let mut text = String::new();
            for (at, (cell, width)) in cells.iter().zip(widths).enumerate() {
                if at + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<width$}  "));
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        line(f, HEADINGS)?;
        for row in &rows {
            line(f, row.each_ref().map(String::as_str))?;
        }
        for waiter in self.blocked.iter().filter(|b| b.socket.is_none()) {
            writeln!(
                f,
                "{} blocked in {} on no one socket, for {}",
                waiter.thread, waiter.call, waiter.what
            )?;
        }
        Ok(())
    }
}
