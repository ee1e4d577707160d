//! The testing aids on [`Network`]: fault injection, call traces, spawning threads that use
//! the network.
#![forbid(unsafe_code)]

use std::thread::{self, JoinHandle, Scope, ScopedJoinHandle};

use super::{Network, Socket};
use crate::error::Result;
use crate::testing::{
    Fault, FaultGuard, FaultId, SecurityFailure, StrictGuard, StrictReport, Trace, TraceOnFailure,
};

impl Network {
    /// Injects a fault: matching calls on this network, through either face, fail as the
    /// fault says, while the returned guard lives. Dropping the guard removes the rule;
    /// [`FaultGuard::forever`] keeps it.
    ///
    /// ```
    /// use winsock_emu::testing::{Call, Fault};
    /// use winsock_emu::{Domain, Error, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _fault = net.inject(Fault::fail(Call::Socket, Error::NetworkDown));
    /// assert_eq!(net.socket(Domain::IPV4, Type::STREAM, None).err(), Some(Error::NetworkDown));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn inject(&self, fault: Fault) -> FaultGuard {
        FaultGuard::new(&self.table, self.table.observer.inject(fault))
    }

    /// Removes an injected fault kept with [`FaultGuard::forever`]; false if it was already
    /// used up or removed.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use winsock_emu::testing::{Call, Fault};
    ///
    /// let id = net.inject(Fault::fail(Call::Bind, winsock_emu::Error::AddressInUse).always()).forever();
    /// assert!(net.remove_fault(id));
    /// assert!(!net.remove_fault(id));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.table.observer.remove_fault(id)
    }

    /// Removes every injected fault.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use winsock_emu::testing::Fault;
    ///
    /// net.inject(Fault::fail_any(winsock_emu::Error::NetworkDown).always()).forever();
    /// net.clear_faults();
    /// assert!(net.socket(Domain::IPV4, Type::DGRAM, None).is_ok());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn clear_faults(&self) {
        self.table.observer.clear_faults();
    }

    /// Why secure connects on this network failed, oldest first (the most recent 64 are
    /// kept): for each, the peer target name the client expected, the principal it met,
    /// and which side applied security settings. The failed calls themselves return what
    /// Windows returns, `WSAETIMEDOUT`, which cannot tell a wrong name from a dead server.
    /// See [`SecurityFailure`] for an example.
    pub fn security_failures(&self) -> Vec<SecurityFailure> {
        self.table.observer.security_failures()
    }

    /// Forgets the failures [`Network::security_failures`] reports.
    ///
    /// ```
    /// let net = winsock_emu::Network::new();
    /// net.clear_security_failures();
    /// assert!(net.security_failures().is_empty());
    /// ```
    pub fn clear_security_failures(&self) {
        self.table.observer.clear_security_failures();
    }

    /// Starts recording every call on this network (both faces, every thread) in order.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.start_trace();
    /// let _udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert_eq!(net.trace().records().len(), 1);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn start_trace(&self) {
        self.table.observer.start_trace();
    }

    /// Stops recording and returns what was recorded.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.start_trace();
    /// let _udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let trace = net.stop_trace();
    /// let _tcp = net.socket(Domain::IPV4, Type::STREAM, None)?; // not recorded
    /// assert_eq!(trace.records().len(), 1);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn stop_trace(&self) -> Trace {
        self.table.observer.stop_trace()
    }

    /// What has been recorded so far (empty when no trace was started).
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert!(net.trace().records().is_empty()); // no trace started
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn trace(&self) -> Trace {
        self.table.observer.trace()
    }

    /// Starts recording, and prints the trace to the test's output if the test panics
    /// before the returned guard is dropped.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let _trace = net.trace_on_failure(); // printed only if this test panics
    /// let _udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn trace_on_failure(&self) -> TraceOnFailure {
        self.start_trace();
        TraceOnFailure {
            network: self.clone(),
        }
    }

    /// Resets the stream connection of [`socket`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-socket), as a TCP RST from the network would: both
    /// ends then get `WSAECONNRESET`. `WSAENOTCONN` if it is not a connected stream.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("127.0.0.1:80".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// client.connect("127.0.0.1:80".parse().unwrap())?;
    /// net.reset_connection(&client)?;
    /// assert_eq!(client.send(b"x"), Err(winsock_emu::Error::ConnectionReset));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn reset_connection(&self, socket: &Socket) -> Result<()> {
        self.table.reset_connection(socket.as_raw())
    }

    /// Delivers the datagrams that injected delays ([`Fault::delay_datagrams_to`]) held
    /// back, oldest first; returns how many arrived.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// use winsock_emu::testing::Fault;
    ///
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// let at = udp.bind("127.0.0.1:5000".parse().unwrap())?;
    /// let _late = net.inject(Fault::delay_datagrams_to(at));
    /// udp.send_to(b"late", at)?;
    /// assert_eq!(udp.available()?, 0);
    /// assert_eq!(net.deliver_delayed(), 1);
    /// assert_eq!(udp.available()?, 4);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn deliver_delayed(&self) -> usize {
        self.table.deliver_delayed()
    }

    /// Turns strict mode on or off. While on, misuse that Windows accepts silently is
    /// recorded as a [`StrictReport`] naming the rule it breaks
    /// ([`crate::testing::STRICT_RULES`]); nothing is printed.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.set_strict(true);
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.set_peer_target_name("192.0.2.1:500".parse().unwrap(), "host/peer")?;
    /// udp.connect("192.0.2.1:500".parse().unwrap())?; // named, but no WSASetSocketSecurity
    /// assert_eq!(net.strict_reports()[0].rule.id, "name-without-security");
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_strict(&self, enabled: bool) {
        self.table.observer.set_strict(enabled);
    }

    /// Strict mode until the guard is dropped; the guard then panics with every report,
    /// if there is any.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let strict = net.strict(); // panics when dropped if misuse was found
    /// let _udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// assert!(strict.reports().is_empty());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn strict(&self) -> StrictGuard {
        self.set_strict(true);
        StrictGuard {
            network: self.clone(),
        }
    }

    /// What strict mode has found so far, including threads still impersonating.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.set_strict(true);
    /// assert!(net.strict_reports().is_empty());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn strict_reports(&self) -> Vec<StrictReport> {
        self.table.observer.strict_reports()
    }

    /// What strict mode has found so far; the reports are then forgotten.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// net.set_strict(true);
    /// let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
    /// udp.set_peer_target_name("192.0.2.1:500".parse().unwrap(), "host/peer")?;
    /// udp.connect("192.0.2.1:500".parse().unwrap())?;
    /// assert_eq!(net.take_strict_reports().len(), 1);
    /// assert!(net.strict_reports().is_empty());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn take_strict_reports(&self) -> Vec<StrictReport> {
        self.table.observer.take_strict_reports()
    }

    /// Spawns a thread on which this network is current for the `sys` functions, as the
    /// spawning test's own thread has it after [`Network::enter`]. The thread is known to
    /// the network from this call on (no deadlock is declared while it starts), until `f`
    /// returns.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// let worker = net.spawn(|| unsafe { winsock_emu::sys::socket(2, 2, 0) }); // on `net`
    /// let s = worker.join().unwrap();
    /// assert_eq!(net.socket_count(), 1);
    /// assert_eq!(winsock_emu::Socket::from_raw(&net, s).close(), Ok(()));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn spawn<T, F>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let network = self.clone();
        self.table.waits.expect_thread();
        thread::spawn(move || {
            let _current = network.enter();
            network.table.waits.arrived();
            f()
        })
    }

    /// [`Network::spawn`] for a scoped thread ([`std::thread::scope`]): the thread may
    /// borrow from the scope, and is known to the network from this call on, as
    /// [`Network::spawn`]'s are.
    pub fn spawn_scoped<'scope, T, F>(
        &self,
        scope: &'scope Scope<'scope, '_>,
        f: F,
    ) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let network = self.clone();
        self.table.waits.expect_thread();
        scope.spawn(move || {
            let _current = network.enter();
            network.table.waits.arrived();
            f()
        })
    }
}
