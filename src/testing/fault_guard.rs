//! [`FaultGuard`]: an injected fault rule that removes itself when the test is done with it,
//! as turmoil-net's rule guards do.
use std::sync::{Arc, Weak};

use super::FaultId;
use crate::model::SocketTable;

/// An injected fault rule, in force while the guard lives; see [`Network::inject`].
///
/// Dropping the guard removes the rule (if a counted rule was not used up already), so a
/// test's faults end with the scope that made them and never leak into later steps.
/// [`FaultGuard::forever`] keeps the rule for the network's life instead; it can still be
/// removed by its id with [`Network::remove_fault`] or with [`Network::clear_faults`].
///
/// ```
/// use winsock_emu::testing::{Call, Fault};
/// use winsock_emu::{Domain, Error, Network, Type};
///
/// let net = Network::new();
/// let _wsa = net.startup()?;
/// {
///     let _fault = net.inject(Fault::fail(Call::Socket, Error::TooManySockets).always());
///     assert_eq!(net.socket(Domain::IPV4, Type::DGRAM, None).err(), Some(Error::TooManySockets));
/// } // the rule is removed here
/// assert!(net.socket(Domain::IPV4, Type::DGRAM, None).is_ok());
///
/// let id = net.inject(Fault::fail(Call::Bind, Error::AddressInUse).always()).forever();
/// assert!(net.remove_fault(id));
/// # Ok::<(), Error>(())
/// ```
///
/// [`Network::inject`]: crate::Network::inject
/// [`Network::remove_fault`]: crate::Network::remove_fault
/// [`Network::clear_faults`]: crate::Network::clear_faults
#[derive(Debug)]
#[must_use = "the fault is removed when the guard is dropped: bind it (`let _fault = ...`) or call `.forever()`"]
pub struct FaultGuard {
    table: Weak<SocketTable>,
    id: FaultId,
    keep: bool,
}

impl FaultGuard {
    pub(crate) fn new(table: &Arc<SocketTable>, id: FaultId) -> Self {
        Self {
            table: Arc::downgrade(table),
            id,
            keep: false,
        }
    }

    /// The rule's id, for [`Network::remove_fault`](crate::Network::remove_fault).
    pub fn id(&self) -> FaultId {
        self.id
    }

    /// Keeps the rule after the guard is gone (until it is used up, removed by its id, or
    /// the faults are cleared); returns its id.
    pub fn forever(mut self) -> FaultId {
        self.keep = true;
        self.id
    }

    /// Removes the rule now; false if it was already used up or removed.
    pub fn remove(mut self) -> bool {
        self.keep = true;
        self.table
            .upgrade()
            .is_some_and(|table| table.observer.remove_fault(self.id))
    }
}

impl Drop for FaultGuard {
    fn drop(&mut self) {
        if !self.keep {
            if let Some(table) = self.table.upgrade() {
                table.observer.remove_fault(self.id);
            }
        }
    }
}
