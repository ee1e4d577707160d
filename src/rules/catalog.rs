//! The documented rules of the protocol catalogue and database calls, one function each:
//! [WSAEnumProtocols], [WSASocketW] (with a `WSAPROTOCOL_INFO`), [getprotobyname],
//! [getprotobynumber], [WSAGetQOSByName]. `docs/rules.md` lists each with its test.
//!
//! [WSAEnumProtocols]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumprotocolsw
//! [WSASocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw
//! [getprotobyname]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobyname
//! [getprotobynumber]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobynumber
//! [WSAGetQOSByName]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsagetqosbyname
#![forbid(unsafe_code)]

use crate::error::{Error, Result};

/// `WSAENOBUFS`: "The buffer length was too small to receive all the relevant
/// WSAPROTOCOL_INFO structures and associated information. Pass in a buffer at least as
/// large as the value returned in lpdwBufferLength." The passed-in buffer must be large
/// enough to hold all entries; a NULL buffer holds none. Source: [WSAEnumProtocols].
///
/// [WSAEnumProtocols]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaenumprotocolsw
pub fn protocol_buffer_holds_every_entry(
    buffer_given: bool,
    buffer_len: u32,
    needed: u32,
) -> Result<()> {
    if !buffer_given || buffer_len < needed {
        return Err(Error::NoBufferSpace);
    }
    Ok(())
}

/// `WSAEINVAL`: "The WSAPROTOCOL_INFO structure that lpProtocolInfo points to is
/// incomplete, the contents are invalid or the WSAPROTOCOL_INFO structure has already been
/// used in an earlier duplicate socket operation": here, one whose `dwCatalogEntryId` names
/// no catalogue entry (a used duplication: [`super::duplication::duplication_is_unused`]).
/// Source: [WSASocketW].
///
/// [WSASocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw
pub fn protocol_info_is_valid(valid: bool) -> Result<()> {
    if !valid {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSANO_DATA`: "The requested name is valid, but no data of the requested type was
/// found": no protocol has that name or number. Source: [getprotobyname],
/// [getprotobynumber].
///
/// [getprotobyname]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobyname
/// [getprotobynumber]: https://learn.microsoft.com/windows/win32/api/winsock/nf-winsock-getprotobynumber
pub fn protocol_is_in_the_database<T>(found: Option<T>) -> Result<T> {
    found.ok_or(Error::NoData)
}

/// `WSAEFAULT`: "The lpQOSName or lpQOS parameter are not a valid part of the user address
/// space, or the buffer length for lpQOS is too small": the name's `WSABUF` must point to
/// at least one byte (a template name, or the empty string that asks for the list), and a
/// named template needs somewhere to be written. Source: [WSAGetQOSByName].
///
/// [WSAGetQOSByName]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsagetqosbyname
pub fn qos_buffers_are_usable(name_buffer_usable: bool, qos_needed_and_null: bool) -> Result<()> {
    if !name_buffer_usable || qos_needed_and_null {
        return Err(Error::Fault);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_with_its_code() {
        assert_eq!(
            protocol_buffer_holds_every_entry(false, 999, 10),
            Err(Error::NoBufferSpace)
        );
        assert_eq!(
            protocol_buffer_holds_every_entry(true, 9, 10),
            Err(Error::NoBufferSpace)
        );
        assert_eq!(protocol_buffer_holds_every_entry(true, 10, 10), Ok(()));
        assert_eq!(protocol_info_is_valid(false), Err(Error::Invalid));
        assert_eq!(protocol_is_in_the_database::<u8>(None), Err(Error::NoData));
        assert_eq!(qos_buffers_are_usable(false, false), Err(Error::Fault));
        assert_eq!(qos_buffers_are_usable(true, true), Err(Error::Fault));
        assert_eq!(qos_buffers_are_usable(true, false), Ok(()));
    }
}
