//! `WSACreateEvent`, `WSACloseEvent`, `WSASetEvent`, `WSAResetEvent`,
//! `WSAWaitForMultipleEvents` and `SleepEx`: sequences of calls on events the input made
//! (live or closed), socket handles and arbitrary values, checked against a plain model of
//! which events exist and which are signalled. Waits and sleeps have a 0 ms timeout (a
//! non-zero one would make the fuzzer, which steers towards the value that picks it, spend
//! its runs asleep) and no routine is ever queued, so nothing can wait.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use winsock_emu::sys::*;
use winsock_emu_fuzz::*;

#[derive(Debug, Arbitrary)]
enum Call {
    Create,
    Close(u8, u64),
    Set(u8, u64),
    Reset(u8, u64),
    Wait {
        handles: Vec<(u8, u64)>,
        /// A count other than the array's length: 0, or more than `WSA_MAXIMUM_WAIT_EVENTS`.
        odd_count: Option<bool>,
        null: bool,
        all: bool,
        /// How far over `WSA_MAXIMUM_WAIT_EVENTS` an odd count goes.
        over: u8,
        alertable: bool,
    },
    Sleep {
        alertable: bool,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    calls: Vec<Call>,
}

/// The events this input created, in order (closed ones too), and the live ones' states.
#[derive(Default)]
struct Model {
    made: Vec<WSAEVENT>,
    live: BTreeMap<WSAEVENT, bool>,
}

impl Model {
    /// One of the input's events (most selectors), a socket handle, or the raw value.
    fn pick(&self, scene: &Scene, selector: u8, raw: u64) -> WSAEVENT {
        match selector {
            0..=191 if !self.made.is_empty() => self.made[usize::from(selector) % self.made.len()],
            0..=223 => scene.handle(selector, raw) as WSAEVENT,
            _ => raw as usize as WSAEVENT,
        }
    }
}

/// `TRUE`, or `FALSE` with `WSA_INVALID_HANDLE`, as the model says.
fn check_bool(rc: BOOL, valid: bool) {
    if valid {
        assert_eq!(rc, TRUE);
    } else {
        assert_eq!(rc, FALSE);
        assert_eq!(unsafe { WSAGetLastError() }, WSA_INVALID_HANDLE);
    }
}

fuzz_target!(|input: Input| {
    let scene = scene();
    let before = scene.net.snapshot();
    let mut model = Model::default();
    for call in input.calls.iter().take(32) {
        match call {
            Call::Create => {
                let event = unsafe { WSACreateEvent() };
                assert_ne!(event, WSA_INVALID_EVENT);
                assert!(!model.made.contains(&event), "an event handle was reused");
                assert!(!scene.handles.contains(&(event as SOCKET)));
                model.made.push(event);
                model.live.insert(event, false);
            }
            Call::Close(selector, raw) => {
                let event = model.pick(&scene, *selector, *raw);
                let rc = unsafe { WSACloseEvent(event) };
                check_bool(rc, model.live.remove(&event).is_some());
            }
            Call::Set(selector, raw) | Call::Reset(selector, raw) => {
                let event = model.pick(&scene, *selector, *raw);
                let set = matches!(call, Call::Set(..));
                let rc = unsafe {
                    if set {
                        WSASetEvent(event)
                    } else {
                        WSAResetEvent(event)
                    }
                };
                let state = model.live.get_mut(&event);
                let valid = state.is_some();
                if let Some(state) = state {
                    *state = set;
                }
                check_bool(rc, valid);
            }
            Call::Wait {
                handles,
                odd_count,
                null,
                all,
                over,
                alertable,
            } => {
                let events: Vec<WSAEVENT> = handles
                    .iter()
                    .take(70)
                    .map(|&(selector, raw)| model.pick(&scene, selector, raw))
                    .collect();
                let count = match odd_count {
                    Some(false) => 0,
                    Some(true) => WSA_MAXIMUM_WAIT_EVENTS + 1 + u32::from(*over),
                    None => events.len() as u32,
                };
                // Never a count larger than the array unless the pointer is NULL.
                let null = *null || count as usize > events.len();
                let array: Vec<HANDLE> = events.iter().map(|&e| e as HANDLE).collect();
                let p = if null {
                    std::ptr::null()
                } else {
                    array.as_ptr()
                };
                let rc = unsafe {
                    WSAWaitForMultipleEvents(count, p, (*all).into(), 0, (*alertable).into())
                };
                let duplicate = events
                    .iter()
                    .enumerate()
                    .any(|(i, e)| events[..i].contains(e));
                let states: Option<Vec<bool>> =
                    events.iter().map(|e| model.live.get(e).copied()).collect();
                let expected = if null || count == 0 || count > WSA_MAXIMUM_WAIT_EVENTS || duplicate
                {
                    Err(WSA_INVALID_PARAMETER)
                } else {
                    match states {
                        None => Err(WSA_INVALID_HANDLE),
                        Some(states) if *all && states.iter().all(|&s| s) => {
                            Ok(WSA_WAIT_EVENT_0 as u32)
                        }
                        Some(_) if *all => Ok(WSA_WAIT_TIMEOUT),
                        Some(states) => Ok(states
                            .iter()
                            .position(|&s| s)
                            .map_or(WSA_WAIT_TIMEOUT, |i| WSA_WAIT_EVENT_0 as u32 + i as u32)),
                    }
                };
                match expected {
                    Ok(value) => assert_eq!(rc, value),
                    Err(code) => {
                        assert_eq!(rc, WSA_WAIT_FAILED);
                        assert_eq!(unsafe { WSAGetLastError() }, code);
                    }
                }
            }
            Call::Sleep { alertable } => {
                // Nothing is queued to this thread, so the sleep always ends by time.
                let rc = unsafe { SleepEx(0, (*alertable).into()) };
                assert_eq!(rc, 0);
            }
        }
    }
    for event in model.live.keys() {
        assert_eq!(unsafe { WSACloseEvent(*event) }, TRUE);
    }
    assert_eq!(
        scene.net.snapshot(),
        before,
        "event calls changed the sockets"
    );
});
