//! `TransmitFile` and `TransmitPackets`, the extension functions
//! `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out for `WSAID_TRANSMITFILE` and
//! `WSAID_TRANSMITPACKETS`, in their memory forms: the emulator has no files
//! ([`crate::choices::TRANSMIT_NO_FILES`]). The caller's structures are read here; the
//! checks, the sends and the disconnect are the model's (`model/streams/transmit.rs`).
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Networking::WinSock::{
    SOCKET, TP_ELEMENT_EOP, TP_ELEMENT_FILE, TP_ELEMENT_MEMORY, TRANSMIT_FILE_BUFFERS,
    TRANSMIT_PACKETS_ELEMENT,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use crate::error::{Error, Result};
use crate::model::current::with_current;
use crate::model::{Piece, Transmit, MAX_TRANSMIT};
use crate::sys::memory;
use crate::sys::overlapped::{complete_if_overlapped, extension_result, port_of};

/// The element flags `TRANSMIT_PACKETS_ELEMENT` defines.
const ELEMENT_FLAGS: u32 = TP_ELEMENT_MEMORY | TP_ELEMENT_FILE | TP_ELEMENT_EOP;

/// Runs one transmission: the model's checks and sends, with `pieces` reading the caller's
/// buffers, then the completion through `overlapped` if given.
///
/// # Safety
/// `overlapped` must be NULL or valid for reads and writes of an `OVERLAPPED` until the
/// operation completes; `pieces` is only called while the call runs.
unsafe fn run<'a>(
    s: SOCKET,
    overlapped: *mut OVERLAPPED,
    function: Transmit,
    flags: u32,
    pieces: impl FnOnce() -> Result<Vec<Piece<'a>>>,
) -> BOOL {
    extension_result(with_current(|table| {
        let port = port_of(table, s, None)?;
        let sent = table.transmit(s, function, flags, pieces)?;
        // SAFETY: forwarded from the caller.
        Ok(unsafe { complete_if_overlapped(port, overlapped, sent) })
    }))
}

/// The pieces of a `TransmitFile`: `Head`, then `Tail`.
///
/// # Safety
/// `buffers` must be NULL or valid for reads of a `TRANSMIT_FILE_BUFFERS` whose `Head` and
/// `Tail` are NULL or readable for their lengths.
unsafe fn file_pieces<'a>(
    file: HANDLE,
    bytes_to_write: u32,
    buffers: *const TRANSMIT_FILE_BUFFERS,
) -> Result<Vec<Piece<'a>>> {
    if u64::from(bytes_to_write) > MAX_TRANSMIT {
        return Err(Error::Invalid);
    }
    if !file.is_null() {
        return Err(Error::InvalidHandle);
    }
    if buffers.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: non-NULL, and the caller promises a readable structure.
    let buffers = unsafe { memory::read(buffers) };
    let piece = |bytes| Piece {
        bytes,
        end_of_packet: false,
    };
    // SAFETY: the caller promises each buffer readable for its length.
    let head = unsafe { memory::data_in(buffers.Head.cast(), buffers.HeadLength.into())? };
    // SAFETY: as above.
    let tail = unsafe { memory::data_in(buffers.Tail.cast(), buffers.TailLength.into())? };
    Ok(vec![piece(head), piece(tail)])
}

/// The pieces of a `TransmitPackets`: its `count` elements, read in order and each checked
/// before any byte is sent ([`crate::choices::TRANSMIT_CHECKS`]): a NULL array with a
/// count, or a memory element with a NULL `pBuffer` and a length, is `WSAEFAULT`; unknown
/// element flags, or both `TP_ELEMENT_MEMORY` and `TP_ELEMENT_FILE`, `WSAEINVAL`; a file
/// element (one without `TP_ELEMENT_MEMORY`: a file is the default)
/// `ERROR_INVALID_HANDLE`.
///
/// # Safety
/// If `count` is non-zero and `array` non-NULL, `array` must be valid for reads of `count`
/// elements whose memory buffers are readable for their lengths.
unsafe fn packet_pieces<'a>(
    array: *const TRANSMIT_PACKETS_ELEMENT,
    count: u32,
) -> Result<Vec<Piece<'a>>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if array.is_null() {
        return Err(Error::Fault);
    }
    let mut pieces = Vec::new();
    for i in 0..count as usize {
        // SAFETY: `i < count`, and the caller promises `count` readable elements.
        let element = unsafe { memory::read(array.add(i)) };
        let flags = element.dwElFlags;
        let in_memory = flags & TP_ELEMENT_MEMORY != 0;
        if flags & !ELEMENT_FLAGS != 0 || (in_memory && flags & TP_ELEMENT_FILE != 0) {
            return Err(Error::Invalid);
        }
        if !in_memory {
            return Err(Error::InvalidHandle);
        }
        // SAFETY: a memory element's union holds `pBuffer` (any bits are a valid pointer
        // value); the caller promises it readable for `cLength` bytes.
        let bytes = unsafe {
            let buffer = element.Anonymous.pBuffer;
            memory::data_in(buffer.cast(), element.cLength.into())?
        };
        pieces.push(Piece {
            bytes,
            end_of_packet: flags & TP_ELEMENT_EOP != 0,
        });
    }
    Ok(pieces)
}

