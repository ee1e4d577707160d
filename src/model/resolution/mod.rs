//! The network's resolver: the hosts a test declares, `localhost`, the machine's own name,
//! and the lookups `getaddrinfo`, `getnameinfo`, `gethostbyname` and `gethostbyaddr` make
//! of them.
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | [`Resolver`]: declared hosts, the machine name, forward and reverse lookups of names |
//! | `services.rs` | the service names of the common ports (`http` is 80) |
//! | `addrinfo.rs` | `getaddrinfo`'s rules: hints, node and service, the list of results |
//! | `nameinfo.rs` | `getnameinfo`'s rules: flags, the host and service text |
//! | `connect.rs` | connecting to a name: resolve, then connect to each address in turn |
//! | `observed.rs` | lookups as calls: resolution faults and the call trace |
//! | `pending.rs` | the asynchronous `GetAddrInfoExW` lookups in flight, for `GetAddrInfoExCancel` |
//! | `timed.rs` | a lookup that takes time on the network clock (`Fault::slow_lookup`) |
//!
//! The resolver is a leaf lock of the table: taken alone, briefly, never with a socket
//! lock, and never while user code runs.
#![forbid(unsafe_code)]

pub(crate) mod addrinfo;
mod connect;
pub(crate) mod nameinfo;
mod observed;
pub(crate) mod pending;
pub(crate) mod services;
pub(crate) mod timed;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::choices;

/// One declared host: its name as given, and its addresses in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Host {
    /// The name, as the test spelled it (the canonical name of its lookups).
    pub name: String,
    /// Its addresses, in the order lookups return them.
    pub addrs: Vec<IpAddr>,
}

/// A network's names.
#[derive(Debug)]
pub(crate) struct Resolver {
    /// Declared hosts, in declaration order.
    hosts: Vec<Host>,
    /// What `gethostname` returns.
    machine_name: String,
}

impl Default for Resolver {
    fn default() -> Self {
        Self {
            hosts: Vec::new(),
            machine_name: choices::DEFAULT_MACHINE_NAME.to_owned(),
        }
    }
}

/// Whether two host names are the same name ([`choices::NAME_MATCHING`]): ASCII case is
/// ignored, and so is one trailing dot.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let trim = |name: &str| name.strip_suffix('.').unwrap_or(name).to_owned();
    trim(a).eq_ignore_ascii_case(&trim(b))
}

/// The loopback addresses, as `localhost` resolves ([`choices::LOCAL_NAMES`]): IPv6 first.
pub(crate) const LOOPBACK: [IpAddr; 2] = [
    IpAddr::V6(Ipv6Addr::LOCALHOST),
    IpAddr::V4(Ipv4Addr::LOCALHOST),
];

/// What a name resolves to: its canonical name and addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The canonical name.
    pub canonical: String,
    /// The addresses, in order.
    pub addrs: Vec<IpAddr>,
}

impl Resolver {
    /// Declares `name` with `addrs`; a second declaration of the same name replaces the
    /// first.
    pub(crate) fn add_host(&mut self, name: &str, addrs: Vec<IpAddr>) {
        self.hosts.retain(|host| !same_name(&host.name, name));
        self.hosts.push(Host {
            name: name.to_owned(),
            addrs,
        });
    }

    /// Forgets a declared host; false if there was none.
    pub(crate) fn remove_host(&mut self, name: &str) -> bool {
        let before = self.hosts.len();
        self.hosts.retain(|host| !same_name(&host.name, name));
        self.hosts.len() != before
    }

    /// Renames the machine.
    pub(crate) fn set_machine_name(&mut self, name: &str) {
        name.clone_into(&mut self.machine_name);
    }

    /// The machine's name, as `gethostname` returns it.
    pub(crate) fn machine_name(&self) -> &str {
        &self.machine_name
    }

    /// The declared host named `name`.
    fn declared(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|host| same_name(&host.name, name))
    }

    /// The machine's own addresses: those declared for its name, else the loopback ones.
    fn machine_addrs(&self) -> Vec<IpAddr> {
        self.declared(&self.machine_name)
            .map_or_else(|| LOOPBACK.to_vec(), |host| host.addrs.clone())
    }

    /// What `name` resolves to ([`choices::LOCAL_NAMES`]): `localhost` to the loopback
    /// addresses, `""`, `..localmachine` and the machine name to the machine's addresses, a
    /// declared host to its addresses; `None` for any other name.
    pub(crate) fn lookup(&self, name: &str) -> Option<Answer> {
        if let Some(host) = self.declared(name) {
            return Some(Answer {
                canonical: host.name.clone(),
                addrs: host.addrs.clone(),
            });
        }
        if same_name(name, "localhost") {
            return Some(Answer {
                canonical: "localhost".to_owned(),
                addrs: LOOPBACK.to_vec(),
            });
        }
        if name.is_empty()
            || same_name(name, "..localmachine")
            || same_name(name, &self.machine_name)
        {
            return Some(Answer {
                canonical: self.machine_name.clone(),
                addrs: self.machine_addrs(),
            });
        }
        None
    }

    /// The name of the host at `ip` ([`choices::REVERSE_LOOKUP`]): the first declared host
    /// with that address, `localhost` for a loopback address, else `None`.
    pub(crate) fn name_of(&self, ip: IpAddr) -> Option<String> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        if let Some(host) = self.hosts.iter().find(|host| host.addrs.contains(&ip)) {
            return Some(host.name.clone());
        }
        ip.is_loopback().then(|| "localhost".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_or_a_trailing_dot() {
        assert!(same_name("Server.Contoso.com.", "server.contoso.com"));
        assert!(!same_name("server", "server.contoso.com"));
    }

    #[test]
    fn declared_local_and_unknown_names() {
        let mut resolver = Resolver::default();
        let ip: IpAddr = "192.0.2.10".parse().unwrap();
        resolver.add_host("server.contoso.com", vec![ip]);
        assert_eq!(resolver.lookup("SERVER.contoso.com").unwrap().addrs, [ip]);
        assert_eq!(resolver.lookup("localhost").unwrap().addrs, LOOPBACK);
        let machine = resolver.machine_name().to_owned();
        assert_eq!(resolver.lookup(&machine).unwrap().addrs, LOOPBACK);
        assert_eq!(resolver.lookup("").unwrap().canonical, machine);
        assert_eq!(resolver.lookup("nowhere.contoso.com"), None);
        assert_eq!(resolver.name_of(ip).as_deref(), Some("server.contoso.com"));
        assert_eq!(resolver.name_of("192.0.2.99".parse().unwrap()), None);
        assert!(resolver.remove_host("server.contoso.com"));
        assert!(!resolver.remove_host("server.contoso.com"));
    }
}
