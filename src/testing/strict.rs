//! Strict mode: misuse that Windows accepts silently, reported to the test with the rule it
//! breaks and where that rule is written.
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use crate::model::tokens;
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

/// `freeaddrinfo` (or `FreeAddrInfoW`) was given a pointer that is not a live list of
/// this process: never handed out, already freed, or a node inside a list.
pub const ADDRINFO_FREED_TWICE: StrictRule = StrictRule {
    id: "addrinfo-freed-twice",
    rule: "freeaddrinfo frees the list one getaddrinfo call returned, by its first node, \
           once; the emulator records any other pointer and ignores it",
    source: "freeaddrinfo, Remarks; getaddrinfo, Remarks (freeing the results)",
};

/// A list `getaddrinfo` (or `GetAddrInfoW`) returned was never freed.
pub const ADDRINFO_NOT_FREED: StrictRule = StrictRule {
    id: "addrinfo-not-freed",
    rule: "all information returned by getaddrinfo in the ppResult list is dynamically \
           allocated and must be released with freeaddrinfo (FreeAddrInfoW for \
           GetAddrInfoW)",
    source: "getaddrinfo, Remarks; GetAddrInfoW, Remarks",
};

/// A `sys` call failed with `WSANOTINITIALISED` on the process-wide network while its
/// thread had a network of its own and had entered none: most likely `net.enter()` was
/// forgotten. Windows has one Winsock a process, so it has no such rule; the emulator's
/// isolation does.
pub const NETWORK_NOT_ENTERED: StrictRule = StrictRule {
    id: "network-not-entered",
    rule: "the sys functions use the network the calling thread entered (Network::enter), \
           else the process-wide one: a test that made its own network must enter it on \
           every thread that runs the code under test",
    source: "winsock-emu: Network::enter; docs/testing.md, Isolation",
};

/// An access token a query returned was never closed.
pub const TOKEN_NOT_CLOSED: StrictRule = StrictRule {
    id: "token-not-closed",
    rule: "after using the token for access checks, the application should close the handle \
           using the CloseHandle function",
    source: "SOCKET_SECURITY_QUERY_INFO, PeerApplicationAccessTokenHandle and \
             PeerMachineAccessTokenHandle; WSAQuerySocketSecurity, Remarks",
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
    ADDRINFO_FREED_TWICE,
    ADDRINFO_NOT_FREED,
    NETWORK_NOT_ENTERED,
    TOKEN_NOT_CLOSED,
    BLOCKED_FOREVER,
];

/// One misuse strict mode found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// `ADDRINFO` lists handed out and not freed: list number → thread and node name.
    lists: BTreeMap<u64, (String, String)>,
    /// Token handles queries returned while strict mode was on → the socket and thread of
    /// the query; each is reported if still open when the reports are read.
    tokens: BTreeMap<u64, (SOCKET, String)>,
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

    /// A call of this thread strayed to the process-wide network
    /// ([`NETWORK_NOT_ENTERED`]).
    pub(crate) fn strayed(&mut self, socket: Option<SOCKET>, what: String) {
        self.report(NETWORK_NOT_ENTERED, socket, None, what);
    }

    /// The calling thread reverted.
    pub(crate) fn reverted(&mut self) {
        self.impersonating.remove(&super::thread_label());
    }

    /// `getaddrinfo` handed out list number `id` for the node `node`.
    pub(crate) fn list_handed_out(&mut self, id: u64, node: String) {
        self.lists.insert(id, (super::thread_label(), node));
    }

    /// `freeaddrinfo` freed list number `id`.
    pub(crate) fn list_freed(&mut self, id: u64) {
        self.lists.remove(&id);
    }

    /// `freeaddrinfo` was given a pointer that is no live list.
    pub(crate) fn bad_free(&mut self, what: String) {
        self.report(ADDRINFO_FREED_TWICE, None, None, what);
    }

    /// A query on `socket` returned these token handles (0: none).
    pub(crate) fn tokens_opened(&mut self, socket: SOCKET, handles: &[u64]) {
        let thread = super::thread_label();
        for &handle in handles.iter().filter(|&&handle| handle != 0) {
            self.tokens.insert(handle, (socket, thread.clone()));
        }
    }

    /// The reports so far, plus one for each thread still impersonating and one for each
    /// `ADDRINFO` list not freed and one for each token still open.
    pub(crate) fn reports(&self) -> Vec<StrictReport> {
        let mut reports = self.reports.clone();
        for (id, (thread, node)) in &self.lists {
            reports.push(StrictReport {
                rule: ADDRINFO_NOT_FREED,
                socket: None,
                peer: None,
                thread: thread.clone(),
                what: format!("ADDRINFO list #{id} (node {node}) was never freed"),
            });
        }
        for (thread, socket) in &self.impersonating {
            reports.push(StrictReport {
                rule: IMPERSONATION_NOT_REVERTED,
                socket: Some(*socket),
                peer: None,
                thread: thread.clone(),
                what: format!("still impersonating the peer of socket {socket:#x}"),
            });
        }
        for (&handle, (socket, thread)) in &self.tokens {
            let Some(token) = usize::try_from(handle).ok().and_then(tokens::info) else {
                continue;
            };
            reports.push(StrictReport {
                rule: TOKEN_NOT_CLOSED,
                socket: Some(*socket),
                peer: None,
                thread: thread.clone(),
                what: format!(
                    "token {handle:#x} ({:?}, for {}) from a query on socket {socket:#x} was \
                     never closed",
                    token.kind, token.principal
                ),
            });
        }
        reports
    }

    /// Forgets the reports (not what it remembers of the calls).
    pub(crate) fn clear_reports(&mut self) {
        self.reports.clear();
        self.impersonating.clear();
        self.lists.clear();
        self.tokens.clear();
    }
}

/// Strict mode for a test: reports misuse while it lives and, when dropped, panics with
/// every report if there was any (unless the test is already panicking), followed by the
/// secure connects that failed and why, and the socket table. See [`Network::strict`].
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
                "strict mode found {} misuse(s):\n{}\n\n{}",
                reports.len(),
                text.join("\n"),
                super::failure_report(&self.network, &self.network.trace())
            );
        }
    }
}
