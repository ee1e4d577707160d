//! The safe face of the network's names: declaring hosts, resolving them, and connecting
//! to a host by name.
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};

use super::{Network, Socket};
use crate::error::Result;
use crate::model::resolution::addrinfo::Query;
use crate::wire::TargetName;

impl Network {
    /// Declares the host `name` with its addresses, in the order lookups return them
    /// (`getaddrinfo`, `gethostbyname`, [`Network::resolve`]), and gives each address the
    /// principal `host/<name>`, so a secured socket bound there authenticates as the host
    /// ([`crate::choices::DECLARED_HOSTS`]). Declaring a name again replaces it. Windows has
    /// no such call: it stands for the DNS records and the domain membership of a machine.
    ///
    /// ```
    /// use winsock_emu::Network;
    ///
    /// let net = Network::new();
    /// let ip = "192.0.2.10".parse().unwrap();
    /// net.add_host("server.contoso.com", [ip]);
    /// assert_eq!(net.host_principal(ip).to_string(), "host/server.contoso.com");
    /// let _wsa = net.startup()?;
    /// assert_eq!(net.resolve("SERVER.contoso.com")?, [ip]);
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn add_host(&self, name: &str, addrs: impl IntoIterator<Item = IpAddr>) {
        let addrs: Vec<IpAddr> = addrs.into_iter().collect();
        let principal = TargetName::from(format!("host/{name}").as_str());
        for &ip in &addrs {
            self.table.set_host_principal(ip, principal.clone());
        }
        self.table.add_host(name, addrs);
    }

    /// Forgets the declared host `name` (its addresses keep their principals); false if no
    /// such host was declared. Lookups of it then fail with `WSAHOST_NOT_FOUND`.
    ///
    /// ```
    /// use winsock_emu::{Error, Network};
    ///
    /// let net = Network::new();
    /// net.add_host("old.contoso.com", ["192.0.2.7".parse().unwrap()]);
    /// assert!(net.remove_host("old.contoso.com"));
    /// let _wsa = net.startup()?;
    /// assert_eq!(net.resolve("old.contoso.com"), Err(Error::HostNotFound));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn remove_host(&self, name: &str) -> bool {
        self.table.remove_host(name)
    }

    /// Renames the network's machine: what `gethostname` and `GetHostNameW` return, and a
    /// name that resolves to the machine's addresses (those declared for it with
    /// [`Network::add_host`], else the loopback addresses). The default is
    /// [`crate::choices::DEFAULT_MACHINE_NAME`].
    ///
    /// ```
    /// use winsock_emu::Network;
    ///
    /// let net = Network::new();
    /// net.set_machine_name("client01");
    /// assert_eq!(net.machine_name(), "client01");
    /// let _wsa = net.startup()?;
    /// assert!(net.resolve("client01")?.iter().all(|ip| ip.is_loopback()));
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn set_machine_name(&self, name: &str) {
        self.table.set_machine_name(name);
    }

    /// The network's machine name ([`gethostname`](https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-gethostname)).
    ///
    /// ```
    /// let net = winsock_emu::Network::new();
    /// assert_eq!(net.machine_name(), winsock_emu::choices::DEFAULT_MACHINE_NAME);
    /// ```
    pub fn machine_name(&self) -> String {
        self.table.machine_name()
    }

    /// The addresses `name` resolves to, as
    /// [`getaddrinfo`](https://learn.microsoft.com/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfo)`(name, NULL, NULL)`
    /// finds them: numeric addresses are themselves, `localhost` the loopback addresses,
    /// declared hosts their addresses. Resolution faults apply, and the lookup is traced as
    /// `getaddrinfo`. Errors: `WSANOTINITIALISED`, `WSAHOST_NOT_FOUND`, `WSATRY_AGAIN`.
    ///
    /// ```
    /// use winsock_emu::{Error, Network};
    ///
    /// let net = Network::new();
    /// let _wsa = net.startup()?;
    /// assert_eq!(net.resolve("192.0.2.1")?, ["192.0.2.1".parse::<std::net::IpAddr>().unwrap()]);
    /// assert_eq!(net.resolve("nowhere.contoso.com"), Err(Error::HostNotFound));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn resolve(&self, name: &str) -> Result<Vec<IpAddr>> {
        let found = self.table.get_addr_info(Query {
            node: Some(name),
            service: None,
            hints: None,
        })?;
        Ok(found
            .entries
            .into_iter()
            .map(|entry| entry.addr.ip())
            .collect())
    }
}

impl Socket {
    /// Connects this stream socket to `port` on the host `name`, as
    /// [`WSAConnectByNameW`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaconnectbynamew)
    /// does: resolves the name for the socket's family, then connects to each address in
    /// turn. Returns the address connected to. A peer target name and security settings set
    /// before apply to the connect, which is how a client is sure whom a name reached.
    ///
    /// ```
    /// use winsock_emu::{Domain, Network, Type};
    ///
    /// let net = Network::new();
    /// net.add_host("server.contoso.com", ["192.0.2.10".parse().unwrap()]);
    /// let _wsa = net.startup()?;
    /// let server = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// server.bind("192.0.2.10:27015".parse().unwrap())?;
    /// server.listen(1)?;
    /// let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
    /// let at = client.connect_to_host("server.contoso.com", 27015)?;
    /// assert_eq!(at, "192.0.2.10:27015".parse().unwrap());
    /// # Ok::<(), winsock_emu::Error>(())
    /// ```
    pub fn connect_to_host(&self, name: &str, port: u16) -> Result<SocketAddr> {
        self.network
            .table
            .connect_by_name(self.handle, name, &port.to_string())
    }
}
