//! Many threads on one completion port: producers posting, consumers dequeuing (one or
//! several at once, bounded waits), a port closed under its waiters at the end. Proven:
//! every packet posted comes out exactly once with its three values, each producer's
//! packets in its own order, no wait outlives its bound, and the waiters left when the
//! port closes wake with `ERROR_ABANDONED_WAIT_0`.
//!
//! Size: `STRESS_THREADS` (default 4) producers and as many consumers ×
//! `STRESS_OPS` (default 5,000) packets each.

mod common;
mod iocp_support;

use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::env;
use iocp_support::*;
use winsock_emu::sys::*;

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A packet's values: producer in the key, sequence in the bytes, both in the pointer (the
/// sequence in its low 20 bits, so it fits a 32-bit pointer as well).
fn values(producer: usize, sequence: usize) -> (u32, usize, usize) {
    assert!(
        sequence < 1 << 20 && producer < 1 << 8,
        "the knobs outgrew the encoding"
    );
    (sequence as u32, producer, (producer << 20 | sequence) * 8)
}

#[test]
fn every_packet_comes_out_once_in_its_producer_s_order() {
    let threads = knob("STRESS_THREADS", if cfg!(miri) { 2 } else { 4 });
    let ops = knob("STRESS_OPS", if cfg!(miri) { 50 } else { 5_000 });
    let env = env();
    let port = new_port() as usize;
    let taken = Arc::new(AtomicUsize::new(0));
    let total = threads * ops;
    let producers: Vec<_> = (0..threads)
        .map(|producer| {
            env.net.spawn(move || {
                for sequence in 0..ops {
                    let (bytes, key, ov) = values(producer, sequence);
                    let ok = unsafe {
                        PostQueuedCompletionStatus(
                            port as HANDLE,
                            bytes,
                            key,
                            ptr::without_provenance(ov),
                        )
                    };
                    assert_eq!(ok, TRUE);
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..threads)
        .map(|consumer| {
            let taken = Arc::clone(&taken);
            env.net.spawn(move || {
                let mut seen: Vec<Vec<usize>> = vec![Vec::new(); threads];
                let mut entries = [OVERLAPPED_ENTRY::default(); 4];
                while taken.load(Ordering::SeqCst) < total {
                    let got: Vec<(u32, usize, usize)> = if consumer % 2 == 0 {
                        let packet = dequeue(port as HANDLE, 20);
                        if !packet.ok {
                            assert_eq!(packet.error, WAIT_TIMEOUT);
                            continue;
                        }
                        vec![(packet.bytes, packet.key, packet.overlapped.addr())]
                    } else {
                        let mut removed = 0;
                        let ok = unsafe {
                            GetQueuedCompletionStatusEx(
                                port as HANDLE,
                                entries.as_mut_ptr(),
                                4,
                                &mut removed,
                                20,
                                FALSE,
                            )
                        };
                        if ok == FALSE {
                            assert_eq!(unsafe { GetLastError() }, WAIT_TIMEOUT);
                            continue;
                        }
                        entries[..removed as usize]
                            .iter()
                            .map(|e| {
                                (
                                    e.dwNumberOfBytesTransferred,
                                    e.lpCompletionKey,
                                    e.lpOverlapped.addr(),
                                )
                            })
                            .collect()
                    };
                    for (bytes, key, ov) in got {
                        assert_eq!(values(key, bytes as usize), (bytes, key, ov));
                        seen[key].push(bytes as usize);
                        taken.fetch_add(1, Ordering::SeqCst);
                    }
                }
                seen
            })
        })
        .collect();
    for producer in producers {
        producer.join().unwrap();
    }
    let mut all: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for consumer in consumers {
        for (producer, sequences) in consumer.join().unwrap().into_iter().enumerate() {
            // One consumer sees a producer's packets in the order they were posted.
            assert!(sequences.windows(2).all(|pair| pair[0] < pair[1]));
            all[producer].extend(sequences);
        }
    }
    for sequences in &mut all {
        sequences.sort_unstable();
        assert_eq!(*sequences, (0..ops).collect::<Vec<_>>(), "each packet once");
    }
    // The waiters left when the port closes are abandoned.
    let waiters: Vec<_> = (0..threads)
        .map(|_| env.net.spawn(move || dequeue(port as HANDLE, 60_000).error))
        .collect();
    assert!(env.net.wait_until_blocked(threads));
    assert_eq!(unsafe { CloseHandle(port as HANDLE) }, TRUE);
    for waiter in waiters {
        assert_eq!(waiter.join().unwrap(), ERROR_ABANDONED_WAIT_0);
    }
    assert!(env.net.stalls().is_empty());
}
