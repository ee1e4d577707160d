//! Helpers for the overlapped tests: the four overlapped entry points of the family
//! written once, and a completion routine that records each call on its own thread.
#![allow(dead_code)]

use std::cell::RefCell;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use winsock_emu::sys::*;

/// Every call of the family that takes `lpOverlapped` and `lpCompletionRoutine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    SetName,
    DeleteName,
    IoctlSet,
    IoctlDelete,
}

pub const CALLS: [Call; 4] = [
    Call::SetName,
    Call::DeleteName,
    Call::IoctlSet,
    Call::IoctlDelete,
];

/// The peer every call names.
pub const PEER: &str = "192.0.2.1:500";

/// What a call returned: its return value, the last error if it failed, and
/// `*lpcbBytesReturned` (WSAIoctl only; starts as the sentinel `0xdeadbeef`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub rc: i32,
    pub error: i32,
    pub returned: u32,
}

pub const SENTINEL: u32 = 0xdead_beef;

/// Makes `call` on `s` with a valid buffer (`valid`) or a NULL one (always `WSAEFAULT`).
pub fn make(
    call: Call,
    s: SOCKET,
    valid: bool,
    overlapped: *mut OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> Outcome {
    let name = winsock_emu::PeerTargetName::new(PEER.parse().unwrap(), "host/peer").to_bytes();
    let addr = {
        let bytes = winsock_emu::PeerTargetName::new(PEER.parse().unwrap(), "x").to_bytes();
        bytes[8..24].to_vec()
    };
    let (name_ptr, addr_ptr) = if valid {
        (name.as_ptr(), addr.as_ptr())
    } else {
        (ptr::null(), ptr::null())
    };
    let mut returned = SENTINEL;
    let rc = unsafe {
        match call {
            Call::SetName => WSASetSocketPeerTargetName(
                s,
                name_ptr.cast(),
                name.len() as u32,
                overlapped,
                routine,
            ),
            Call::DeleteName => WSADeleteSocketPeerTargetName(
                s,
                addr_ptr.cast(),
                addr.len() as u32,
                overlapped,
                routine,
            ),
            Call::IoctlSet | Call::IoctlDelete => {
                let (code, buffer, len) = if call == Call::IoctlSet {
                    (SIO_SET_PEER_TARGET_NAME, name_ptr, name.len())
                } else {
                    (SIO_DELETE_PEER_TARGET_NAME, addr_ptr, addr.len())
                };
                WSAIoctl(
                    s,
                    code,
                    buffer.cast(),
                    len as u32,
                    ptr::null_mut(),
                    0,
                    &mut returned,
                    overlapped,
                    routine,
                )
            }
        }
    };
    let error = if rc == 0 {
        0
    } else {
        unsafe { WSAGetLastError() }
    };
    Outcome {
        rc,
        error,
        returned,
    }
}

/// The outcome of a call that completed at once.
pub fn completed(call: Call) -> Outcome {
    Outcome {
        rc: 0,
        error: 0,
        returned: if matches!(call, Call::IoctlSet | Call::IoctlDelete) {
            0
        } else {
            SENTINEL
        },
    }
}

/// The outcome of a call that pends: `*lpcbBytesReturned` untouched.
pub const PENDING: Outcome = Outcome {
    rc: SOCKET_ERROR,
    error: WSA_IO_PENDING,
    returned: SENTINEL,
};

/// One call of [`record`]: `(dwError, cbTransferred, lpOverlapped, dwFlags)`.
pub type Record = (u32, u32, usize, u32);

thread_local! {
    static RECORDS: RefCell<Vec<Record>> = const { RefCell::new(Vec::new()) };
}

/// Calls of [`record`] on every thread.
pub static RECORDED: AtomicUsize = AtomicUsize::new(0);

/// A completion routine that records its arguments on the thread it runs on.
pub unsafe extern "system" fn record(
    error: u32,
    transferred: u32,
    overlapped: *mut OVERLAPPED,
    flags: u32,
) {
    RECORDS.with(|records| {
        records
            .borrow_mut()
            .push((error, transferred, overlapped as usize, flags))
    });
    RECORDED.fetch_add(1, Ordering::SeqCst);
}

/// Takes what [`record`] recorded on this thread.
pub fn take_records() -> Vec<Record> {
    RECORDS.with(|records| records.take())
}

/// A heap `OVERLAPPED` reached only through one raw pointer, as the emulator may write it
/// from another thread. Freed on drop.
pub struct Ov(*mut OVERLAPPED);

// SAFETY: a test hands it to other threads only to pass the pointer along.
unsafe impl Send for Ov {}
unsafe impl Sync for Ov {}

impl Ov {
    /// Status fields hold sentinels; `hEvent` is `event`.
    pub fn new(event: HANDLE) -> Ov {
        Ov(Box::into_raw(Box::new(OVERLAPPED {
            Internal: 0x5e47,
            InternalHigh: 0x5e47,
            hEvent: event,
            ..Default::default()
        })))
    }

    pub fn ptr(&self) -> *mut OVERLAPPED {
        self.0
    }

    /// `(Internal, InternalHigh)`, read atomically as the emulator writes them.
    pub fn status(&self) -> (usize, usize) {
        unsafe {
            let internal =
                AtomicUsize::from_ptr(ptr::addr_of_mut!((*self.0).Internal)).load(Ordering::SeqCst);
            let high = AtomicUsize::from_ptr(ptr::addr_of_mut!((*self.0).InternalHigh))
                .load(Ordering::SeqCst);
            (internal, high)
        }
    }

    pub fn event(&self) -> HANDLE {
        unsafe { (*self.0).hEvent }
    }
}

impl Drop for Ov {
    fn drop(&mut self) {
        // A failing test unwinds before its network's cleanup aborts what still pends and
        // writes here: leak rather than let that write hit freed memory.
        if std::thread::panicking() {
            return;
        }
        drop(unsafe { Box::from_raw(self.0) });
    }
}

/// A new event, as a `HANDLE`.
pub fn new_event() -> HANDLE {
    let event = unsafe { WSACreateEvent() };
    assert_ne!(event, WSA_INVALID_EVENT);
    event as HANDLE
}

/// Whether `event` is signalled now.
pub fn is_signalled(event: HANDLE) -> bool {
    match unsafe { WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) } {
        0 => true,
        WSA_WAIT_TIMEOUT => false,
        other => panic!("wait failed: {other} ({})", unsafe { WSAGetLastError() }),
    }
}

