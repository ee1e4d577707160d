//! Fault injection: make chosen calls of one network fail with a chosen code.
use std::net::SocketAddr;

use windows_sys::Win32::Networking::WinSock::SOCKET;

use super::Call;
use crate::error::Error;

/// What an injected fault does to the call it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// The call fails with this error and does nothing else: the network is unchanged, as
    /// for any failed call.
    Fail(Error),
    /// The datagram is lost on its way: the send succeeds, nothing arrives.
    DropDatagram,
    /// The datagram arrives twice.
    DuplicateDatagram,
    /// The datagram is held back until the test calls `Network::deliver_delayed`, so later
    /// datagrams overtake it.
    DelayDatagram,
    /// The call takes effect, but its overlapped completion pends (`WSA_IO_PENDING`) until
    /// the test completes it (`Network::pending_operations`). A call without an
    /// `OVERLAPPED`, or on a socket that is not overlapped, completes as usual.
    Pend,
}

impl FaultAction {
    /// Whether the action answers a call when it starts (the others act later: at the
    /// overlapped stage, or on a datagram in flight).
    fn answers_calls(self) -> bool {
        matches!(self, FaultAction::Fail(_))
    }

    /// Whether the action acts on a datagram in flight.
    fn acts_on_datagrams(self) -> bool {
        matches!(
            self,
            FaultAction::DropDatagram | FaultAction::DuplicateDatagram | FaultAction::DelayDatagram
        )
    }
}

/// A rule: which calls to fault, how many times, and how.
///
/// ```
/// use winsock_emu::testing::{Call, Fault};
/// use winsock_emu::{Domain, Error, Network, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
/// let _fault = net.inject(Fault::fail(Call::SetPeerTargetName, Error::NoBufferSpace).on_socket(udp.as_raw()));
/// let peer = "192.0.2.1:500".parse().unwrap();
/// assert_eq!(udp.set_peer_target_name(peer, "host/a"), Err(Error::NoBufferSpace));
/// assert_eq!(udp.set_peer_target_name(peer, "host/a"), Ok(())); // only the next call
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    call: Option<Call>,
    socket: Option<SOCKET>,
    peer: Option<SocketAddr>,
    remaining: Option<u32>,
    action: FaultAction,
}

impl Fault {
    /// The next call of `call` fails with `error`.
    pub fn fail(call: Call, error: Error) -> Fault {
        Fault {
            call: Some(call),
            socket: None,
            peer: None,
            remaining: Some(1),
            action: FaultAction::Fail(error),
        }
    }

    /// The next call of any function fails with `error`.
    pub fn fail_any(error: Error) -> Fault {
        Fault {
            call: None,
            ..Fault::fail(Call::Startup, error)
        }
    }

    /// The next call of `call` made with an `OVERLAPPED` on an overlapped socket pends
    /// instead of completing at once (it takes effect; only its completion waits). Calls
    /// without an `OVERLAPPED`, on non-overlapped sockets, or of functions that take none,
    /// are not counted against the rule.
    pub fn pend(call: Call) -> Fault {
        Fault {
            action: FaultAction::Pend,
            ..Fault::fail(call, Error::IoPending)
        }
    }

    /// The next datagram sent to `addr` is lost (the send still succeeds).
    pub fn drop_datagrams_to(addr: SocketAddr) -> Fault {
        Fault {
            action: FaultAction::DropDatagram,
            call: None,
            ..Fault::fail(Call::SendTo, Error::IoPending)
        }
        .to_peer(addr)
    }

    /// The next datagram sent to `addr` arrives twice.
    pub fn duplicate_datagrams_to(addr: SocketAddr) -> Fault {
        Fault {
            action: FaultAction::DuplicateDatagram,
            ..Fault::drop_datagrams_to(addr)
        }
    }

    /// The next datagram sent to `addr` is held back until `Network::deliver_delayed`.
    pub fn delay_datagrams_to(addr: SocketAddr) -> Fault {
        Fault {
            action: FaultAction::DelayDatagram,
            ..Fault::drop_datagrams_to(addr)
        }
    }

    /// Stream and datagram `connect`s to `addr` are refused (`WSAECONNREFUSED`), every time,
    /// as if nothing listened there.
    pub fn refuse_connections_to(addr: SocketAddr) -> Fault {
        Fault::fail(Call::Connect, Error::ConnectionRefused)
            .to_peer(addr)
            .always()
    }

    /// Only calls on this socket.
    pub fn on_socket(mut self, socket: SOCKET) -> Fault {
        self.socket = Some(socket);
        self
    }

