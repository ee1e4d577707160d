//! `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`: the Microsoft extension functions, looked
//! up by GUID in one table. A function emulated later is one more row.
use core::ffi::c_void;
use std::mem::size_of;

use windows_sys::core::GUID;
use windows_sys::Win32::Networking::WinSock::{
    LPFN_ACCEPTEX, LPFN_CONNECTEX, LPFN_DISCONNECTEX, LPFN_GETACCEPTEXSOCKADDRS, LPFN_TRANSMITFILE,
    LPFN_TRANSMITPACKETS, LPFN_WSARECVMSG, LPFN_WSASENDMSG, WSAID_ACCEPTEX, WSAID_CONNECTEX,
    WSAID_DISCONNECTEX, WSAID_GETACCEPTEXSOCKADDRS, WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS,
    WSAID_WSARECVMSG, WSAID_WSASENDMSG,
};

use crate::error::{Error, Result};
use crate::sys::memory;

/// An extension function the table holds.
#[derive(Debug, Clone, Copy)]
enum Function {
    /// `WSASendMsg`, as `LPFN_WSASENDMSG`.
    SendMsg,
    /// `WSARecvMsg`, as `LPFN_WSARECVMSG`.
    RecvMsg,
    /// `AcceptEx`, as `LPFN_ACCEPTEX`.
    AcceptEx,
    /// `GetAcceptExSockaddrs`, as `LPFN_GETACCEPTEXSOCKADDRS`.
    GetAcceptExSockaddrs,
    /// `ConnectEx`, as `LPFN_CONNECTEX`.
    ConnectEx,
    /// `DisconnectEx`, as `LPFN_DISCONNECTEX`.
    DisconnectEx,
    /// `TransmitFile`, as `LPFN_TRANSMITFILE`.
    TransmitFile,
    /// `TransmitPackets`, as `LPFN_TRANSMITPACKETS`.
    TransmitPackets,
}

/// The extension functions, by GUID.
const EXTENSIONS: &[(GUID, Function)] = &[
    (WSAID_WSASENDMSG, Function::SendMsg),
    (WSAID_WSARECVMSG, Function::RecvMsg),
    (WSAID_ACCEPTEX, Function::AcceptEx),
    (WSAID_GETACCEPTEXSOCKADDRS, Function::GetAcceptExSockaddrs),
    (WSAID_CONNECTEX, Function::ConnectEx),
    (WSAID_DISCONNECTEX, Function::DisconnectEx),
    (WSAID_TRANSMITFILE, Function::TransmitFile),
    (WSAID_TRANSMITPACKETS, Function::TransmitPackets),
];

impl Function {
    /// Writes the function's pointer, typed as its `LPFN_*`, to `output` (the pointer keeps
    /// its provenance: no integer round trip).
    ///
    /// # Safety
    /// `output` must be valid for writes of a pointer.
    unsafe fn write_to(self, output: *mut c_void) {
        match self {
            Function::SendMsg => {
                let function: LPFN_WSASENDMSG = Some(crate::sys::WSASendMsg);
                // SAFETY: guaranteed by the caller; `LPFN_WSASENDMSG` is pointer-sized.
                unsafe { memory::write(output.cast::<LPFN_WSASENDMSG>(), function) }
            }
            Function::RecvMsg => {
                let function: LPFN_WSARECVMSG = Some(crate::sys::recv_msg::WSARecvMsg);
                // SAFETY: guaranteed by the caller; `LPFN_WSARECVMSG` is pointer-sized.
                unsafe { memory::write(output.cast::<LPFN_WSARECVMSG>(), function) }
            }
            Function::AcceptEx => {
                let function: LPFN_ACCEPTEX = Some(crate::sys::AcceptEx);
                // SAFETY: guaranteed by the caller; the `LPFN_*` types are pointer-sized.
                unsafe { memory::write(output.cast::<LPFN_ACCEPTEX>(), function) }
            }
            Function::GetAcceptExSockaddrs => {
                let function: LPFN_GETACCEPTEXSOCKADDRS = Some(crate::sys::GetAcceptExSockaddrs);
                // SAFETY: as above.
                unsafe { memory::write(output.cast::<LPFN_GETACCEPTEXSOCKADDRS>(), function) }
            }
            Function::ConnectEx => {
                let function: LPFN_CONNECTEX = Some(crate::sys::ConnectEx);
                // SAFETY: as above.
                unsafe { memory::write(output.cast::<LPFN_CONNECTEX>(), function) }
            }
            Function::DisconnectEx => {
                let function: LPFN_DISCONNECTEX = Some(crate::sys::DisconnectEx);
                // SAFETY: as above.
                unsafe { memory::write(output.cast::<LPFN_DISCONNECTEX>(), function) }
            }
            Function::TransmitFile => {
                let function: LPFN_TRANSMITFILE = Some(crate::sys::TransmitFile);
                // SAFETY: as above.
                unsafe { memory::write(output.cast::<LPFN_TRANSMITFILE>(), function) }
            }
            Function::TransmitPackets => {
                let function: LPFN_TRANSMITPACKETS = Some(crate::sys::TransmitPackets);
                // SAFETY: as above.
                unsafe { memory::write(output.cast::<LPFN_TRANSMITPACKETS>(), function) }
            }
        }
    }
}

/// Whether two GUIDs are the same.
fn same(a: &GUID, b: &GUID) -> bool {
    (a.data1, a.data2, a.data3, a.data4) == (b.data1, b.data2, b.data3, b.data4)
}

/// Writes the address of the function the GUID at `input` names to `output` and returns
/// the bytes written (the size of a pointer). Errors, in order
/// ([`crate::choices::EXTENSION_FUNCTIONS`]): `WSAEFAULT` for an input that is NULL or
/// shorter than a `GUID`; `WSAEINVAL` for a GUID the table does not hold, as Windows
/// answers an unknown one; `WSAEFAULT` for an output that is NULL or shorter than a
/// pointer. On failure nothing is written.
///
/// # Safety
/// `input` must be NULL or valid for reads of `input_len` bytes; `output` NULL or valid for
/// writes of `output_len` bytes.
pub(in crate::sys) unsafe fn function_pointer(
    input: *const c_void,
    input_len: u32,
    output: *mut c_void,
    output_len: u32,
) -> Result<u32> {
    if input.is_null() || (input_len as usize) < size_of::<GUID>() {
        return Err(Error::Fault);
    }
    // SAFETY: non-NULL and at least a GUID's bytes readable, as the caller promises.
    let guid = unsafe { memory::read(input.cast::<GUID>()) };
    let (_, function) = EXTENSIONS
        .iter()
        .find(|(known, _)| same(known, &guid))
        .ok_or(Error::Invalid)?;
    if output.is_null() || (output_len as usize) < size_of::<usize>() {
        return Err(Error::Fault);
    }
    // SAFETY: non-NULL and at least a pointer's bytes writable, as the caller promises.
    unsafe { function.write_to(output) };
    Ok(size_of::<usize>() as u32)
}
