//! Large lists and sets whose last reference goes are freed later, not at once.
//!
//! Freeing a structure walks it: each element's cell, set, string and frame, mostly cold in
//! the cache. A one-shot evaluation often lets its largest structures go last (`let data =
//! ...; in summary data`): freeing the input of a `groupBy` over 200,000 sets was a third
//! of the run, work Nix never does (its collector does not run before the process exits).
//! So the contents of a list or set of at least [`DEFER_MIN`] elements are queued when its
//! last reference goes, and freed as evaluation goes on: [`CHUNK`] elements at each frame
//! allocation (the cycle collector's hook, no extra cost on the hot path), and the oldest
//! entries at once when the queue would pass [`QUEUE_LIMIT`] elements. What is left when
//! the evaluation ends goes with the process (the CLI exits without freeing); a
//! long-running caller that wants the memory back calls [`drain`].
//!
//! Measured (ARCHITECTURE.md, "Freeing late"): the teardown share of `groupBy` over
//! 200,000 records 36% -> 0%; `benches/programs/records` 27% -> 0%; peak RSS of the
//! minimal NixOS system unchanged; programs that drop 100,000-element sets and lists in
//! a loop of builtins (few frames made) hold up to 16 MB more (`setops` 60 -> 76 MB).
//!
//! Invariant: a queued vector's values are counted references like any other, so the cycle
//! collector sees them as held from outside, and nothing is freed twice.

use crate::list_ref::RetiredList;
use crate::set_ref::RetiredSet;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::mem::ManuallyDrop;

/// Smaller vectors are freed at once: their walk is short, and queueing costs a push.
pub const DEFER_MIN: usize = 1024;
/// Elements the queue may hold before it frees its oldest entries at once.
pub const QUEUE_LIMIT: usize = 1 << 23;
/// Past this many queued elements, each frame allocation frees [`FAST_CHUNK`] instead of
/// [`CHUNK`]: evaluation that goes on catches up, one that is ending frees nothing.
const SOFT_LIMIT: usize = 1 << 20;
const FAST_CHUNK: usize = 8 * CHUNK;
/// Elements freed at each frame allocation while the queue is not empty: evaluation that
/// goes on frees the queue as it goes, and reuses its memory.
const CHUNK: usize = 64;

enum Retired {
    List(RetiredList),
    Set(RetiredSet),
}

impl Retired {
    fn len(&self) -> usize {
        match self {
            Retired::List(v) => v.len(),
            Retired::Set(set) => set.len(),
        }
    }
}

#[derive(Default)]
struct Queue {
    entries: VecDeque<Retired>,
    elements: usize,
}

thread_local! {
    /// Never dropped: a thread's exit would otherwise free everything queued, which is the
    /// walk this module exists to skip.
    static QUEUE: RefCell<ManuallyDrop<Queue>> = RefCell::new(ManuallyDrop::new(Queue::default()));
    /// Set while `make_room` frees: what that frees may queue more, but not drain again.
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// The elements of a list whose last reference went.
#[cold]
pub(crate) fn retire_list(items: RetiredList) {
    retire(Retired::List(items));
}

/// The entries of a set whose last reference went.
#[cold]
pub(crate) fn retire_set(set: RetiredSet) {
    retire(Retired::Set(set));
}

fn retire(item: Retired) {
    let len = item.len();
    make_room(len);
    if len <= PAY_BACK_MAX {
        pay_back(len);
    }
    // If the thread is exiting or the queue is borrowed, the item is freed here, as
    // before: it is dropped with the closure or returned and dropped.
    let _rejected = QUEUE.try_with(|q| match q.try_borrow_mut() {
        Ok(mut q) => {
            q.elements += len;
            q.entries.push_back(item);
            crate::cycles::request_teardown(true);
            None
        }
        Err(_) => Some(item),
    });
}

/// Free the oldest entries until `incoming` more elements fit under [`QUEUE_LIMIT`].
fn make_room(incoming: usize) {
    draining(|| loop {
        let oldest = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            if q.elements + incoming <= QUEUE_LIMIT {
                return None;
            }
            let item = q.entries.pop_front()?;
            q.elements -= item.len();
            Some(item)
        });
        match oldest {
            // Freed outside the borrow: its elements may retire vectors of their own.
            Some(item) => drop(item),
            None => break,
        }
    });
}

/// Run `free` unless a drain is already under way: what it frees may retire vectors of
/// their own, which are then queued, not drained again from inside.
fn draining(free: impl FnOnce()) {
    if DRAINING.with(Cell::get) {
        return;
    }
    DRAINING.with(|d| d.set(true));
    free();
    DRAINING.with(|d| d.set(false));
}

/// Past [`SOFT_LIMIT`], a vector of at most this many elements retired frees as many
/// queued ones ([`pay_back`]).
const PAY_BACK_MAX: usize = 1 << 16;

/// Free `n` queued elements, oldest first, while more than [`SOFT_LIMIT`] are queued.
/// A loop of builtins that drops lists of thousands of elements (`length (genList f
/// 2000)` in a `foldl'`) makes no frame, so [`free_some`] never ran and the queue grew to
/// [`QUEUE_LIMIT`]: 260-600 MB where Nix's collector kept 450 MB and 14 MB would do. Large
/// vectors are not paid for: a run that ends by dropping its largest structures (the
/// case the queue is for) still frees nothing.
fn pay_back(n: usize) {
    if queued() <= SOFT_LIMIT {
        return;
    }
    draining(|| {
        let mut freed = 0;
        while freed < n && queued() > SOFT_LIMIT {
            match free_oldest(n - freed) {
                0 => break,
                k => freed += k,
            }
        }
    });
}

