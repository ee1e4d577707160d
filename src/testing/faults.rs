//! Fault injection: make chosen calls of one network fail with a chosen code.
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

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
    /// A name lookup answers with this address alone, whatever the resolver holds: a
    /// poisoned answer ([`Fault::poison_name`]). Resolution faults are taken when a name is
    /// looked up.
    PoisonAnswer(IpAddr),
    /// A name lookup takes this long on the network clock before it answers as the
    /// resolver says ([`Fault::slow_lookup`]): a blocking lookup waits, an asynchronous one
    /// completes then.
    SlowLookup(Duration),
}

impl FaultAction {
    /// Whether the action answers a call when it starts (the others act later: at the
    /// overlapped stage, or on a datagram in flight).
    fn answers_calls(self) -> bool {
        matches!(self, FaultAction::Fail(_))
    }

    /// Whether the action answers a name lookup.
    fn answers_lookups(self) -> bool {
        matches!(
            self,
            FaultAction::Fail(_) | FaultAction::PoisonAnswer(_) | FaultAction::SlowLookup(_)
        )
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
    host: Option<String>,
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
            host: None,
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

    /// The name `name` does not exist: every lookup of it fails with `WSAHOST_NOT_FOUND`
    /// (`EAI_NONAME`), until the fault is removed, whatever the resolver holds.
    ///
    /// ```
    /// use winsock_emu::testing::Fault;
    /// use winsock_emu::{Error, Network};
    ///
    /// let net = Network::new();
    /// net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    /// let _wsa = net.startup()?;
    /// let gone = net.inject(Fault::name_not_found("server.contoso.com"));
    /// assert_eq!(net.resolve("server.contoso.com"), Err(Error::HostNotFound));
    /// gone.remove();
    /// assert!(net.resolve("server.contoso.com").is_ok());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn name_not_found(name: &str) -> Fault {
        Fault::fail(Call::GetAddrInfo, Error::HostNotFound)
            .for_name(name)
            .always()
    }

