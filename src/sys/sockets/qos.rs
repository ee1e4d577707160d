//! `WSAGetQOSByName`: named quality-of-service templates. The emulated catalogue's
//! providers offer no QoS (`XP1_QOS_SUPPORTED` is clear in every entry, as on Windows since
//! the GQoS provider was removed), so there are no templates
//! ([`crate::choices::QOS_TEMPLATES`]).
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::Networking::WinSock::{QOS, SOCKET, WSABUF};

use crate::error::Error;
use crate::model::current::with_current;
use crate::rules;
use crate::sys::last_error::record;
use crate::sys::memory;

/// [`WSAGetQOSByName`](https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsagetqosbyname):
/// fills `lpqos` from the template named by `lpqosname`'s string, or, when that string is
/// empty, writes the list of template names into its buffer: here the empty list, a
/// single NUL (the zero-length name that ends the list). Returns `TRUE`, or `FALSE` with:
///
/// - `WSANOTINITIALISED`; `WSAENOTSOCK`;
/// - `WSAEFAULT`: `lpqosname` or its `buf` is NULL, its `len` is 0, or (for a name) `lpqos`
///   is NULL;
/// - `WSAEINVAL`: no template has that name.
///
/// `*lpqos` is never written, as no template exists.
///
/// # Safety
/// `lpqosname` must be NULL or valid for reads of a `WSABUF` whose `buf` is NULL or valid
/// for reads and writes of `len` bytes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSAGetQOSByName(
    s: SOCKET,
    lpqosname: *const WSABUF,
    lpqos: *mut QOS,
) -> BOOL {
    let result = with_current(|table| {
        table.with_socket(s, |_| Ok(()))?;
        rules::pointer_is_present(lpqosname.is_null())?;
        // SAFETY: non-NULL, and the caller promises a readable WSABUF.
        let name = unsafe { memory::read(lpqosname) };
        let usable = !name.buf.is_null() && name.len != 0;
        rules::catalog::qos_buffers_are_usable(usable, false)?;
        // SAFETY: `buf` holds at least one readable byte (`len` is non-zero).
        let first = unsafe { memory::read(name.buf) };
        if first == 0 {
            // SAFETY: as above, and writable: the list is the one zero-length name.
            unsafe { memory::write(name.buf, 0) };
            return Ok(());
        }
        rules::catalog::qos_buffers_are_usable(true, lpqos.is_null())?;
        // No template has a name ([`crate::choices::QOS_TEMPLATES`]).
        Err(Error::Invalid)
    });
    match result {
        Ok(()) => TRUE,
        Err(error) => {
            record(error);
            FALSE
        }
    }
}
