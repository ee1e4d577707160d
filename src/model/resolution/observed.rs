//! Lookups as calls of the network: through its resolver, its resolution faults
//! ([`crate::testing::Fault::name_not_found`], [`crate::testing::Fault::poison_name`], ...)
//! and its call trace.
#![forbid(unsafe_code)]

use std::net::{IpAddr, SocketAddr};

use super::addrinfo::{self, Query, Results};
use super::timed::LookupControl;
use super::{nameinfo, Answer};
use crate::error::{Error, Result};
use crate::model::observer::Outcome;
use crate::model::SocketTable;
use crate::rules::resolution as rules;
use crate::testing::{Call, FaultAction};

impl Outcome for Results {
    fn describe(&self) -> String {
        let addrs: Vec<String> = self.entries.iter().map(|e| e.addr.to_string()).collect();
        addrs.join(", ")
    }
}

impl Outcome for (Option<String>, Option<String>) {
    fn describe(&self) -> String {
        let part =
            |p: &Option<String>| p.as_deref().map_or("NULL".to_owned(), |s| format!("{s:?}"));
        format!("host={}, service={}", part(&self.0), part(&self.1))
    }
}

/// A string argument as a trace shows it.
fn quoted(text: Option<&str>) -> String {
    text.map_or("NULL".to_owned(), |t| format!("{t:?}"))
}

impl SocketTable {
    /// Declares a host of this network.
    pub(crate) fn add_host(&self, name: &str, addrs: Vec<IpAddr>) {
        self.resolver.write().add_host(name, addrs);
    }

    /// Forgets a declared host.
    pub(crate) fn remove_host(&self, name: &str) -> bool {
        self.resolver.write().remove_host(name)
    }

    /// Renames the machine.
    pub(crate) fn set_machine_name(&self, name: &str) {
        self.resolver.write().set_machine_name(name);
    }

    /// The machine's name (no `WSAStartup` needed: the safe API's view).
    pub(crate) fn machine_name(&self) -> String {
        self.resolver.read().machine_name().to_owned()
    }

    /// `gethostname`/`GetHostNameW`: the machine's name, after the startup check.
    pub(crate) fn host_name(&self) -> Result<String> {
        self.require_startup()?;
        Ok(self.machine_name())
    }

    /// The resolver's answer for `name`, as a resolution fault may change it: a
    /// [`FaultAction::PoisonAnswer`] answers with the test's address instead.
    fn answer(&self, name: &str, fault: Option<FaultAction>) -> Result<Answer> {
        if let Some(FaultAction::PoisonAnswer(ip)) = fault {
            return Ok(Answer {
                canonical: name.to_owned(),
                addrs: vec![ip],
            });
        }
        self.resolver.read().lookup(name).ok_or(Error::HostNotFound)
    }

    /// `getaddrinfo`/`GetAddrInfoW` (and the lookups of `gethostbyname` and
    /// `WSAConnectByName`), observed as [`Call::GetAddrInfo`].
    pub(crate) fn get_addr_info(&self, query: Query<'_>) -> Result<Results> {
        self.get_addr_info_controlled(query, LookupControl::default())
    }

    /// [`SocketTable::get_addr_info`] for a lookup that can be cancelled or time out while
    /// a [`FaultAction::SlowLookup`] makes it wait (`GetAddrInfoExW`).
    pub(crate) fn get_addr_info_controlled(
        &self,
        query: Query<'_>,
        control: LookupControl<'_>,
    ) -> Result<Results> {
        let args = || {
            format!(
                "node={}, service={}",
                quoted(query.node),
                quoted(query.service)
            )
        };
        self.observe_lookup(Call::GetAddrInfo, query.node, args, |fault| {
            self.require_startup()?;
            if let Some(FaultAction::SlowLookup(delay)) = fault {
                self.lookup_delay(Call::GetAddrInfo.name(), delay, control)?;
            }
            addrinfo::resolve(query, |name| self.answer(name, fault))
        })
    }

    /// `getnameinfo`/`GetNameInfoW` (and `gethostbyaddr`), observed as
    /// [`Call::GetNameInfo`]: the host text (when `host`) and the service text (when
    /// `service`) for `addr`.
    pub(crate) fn get_name_info(
        &self,
        addr: SocketAddr,
        host: bool,
        service: bool,
        flags: u32,
    ) -> Result<(Option<String>, Option<String>)> {
        let args = || format!("addr={addr}, flags={flags:#x}");
        self.observe_lookup(Call::GetNameInfo, None, args, |_| {
            self.require_startup()?;
            rules::host_or_service_wanted(host, service)?;
            rules::flags_are_valid(flags, nameinfo::KNOWN_FLAGS)?;
            let host = host
                .then(|| {
                    nameinfo::host_text(addr, flags, || self.resolver.read().name_of(addr.ip()))
                })
                .transpose()?;
            let service = service.then(|| nameinfo::service_text(addr, flags));
            Ok((host, service))
        })
    }
}
