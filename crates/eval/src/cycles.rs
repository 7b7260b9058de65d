//! Cycle collection for the young generation: what reference counting cannot free.
//!
//! Frames and the thunks and closures that capture them form cycles (`let`, `rec`, fixed
//! points such as the module system's `config`), and a cycle's counts never reach zero.
//! This is Bacon and Rajan's synchronous trial deletion ("Concurrent Cycle Collection in
//! Reference Counted Systems", 2001), with two restrictions that keep it off the time
//! budget:
//! - Candidates are frames only. Every cycle passes through a frame, because only a
//!   variable can name a value that is not built yet; a frame whose count drops but stays
//!   above zero ([`released`]) may have just become garbage.
//! - Only young cells are followed: cells not yet seen by a collection. Cells that survive
//!   one are marked old and are borders afterwards (treated as held from outside), so a
//!   collection costs what was allocated since the last one, not the whole heap, which in
//!   a NixOS evaluation every parent chain reaches. Cycles that die old stay (a leak
//!   bounded by what reference counting leaked before).
//!
//! Marks live in the low bits of the count words (`rc::FLAG_BITS`, `env::FRAME_FLAG_BITS`);
//! outside a collection only `OLD` and the frames' `BUFFERED` are ever set. Trial counts
//! are the real counts, decremented in place and restored before anything is freed. A
//! collection runs only at a safe point (`Env::new`), never inside a drop: the cells it
//! breaks are, by the counts, held by nothing the running code can reach.

use crate::env::{Env, BUFFERED, FRAME_FLAG_BITS};
use crate::rc::{self, Rc};
use crate::value::{Closure, ListRef, Packed, PrimOpApp, SetRef, ThunkState, Value};
use std::cell::{Cell, RefCell};

// Frames and `Rc` blocks share the layout of the count word's low 32 bits: `BUFFERED`
// (frames only), `OLD`, two colour bits, then the count.
const _: () = assert!(FRAME_FLAG_BITS == rc::FLAG_BITS && BUFFERED == 1);

/// Survived a collection: not followed again.
pub(crate) const OLD: u32 = 2;
/// `NEW_FRAME` flags, never in a count word.
const WANTED: u32 = 1 << 30;
const UNSET: u32 = 1 << 31;
/// `teardown`'s queue has work for the next frame allocation.
const TEARDOWN: u32 = 1 << 29;
/// Flags that outlive `publish_marks`.
const REQUESTS: u32 = WANTED | TEARDOWN;
const COLOUR: u32 = 0b1100;
const BLACK: u32 = 0;
const GRAY: u32 = 0b0100;
const WHITE: u32 = 0b1000;
const ONE: u32 = 1 << FRAME_FLAG_BITS;
/// Where the low 32 bits of an `Rc` count word are.
const RC_LOW_HALF: usize = if cfg!(target_endian = "little") { 0 } else { 4 };

/// Frames released since the last collection before the next one runs, when collection
/// is on: small, so that what a collection follows is still in the cache (1,024: the
/// minimal NixOS system's peak RSS -17% for +10% CPU; 65,536: the same memory for +75%).
pub const THRESHOLD: usize = 1024;
/// Sets and lists with more elements are not followed (see `Node::is_large`).
const LARGE: usize = 4096;
/// Bigger buffers are let go after a collection (one that followed a 3,000,000-element
/// list kept 70 MB of them).
const KEEP_CAPACITY: usize = 1 << 16;

thread_local! {
    /// The marks a new frame starts with (`OLD` while collection is off, so that
    /// releasing it never calls [`released`]), or'ed with `WANTED` when enough frames are
    /// buffered and `UNSET` before the settings are read: one thread-local read per
    /// frame allocation.
    static NEW_FRAME: Cell<u32> = const { Cell::new(UNSET) };
    static STATE: RefCell<State> = RefCell::new(State::new());
}

