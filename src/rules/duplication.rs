//! The documented rules of socket duplication, one function each: [WSADuplicateSocketW]
//! (either form) and [WSASocketW] with the `WSAPROTOCOL_INFO` it wrote. `docs/rules.md`
//! lists each with its test.
//!
//! [WSADuplicateSocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketw
//! [WSASocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw
#![forbid(unsafe_code)]

use crate::error::{Error, Result};

/// `WSAEFAULT`: "The lpProtocolInfo parameter is not a valid part of the user address
/// space": here, NULL (the structure has no length field, so a short buffer cannot be
/// told from a whole one). Source: [WSADuplicateSocketW].
///
/// [WSADuplicateSocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketw
pub fn protocol_info_buffer_given(given: bool) -> Result<()> {
    if !given {
        return Err(Error::Fault);
    }
    Ok(())
}

/// `WSAEINVAL`: "Indicates that one of the specified parameters was invalid": here, a
/// target process id of 0, which no process has ([`crate::choices::DUPLICATE_IS_A_SECOND_HANDLE`]:
/// any other id names a target in the same network). Source: [WSADuplicateSocketW].
///
/// [WSADuplicateSocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketw
pub fn target_process_is_valid(process_id: u32) -> Result<()> {
    if process_id == 0 {
        return Err(Error::Invalid);
    }
    Ok(())
}

/// `WSAEINVAL`: "the WSAPROTOCOL_INFO structure has already been used in an earlier
/// duplicate socket operation" (the `WSADuplicateSocket` page: "The special
/// WSAPROTOCOL_INFO structure can only be used once by the target process"); also one whose
/// duplication key this network never wrote, or whose socket has closed since (`socket` is what the key names, if
/// it names a live socket). Source:
/// [WSASocketW].
///
/// [WSASocketW]: https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasocketw
pub fn duplication_is_unused<T>(socket: Option<T>) -> Result<T> {
    socket.ok_or(Error::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_what_it_names() {
        assert_eq!(protocol_info_buffer_given(false), Err(Error::Fault));
        assert_eq!(protocol_info_buffer_given(true), Ok(()));
        assert_eq!(target_process_is_valid(0), Err(Error::Invalid));
        assert_eq!(target_process_is_valid(4242), Ok(()));
        assert_eq!(duplication_is_unused::<u32>(None), Err(Error::Invalid));
        assert_eq!(duplication_is_unused(Some(7)), Ok(7));
    }
}
