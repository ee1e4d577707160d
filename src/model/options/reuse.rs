//! Address reuse as Windows has it: the outcome of a second bind to a port another socket
//! holds, by the option each socket set and whether each bound the wildcard address.
//!
//! The table is the one of [Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE] for Windows Server
//! 2003 and later with both binds made by the same user account (the emulated network has
//! one user: [`crate::choices::ONE_USER_ACCOUNT`]); Wine's `test_reuseaddr` records the
//! same cells on Windows. Two sockets on *different* specific addresses never conflict,
//! whatever their options.
//!
//! [Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE]: https://learn.microsoft.com/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse
#![forbid(unsafe_code)]

use std::net::IpAddr;

use super::super::socket::SocketEntry;
use super::Opt;
use crate::error::{Error, Result};

/// Which reuse option a socket had set when it bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) enum Reuse {
    /// Neither option.
    #[default]
    Default,
    /// `SO_REUSEADDR`.
    Shared,
    /// `SO_EXCLUSIVEADDRUSE`.
    Exclusive,
}

impl Reuse {
    /// The option `entry` has set now (the two cannot both be set).
    pub(crate) fn of(entry: &SocketEntry) -> Reuse {
        if entry.option_on(Opt::ExclusiveAddrUse) {
            Reuse::Exclusive
        } else if entry.option_on(Opt::ReuseAddr) {
            Reuse::Shared
        } else {
            Reuse::Default
        }
    }
}

/// A cell of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Ok,
    InUse,
    Access,
}

use Cell::{Access, InUse, Ok as Fine};

/// Rows: the first bind; columns: the second. Each in the page's order: Default wildcard,
/// Default specific, SO_REUSEADDR wildcard, SO_REUSEADDR specific, SO_EXCLUSIVEADDRUSE
/// wildcard, SO_EXCLUSIVEADDRUSE specific.
const OUTCOMES: [[Cell; 6]; 6] = [
    [InUse, Fine, Access, Fine, InUse, Fine],
    [Fine, InUse, Fine, Access, InUse, InUse],
    [InUse, Fine, Fine, Fine, InUse, Fine],
    [Fine, InUse, Fine, Fine, InUse, InUse],
    [InUse, Access, Access, Access, InUse, Access],
    [Fine, InUse, Fine, Access, InUse, InUse],
];

/// A bind's position in the table.
fn index(reuse: Reuse, ip: IpAddr) -> usize {
    let option = match reuse {
        Reuse::Default => 0,
        Reuse::Shared => 2,
        Reuse::Exclusive => 4,
    };
    option + usize::from(!ip.is_unspecified())
}

/// Whether a bind of `ip` with `reuse` may join a socket bound at `first_ip` (same port,
/// same socket type) with `first_reuse`: `WSAEADDRINUSE` or `WSAEACCES` as the table says.
/// Addresses of different families, or two different specific addresses, never conflict.
pub(crate) fn second_bind(
    (first_ip, first_reuse): (IpAddr, Reuse),
    (ip, reuse): (IpAddr, Reuse),
) -> Result<()> {
    let overlap = first_ip.is_ipv4() == ip.is_ipv4()
        && (first_ip == ip || first_ip.is_unspecified() || ip.is_unspecified());
    if !overlap {
        return Ok(());
    }
    match OUTCOMES[index(first_reuse, first_ip)][index(reuse, ip)] {
        Fine => Ok(()),
        InUse => Err(Error::AddressInUse),
        Access => Err(Error::AccessDenied),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: &str = "0.0.0.0";
    const LOOPBACK: &str = "127.0.0.1";

    fn bind(first: (&str, Reuse), second: (&str, Reuse)) -> Result<()> {
        second_bind(
            (first.0.parse().unwrap(), first.1),
            (second.0.parse().unwrap(), second.1),
        )
    }

    /// The cells sock.c's `tests_exclusive` records on Windows (IPv4 rows).
    #[test]
    fn the_cells_windows_records() {
        use Reuse::{Default as D, Exclusive as E, Shared as R};
        assert_eq!(bind((ANY, E), (LOOPBACK, D)), Err(Error::AccessDenied));
        assert_eq!(bind((ANY, D), (LOOPBACK, E)), Ok(()));
        assert_eq!(bind((ANY, E), (LOOPBACK, E)), Err(Error::AccessDenied));
        assert_eq!(bind((LOOPBACK, E), (ANY, D)), Ok(()));
        assert_eq!(bind((LOOPBACK, D), (ANY, E)), Err(Error::AddressInUse));
        assert_eq!(bind((ANY, D), (ANY, E)), Err(Error::AddressInUse));
        assert_eq!(bind((ANY, D), (ANY, D)), Err(Error::AddressInUse));
        assert_eq!(bind((LOOPBACK, E), (LOOPBACK, D)), Err(Error::AddressInUse));
        assert_eq!(bind((LOOPBACK, D), (LOOPBACK, R)), Err(Error::AccessDenied));
        assert_eq!(bind((LOOPBACK, R), (LOOPBACK, R)), Ok(()));
        assert_eq!(bind((LOOPBACK, R), (LOOPBACK, D)), Err(Error::AddressInUse));
    }

    #[test]
    fn different_addresses_and_families_never_conflict() {
        use Reuse::Exclusive as E;
        assert_eq!(bind((LOOPBACK, E), ("127.0.0.2", E)), Ok(()));
        assert_eq!(bind((ANY, E), ("::", E)), Ok(()));
    }
}