/// `SleepEx(0, TRUE)`: runs this thread's queued routines, if any.
pub fn alertable_poll() -> u32 {
    unsafe { SleepEx(0, TRUE) }
}

/// `WSAGetOverlappedResult` with sentinel out-parameters: `(result, last error, bytes, flags)`.
pub fn overlapped_result(s: SOCKET, overlapped: &Ov, wait: bool) -> (BOOL, i32, u32, u32) {
    let (mut bytes, mut flags) = (SENTINEL, SENTINEL);
    let ok = unsafe {
        WSAGetOverlappedResult(
            s,
            overlapped.ptr(),
            &mut bytes,
            if wait { TRUE } else { FALSE },
            &mut flags,
        )
    };
    let error = if ok == FALSE {
        unsafe { WSAGetLastError() }
    } else {
        0
    };
    (ok, error, bytes, flags)
}

/// A finished `WSAGetOverlappedResult`: TRUE, 0 bytes, flags 0.
pub const SUCCEEDED: (BOOL, i32, u32, u32) = (TRUE, 0, 0, 0);

/// A failed `WSAGetOverlappedResult`: FALSE, `code`, out-parameters untouched.
pub fn failed(code: i32) -> (BOOL, i32, u32, u32) {
    (FALSE, code, SENTINEL, SENTINEL)
}
