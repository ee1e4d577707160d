//! The wait primitive alone: no lost wake-up, timeouts on both clocks, deadlocks found at
//! once, the stall limit, completion routines run during a wait.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use super::*;

fn request(deadline: Option<Duration>) -> WaitRequest {
    WaitRequest {
        call: "recv",
        socket: Some(0x100),
        what: "data",
        deadline,
        alertable: true,
    }
}

/// Runs `f` on a thread known to `waits`, announced by [`expect`] (as `Network::spawn`
/// makes it known).
fn known<'s, T: Send + 's>(
    scope: &'s thread::Scope<'s, '_>,
    waits: &'s Waits,
    f: impl FnOnce() -> T + Send + 's,
) -> thread::ScopedJoinHandle<'s, T> {
    scope.spawn(move || {
        waits.join(false);
        waits.arrived();
        let result = f();
        waits.leave();
        result
    })
}

/// Announces `n` threads about to start, so that none is declared deadlocked while the
/// others start.
fn expect(waits: &Waits, n: usize) {
    for _ in 0..n {
        waits.expect_thread();
    }
}

#[test]
fn a_change_made_while_a_thread_waits_always_wakes_it() {
    for _ in 0..200 {
        let waits = Waits::default();
        let flag = AtomicBool::new(false);
        expect(&waits, 2);
        thread::scope(|scope| {
            let waiter = known(scope, &waits, || {
                waits.until(&request(None), || flag.load(Ordering::SeqCst).then_some(7))
            });
            known(scope, &waits, || {
                flag.store(true, Ordering::SeqCst);
                waits.changed();
            });
            assert_eq!(waiter.join().unwrap(), Ok(7));
        });
        assert!(waits.stalls().is_empty());
    }
}

/// A network's waits on a test clock, the clock's reading, and a deadline 30 s later.
fn thirty_seconds_on(clock: Clock) -> (Waits, Duration, Option<Duration>) {
    let waits = Waits::default();
    waits.set_clock(clock);
    let start = waits.now();
    let deadline = waits.deadline_after(Duration::from_secs(30));
    (waits, start, deadline)
}

#[test]
fn a_manual_clock_times_a_wait_out_only_when_advanced() {
    let (waits, start, deadline) = thirty_seconds_on(Clock::Manual);
    let looked = AtomicUsize::new(0);
    thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            waits.until(&request(deadline), || {
                looked.fetch_add(1, Ordering::SeqCst);
                None::<()>
            })
        });
        // Advance until the waiter has looked at least once and the clock passed it.
        while looked.load(Ordering::SeqCst) == 0 {
            thread::yield_now();
        }
        assert!(waits.advance(Duration::from_secs(29)));
        assert!(waits.advance(Duration::from_secs(1)));
        assert_eq!(waiter.join().unwrap(), Err(Ended::TimedOut));
    });
    assert_eq!(waits.now(), start + Duration::from_secs(30));
}

#[test]
fn an_auto_clock_jumps_to_the_deadline_when_every_known_thread_waits() {
    let (waits, start, deadline) = thirty_seconds_on(Clock::Auto);
    expect(&waits, 1);
    thread::scope(|scope| {
        let waiter = known(scope, &waits, || {
            waits.until(&request(deadline), || None::<()>)
        });
        assert_eq!(waiter.join().unwrap(), Err(Ended::TimedOut));
    });
    assert_eq!(waits.now(), start + Duration::from_secs(30));
    assert!(waits.stalls().is_empty());
}

#[test]
fn the_real_clock_times_out_a_short_deadline() {
    let waits = Waits::process_wide();
    let deadline = waits.deadline_after(Duration::from_millis(1));
    assert_eq!(
        waits.until(&request(deadline), || None::<()>),
        Err(Ended::TimedOut)
    );
}