/// Free up to [`CHUNK`] elements ([`FAST_CHUNK`] past [`SOFT_LIMIT`]) from the end of the
/// oldest entry (at a frame allocation, where nothing is half built).
#[cold]
pub(crate) fn free_some() {
    let fast = queued() > SOFT_LIMIT;
    if free_oldest(if fast { FAST_CHUNK } else { CHUNK }) == 0 {
        crate::cycles::request_teardown(false);
    }
}

/// Free up to `chunk` elements from the end of the oldest entry, in place: the entry is
/// out of the queue meanwhile, since what it frees may retire vectors of its own. The
/// number freed (0: the queue was empty).
fn free_oldest(chunk: usize) -> usize {
    let oldest = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        let oldest = q.entries.pop_front()?;
        q.elements -= oldest.len();
        Some(oldest)
    });
    let Some(mut oldest) = oldest else {
        return 0;
    };
    let before = oldest.len();
    let left = match &mut oldest {
        Retired::List(list) => list.drop_tail(chunk),
        Retired::Set(set) => set.drop_tail(chunk),
    };
    let emptied = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        if left > 0 {
            q.elements += left;
            q.entries.push_front(oldest);
            return None;
        }
        if q.entries.is_empty() {
            crate::cycles::request_teardown(false);
        }
        Some(oldest)
    });
    // An emptied block is freed outside the borrow.
    drop(emptied);
    before - left
}

/// Free everything queued on this thread (a long-running caller, between evaluations).
pub fn drain() {
    loop {
        let all = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            q.elements = 0;
            crate::cycles::request_teardown(false);
            std::mem::take(&mut q.entries)
        });
        if all.is_empty() {
            break;
        }
        drop(all);
    }
}

/// Elements queued on this thread (tests and statistics).
pub fn queued() -> usize {
    QUEUE.with(|q| q.borrow().elements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn big_list(n: usize) -> Value {
        Value::list((0..n).map(|i| Value::string(format!("s{i}").into_bytes())).collect())
    }

    #[test]
    fn small_lists_are_freed_at_once_and_large_ones_queued_until_drained() {
        drain();
        drop(big_list(DEFER_MIN - 1));
        assert_eq!(queued(), 0);
        drop(big_list(DEFER_MIN));
        assert_eq!(queued(), DEFER_MIN);
        drain();
        assert_eq!(queued(), 0);
    }

    #[test]
    fn the_queue_frees_its_oldest_entries_past_the_limit() {
        drain();
        let chunk = QUEUE_LIMIT / 4 + 1;
        let ints = |n: usize| Value::list((0..n as i64).map(Value::Int).collect());
        let lists: Vec<Value> = (0..4).map(|_| ints(chunk)).collect();
        drop(lists);
        // The fourth did not fit beside the other three: the first was freed for it.
        assert_eq!(queued(), 3 * chunk);
        drain();
    }

    #[test]
    fn each_frame_allocation_frees_a_chunk_of_the_queue() {
        drain();
        drop(big_list(DEFER_MIN));
        assert_eq!(queued(), DEFER_MIN);
        drop(crate::env::Env::new(None, 1));
        assert_eq!(queued(), DEFER_MIN - CHUNK);
        for _ in 0..DEFER_MIN / CHUNK {
            drop(crate::env::Env::new(None, 1));
        }
        assert_eq!(queued(), 0);
    }

    #[test]
    fn past_the_soft_limit_a_frame_allocation_frees_a_larger_chunk() {
        drain();
        drop(Value::list((0..SOFT_LIMIT as i64 + 1).map(Value::Int).collect()));
        drop(crate::env::Env::new(None, 1));
        assert_eq!(queued(), SOFT_LIMIT + 1 - FAST_CHUNK);
        drop(crate::env::Env::new(None, 1));
        assert_eq!(queued(), SOFT_LIMIT + 1 - FAST_CHUNK - CHUNK);
        drain();
    }

    #[test]
    fn past_the_soft_limit_a_moderate_vector_retired_frees_as_many_queued() {
        drain();
        drop(Value::list((0..SOFT_LIMIT as i64).map(Value::Int).collect()));
        assert_eq!(queued(), SOFT_LIMIT);
        // Not past the limit yet: queued in full.
        drop(big_list(DEFER_MIN));
        assert_eq!(queued(), SOFT_LIMIT + DEFER_MIN);
        // Past it: each moderate vector frees as many elements as it brings.
        for _ in 0..10 {
            drop(big_list(DEFER_MIN));
        }
        assert_eq!(queued(), SOFT_LIMIT + DEFER_MIN);
        // A large one is queued without paying: a run that ends frees nothing.
        drop(Value::list((0..PAY_BACK_MAX as i64 + 1).map(Value::Int).collect()));
        assert_eq!(queued(), SOFT_LIMIT + DEFER_MIN + PAY_BACK_MAX + 1);
        drain();
    }

    #[test]
    fn a_queued_list_keeps_its_elements_counted_until_freed() {
        drain();
        let shared = Value::string("kept");
        let Value::String(s) = &shared else { unreachable!() };
        let Value::List(items) = big_list(DEFER_MIN) else {
            unreachable!()
        };
        let mut items = items.to_vec();
        items.push(shared.clone());
        drop(Value::list(items));
        assert_eq!(queued(), DEFER_MIN + 1);
        assert_eq!(crate::rc::Rc::strong_count(s), 2);
        drain();
        assert_eq!(crate::rc::Rc::strong_count(s), 1);
    }
}