    /// Only calls that name this peer (the address of `bind`, `connect`, or a peer
    /// target name).
    pub fn to_peer(mut self, peer: SocketAddr) -> Fault {
        self.peer = Some(peer);
        self
    }

    /// The next `n` matching calls, instead of the next one.
    pub fn times(mut self, n: u32) -> Fault {
        self.remaining = Some(n);
        self
    }

    /// Every matching call, until the fault is removed.
    pub fn always(mut self) -> Fault {
        self.remaining = None;
        self
    }

    fn matches(&self, call: Call, socket: Option<SOCKET>, peer: Option<SocketAddr>) -> bool {
        self.call.is_none_or(|c| c == call)
            && self.socket.is_none_or(|s| Some(s) == socket)
            && self.peer.is_none_or(|p| Some(p) == peer)
    }
}

/// Names an injected fault, to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaultId(u64);

/// The faults in force on one network, in the order they were injected.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    next_id: u64,
    rules: Vec<(FaultId, Fault)>,
}

impl FaultPlan {
    /// Adds a rule.
    pub(crate) fn add(&mut self, fault: Fault) -> FaultId {
        let id = FaultId(self.next_id);
        self.next_id += 1;
        self.rules.push((id, fault));
        id
    }

    /// Removes a rule; false if it was already gone (used up or removed).
    pub(crate) fn remove(&mut self, id: FaultId) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(rule, _)| *rule != id);
        self.rules.len() != before
    }

    /// Removes every rule.
    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Whether any rule is in force.
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The action of the oldest failure rule matching this call, counting the call
    /// against it. Pend rules are taken at the overlapped stage instead ([`Self::take_pend`]).
    pub(crate) fn take(
        &mut self,
        call: Call,
        socket: Option<SOCKET>,
        peer: Option<SocketAddr>,
    ) -> Option<FaultAction> {
        self.take_where(|rule| rule.action.answers_calls() && rule.matches(call, socket, peer))
    }

    /// Whether a pend rule matches the overlapped stage of `call` on `socket`, counting the
    /// call against it.
    pub(crate) fn take_pend(&mut self, call: Call, socket: SOCKET) -> bool {
        self.take_where(|rule| {
            rule.action == FaultAction::Pend && rule.matches(call, Some(socket), None)
        })
        .is_some()
    }

    /// What happens to a datagram `sender` sends to `to`: the oldest datagram rule matching
    /// it, counted; `None` for normal delivery.
    pub(crate) fn take_datagram(&mut self, sender: SOCKET, to: SocketAddr) -> Option<FaultAction> {
        self.take_where(|rule| {
            rule.action.acts_on_datagrams() && rule.matches(Call::SendTo, Some(sender), Some(to))
        })
    }

    /// The action of the oldest rule `predicate` accepts, counting the call against it.
    fn take_where(&mut self, predicate: impl Fn(&Fault) -> bool) -> Option<FaultAction> {
        let at = self.rules.iter().position(|(_, rule)| predicate(rule))?;
        let rule = &mut self.rules[at].1;
        let action = rule.action;
        match &mut rule.remaining {
            Some(1) => {
                self.rules.remove(at);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_fault_is_used_up() {
        let mut plan = FaultPlan::default();
        plan.add(Fault::fail(Call::Bind, Error::AddressInUse).times(2));
        assert_eq!(plan.take(Call::Listen, None, None), None);
        assert_eq!(
            plan.take(Call::Bind, None, None),
            Some(FaultAction::Fail(Error::AddressInUse))
        );
        assert_eq!(
            plan.take(Call::Bind, None, None),
            Some(FaultAction::Fail(Error::AddressInUse))
        );
        assert_eq!(plan.take(Call::Bind, None, None), None);
        assert!(plan.is_empty());
    }

    #[test]
    fn filters_must_all_match_and_oldest_rule_wins() {
        let mut plan = FaultPlan::default();
        let peer: SocketAddr = "192.0.2.1:80".parse().unwrap();
        let id = plan.add(Fault::refuse_connections_to(peer).on_socket(0x100));
        plan.add(Fault::fail_any(Error::NoBufferSpace).always());
        assert_eq!(
            plan.take(Call::Connect, Some(0x100), Some(peer)),
            Some(FaultAction::Fail(Error::ConnectionRefused))
        );
        assert_eq!(
            plan.take(Call::Connect, Some(0x104), Some(peer)),
            Some(FaultAction::Fail(Error::NoBufferSpace))
        );
        assert!(plan.remove(id));
        assert!(!plan.remove(id));
        plan.clear();
        assert_eq!(plan.take(Call::Connect, Some(0x100), Some(peer)), None);
    }
}
