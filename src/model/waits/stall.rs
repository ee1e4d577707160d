//! The diagnosis of a stall: which call waited for what, on which socket, what every other
//! waiting thread was blocked on, and the network's sockets.
#![forbid(unsafe_code)]

use std::fmt::{self, Write as _};
use std::time::Duration;

use windows_sys::Win32::Networking::WinSock::{SOCKET, SOCK_DGRAM, SOCK_STREAM};

use super::Found;
use crate::model::snapshot::{NetworkSnapshot, SocketInfo, SocketState};

/// One waiting call, as a diagnosis names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WaiterInfo {
    /// The waiting thread's name.
    pub(crate) thread: String,
    /// The Windows function.
    pub(crate) call: &'static str,
    /// The socket it waited on.
    pub(crate) socket: Option<SOCKET>,
    /// What it waited for.
    pub(crate) what: &'static str,
    /// Its deadline on the network's clock.
    pub(crate) deadline: Option<Duration>,
}

/// A wait that nothing could end, as the network recorded it ([`crate::Network::stalls`]).
///
/// Its `Display` is the diagnosis a person reads: printed to stderr when the stall
/// happens. Windows has no such thing: a real deadlock hangs; the emulator ends the waits
/// so a test fails instead ([`crate::choices::STALL_ENDS_THE_CALL`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    deadlock: bool,
    call: &'static str,
    socket: Option<SOCKET>,
    report: String,
}

impl Stall {
    /// `true` when every thread known to the network waited (a deadlock of the code under
    /// test); `false` when the stall limit passed with nothing changing.
    pub fn is_deadlock(&self) -> bool {
        self.deadlock
    }

    /// The call that found the stall (`"recv"`, `"accept"`, ...).
    pub fn call(&self) -> &'static str {
        self.call
    }

    /// The socket that call waited on.
    pub fn socket(&self) -> Option<SOCKET> {
        self.socket
    }

    /// Composes the diagnosis from what the finder saw and the table as it is now.
    pub(crate) fn compose(found: &Found, limit: Duration, snapshot: &NetworkSnapshot) -> Self {
        let mut report = String::new();
        let first = &found.waiters[0];
        let _ = writeln!(
            report,
            "winsock-emu: {} on an emulated network: {}",
            if found.deadlock { "deadlock" } else { "stall" },
            if found.deadlock {
                "every thread known to the network waits in one of its calls, and nothing \
                 can wake one"
                    .to_owned()
            } else {
                format!("nothing changed on the network for the stall limit ({limit:?})")
            }
        );
        let _ = writeln!(report, "  {}", describe(first, snapshot));
        if found.waiters.len() > 1 {
            let _ = writeln!(report, "  the other waiting threads:");
            for other in &found.waiters[1..] {
                let _ = writeln!(report, "    {}", describe(other, snapshot));
            }
        }
        // The table is the snapshot's own (`netstat -ano`-style, with who waits), indented.
        let _ = writeln!(report, "  the network's sockets:");
        for line in snapshot.to_string().lines() {
            let _ = writeln!(report, "    {line}");
        }
        Self {
            deadlock: found.deadlock,
            call: first.call,
            socket: first.socket,
            report,
        }
    }
}

impl fmt::Display for Stall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

/// "tcp", "udp" or the type number.
fn kind(socket: &SocketInfo) -> String {
    match socket.socket_type {
        SOCK_STREAM => "tcp".into(),
        SOCK_DGRAM => "udp".into(),
        other => other.to_string(),
    }
}

/// A socket's state in words.
fn state(socket: &SocketInfo) -> String {
    match socket.state {
        SocketState::Idle => "idle".into(),
        SocketState::Listening { backlog, pending } => {
            format!("listening ({pending} of {backlog} queued)")
        }
        SocketState::Connected { peer } => format!("connected to {peer}"),
    }
}

/// One waiter in words: thread, call, socket, what it waited for.
fn describe(waiter: &WaiterInfo, snapshot: &NetworkSnapshot) -> String {
    let socket = match waiter.socket {
        Some(handle) => match snapshot.sockets.iter().find(|s| s.handle == handle) {
            Some(info) => format!(
                " on socket {handle:#x} ({} {}, {}, {} waiting)",
                kind(info),
                info.local
                    .map_or_else(|| "unbound".to_owned(), |local| local.to_string()),
                state(info),
                info.waiting
            ),
            None => format!(" on socket {handle:#x} (closed)"),
        },
        None => String::new(),
    };
    let deadline = waiter.deadline.map_or_else(String::new, |d| {
        format!(", deadline {d:?} on the network's clock")
    });
    format!(
        "thread '{}': {}{} waited for {}{}",
        waiter.thread, waiter.call, socket, waiter.what, deadline
    )
}