struct State {
    /// Buffered frames (uncounted: a buffered frame's block outlives its count).
    candidates: Vec<*const ()>,
    threshold: usize,
    /// `RNIX_EVAL_CYCLES` set the threshold: `set_threshold` leaves it.
    from_environment: bool,
    /// A threshold was chosen (`RNIX_EVAL_CYCLES` or `set_threshold`): collection does
    /// not turn itself on ([`start_automatically`]).
    chosen: bool,
    /// Breaking garbage: frames released meanwhile are not buffered.
    breaking: bool,
    /// Every cell greyed by the current collection.
    traversed: Vec<Node>,
    stack: Vec<Node>,
    black_stack: Vec<Node>,
    live_roots: Vec<Node>,
    garbage: Vec<Node>,
    broken: Broken,
    collections: u64,
    freed_frames: u64,
}

/// What was taken out of garbage cells; dropping it frees them. Kept between collections
/// for its capacity.
#[derive(Default)]
struct Broken {
    values: Vec<Value>,
    parents: Vec<Env>,
    states: Vec<ThunkState>,
}

impl Broken {
    fn clear(&mut self) {
        self.states.clear();
        self.values.clear();
        self.parents.clear();
    }
}

impl State {
    /// New frames are born old while collection is off.
    fn publish_marks(&self) {
        let marks = if self.threshold == 0 { OLD } else { 0 };
        NEW_FRAME.with(|m| m.set(marks | (m.get() & REQUESTS)));
    }

    fn new() -> State {
        // Off unless asked for: it costs time (ARCHITECTURE.md, "The young cycle
        // collector"); `RNIX_EVAL_CYCLES` overrides what the program chose.
        let threshold = std::env::var("RNIX_EVAL_CYCLES").ok().and_then(|v| v.parse().ok());
        let from_environment = threshold.is_some();
        State {
            candidates: Vec::new(),
            threshold: threshold.unwrap_or(0),
            from_environment,
            chosen: from_environment,
            breaking: false,
            traversed: Vec::new(),
            stack: Vec::new(),
            black_stack: Vec::new(),
            live_roots: Vec::new(),
            garbage: Vec::new(),
            broken: Broken::default(),
            collections: 0,
            freed_frames: 0,
        }
    }
}

/// A frame was released and is still held: buffer it for the next collection.
#[cold]
#[inline(never)]
pub(crate) fn released(block: *const ()) {
    // SAFETY: the caller's handle was just released and the count is above zero.
    let word = unsafe { Env::count_word(block) };
    let buffered = STATE
        .try_with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else { return false };
            if s.threshold == 0 || s.breaking {
                return false;
            }
            s.candidates.push(block);
            if s.candidates.len() >= s.threshold {
                NEW_FRAME.with(|m| m.set(m.get() | WANTED));
            }
            true
        })
        .unwrap_or(false);
    // A frame that is not buffered is marked old: it is not looked at again.
    word.set(word.get() | if buffered { BUFFERED } else { OLD });
}

/// The marks for a frame being made, after a collection if enough frames are buffered.
/// Called where no cell is half built or borrowed from a cell that is not held
/// (`Env::new`).
#[inline(always)]
pub(crate) fn new_frame_marks() -> u32 {
    let marks = NEW_FRAME.with(Cell::get);
    if marks & (REQUESTS | UNSET) == 0 {
        return marks;
    }
    new_frame_marks_slow()
}

#[cold]
#[inline(never)]
fn new_frame_marks_slow() -> u32 {
    let word = NEW_FRAME.with(Cell::get);
    if word & UNSET != 0 {
        // While the thread exits the state may be gone: frames stay young, and are marked
        // old when released (`released`).
        let _ = STATE.try_with(|s| s.borrow().publish_marks());
    } else if word & WANTED != 0 {
        collect();
    }
    if word & TEARDOWN != 0 {
        crate::teardown::free_some();
    }
    NEW_FRAME.with(Cell::get) & !(REQUESTS | UNSET)
}

/// Whether the next frame allocation frees some of `teardown`'s queue (it shares the
/// collector's one thread-local read per frame).
pub(crate) fn request_teardown(on: bool) {
    let _ = NEW_FRAME.try_with(|m| m.set(if on { m.get() | TEARDOWN } else { m.get() & !TEARDOWN }));
}

