//! The signatures of the completion-port functions (`Win32::System::IO`,
//! `Win32::Storage::FileSystem`'s `SetFileCompletionNotificationModes`) and of the
//! extension functions (`LPFN_*`) are windows-sys 0.61's: each is coerced to the type
//! spelled with windows-sys's own types, so a drift is a compile error.

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Networking::WinSock as ws;
use windows_sys::Win32::System::IO::{OVERLAPPED, OVERLAPPED_ENTRY};
use winsock_emu::sys;

#[test]
fn completion_port_functions_have_windows_sys_signatures() {
    let _: unsafe extern "system" fn(HANDLE, HANDLE, usize, u32) -> HANDLE =
        sys::CreateIoCompletionPort;
    let _: unsafe extern "system" fn(
        HANDLE,
        *mut u32,
        *mut usize,
        *mut *mut OVERLAPPED,
        u32,
    ) -> BOOL = sys::GetQueuedCompletionStatus;
    let _: unsafe extern "system" fn(
        HANDLE,
        *mut OVERLAPPED_ENTRY,
        u32,
        *mut u32,
        u32,
        BOOL,
    ) -> BOOL = sys::GetQueuedCompletionStatusEx;
    let _: unsafe extern "system" fn(HANDLE, u32, usize, *const OVERLAPPED) -> BOOL =
        sys::PostQueuedCompletionStatus;
    let _: unsafe extern "system" fn(HANDLE) -> BOOL = sys::CancelIo;
    let _: unsafe extern "system" fn(HANDLE, *const OVERLAPPED) -> BOOL = sys::CancelIoEx;
    let _: unsafe extern "system" fn(HANDLE, u8) -> BOOL = sys::SetFileCompletionNotificationModes;
}

#[test]
fn extension_functions_have_their_lpfn_types() {
    let _: ws::LPFN_ACCEPTEX = Some(sys::AcceptEx);
    let _: ws::LPFN_GETACCEPTEXSOCKADDRS = Some(sys::GetAcceptExSockaddrs);
    let _: ws::LPFN_CONNECTEX = Some(sys::ConnectEx);
    let _: ws::LPFN_DISCONNECTEX = Some(sys::DisconnectEx);
    let _: ws::LPFN_TRANSMITFILE = Some(sys::TransmitFile);
    let _: ws::LPFN_TRANSMITPACKETS = Some(sys::TransmitPackets);
}
