//! Overlapped WSASetSocketPeerTargetName, the three ways Winsock completes it: through an
//! event, through a completion routine in an alertable wait, and later, after
//! WSA_IO_PENDING, including the abort a close causes.
//!
//! Run it with `cargo run --example overlapped`. See docs/overlapped.md.

use winsock_emu::sys::*;
use winsock_emu::{Error, Network, PeerTargetName};

/// The completion routine: Winsock calls it in the caller's next alertable wait.
unsafe extern "system" fn on_complete(
    error: u32,
    bytes: u32,
    overlapped: *mut OVERLAPPED,
    flags: u32,
) {
    println!("        routine ran: dwError={error}, cbTransferred={bytes}, lpOverlapped={overlapped:p}, dwFlags={flags}");
}

/// Sets `name` on `s` with the given OVERLAPPED and routine; prints what the call returned.
unsafe fn set_name(
    s: SOCKET,
    name: &str,
    overlapped: *mut OVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) {
    let bytes = PeerTargetName::new("0.0.0.0:0".parse().unwrap(), name).to_bytes();
    let rc = unsafe {
        WSASetSocketPeerTargetName(
            s,
            bytes.as_ptr().cast(),
            bytes.len() as u32,
            overlapped,
            routine,
        )
    };
    match rc {
        0 => println!("  WSASetSocketPeerTargetName -> 0"),
        _ => println!(
            "  WSASetSocketPeerTargetName -> SOCKET_ERROR, WSAGetLastError() = {}",
            unsafe { WSAGetLastError() }
        ),
    }
}

/// Prints what WSAGetOverlappedResult reports.
unsafe fn show_result(s: SOCKET, overlapped: *const OVERLAPPED) {
    let (mut bytes, mut flags) = (0, 0);
    if unsafe { WSAGetOverlappedResult(s, overlapped, &mut bytes, FALSE, &mut flags) } == TRUE {
        println!("  WSAGetOverlappedResult -> TRUE, {bytes} bytes, flags {flags}");
    } else {
        let code = unsafe { WSAGetLastError() };
        let meaning = Error::from_code(code).map_or(String::new(), |e| e.to_string());
        println!("  WSAGetOverlappedResult -> FALSE: {meaning}");
    }
}

fn main() -> Result<(), Error> {
    let net = Network::new();
    let _current = net.enter();
    let _wsa = net.startup()?;
    unsafe {
        let s = socket(AF_INET.into(), SOCK_STREAM, IPPROTO_TCP); // socket() is overlapped

        println!("1. Event completion: hEvent is signalled, WSAGetOverlappedResult reports.");
        let event = WSACreateEvent();
        let mut ov = OVERLAPPED {
            hEvent: event as HANDLE,
            ..Default::default()
        };
        set_name(s, "host/one.contoso.com", &mut ov, None);
        let handles = [event as HANDLE];
        println!(
            "  WSAWaitForMultipleEvents -> {} (WSA_WAIT_EVENT_0)",
            WSAWaitForMultipleEvents(1, handles.as_ptr(), TRUE, 0, FALSE)
        );
        show_result(s, &ov);

        println!("\n2. A completion routine runs only in an alertable wait of this thread.");
        let mut ov = OVERLAPPED::default();
        set_name(s, "host/two.contoso.com", &mut ov, Some(on_complete));
        println!(
            "  SleepEx(0, FALSE) -> {} (the routine waits)",
            SleepEx(0, FALSE)
        );
        println!("  SleepEx(0, TRUE):");
        println!("  ... -> {} (WAIT_IO_COMPLETION)", SleepEx(0, TRUE));

        println!(
            "\n3. A test makes the next operations pend, then completes one and closes the socket."
        );
        net.defer_overlapped(2);
        WSAResetEvent(event);
        let mut first = OVERLAPPED {
            hEvent: event as HANDLE,
            ..Default::default()
        };
        let mut second = OVERLAPPED::default();
        set_name(s, "host/three.contoso.com", &mut first, None);
        set_name(s, "host/four.contoso.com", &mut second, Some(on_complete));
        show_result(s, &first);
        net.pending_operations()[0].complete();
        show_result(s, &first);
        println!("  closesocket -> {}", closesocket(s));
        println!("  SleepEx(0, TRUE):");
        println!(
            "  ... -> {} (the aborted call's routine ran with WSA_OPERATION_ABORTED)",
            SleepEx(0, TRUE)
        );
        WSACloseEvent(event);
    }
    Ok(())
}