/// Run a collection now (statistics and tests).
#[inline(never)]
pub fn collect() {
    NEW_FRAME.with(|m| m.set(m.get() & !WANTED));
    let found = STATE.try_with(|s| {
        s.try_borrow_mut().ok().map(|mut s| {
            s.find_garbage();
            s.break_garbage()
        })
    });
    // Not while the thread exits, nor from inside a collection.
    let Ok(Some(mut broken)) = found else {
        return;
    };
    // Dropping the contents frees the garbage by ordinary counting; frames released
    // meanwhile are garbage too, and are not buffered.
    STATE.with(|s| s.borrow_mut().breaking = true);
    broken.clear();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.breaking = false;
        if broken.values.capacity() <= KEEP_CAPACITY && broken.states.capacity() <= KEEP_CAPACITY {
            s.broken = broken;
        }
    });
}

/// Collect cycles on this thread after every `threshold` released frames (`0`: never;
/// [`THRESHOLD`] is the measured choice), unless `RNIX_EVAL_CYCLES` says otherwise.
pub fn set_threshold(threshold: usize) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if !s.from_environment {
            s.threshold = threshold;
        }
        s.chosen = true;
        s.publish_marks();
    });
}

/// Peak memory past which collection turns itself on, when nothing chose a threshold. A
/// NixOS system (about 400 MB) and the VM tests of several machines (1.1-1.5 GB) stay
/// under it and pay nothing (at 1 GiB the openssh test was 7-17% slower for 1.5% less
/// memory); programs that leave cyclic garbage in a loop (`rec` sets or `lib.fix`
/// results made per element, thousands of `evalModules` results) stop growing here
/// instead of growing without bound: 1,600,000 transient `rec` sets 2.9 GB (Nix 2.8:
/// 450 MB).
pub const AUTO_START_BYTES: usize = 2 << 30;

/// Turn collection on at [`THRESHOLD`] on this thread, unless a threshold was chosen;
/// the process's allocator calls it once the peak memory passes [`AUTO_START_BYTES`].
/// Only flags are set (it may run inside an allocation): frames made from now on are
/// young. Whether collection is on afterwards; false on a thread that has made no frame
/// (not an evaluating thread).
pub fn start_automatically() -> bool {
    if NEW_FRAME.try_with(|m| m.get() & UNSET != 0).unwrap_or(true) {
        return false;
    }
    STATE
        .try_with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else { return false };
            if !s.chosen {
                s.chosen = true;
                s.threshold = THRESHOLD;
                s.publish_marks();
            }
            s.threshold != 0
        })
        .unwrap_or(false)
}

/// `(collections, frames freed)` on this thread so far.
pub fn statistics() -> (u64, u64) {
    STATE.with(|s| {
        let s = s.borrow();
        (s.collections, s.freed_frames)
    })
}

impl State {
    /// Take the contents out of the garbage frames and thunks (nothing else holds them):
    /// what the caller drops, outside this state's borrow.
    fn break_garbage(&mut self) -> Broken {
        let mut broken = std::mem::take(&mut self.broken);
        for &node in &self.garbage {
            // SAFETY: garbage cells are alive (their counts are their cycles' references)
            // and unreachable from anything else.
            unsafe {
                match node.kind() {
                    Kind::Frame => {
                        self.freed_frames += 1;
                        broken
                            .parents
                            .extend(Env::take_contents(node.block(), &mut broken.values));
                    }
                    Kind::Thunk => broken.states.push(Rc::<Packed>::payload(node.block()).take()),
                    _ => {}
                }
            }
        }
        self.garbage.clear();
        broken
    }