    /// The next lookup of `name` fails temporarily, with `WSATRY_AGAIN` (`EAI_AGAIN`), as
    /// when the DNS server does not answer; the lookup after it succeeds.
    ///
    /// ```
    /// use winsock_emu::testing::Fault;
    /// use winsock_emu::{Error, Network};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _fault = net.inject(Fault::lookup_fails_temporarily("localhost").times(2));
    /// assert_eq!(net.resolve("localhost"), Err(Error::TryAgain));
    /// assert_eq!(net.resolve("localhost"), Err(Error::TryAgain));
    /// assert!(net.resolve("localhost").is_ok());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn lookup_fails_temporarily(name: &str) -> Fault {
        Fault::fail(Call::GetAddrInfo, Error::TryAgain).for_name(name)
    }

    /// Lookups of `name` answer `addr` alone, until the fault is removed: a poisoned
    /// answer, as a spoofed DNS reply or a tampered hosts file gives. The trace marks each
    /// poisoned lookup `[injected]`.
    ///
    /// ```
    /// use winsock_emu::testing::Fault;
    /// use winsock_emu::Network;
    ///
    /// let net = Network::new();
    /// net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    /// let _wsa = net.startup()?;
    /// let rogue = "203.0.113.66".parse().unwrap();
    /// let poison = net.inject(Fault::poison_name("server.contoso.com", rogue));
    /// assert_eq!(net.resolve("server.contoso.com")?, [rogue]);
    /// poison.remove(); // the resolver is repaired
    /// assert_eq!(net.resolve("server.contoso.com")?, ["192.0.2.10".parse::<std::net::IpAddr>().unwrap()]);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn poison_name(name: &str, addr: IpAddr) -> Fault {
        Fault {
            action: FaultAction::PoisonAnswer(addr),
            ..Fault::fail(Call::GetAddrInfo, Error::HostNotFound)
        }
        .for_name(name)
        .always()
    }

    /// Lookups of `name` take `delay` on the network clock, until the fault is removed, as
    /// when the DNS server is slow to answer; then they answer as the resolver says. A
    /// blocking lookup (`getaddrinfo`, `GetAddrInfoW`, `gethostbyname`, a synchronous
    /// `GetAddrInfoExW`, ...) waits: on a test clock ([`crate::testing::Clock::Manual`]) until the
    /// test advances it past the delay ([`crate::Network::advance`]); a lookup nothing can
    /// end is a stall, which ends it with `WSAENETDOWN` and a diagnosis. An asynchronous
    /// `GetAddrInfoExW` pends until then, and `GetAddrInfoExCancel` can cancel it. The trace
    /// marks each slowed lookup `[injected]`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use winsock_emu::testing::{Clock, Fault};
    /// use winsock_emu::Network;
    ///
    /// let net = Network::new();
    /// let _current = net.enter();
    /// net.set_clock(Clock::Manual);
    /// net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    /// let _wsa = net.startup()?;
    /// let _slow = net.inject(Fault::slow_lookup("server.contoso.com", Duration::from_secs(5)));
    /// let waiter = net.spawn({
    ///     let net = net.clone();
    ///     move || net.resolve("server.contoso.com")
    /// });
    /// assert!(net.wait_until_blocked(1)); // the lookup waits on the network clock
    /// net.advance(Duration::from_secs(5));
    /// assert!(waiter.join().unwrap().is_ok());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn slow_lookup(name: &str, delay: Duration) -> Fault {
        Fault {
            action: FaultAction::SlowLookup(delay),
            ..Fault::fail(Call::GetAddrInfo, Error::HostNotFound)
        }
        .for_name(name)
        .always()
    }

    /// Only lookups of this name (ASCII case and one trailing dot ignored). A fault with a
    /// name matches name lookups only.
    ///
    /// ```
    /// use winsock_emu::testing::{Call, Fault};
    /// use winsock_emu::{Error, Network};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _fault = net.inject(Fault::fail(Call::GetAddrInfo, Error::NoRecovery).for_name("LOCALHOST."));
    /// assert!(net.resolve("127.0.0.1").is_ok()); // another name
    /// assert_eq!(net.resolve("localhost"), Err(Error::NoRecovery));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn for_name(mut self, name: &str) -> Fault {
        self.host = Some(name.to_owned());
        self
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
        self.host.is_none()
            && self.call.is_none_or(|c| c == call)
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

    /// The action of the oldest rule answering a lookup of `name` by `call`, counting the
    /// lookup against it: failures and poisoned answers, for any name or this one.
    pub(crate) fn take_lookup(&mut self, call: Call, name: Option<&str>) -> Option<FaultAction> {
        self.take_where(|rule| {
            rule.action.answers_lookups()
                && rule.call.is_none_or(|c| c == call)
                && rule.socket.is_none()
                && rule.peer.is_none()
                && rule.host.as_deref().is_none_or(|host| {
                    name.is_some_and(|name| crate::model::resolution::same_name(host, name))
                })
        })
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

    #[test]
    fn name_faults_match_only_lookups_of_their_name() {
        let mut plan = FaultPlan::default();
        let ip: IpAddr = "203.0.113.66".parse().unwrap();
        plan.add(Fault::poison_name("server.contoso.com", ip));
        plan.add(Fault::lookup_fails_temporarily("other.contoso.com"));
        assert_eq!(plan.take(Call::GetAddrInfo, None, None), None);
        assert_eq!(plan.take_lookup(Call::GetAddrInfo, Some("nowhere")), None);
        assert_eq!(
            plan.take_lookup(Call::GetAddrInfo, Some("SERVER.contoso.com.")),
            Some(FaultAction::PoisonAnswer(ip))
        );
        assert_eq!(
            plan.take_lookup(Call::GetAddrInfo, Some("other.contoso.com")),
            Some(FaultAction::Fail(Error::TryAgain))
        );
        assert_eq!(
            plan.take_lookup(Call::GetAddrInfo, Some("other.contoso.com")),
            None
        );
        assert_eq!(
            plan.take_lookup(Call::GetNameInfo, Some("server.contoso.com")),
            None
        );
    }

    #[test]
    fn a_slow_lookup_answers_lookups_of_its_name_until_removed() {
        let mut plan = FaultPlan::default();
        let delay = Duration::from_secs(3);
        let id = plan.add(Fault::slow_lookup("server.contoso.com", delay));
        assert_eq!(
            plan.take(Call::GetAddrInfo, None, None),
            None,
            "not a call fault"
        );
        for _ in 0..2 {
            assert_eq!(
                plan.take_lookup(Call::GetAddrInfo, Some("Server.Contoso.Com")),
                Some(FaultAction::SlowLookup(delay))
            );
        }
        assert_eq!(plan.take_lookup(Call::GetAddrInfo, Some("localhost")), None);
        assert!(plan.remove(id));
        assert_eq!(
            plan.take_lookup(Call::GetAddrInfo, Some("server.contoso.com")),
            None
        );
    }
}
