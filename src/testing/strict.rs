//! Strict mode: misuse that Windows accepts silently, reported to the test with the rule it
//! breaks and where that rule is written.
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::Network;

/// A rule of the documentation that Windows does not enforce, but strict mode does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StrictRule {
    /// A short, stable identifier.
    pub id: &'static str,
    /// The rule, in paraphrase.
    pub rule: &'static str,
    /// Where it is written.
    pub source: &'static str,
}

/// A datagram peer was named after the socket had already sent to it.
pub const NAME_AFTER_FIRST_SEND: StrictRule = StrictRule {
    id: "name-after-first-send",
    rule: "for connectionless sockets, the peer target name should be set before the first \
           WSASendTo call directed to that peer address",
    source: "WSASetSocketPeerTargetName, Remarks",
};

/// A socket with a peer target name connected or sent without security settings.
pub const NAME_WITHOUT_SECURITY: StrictRule = StrictRule {
    id: "name-without-security",
    rule: "a peer target name is used by the security protocol when it authenticates the \
           peer; on a socket whose security was never enabled with WSASetSocketSecurity it \
           authenticates nothing",
    source: "Using Secure Socket Extensions; WSASetSocketSecurity, Remarks",
};

/// Security settings were applied to a socket that had already connected or sent.
pub const SETTINGS_AFTER_CONNECT: StrictRule = StrictRule {
    id: "settings-after-connect",
    rule: "a TCP client must call WSASetSocketSecurity before connect or WSAConnect, and a \
           UDP socket right after it is created, before it sends",
    source: "WSASetSocketSecurity, Remarks",
};

/// A thread impersonated a peer and did not revert.
pub const IMPERSONATION_NOT_REVERTED: StrictRule = StrictRule {
    id: "impersonation-not-reverted",
    rule: "WSARevertImpersonation must be called to end an impersonation begun with \
           WSAImpersonateSocketPeer",
    source: "WSAImpersonateSocketPeer, Remarks; WSARevertImpersonation",
};

/// A blocking call waited for something nothing could do.
pub const BLOCKED_FOREVER: StrictRule = StrictRule {
    id: "blocked-forever",
    rule: "a blocking call must be able to complete: on Windows a call that waits for data, \
           a connection or room nobody will give hangs the program (the emulator ends it \
           with WSAENETDOWN and a diagnosis: crate::choices::STALL_ENDS_THE_CALL)",
    source: "recv, accept and send, Remarks (blocking sockets); closesocket, Remarks",
};

/// Every strict rule.
pub const STRICT_RULES: &[StrictRule] = &[
    NAME_AFTER_FIRST_SEND,
    NAME_WITHOUT_SECURITY,
    SETTINGS_AFTER_CONNECT,
    IMPERSONATION_NOT_REVERTED,
    BLOCKED_FOREVER,
];

/// One misuse strict mode found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictReport {
    /// The rule broken.
    pub rule: StrictRule,
    /// The socket involved.
    pub socket: Option<SOCKET>,
    /// The peer involved, if any.
    pub peer: Option<SocketAddr>,
    /// The thread that made the call.
    pub thread: String,
    /// What happened, in words.
    pub what: String,
}

impl fmt::Display for StrictReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} (thread {})",
            self.rule.id, self.what, self.thread
        )?;
        write!(
            f,
            "\n    rule: {}\n    source: {}",
            self.rule.rule, self.rule.source
        )
    }
}

/// What strict mode remembers of a network's calls, and what it found.
#[derive(Debug, Default)]
pub(crate) struct StrictTracker {
    pub(crate) enabled: bool,
    /// (socket, peer) pairs a datagram has been sent to.
    sent_to: HashSet<(SOCKET, SocketAddr)>,
    /// Sockets already reported for using a name without security.
    reported_unsecured: HashSet<SOCKET>,
    /// Threads impersonating now: thread label → the socket whose peer they act as.
    impersonating: BTreeMap<String, SOCKET>,
    reports: Vec<StrictReport>,
}

/// The facts about a socket that the rules need, read from the table after the call.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SocketFacts {
    pub(crate) has_names: bool,
    pub(crate) has_settings: bool,
    pub(crate) connected: bool,
}

impl StrictTracker {
    fn report(
        &mut self,
        rule: StrictRule,
        socket: Option<SOCKET>,
        peer: Option<SocketAddr>,
        what: String,
    ) {
        let thread = super::thread_label();
        self.reports.push(StrictReport {
            rule,
            socket,
            peer,
            thread,
            what,
        });
    }

