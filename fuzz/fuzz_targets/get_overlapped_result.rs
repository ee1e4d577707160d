//! `WSAGetOverlappedResult`: arbitrary socket handles, an `OVERLAPPED` the target owns with
//! arbitrary status fields (or filled by a real overlapped call first), `hEvent` a real
//! event, a socket handle or any value, NULL out-parameters, and `fWait`. The answer is
//! checked exactly against the status fields; it never waits on an operation that cannot
//! complete (a pending status with a real event and `fWait` TRUE is not tried).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

const STATUS_PENDING: usize = 0x103;

#[derive(Debug, Arbitrary)]
struct Input {
    selector: u8,
    raw_handle: u64,
    /// 0: success, 1: pending, 2: aborted, else the raw value.
    status: u8,
    raw_status: u64,
    transferred: u64,
    /// 0: a real event, 1: NULL, 2: a socket handle, else the raw value.
    event: u8,
    raw_event: u64,
    /// Fill the OVERLAPPED by a real overlapped call on the socket first.
    real_call: bool,
    null_overlapped: bool,
    null_transfer: bool,
    null_flags: bool,
    wait: bool,
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let s = scene.handle(input.selector, input.raw_handle);
    let event = unsafe { WSACreateEvent() };
    assert_ne!(event, WSA_INVALID_EVENT);
    let mut block = OVERLAPPED::default();
    block.hEvent = match input.event {
        0 => event as HANDLE,
        1 => std::ptr::null_mut(),
        2 => scene.handle(input.selector, input.raw_handle) as HANDLE,
        _ => input.raw_event as usize as HANDLE,
    };
    if input.real_call {
        // Completes (or fails) at once; on an overlapped socket the status lands in `block`.
        let mut name = vec![0u8; 148];
        name[136] = 4;
        name[140] = b'h';
        name[142] = b'/';
        unsafe { WSASetSocketPeerTargetName(s, name.as_ptr().cast(), 148, &mut block, None) };
    } else {
        block.Internal = match input.status {
            0 => 0,
            1 => STATUS_PENDING,
            2 => WSA_OPERATION_ABORTED as usize,
            _ => input.raw_status as usize,
        };
        block.InternalHigh = input.transferred as usize;
    }
    let given = (block.Internal, block.InternalHigh, block.hEvent);
    let is_event = block.hEvent == event as HANDLE;
    let pending = block.Internal == STATUS_PENDING;
    // Waiting on a pending status with a real event would wait forever: nobody completes it.
    let wait = input.wait && !(pending && is_event);
    let mut transferred = 0xdead_beef_u32;
    let mut flags = 0xdead_beef_u32;
    let before = scene.net.snapshot();
    let live = before.sockets.iter().any(|info| info.handle == s);
    let rc = unsafe {
        WSAGetOverlappedResult(
            s,
            if input.null_overlapped {
                std::ptr::null()
            } else {
                &block
            },
            if input.null_transfer {
                std::ptr::null_mut()
            } else {
                &mut transferred
            },
            wait.into(),
            if input.null_flags {
                std::ptr::null_mut()
            } else {
                &mut flags
            },
        )
    };
    let expected = if !live {
        Err(WSAENOTSOCK)
    } else if input.null_overlapped || input.null_transfer || input.null_flags {
        Err(WSAEFAULT)
    } else if pending && !wait {
        Err(WSA_IO_INCOMPLETE)
    } else if pending {
        Err(WSA_INVALID_HANDLE)
    } else if block.Internal == 0 {
        Ok(block.InternalHigh as u32)
    } else {
        Err(block.Internal as i32)
    };
    match expected {
        Ok(count) => {
            assert_eq!(rc, TRUE);
            assert_eq!((transferred, flags), (count, 0));
        }
        Err(code) => {
            assert_eq!(rc, FALSE);
            assert_eq!(unsafe { WSAGetLastError() }, code);
            assert_eq!((transferred, flags), (0xdead_beef, 0xdead_beef));
        }
    }
    assert_eq!((block.Internal, block.InternalHigh, block.hEvent), given);
    assert_eq!(
        scene.net.snapshot(),
        before,
        "WSAGetOverlappedResult changed the network"
    );
    assert_eq!(unsafe { WSACloseEvent(event) }, TRUE);
});
