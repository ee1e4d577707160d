//! What kind of object a handle value names, for `CloseHandle`: sockets, events and tokens
//! are handed out in disjoint residues modulo 4, so a value alone says which registry to
//! ask ([`crate::choices::FIRST_HANDLE`], [`crate::choices::FIRST_EVENT`],
//! [`crate::choices::FIRST_TOKEN`], [`crate::choices::FIRST_PORT`]).
#![forbid(unsafe_code)]

use crate::choices;

/// The kind of object a handle value can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandleKind {
    /// A socket of some network (`FIRST_HANDLE + 4n`).
    Socket,
    /// An event object (`FIRST_EVENT + 4n`).
    Event,
    /// An emulated access token (`FIRST_TOKEN + 4n`).
    Token,
    /// A completion port (`FIRST_PORT + 4n`).
    Port,
    /// No emulated object has such a value.
    Other,
}

/// The kind of object `value` would name, if it names one.
pub(crate) fn kind_of(value: usize) -> HandleKind {
    let of = |first: usize| value >= first && value % 4 == first % 4;
    if of(choices::FIRST_HANDLE) {
        HandleKind::Socket
    } else if of(choices::FIRST_EVENT as usize) {
        HandleKind::Event
    } else if of(choices::FIRST_TOKEN) {
        HandleKind::Token
    } else if of(choices::FIRST_PORT) {
        HandleKind::Port
    } else {
        HandleKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_never_overlap() {
        assert_eq!(kind_of(choices::FIRST_HANDLE), HandleKind::Socket);
        assert_eq!(kind_of(choices::FIRST_HANDLE + 4), HandleKind::Socket);
        assert_eq!(kind_of(choices::FIRST_EVENT as usize), HandleKind::Event);
        assert_eq!(kind_of(choices::FIRST_TOKEN), HandleKind::Token);
        assert_eq!(kind_of(choices::FIRST_TOKEN + 8), HandleKind::Token);
        assert_eq!(kind_of(0), HandleKind::Other);
        assert_eq!(kind_of(choices::FIRST_PORT), HandleKind::Port);
        assert_eq!(kind_of(choices::FIRST_PORT + 4), HandleKind::Port);
        assert_eq!(kind_of(3), HandleKind::Other);
        assert_eq!(kind_of(choices::FIRST_HANDLE - 1), HandleKind::Other);
    }
}