    /// Trial deletion over the young cells reachable from the buffered frames; leaves the
    /// garbage in `self.garbage`, with every count restored to the number of references
    /// it has.
    fn find_garbage(&mut self) {
        self.collections += 1;
        let mut roots = std::mem::take(&mut self.candidates);
        // Dead frames first: marking lowers the counts of the roots it reaches.
        let mut live_roots = std::mem::take(&mut self.live_roots);
        for block in roots.drain(..) {
            // SAFETY: a buffered frame's block is kept until this point.
            let word = unsafe { Env::count_word(block) };
            word.set(word.get() & !BUFFERED);
            if word.get() >> FRAME_FLAG_BITS == 0 {
                // Released while buffered: its contents are gone, the block is ours.
                unsafe { Env::dealloc_released(block) };
            } else {
                live_roots.push(Node::new(Kind::Frame, block));
            }
        }
        // Roots are young: only frames without `OLD` are buffered.
        for &root in &live_roots {
            if root.colour() != GRAY {
                self.mark_gray(root);
            }
        }
        self.candidates = roots;
        for &root in &live_roots {
            self.scan(root);
        }
        live_roots.clear();
        self.live_roots = live_roots;
        // Give back what the garbage's own references took from every count (black cells'
        // references were given back by `scan_black`).
        let traversed = std::mem::take(&mut self.traversed);
        for &node in &traversed {
            if node.colour() == WHITE {
                node.for_each_young_child(|child| child.add(1));
            }
        }
        for &node in &traversed {
            if node.colour() == WHITE {
                node.set_colour(BLACK);
                self.garbage.push(node);
            } else {
                node.set_old();
            }
        }
        self.traversed = traversed;
        self.traversed.clear();
        for v in [
            &mut self.traversed,
            &mut self.stack,
            &mut self.black_stack,
            &mut self.live_roots,
        ] {
            if v.capacity() > KEEP_CAPACITY {
                *v = Vec::new();
            }
        }
    }

    fn mark_gray(&mut self, root: Node) {
        root.set_colour(GRAY);
        self.traversed.push(root);
        self.stack.push(root);
        while let Some(node) = self.stack.pop() {
            let (stack, traversed) = (&mut self.stack, &mut self.traversed);
            node.for_each_young_child(|child| {
                let w = child.word();
                let word = w.get() - ONE;
                if word & COLOUR == GRAY {
                    w.set(word);
                } else {
                    w.set(word & !COLOUR | GRAY);
                    traversed.push(child);
                    stack.push(child);
                }
            });
        }
    }

    fn scan(&mut self, root: Node) {
        self.stack.push(root);
        while let Some(node) = self.stack.pop() {
            if node.colour() != GRAY {
                continue;
            }
            if node.refs() > 0 {
                self.scan_black(node);
            } else {
                node.set_colour(WHITE);
                let stack = &mut self.stack;
                node.for_each_young_child(|child| {
                    if child.colour() == GRAY {
                        stack.push(child);
                    }
                });
            }
        }
    }