#[test]
fn every_known_thread_waiting_is_a_deadlock_found_at_once() {
    let waits = Waits::default();
    // The stall limit is far away: only the deadlock rule can end these waits soon.
    waits.set_stall_limit(Duration::from_secs(3600));
    let barrier = Barrier::new(2);
    expect(&waits, 2);
    thread::scope(|scope| {
        let wait = || {
            barrier.wait();
            waits.until(&request(None), || None::<()>)
        };
        let a = known(scope, &waits, wait);
        let b = known(scope, &waits, wait);
        let outcomes = [a.join().unwrap(), b.join().unwrap()];
        let found: Vec<_> = outcomes
            .iter()
            .filter_map(|outcome| match outcome {
                Err(Ended::Stalled(Some(found))) => Some(found),
                Err(Ended::Stalled(None)) => None,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(found.len(), 1, "one finder reports it");
        assert!(found[0].deadlock);
        assert_eq!(found[0].waiters.len(), 2);
    });
}

#[test]
fn a_thread_that_may_still_act_prevents_a_deadlock() {
    let waits = Waits::default();
    waits.set_stall_limit(Duration::from_secs(3600));
    let flag = AtomicBool::new(false);
    let waiting = AtomicBool::new(false);
    expect(&waits, 2);
    thread::scope(|scope| {
        let waiter = known(scope, &waits, || {
            waits.until(&request(None), || {
                waiting.store(true, Ordering::SeqCst);
                flag.load(Ordering::SeqCst).then_some(())
            })
        });
        // This thread is known too (it acts after the waiter looked), so no deadlock.
        known(scope, &waits, || {
            while !waiting.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            flag.store(true, Ordering::SeqCst);
            waits.changed();
        });
        assert_eq!(waiter.join().unwrap(), Ok(()));
    });
}

#[test]
fn the_stall_limit_ends_a_wait_where_threads_are_not_known() {
    let waits = Waits::process_wide();
    waits.set_stall_limit(Duration::from_millis(20));
    match waits.until(&request(None), || None::<()>) {
        Err(Ended::Stalled(Some(found))) => {
            assert!(!found.deadlock);
            assert_eq!(found.waiters[0].call, "recv");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_completion_routine_runs_during_the_wait_and_the_call_goes_on() {
    let waits = Waits::default();
    waits.set_stall_limit(Duration::from_secs(3600));
    let flag = std::sync::Arc::new(AtomicBool::new(false));
    let started = AtomicBool::new(false);
    expect(&waits, 2);
    thread::scope(|scope| {
        let waiter = known(scope, &waits, || {
            // Routines are queued only to threads that started an overlapped call with one.
            events::register_current_thread();
            waits.until(&request(None), || {
                started.store(true, Ordering::SeqCst);
                flag.load(Ordering::SeqCst)
                    .then_some(thread::current().id())
            })
        });
        let me = waiter.thread().id();
        let (started, flag) = (&started, &flag);
        known(scope, &waits, move || {
            while !started.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            let flag = std::sync::Arc::clone(flag);
            // The routine (run by the waiting thread) makes the attempt succeed.
            events::queue_apc(me, Box::new(move || flag.store(true, Ordering::SeqCst)));
        });
        assert_eq!(waiter.join().unwrap(), Ok(me));
    });
}

#[test]
fn a_known_thread_leaving_lets_the_others_find_the_deadlock() {
    let waits = Waits::default();
    waits.set_stall_limit(Duration::from_secs(3600));
    let waiting = AtomicBool::new(false);
    expect(&waits, 2);
    thread::scope(|scope| {
        let waiter = known(scope, &waits, || {
            waits.until(&request(None), || {
                waiting.store(true, Ordering::SeqCst);
                None::<()>
            })
        });
        // A second known thread that leaves without acting.
        known(scope, &waits, || {
            while !waiting.load(Ordering::SeqCst) {
                thread::yield_now();
            }
        });
        assert!(matches!(
            waiter.join().unwrap(),
            Err(Ended::Stalled(Some(Found { deadlock: true, .. })))
        ));
    });
}

#[test]
fn a_fired_signal_always_wakes_its_waiter() {
    for _ in 0..200 {
        let waits = Waits::default();
        let signal = Arc::new(Signal::default());
        let flag = AtomicBool::new(false);
        expect(&waits, 2);
        thread::scope(|scope| {
            let waiter = known(scope, &waits, || {
                waits.until_signalled(&request(None), &signal, || {
                    flag.load(Ordering::SeqCst).then_some(7)
                })
            });
            known(scope, &waits, || {
                flag.store(true, Ordering::SeqCst);
                waits.fire(&signal);
            });
            assert_eq!(waiter.join().unwrap(), Ok(7));
        });
        assert!(waits.stalls().is_empty());
    }
}

#[test]
fn changes_for_other_waiters_leave_a_signalled_waiter_stuck_so_a_deadlock_is_still_found() {
    let waits = Waits::default();
    // Far enough that only the deadlock rule ends these waits soon; a regression fails
    // at the limit (a stall, not a deadlock) instead of hanging.
    waits.set_stall_limit(Duration::from_secs(30));
    let signal = Arc::new(Signal::default());
    expect(&waits, 2);
    thread::scope(|scope| {
        let signalled = known(scope, &waits, || {
            waits.until_signalled(&request(None), &signal, || None::<()>)
        });
        let other = known(scope, &waits, || {
            assert!(waits.until_blocked(1), "the signalled waiter never waited");
            // Changes that move the generation (a setting of the waits' own wakes everyone),
            // none of them the signalled waiter's.
            for _ in 0..10 {
                waits.set_stall_limit(Duration::from_secs(30));
                waits.changed();
            }
            waits.until(&request(None), || None::<()>)
        });
        let outcomes = [signalled.join().unwrap(), other.join().unwrap()];
        assert!(
            outcomes
                .iter()
                .all(|outcome| matches!(outcome, Err(Ended::Stalled(_)))),
            "{outcomes:?}"
        );
        assert!(outcomes.iter().any(|outcome| matches!(
            outcome,
            Err(Ended::Stalled(Some(Found { deadlock: true, .. })))
        )));
    });
}

#[test]
fn a_moved_clock_times_out_a_signalled_wait() {
    let (waits, _, deadline) = thirty_seconds_on(Clock::Manual);
    let signal = Arc::new(Signal::default());
    thread::scope(|scope| {
        let waiter =
            scope.spawn(|| waits.until_signalled(&request(deadline), &signal, || None::<()>));
        assert!(waits.until_blocked(1), "the waiter never waited");
        assert!(waits.advance(Duration::from_secs(30)));
        assert_eq!(waiter.join().unwrap(), Err(Ended::TimedOut));
    });
}