    /// A blocking call on `socket` stalled; `what` is the diagnosis.
    pub(crate) fn stalled(&mut self, socket: Option<SOCKET>, what: String) {
        self.report(BLOCKED_FOREVER, socket, None, what);
    }

    /// A datagram was sent from `socket` to `peer`.
    pub(crate) fn sent(&mut self, socket: SOCKET, peer: SocketAddr, facts: SocketFacts) {
        self.sent_to.insert((socket, peer));
        self.used(socket, facts, "sent a datagram");
    }

    /// `socket` connected.
    pub(crate) fn connected(&mut self, socket: SOCKET, facts: SocketFacts) {
        self.used(socket, facts, "connected");
    }

    fn used(&mut self, socket: SOCKET, facts: SocketFacts, how: &str) {
        if facts.has_names && !facts.has_settings && self.reported_unsecured.insert(socket) {
            let what = format!(
                "socket {socket:#x} {how} with a peer target name but no security settings"
            );
            self.report(NAME_WITHOUT_SECURITY, Some(socket), None, what);
        }
    }

    /// A peer target name was set on `socket` for `peer`.
    pub(crate) fn named(&mut self, socket: SOCKET, peer: Option<SocketAddr>) {
        if let Some(peer) = peer.filter(|peer| self.sent_to.contains(&(socket, *peer))) {
            let what = format!("socket {socket:#x} named peer {peer} after sending to it");
            self.report(NAME_AFTER_FIRST_SEND, Some(socket), Some(peer), what);
        }
    }

    /// `WSASetSocketSecurity` was called on `socket` (whatever it returned).
    pub(crate) fn settings_applied(&mut self, socket: SOCKET, facts: SocketFacts) {
        let has_sent = self.sent_to.iter().any(|(sender, _)| *sender == socket);
        if facts.connected || has_sent {
            let state = if facts.connected {
                "connected"
            } else {
                "sent datagrams"
            };
            let what =
                format!("WSASetSocketSecurity on socket {socket:#x}, which had already {state}");
            self.report(SETTINGS_AFTER_CONNECT, Some(socket), None, what);
        }
    }

    /// The calling thread began impersonating the peer of `socket`.
    pub(crate) fn impersonated(&mut self, socket: SOCKET) {
        let thread = super::thread_label();
        if let Some(previous) = self.impersonating.insert(thread, socket) {
            let what = format!(
                "a new impersonation replaced one of socket {previous:#x} that was never reverted"
            );
            self.report(IMPERSONATION_NOT_REVERTED, Some(previous), None, what);
        }
    }

    /// The calling thread reverted.
    pub(crate) fn reverted(&mut self) {
        self.impersonating.remove(&super::thread_label());
    }

    /// The reports so far, plus one for each thread still impersonating.
    pub(crate) fn reports(&self) -> Vec<StrictReport> {
        let mut reports = self.reports.clone();
        for (thread, socket) in &self.impersonating {
            reports.push(StrictReport {
                rule: IMPERSONATION_NOT_REVERTED,
                socket: Some(*socket),
                peer: None,
                thread: thread.clone(),
                what: format!("still impersonating the peer of socket {socket:#x}"),
            });
        }
        reports
    }

    /// Forgets the reports (not what it remembers of the calls).
    pub(crate) fn clear_reports(&mut self) {
        self.reports.clear();
        self.impersonating.clear();
    }
}

/// Strict mode for a test: reports misuse while it lives and, when dropped, panics with
/// every report if there was any (unless the test is already panicking). See
/// [`Network::strict`].
#[derive(Debug)]
#[must_use = "strict mode panics on misuse only when the guard is dropped"]
pub struct StrictGuard {
    pub(crate) network: Network,
}

impl StrictGuard {
    /// The reports so far, without ending strict mode.
    pub fn reports(&self) -> Vec<StrictReport> {
        self.network.strict_reports()
    }
}

impl Drop for StrictGuard {
    fn drop(&mut self) {
        let reports = self.network.strict_reports();
        self.network.set_strict(false);
        if !reports.is_empty() && !std::thread::panicking() {
            let text: Vec<String> = reports.iter().map(ToString::to_string).collect();
            panic!(
                "strict mode found {} misuse(s):\n{}",
                reports.len(),
                text.join("\n")
            );
        }
    }
}