    /// `node` is held from outside: so is everything it reaches; give back their counts.
    fn scan_black(&mut self, node: Node) {
        let stack = &mut self.black_stack;
        stack.push(node);
        node.set_colour(BLACK);
        while let Some(node) = stack.pop() {
            node.for_each_young_child(|child| {
                let w = child.word();
                let word = w.get() + ONE;
                w.set(word & !COLOUR);
                if word & COLOUR != BLACK {
                    stack.push(child);
                }
            });
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Frame,
    Thunk,
    Attrs,
    List,
    Closure,
    PrimOpApp,
}

/// A cell: its block's address with its kind in the low bits (blocks are 8-aligned).
#[derive(Clone, Copy)]
pub(crate) struct Node(usize);

impl Node {
    fn new(kind: Kind, block: *const ()) -> Node {
        Node(block as usize | kind as usize)
    }

    fn of_value(v: &Value) -> Option<Node> {
        Some(match v {
            Value::Thunk(t) => Node::new(Kind::Thunk, Rc::block(&t.0)),
            Value::Attrs(a) => Node::new(Kind::Attrs, SetRef::as_ptr(a)),
            Value::List(l) => Node::new(Kind::List, ListRef::as_ptr(l)),
            Value::Lambda(c) => Node::new(Kind::Closure, Rc::block(c)),
            Value::PrimOpApp(p) => Node::new(Kind::PrimOpApp, Rc::block(p)),
            _ => return None,
        })
    }

    fn kind(self) -> Kind {
        match self.0 & 7 {
            0 => Kind::Frame,
            1 => Kind::Thunk,
            2 => Kind::Attrs,
            3 => Kind::List,
            4 => Kind::Closure,
            _ => Kind::PrimOpApp,
        }
    }

    fn block(self) -> *const () {
        (self.0 & !7) as *const ()
    }

    /// The low 32 bits of the count word: marks and count (see `OLD`).
    #[inline(always)]
    fn word(self) -> &'static Cell<u32> {
        let offset = if self.kind() == Kind::Frame { 0 } else { RC_LOW_HALF };
        // SAFETY: nodes are made from live cells, and a collection frees nothing until it
        // has stopped reading them; counts stay far below 2^28, so the low half holds
        // the whole count.
        unsafe { &*((self.block() as *const u8).add(offset) as *const Cell<u32>) }
    }

    #[inline(always)]
    fn is_old(self) -> bool {
        self.word().get() & OLD != 0
    }

    /// A set or list too large to follow: a border, as an old cell. A young
    /// 3,000,000-element list cost a collection 70 MB of work lists; its cycles, if any,
    /// stay (reference counting never freed them either).
    #[inline(always)]
    fn is_large(self) -> bool {
        // SAFETY: as `word`.
        unsafe {
            match self.kind() {
                Kind::List => ListRef::payload(self.block()).len() > LARGE,
                Kind::Attrs => SetRef::payload(self.block()).len() > LARGE,
                _ => false,
            }
        }
    }

    fn set_old(self) {
        let w = self.word();
        w.set(w.get() | OLD);
    }

    #[inline(always)]
    fn colour(self) -> u32 {
        self.word().get() & COLOUR
    }

    #[inline(always)]
    fn set_colour(self, colour: u32) {
        let w = self.word();
        w.set(w.get() & !COLOUR | colour);
    }

    /// References counted in the word.
    fn refs(self) -> u32 {
        self.word().get() >> FRAME_FLAG_BITS
    }

    #[inline(always)]
    fn add(self, delta: i32) {
        let w = self.word();
        w.set(w.get().wrapping_add((delta * ONE as i32) as u32));
    }

    /// The cells this one holds references to, except old ones.
    fn for_each_young_child(self, mut f: impl FnMut(Node)) {
        let mut visit = |n: Option<Node>| {
            if let Some(n) = n.filter(|n| !n.is_old() && !n.is_large()) {
                f(n);
            }
        };
        let frame = |block: *const ()| Some(Node::new(Kind::Frame, block));
        // SAFETY: the node is a live cell of its kind (see `word`).
        unsafe {
            match self.kind() {
                Kind::Frame => {
                    let (parent, slots) = Env::refs_of(self.block());
                    slots.for_each(|v| visit(Node::of_value(v)));
                    visit(parent.and_then(|p| frame(p.block())));
                }
                Kind::Thunk => {
                    let mut pending = None;
                    Rc::<Packed>::payload(self.block()).visit_refs(|v| visit(Node::of_value(v)), |b| pending = Some(b));
                    visit(pending.and_then(frame));
                }
                Kind::Attrs => {
                    let base = SetRef::payload(self.block()).visit_values(|v| visit(Node::of_value(v)));
                    visit(base.map(|b| Node::new(Kind::Attrs, SetRef::as_ptr(b))));
                }
                Kind::List => {
                    for v in ListRef::payload(self.block()).iter() {
                        visit(Node::of_value(v));
                    }
                }
                Kind::Closure => visit(frame(Rc::<Closure>::payload(self.block()).env.block())),
                Kind::PrimOpApp => {
                    for v in &Rc::<PrimOpApp>::payload(self.block()).args {
                        visit(Node::of_value(v));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Attr, Thunk};
    use rnix_eval_parser::{ast, Symbol};

    /// A thunk of frame `env` (unevaluated: it holds the frame).
    fn pending(env: &Env) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Pending(&ast::Expr::Int(7), env.clone())))
    }

    /// Frames freed so far, with collection on for this test's thread.
    fn freed() -> u64 {
        set_threshold(THRESHOLD);
        statistics().1
    }

    #[test]
    fn frees_a_frame_held_only_by_its_own_thunk() {
        let before = freed();
        let env = Env::new(None, 1);
        env.set(0, pending(&env));
        drop(env);
        collect();
        assert_eq!(freed(), before + 1);
    }

    #[test]
    fn frees_a_cycle_through_a_set_and_an_evaluated_thunk() {
        // `let s = { a = <thunk of this frame>; b = outside; }; in ...`, `s` evaluated. The
        // list is also held from outside: it must survive, with the count the cycle took
        // from it during the trial given back.
        let before = freed();
        let outside = Value::list(vec![Value::Int(1)]);
        let env = Env::new(None, 1);
        let attr = |name, value| Attr {
            name: Symbol::intern(name),
            value,
            pos: None,
        };
        let set = Value::attrs(crate::value::AttrSet::from_unsorted(vec![
            attr("a", pending(&env)),
            attr("b", outside.clone()),
        ]));
        env.set(0, Value::Thunk(Thunk::new(ThunkState::Done(set))));
        drop(env);
        collect();
        assert_eq!(freed(), before + 1);
        let Value::List(l) = &outside else { unreachable!() };
        assert_eq!(ListRef::strong_count(l), 1);
    }

    #[test]
    fn frees_a_cycle_through_a_gen_list_element() {
        // `let l = genList (i: l) 1; in ...`: the frame holds the list, whose element
        // holds the function (in the cell: `ApplyInt`), whose closure holds the frame.
        let before = freed();
        let env = Env::new(None, 1);
        let f = crate::value::test_function(&env);
        let element = Value::apply_int_thunk(&f, 0);
        let Value::Thunk(cell) = &element else { unreachable!() };
        let state = cell.replace(ThunkState::Blackhole);
        assert!(matches!(state, ThunkState::ApplyInt(_, 0)));
        cell.restore(state);
        drop(f);
        env.set(0, Value::list(vec![element]));
        drop(env);
        collect();
        assert_eq!(freed(), before + 1);
    }

    #[test]
    fn a_cycle_that_survived_a_collection_is_old() {
        let before = freed();
        let env = Env::new(None, 1);
        env.set(0, pending(&env));
        let held = env.clone();
        drop(env); // released while `held` holds it
        collect(); // survives: old, not followed again
        drop(held);
        collect();
        assert_eq!(freed(), before);
    }

    #[test]
    fn keeps_what_is_held_from_outside() {
        let before = freed();
        let env = Env::new(None, 2);
        env.set(0, pending(&env));
        env.set(1, Value::Int(3));
        let thunk = env.get(0).unwrap().clone();
        drop(env);
        collect();
        assert_eq!(freed(), before);
        // The thunk still reaches its frame, whose slots are intact.
        let Value::Thunk(t) = &thunk else { unreachable!() };
        let ThunkState::Pending(_, frame) = t.replace(ThunkState::Blackhole) else {
            unreachable!()
        };
        assert!(matches!(frame.get(1), Some(Value::Int(3))));
        assert!(frame.get(0).is_some());
        t.restore(ThunkState::Pending(&ast::Expr::Int(7), frame));
        assert_eq!(Rc::strong_count(&t.0), 2);
    }

    #[test]
    /// The block is deallocated once, by the collection (freeing it also at count zero
    /// is a double free, which the allocator aborts on).
    fn a_frame_released_while_buffered_is_deallocated_by_the_collection() {
        let before = freed();
        let env = Env::new(None, 1);
        let holder = env.clone();
        drop(env); // buffered: still held by `holder`
        drop(holder); // count zero while buffered: contents freed, block kept
        collect();
        assert_eq!(freed(), before);
    }
}
