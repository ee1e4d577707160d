//! A completion port against a model of it (a FIFO queue): any sequence of posts,
//! single and multiple dequeues with a timeout of 0, and a close, through the raw face,
//! gives exactly the model's answers.

mod common;
mod iocp_support;

use std::collections::VecDeque;
use std::ptr;

use common::env;
use iocp_support::*;
use proptest::prelude::*;
use winsock_emu::sys::*;

#[derive(Debug, Clone)]
enum Op {
    Post(u32, usize, usize),
    Get,
    GetEx(u32),
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u32>(), any::<usize>(), any::<usize>()).prop_map(|(b, k, o)| Op::Post(b, k, o)),
        2 => Just(Op::Get),
        2 => (0u32..6).prop_map(Op::GetEx),
        1 => Just(Op::Close),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 128 }))]
    #[test]
    fn a_port_answers_as_a_fifo_queue(ops in proptest::collection::vec(op(), 0..40)) {
        let _env = env();
        let port = new_port();
        let mut model: VecDeque<(u32, usize, usize)> = VecDeque::new();
        let mut open = true;
        for op in ops {
            match op {
                Op::Post(bytes, key, ov) => {
                    let ok = unsafe { PostQueuedCompletionStatus(port, bytes, key, ptr::without_provenance(ov)) };
                    prop_assert_eq!(ok == TRUE, open);
                    if open {
                        model.push_back((bytes, key, ov));
                    }
                }
                Op::Get => {
                    let got = dequeue(port, 0);
                    match (open, model.pop_front()) {
                        (false, _) => prop_assert_eq!(got.error, ERROR_INVALID_HANDLE),
                        (true, None) => {
                            prop_assert_eq!((got.ok, got.error), (false, WAIT_TIMEOUT));
                            prop_assert!(got.overlapped.is_null());
                        }
                        (true, Some(expected)) => {
                            prop_assert!(got.ok);
                            prop_assert_eq!((got.bytes, got.key, got.overlapped.addr()), expected);
                        }
                    }
                }
                Op::GetEx(count) => {
                    let mut entries = [OVERLAPPED_ENTRY::default(); 6];
                    let mut removed = 77u32;
                    let ok = unsafe { GetQueuedCompletionStatusEx(port, entries.as_mut_ptr(), count, &mut removed, 0, FALSE) };
                    let error = unsafe { GetLastError() };
                    if count == 0 {
                        prop_assert_eq!((ok, error), (FALSE, ERROR_INVALID_PARAMETER));
                    } else if !open {
                        prop_assert_eq!((ok, error), (FALSE, ERROR_INVALID_HANDLE));
                    } else if model.is_empty() {
                        prop_assert_eq!((ok, error, removed), (FALSE, WAIT_TIMEOUT, 0));
                    } else {
                        let n = (count as usize).min(model.len());
                        prop_assert_eq!((ok, removed as usize), (TRUE, n));
                        for entry in &entries[..n] {
                            let expected = model.pop_front().unwrap();
                            prop_assert_eq!(
                                (entry.dwNumberOfBytesTransferred, entry.lpCompletionKey, entry.lpOverlapped.addr()),
                                expected
                            );
                        }
                    }
                }
                Op::Close => {
                    let ok = unsafe { CloseHandle(port) };
                    prop_assert_eq!(ok == TRUE, open);
                    open = false;
                    model.clear();
                }
            }
        }
        if open {
            prop_assert_eq!(unsafe { CloseHandle(port) }, TRUE);
        }
    }
}