/// [`TransmitFile`](https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-transmitfile):
/// sends `Head`, then `Tail`, of `*lptransmitbuffers` (either may be NULL or empty; a NULL
/// `lptransmitbuffers` sends nothing) on the connected stream socket `hsocket`, as one
/// `send` of their bytes does: a blocking socket waits for room, a non-blocking one gets
/// `WSAEWOULDBLOCK` with nothing sent. Then `TF_DISCONNECT` shuts the sending side down,
/// and `TF_DISCONNECT | TF_REUSE_SOCKET` leaves the handle a fresh socket for `AcceptEx`
/// or `ConnectEx`, as `DisconnectEx` does ([`crate::choices::DISCONNECT_REUSE`]).
/// `TF_USE_DEFAULT_WORKER`, `TF_USE_SYSTEM_THREAD`, `TF_USE_KERNEL_APC` and
/// `TF_WRITE_BEHIND` are accepted and change nothing; `nnumberofbytespersend` is ignored
/// ([`crate::choices::TRANSMIT_FLAGS`]). A non-NULL `hfile` is `ERROR_INVALID_HANDLE`:
/// there are no files ([`crate::choices::TRANSMIT_NO_FILES`]).
///
/// With `lpoverlapped` the call returns `FALSE` with `ERROR_IO_PENDING` and completes at
/// once with the bytes sent, to the socket's port or the event
/// ([`crate::choices::EXTENSIONS_PEND`]); without, it returns `TRUE`. Errors (`FALSE`,
/// nothing sent, the `OVERLAPPED` untouched), in order
/// ([`crate::choices::TRANSMIT_CHECKS`]): `WSANOTINITIALISED`, `WSAENOTSOCK`,
/// `WSAENOTCONN` (not connected), `WSAEINVAL` (a datagram socket, unknown flags,
/// `TF_REUSE_SOCKET` without `TF_DISCONNECT`, `nnumberofbytestowrite` over
/// 2,147,483,646), `ERROR_INVALID_HANDLE` (a file), `WSAEFAULT` (a NULL buffer with a
/// length), then those of `send`: `WSAESHUTDOWN`, `WSAECONNRESET`, `WSAEWOULDBLOCK`.
///
/// # Safety
/// `lptransmitbuffers` must be NULL or valid for reads of a `TRANSMIT_FILE_BUFFERS` whose
/// `Head` and `Tail` are NULL or readable for their lengths; `lpoverlapped` NULL or valid
/// for reads and writes of an `OVERLAPPED` until the operation completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn TransmitFile(
    hsocket: SOCKET,
    hfile: HANDLE,
    nnumberofbytestowrite: u32,
    nnumberofbytespersend: u32,
    lpoverlapped: *mut OVERLAPPED,
    lptransmitbuffers: *const TRANSMIT_FILE_BUFFERS,
    dwreserved: u32,
) -> BOOL {
    let _ = nnumberofbytespersend;
    // SAFETY: forwarded from the caller.
    let pieces = || unsafe { file_pieces(hfile, nnumberofbytestowrite, lptransmitbuffers) };
    // SAFETY: forwarded from the caller.
    unsafe { run(hsocket, lpoverlapped, Transmit::File, dwreserved, pieces) }
}

/// [`TransmitPackets`](https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_transmitpackets):
/// sends the `nelementcount` elements of `lppacketarray` in order on the connected socket
/// `hsocket`: on a stream as one `send` of their bytes; on a connected datagram socket one
/// datagram per packet, a packet ending at an element with `TP_ELEMENT_EOP` or at the last
/// element ([`crate::choices::TRANSMIT_PACKETS_DATAGRAMS`]). Every element is read and
/// checked before any byte is sent. `TF_DISCONNECT` and `TF_REUSE_SOCKET` act as for
/// [`TransmitFile`] (streams only); `nsendsize` is ignored. A `TP_ELEMENT_FILE` element is
/// `ERROR_INVALID_HANDLE` ([`crate::choices::TRANSMIT_NO_FILES`]).
///
/// Completion as for [`TransmitFile`]. Errors (`FALSE`, nothing sent), in order:
/// `WSANOTINITIALISED`, `WSAENOTSOCK`, `WSAENOTCONN`, `WSAEINVAL` (unknown flags,
/// `TF_REUSE_SOCKET` without `TF_DISCONNECT`, `TF_DISCONNECT` on a datagram socket), the
/// elements' `WSAEFAULT`, `WSAEINVAL` and `ERROR_INVALID_HANDLE`, `WSAEINVAL` for more than
/// 2,147,483,646 bytes, `WSAEMSGSIZE` for a packet longer than a datagram, then those of
/// `send`.
///
/// # Safety
/// If `nelementcount` is non-zero and `lppacketarray` non-NULL, `lppacketarray` must be
/// valid for reads of `nelementcount` elements whose memory buffers are readable for their
/// lengths; `lpoverlapped` NULL or valid for reads and writes of an `OVERLAPPED` until the
/// operation completes.
#[allow(non_snake_case)]
pub unsafe extern "system" fn TransmitPackets(
    hsocket: SOCKET,
    lppacketarray: *const TRANSMIT_PACKETS_ELEMENT,
    nelementcount: u32,
    nsendsize: u32,
    lpoverlapped: *mut OVERLAPPED,
    dwflags: u32,
) -> BOOL {
    let _ = nsendsize;
    // SAFETY: forwarded from the caller.
    let pieces = || unsafe { packet_pieces(lppacketarray, nelementcount) };
    // SAFETY: forwarded from the caller.
    unsafe { run(hsocket, lpoverlapped, Transmit::Packets, dwflags, pieces) }
}
