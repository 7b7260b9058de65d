//! Runtime values.
//!
//! A [`Value`] is 16 bytes: a tag and one word (an immediate, an `Rc` or a [`SetRef`]).
//! Sets are arrays sorted by interned [`Symbol`]s in one block with their header (binary
//! search, linear merge for `//`), lists likewise one block with their header
//! ([`ListRef`]), and lazy values are [`Thunk`]s: shared cells that are overwritten with
//! their result once forced, so every thunk is evaluated at most once.

pub use crate::attrset::{Attr, AttrSet, NewSet};
use crate::env::Env;
pub use crate::list_ref::{ListBuilder, ListRef};
use crate::primops::PrimOpDef;
use crate::rc::{Rc, Retire};
pub use crate::set_ref::{SetBuilder, SetRef};
pub use crate::string_context::Context;
use bytes::Bytes;
use rnix_eval_parser::ast;
use std::borrow::Cow;
use std::cell::{Cell, UnsafeCell};

/// `repr(u64)`: the tag fills the first word and every payload sits in the second, so
/// moving a value (and the `EvalResult` around it) is two word moves. With a one-byte
/// tag, `Bool`'s payload lived at byte 1 and every move copied bytes 1..8 with
/// overlapping stores that stalled store forwarding (`perf annotate` of `eval_apply`).
#[repr(u64)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Rc<NixString>),
    Path(Rc<String>),
    Attrs(SetRef),
    List(ListRef),
    Lambda(Rc<Closure>),
    PrimOp(&'static PrimOpDef),
    PrimOpApp(Rc<PrimOpApp>),
    Thunk(Thunk),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// `*slot = v`, moved by its words ([`crate::words`]), the old value dropped first.
#[inline(always)]
pub(crate) fn put_by_words(slot: &mut Value, v: Value) {
    drop(std::mem::replace(slot, Value::Null));
    // SAFETY: the slot holds `Null` now, which needs no drop.
    unsafe { crate::words::write(slot, v) }
}

impl Value {
    /// Whether dropping this handle frees nothing that holds other values: a scalar or
    /// string, or a handle whose block has other handles ([`Packed::drops_shallowly`]).
    #[inline(always)]
    fn drops_shallowly(&self) -> bool {
        match self {
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Path(_)
            | Value::PrimOp(_) => true,
            Value::Attrs(s) => SetRef::strong_count(s) > 1,
            Value::List(l) => ListRef::strong_count(l) > 1,
            Value::Lambda(c) => Rc::strong_count(c) > 1,
            Value::PrimOpApp(a) => Rc::strong_count(a) > 1,
            Value::Thunk(t) => Rc::strong_count(&t.0) > 1,
        }
    }

    /// The value itself, or what its thunk evaluated to; `None` for a thunk not evaluated
    /// yet. Lets hot paths look at a value without `force`'s clone.
    #[inline(always)]
    pub fn evaluated(&self) -> Option<&Value> {
        match self {
            Value::Thunk(t) => match t.peek() {
                Peek::Done(v) => Some(v),
                _ => None,
            },
            v => Some(v),
        }
    }

    /// Whether dropping the value releases a reference (numbers, booleans, `null` and
    /// builtins own nothing).
    #[inline(always)]
    pub fn owns_heap(&self) -> bool {
        !matches!(
            self,
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::PrimOp(_)
        )
    }
}

/// Drop a value with the check for scalars inline. Rust's drop glue for `Value` is an
/// out-of-line call with a jump table, which the interpreter paid for every number and
/// boolean it let go of (12% of `benches/programs/foldl`'s profile).
#[inline(always)]
pub fn release(v: Value) {
    if v.owns_heap() {
        drop(v);
    } else {
        std::mem::forget(v);
    }
}

/// A temporary value whose drop checks for scalars inline (see [`release`]).
pub struct Temp(std::mem::ManuallyDrop<Value>);

impl Temp {
    #[inline(always)]
    pub fn new(v: Value) -> Temp {
        Temp(std::mem::ManuallyDrop::new(v))
    }

    /// The value, kept.
    #[inline(always)]
    pub fn into_inner(self) -> Value {
        let mut me = std::mem::ManuallyDrop::new(self);
        // SAFETY: `me` is never dropped, so the value is moved out exactly once.
        unsafe { std::mem::ManuallyDrop::take(&mut me.0) }
    }
}

impl std::ops::Deref for Temp {
    type Target = Value;
    #[inline(always)]
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for Temp {
    #[inline(always)]
    fn drop(&mut self) {
        if self.0.owns_heap() {
            // SAFETY: dropped once, here; the field is not used afterwards.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.0) }
        }
    }
}

/// Cloning is the commonest operation of the interpreter. It is written out per variant,
/// so each field is read as the word it is. A bitwise 16-byte copy (`ptr::read`), which
/// an earlier one-byte tag needed, became one vector store that the caller then read
/// back as two words: the second read waited on store forwarding (65% of `expect_bool`'s
/// time in `perf annotate`; `filter (x: x != e)`-heavy code took 20% longer).
impl Clone for Value {
    #[inline(always)]
    fn clone(&self) -> Self {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::PrimOp(p) => Value::PrimOp(p),
            Value::String(s) => Value::String(s.clone()),
            Value::Path(p) => Value::Path(p.clone()),
            Value::Attrs(a) => Value::Attrs(a.clone()),
            Value::List(l) => Value::List(l.clone()),
            Value::Lambda(c) => Value::Lambda(c.clone()),
            Value::PrimOpApp(a) => Value::PrimOpApp(a.clone()),
            Value::Thunk(t) => Value::Thunk(Thunk(t.0.clone())),
        }
    }
}

/// A string with its context: the store paths it refers to (empty for most strings).
///
/// Nix strings are byte strings: the content need not be UTF-8 (`readFile` of a Latin-1
/// file, `substring` through a multi-byte character). The bytes are a shared [`Bytes`]
/// buffer, so `substring` is a zero-copy slice and literals point into the (leaked) AST.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NixString {
    pub bytes: Bytes,
    pub context: Option<Context>,
}

/// What a [`NixString`] can be made of without copying the content.
pub trait IntoNixBytes {
    fn into_nix_bytes(self) -> Bytes;
}

impl IntoNixBytes for Bytes {
    fn into_nix_bytes(self) -> Bytes {
        self
    }
}

/// Referenced in place (literals of the leaked AST, constant texts).
impl IntoNixBytes for &'static [u8] {
    fn into_nix_bytes(self) -> Bytes {
        Bytes::from_static(self)
    }
}

impl IntoNixBytes for &'static str {
    fn into_nix_bytes(self) -> Bytes {
        Bytes::from_static(self.as_bytes())
    }
}

/// The buffer is taken over, shrunk to its length first: `Bytes` adopts an exact buffer
/// as it is, but wraps one with spare capacity in a second allocation. Shrinking is
/// usually done in place by the allocator (`i64::to_string` has capacity 19, say).
impl IntoNixBytes for Vec<u8> {
    fn into_nix_bytes(self) -> Bytes {
        Bytes::from(self.into_boxed_slice())
    }
}

impl IntoNixBytes for String {
    fn into_nix_bytes(self) -> Bytes {
        self.into_bytes().into_nix_bytes()
    }
}

impl NixString {
    /// A string without context. `String`, `Vec<u8>` and `Bytes` are taken over without
    /// copying; `&'static str` is referenced in place.
    pub fn plain(bytes: impl IntoNixBytes) -> Self {
        NixString {
            bytes: bytes.into_nix_bytes(),
            context: None,
        }
    }

    /// A string without context, copying `bytes`.
    pub fn copy_from(bytes: &[u8]) -> Self {
        NixString::plain(Bytes::copy_from_slice(bytes))
    }

    pub fn new(bytes: impl IntoNixBytes, context: Option<Context>) -> Self {
        NixString {
            bytes: bytes.into_nix_bytes(),
            context,
        }
    }

    /// An integer's decimal text, formatted on the stack (`itoa`: `core::fmt`'s machinery
    /// was 5% of a `"${toString i}"`-heavy program): one exact allocation.
    pub fn from_int(i: i64) -> Self {
        NixString::copy_from(itoa::Buffer::new().format(i).as_bytes())
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The content as text, with invalid UTF-8 replaced by U+FFFD (messages, symbols,
    /// file names). Borrowed, without copying, when the bytes are valid UTF-8.
    /// (`str::from_utf8` first: it validates in wide steps, where the lossy decoder's
    /// chunk iterator goes byte by byte, 1% of a NixOS evaluation in symbols and files.)
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        match std::str::from_utf8(&self.bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(&self.bytes),
        }
    }

    /// The content if it is valid UTF-8.
    pub fn as_utf8(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// Length in bytes, as Nix counts it.
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bytes as a file system path (on Unix any bytes but NUL are allowed).
    pub fn as_path(&self) -> &std::path::Path {
        use std::os::unix::ffi::OsStrExt;
        std::path::Path::new(std::ffi::OsStr::from_bytes(&self.bytes))
    }

    /// Bytes `start..end` of the string, sharing its buffer (no copy).
    pub fn slice(&self, start: usize, end: usize) -> Bytes {
        self.bytes.slice(start..end)
    }

    /// Concatenate `parts` into one buffer allocated at its exact size.
    pub fn concat<'a>(parts: impl Iterator<Item = &'a [u8]> + Clone) -> Vec<u8> {
        let len = parts.clone().map(<[u8]>::len).sum();
        let mut out = Vec::with_capacity(len);
        for p in parts {
            out.extend_from_slice(p);
        }
        out
    }
}

/// For messages: the text, with invalid UTF-8 replaced by U+FFFD.
impl std::fmt::Display for NixString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

pub struct Closure {
    pub lambda: &'static ast::Lambda,
    pub env: Env,
}

pub struct PrimOpApp {
    pub op: &'static PrimOpDef,
    pub args: Vec<Value>,
}

// What the last reference to each payload leaves behind (`rc::Retire`): a large list or
// set (`list_ref.rs`, `set_ref.rs`) goes to `teardown`'s queue, everything else is freed
// at once. Even a list whose elements all live on is queued: lowering 200,000 counts
// touches 200,000 cold cells.

impl Retire for String {}
/// Strings are made just before they are shared, in `bytes`' own 8-byte stores.
impl Retire for NixString {
    const MOVED_BY_WORDS: bool = true;
}
impl Retire for Closure {}
impl Retire for PrimOpApp {}
impl Retire for Packed {}

/// A lazily evaluated value, shared by everything that refers to it.
///
/// The state is stored packed in 16 bytes ([`Packed`]), so a thunk cell is 24 bytes with
/// its reference count, as a Nix value: a thunk is the second most numerous allocation
/// of a NixOS evaluation (5.8 M for a minimal system). It is only moved in and out
/// while forcing, and read in place by short peeks that never re-enter evaluation, so
/// it needs no borrow flag, and reading an evaluated thunk is one load (a quarter of the
/// time of a `with`-heavy program went to moving states out and back).
///
/// The handle is dropped by [`Thunk`]'s own `Drop` (hence `ManuallyDrop`): see there.
#[derive(Clone)]
pub struct Thunk(pub std::mem::ManuallyDrop<Rc<Packed>>);

/// What a thunk holds, unpacked. [`Thunk::replace`] moves states in and out.
pub enum ThunkState {
    /// An expression and the environment it closes over.
    Pending(&'static ast::Expr, Env),
    /// `f x`, built by primops such as `map` and `genList`. Boxed: it is the largest
    /// state, and keeping every thunk small matters more than this extra allocation.
    Apply(Box<(Value, Value)>),
    /// `f x y`, as `mapAttrs` and `zipAttrsWith` build per attribute: one cell and one
    /// box instead of a thunk for `f x` and another for its application to `y`.
    Apply2(Box<(Value, Value, Value)>),
    /// `f i` of a function `f` and an index `i` (below [`APPLY_INT_MAX`]): a `genList`
    /// element, in the cell itself. nixpkgs' `lib` slices lists with `genList` (`take`,
    /// `drop`, `sublist`, `imap1`, `reverseList`, `range`); an `Apply` box each cost an
    /// allocation and a free per element.
    ApplyInt(Rc<Closure>, i64),
    /// Being evaluated: forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

/// A [`ThunkState`] in two words, laid out so that `Done(v)` *is* `v`: `Value` is
/// `repr(u64)`, its first word a tag below [`VALUE_TAGS`]. The next three tags mark the
/// other states (the box in the second word); any other first word is `Pending`'s
/// expression address (aligned, far above the tags) with its frame in the second word.
pub struct Packed(UnsafeCell<[std::mem::MaybeUninit<u64>; 2]>);

/// `Value`'s variants (`Value::Thunk` is the last).
const VALUE_TAGS: u64 = 12;
const BLACKHOLE: u64 = VALUE_TAGS;
const APPLY: u64 = VALUE_TAGS + 1;
const APPLY2: u64 = VALUE_TAGS + 2;
/// `ApplyInt`'s first word is `i << 4 | APPLY_INT`: odd, so never an expression's
/// address, and at least `APPLY_INT`, so never one of the tags above.
const APPLY_INT: u64 = 0xF;
/// Indexes `ApplyInt` can hold (a list that long would not fit in memory).
pub const APPLY_INT_MAX: i64 = 1 << 59;
const _: () = assert!(APPLY_INT > APPLY2);

/// Whether a cell's first word is `ApplyInt`'s.
#[inline(always)]
const fn is_apply_int(word: u64) -> bool {
    word & APPLY_INT == APPLY_INT
}

const _: () = assert!(std::mem::size_of::<Packed>() == 16);
const _: () = assert!(std::mem::size_of::<Value>() == 16 && std::mem::align_of::<Value>() == 8);

/// A look at a thunk's state in place.
pub enum Peek<'a> {
    Done(&'a Value),
    Blackhole,
    /// Not evaluated yet (`Pending`, `Apply`, `Apply2`).
    Unevaluated,
}

impl Packed {
    fn new(state: ThunkState) -> Packed {
        let p = Packed(UnsafeCell::new([std::mem::MaybeUninit::uninit(); 2]));
        // SAFETY: the cell is fresh; `write` does not drop what was there.
        unsafe { p.write(state) };
        p
    }

    #[inline(always)]
    fn words(&self) -> *mut u64 {
        self.0.get() as *mut u64
    }

    #[inline(always)]
    fn tag(&self) -> u64 {
        // SAFETY: the first word is always initialised (a `Value` tag or one written by
        // `write`).
        unsafe { self.words().read() }
    }

    /// Write `state` over whatever is there, without dropping it.
    ///
    /// # Safety
    /// The previous content must have been moved out (or be the fresh cell).
    #[inline(always)]
    unsafe fn write(&self, state: ThunkState) {
        let w = self.words();
        match state {
            ThunkState::Done(v) => (w as *mut Value).write(v),
            ThunkState::Blackhole => w.write(BLACKHOLE),
            ThunkState::Apply(b) => {
                w.write(APPLY);
                w.add(1).write(Box::into_raw(b) as u64);
            }
            ThunkState::Apply2(b) => {
                w.write(APPLY2);
                w.add(1).write(Box::into_raw(b) as u64);
            }
            ThunkState::Pending(expr, env) => {
                w.write(expr as *const ast::Expr as u64);
                w.add(1).write(env.into_raw() as u64);
            }
            ThunkState::ApplyInt(f, i) => {
                debug_assert!((0..APPLY_INT_MAX).contains(&i));
                w.write((i as u64) << 4 | APPLY_INT);
                w.add(1).write(Rc::into_raw(f) as u64);
            }
        }
    }

    /// Move the state out, leaving the bits behind (to be overwritten by `write`).
    ///
    /// # Safety
    /// The content must be written again before it is read or dropped.
    #[inline(always)]
    unsafe fn read(&self) -> ThunkState {
        let w = self.words();
        match w.read() {
            t if t < VALUE_TAGS => ThunkState::Done((w as *const Value).read()),
            BLACKHOLE => ThunkState::Blackhole,
            APPLY => ThunkState::Apply(Box::from_raw(w.add(1).read() as *mut (Value, Value))),
            APPLY2 => ThunkState::Apply2(Box::from_raw(w.add(1).read() as *mut (Value, Value, Value))),
            t if is_apply_int(t) => ThunkState::ApplyInt(Rc::from_raw(w.add(1).read() as *const ()), (t >> 4) as i64),
            expr => ThunkState::Pending(
                &*(expr as *const ast::Expr),
                Env::from_raw(w.add(1).read() as *const ()),
            ),
        }
    }

    /// `Pending`'s expression, read as [`Packed::read`] tells the states apart.
    fn pending_expr(&self) -> Option<&'static ast::Expr> {
        match self.tag() {
            t if t <= APPLY2 || is_apply_int(t) => None,
            // SAFETY: any other first word is a `Pending` state's expression address.
            expr => Some(unsafe { &*(expr as *const ast::Expr) }),
        }
    }

    #[inline(always)]
    fn peek(&self) -> Peek<'_> {
        match self.tag() {
            // SAFETY: a tag below `VALUE_TAGS` means the words are a `Value`.
            t if t < VALUE_TAGS => Peek::Done(unsafe { &*(self.words() as *const Value) }),
            BLACKHOLE => Peek::Blackhole,
            _ => Peek::Unevaluated,
        }
    }
}

impl Packed {
    /// Whether dropping the state frees nothing besides strings: it holds no reference,
    /// or only ones held elsewhere too (an unforced thunk's frame, a set other cells
    /// share). Then no free nests in this one, and [`free_state`]'s depth bookkeeping is
    /// not needed: unforced elements of a list freed with it (`with pkgs; [ a b c ]`
    /// before `pkgs` is forced) spent 41 instructions each in it.
    #[inline(always)]
    fn drops_shallowly(&self) -> bool {
        let w = self.words();
        match self.tag() {
            // SAFETY: a tag below `VALUE_TAGS` means the words are a `Value`.
            t if t < VALUE_TAGS => unsafe { &*(w as *const Value) }.drops_shallowly(),
            BLACKHOLE => true,
            t if t <= APPLY2 || is_apply_int(t) => false,
            // SAFETY: any other first word is `Pending`'s, its frame in the second word.
            _ => unsafe { Env::is_shared_raw(w.add(1).read() as *const ()) },
        }
    }

    /// What the state holds a reference to, for the cycle collector: values (`Done`, the
    /// operands of `Apply`/`Apply2`) and a frame (`Pending`, by its block address).
    pub(crate) fn visit_refs(&self, mut on_value: impl FnMut(&Value), on_frame: impl FnOnce(*const ())) {
        let w = self.words();
        // SAFETY: the words are read as the state they encode (see `read`), in place.
        unsafe {
            match w.read() {
                t if t < VALUE_TAGS => on_value(&*(w as *const Value)),
                BLACKHOLE => {}
                APPLY => {
                    let b = &*(w.add(1).read() as *const (Value, Value));
                    on_value(&b.0);
                    on_value(&b.1);
                }
                APPLY2 => {
                    let b = &*(w.add(1).read() as *const (Value, Value, Value));
                    on_value(&b.0);
                    on_value(&b.1);
                    on_value(&b.2);
                }
                t if is_apply_int(t) => {
                    // The cell's reference, looked at as a value without counting it.
                    let f = std::mem::ManuallyDrop::new(Value::Lambda(Rc::from_raw(w.add(1).read() as *const ())));
                    on_value(&f);
                }
                _ => on_frame(w.add(1).read() as *const ()),
            }
        }
    }

    /// Take the state out, leaving a blackhole (the cycle collector breaking a cycle).
    pub(crate) fn take(&self) -> ThunkState {
        // SAFETY: as `Thunk::replace`: the old state is moved out before the blackhole is
        // written over its bits.
        unsafe {
            let old = self.read();
            self.write(ThunkState::Blackhole);
            old
        }
    }
}

impl Drop for Packed {
    fn drop(&mut self) {
        // SAFETY: dropped once; the state is owned by this cell.
        drop(unsafe { self.read() });
    }
}

/// Dropping the last reference to a thunk drops its state, which may hold the last
/// reference to a list of thunks, and so on: a 1,000,000-deep value would be freed by
/// as deep a native recursion and overflow the stack. States freed while another one is
/// being freed are queued and freed one after the other instead.
impl Drop for Thunk {
    /// A shared handle is a decrement here; the last one is dropped out of line, in a
    /// tail call, so that `Value`'s drop, which inlines this, is a dispatch and a
    /// decrement that saves no registers (it pushed and popped three on every call, for
    /// the last handle's call and its unwinding: 35 M calls on the minimal NixOS system).
    #[inline(always)]
    fn drop(&mut self) {
        if !Rc::release_if_shared(&self.0) {
            drop_last_handle(&mut self.0);
        }
    }
}

/// The state is freed first unless that frees nothing with it (the common case: the
/// cell's own drop does it).
#[inline(never)]
fn drop_last_handle(handle: &mut std::mem::ManuallyDrop<Rc<Packed>>) {
    if !handle.drops_shallowly() {
        free_state(handle);
    }
    // SAFETY: called once, by the dropping `Thunk`, which never uses the handle again.
    unsafe { std::mem::ManuallyDrop::drop(handle) }
}

/// How many `free_state` calls are running on this thread's stack.
const FREE_DEPTH_LIMIT: u32 = 256;

thread_local! {
    static FREE_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// States waiting to be freed, because `FREE_DEPTH_LIMIT` nested frees were running.
    static FREEING: std::cell::RefCell<Vec<ThunkState>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Whether `FREEING` may hold states: a plain cell, read at every outermost free, where
    /// `FREEING` (which has a destructor) costs a registration check and a borrow.
    static QUEUED: Cell<bool> = const { Cell::new(false) };
}

/// Frees recurse up to `FREE_DEPTH_LIMIT` levels (a depth counter costs one thread-local
/// add, where queueing every state cost a `RefCell` borrow, a push and a pop); deeper
/// states are queued and freed by the outermost call, one after the other. The state is
/// taken out of its cell here, not by the caller: a `ThunkState` passed in was built on
/// the caller's stack in 8-byte stores and read back as one 16-byte load, which stalls on
/// store forwarding (two thirds of this function's samples when a frame's list of
/// unforced `genList` elements was freed).
#[inline(never)]
fn free_state(cell: &Packed) {
    let state = cell.take();
    let Ok(depth) = FREE_DEPTH.try_with(|d| {
        let depth = d.get();
        d.set(depth + 1);
        depth
    }) else {
        return drop(state);
    };
    if depth < FREE_DEPTH_LIMIT {
        drop(state);
    } else if FREEING.try_with(|f| f.borrow_mut().push(state)).is_ok() {
        QUEUED.set(true);
    } else {
        // The thread is exiting: the queue is gone, and so is the need to bound depth.
    }
    if depth == 0 && QUEUED.get() {
        while let Some(next) = FREEING.with(|f| f.borrow_mut().pop()) {
            drop(next);
        }
        QUEUED.set(false);
    }
    FREE_DEPTH.with(|d| d.set(depth));
}

impl Thunk {
    pub fn new(state: ThunkState) -> Thunk {
        crate::stats::bump(crate::stats::Counter::Thunks, 1);
        Thunk(std::mem::ManuallyDrop::new(Rc::new(Packed::new(state))))
    }

    /// Replace the state, returning the old one.
    #[inline]
    pub fn replace(&self, state: ThunkState) -> ThunkState {
        // SAFETY: single-threaded, and no reference into the state (a `peek`) outlives
        // the short match it is made for, which never replaces a state. The old state
        // is moved out before the new one is written over its bits.
        unsafe {
            let old = self.0.read();
            self.0.write(state);
            old
        }
    }

    #[inline]
    pub fn set(&self, state: ThunkState) {
        drop(self.replace(state));
    }

    /// Look at the state in place. The answer must not be held across anything that
    /// forces or replaces this thunk's state (every caller is a short match that at most
    /// clones a value out).
    #[inline]
    pub fn peek(&self) -> Peek<'_> {
        self.0.peek()
    }

    /// Put back a state taken out with `replace(ThunkState::Blackhole)`. The placeholder
    /// owns nothing, so it is overwritten rather than dropped (no drop code on hot paths).
    #[inline]
    pub fn restore(&self, state: ThunkState) {
        debug_assert!(matches!(self.peek(), Peek::Blackhole));
        // SAFETY: a blackhole owns nothing, so nothing is leaked by writing over it.
        unsafe { self.0.write(state) }
    }

    /// The expression of a thunk not evaluated yet (`Pending`); `None` for any other state.
    /// For callers that treat some expressions specially before forcing (modern Nix's
    /// `Value::isTrivial`, which `flake.nix` reading asks).
    pub fn pending_expr(&self) -> Option<&'static ast::Expr> {
        self.0.pending_expr()
    }

    /// The value, if the thunk has been forced.
    #[inline(always)]
    pub fn done(&self) -> Option<Value> {
        match self.peek() {
            Peek::Done(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl Value {
    /// A string value without context: `String`, `Vec<u8>`, `Bytes` or `&'static str`.
    pub fn string(s: impl IntoNixBytes) -> Value {
        Value::String(Rc::new(NixString::plain(s)))
    }

    /// A string value copied from borrowed bytes or text.
    pub fn string_copy(s: impl AsRef<[u8]>) -> Value {
        Value::String(Rc::new(NixString::copy_from(s.as_ref())))
    }

    pub fn path(p: impl Into<String>) -> Value {
        Value::Path(Rc::new(p.into()))
    }

    pub fn attrs(set: NewSet) -> Value {
        Value::attrs_made(SetRef::new(set))
    }

    /// A set made in its block already ([`SetRef::collect`]).
    pub fn attrs_made(set: SetRef) -> Value {
        crate::stats::bump(crate::stats::Counter::Sets, 1);
        crate::stats::bump(crate::stats::Counter::SetElements, set.len() as u64);
        Value::Attrs(set)
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(ListRef::from_vec(items))
    }

    pub fn apply_thunk(f: Value, arg: Value) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Apply(Box::new((f, arg)))))
    }

    /// `f i` unevaluated: in the cell alone when `f` is a function ([`ThunkState::ApplyInt`]).
    pub fn apply_int_thunk(f: &Value, i: i64) -> Value {
        match f {
            Value::Lambda(c) if (0..APPLY_INT_MAX).contains(&i) => {
                Value::Thunk(Thunk::new(ThunkState::ApplyInt(c.clone(), i)))
            }
            _ => Value::apply_thunk(f.clone(), Value::Int(i)),
        }
    }

    pub fn apply2_thunk(f: Value, x: Value, y: Value) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Apply2(Box::new((f, x, y)))))
    }

    /// Nix's type names in messages ("an integer", "a set", ...), for a forced value.
    pub fn type_desc(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Lambda(_) => "a function",
            Value::PrimOp(_) => "a built-in function",
            Value::PrimOpApp(_) => "a partially applied built-in function",
            Value::Thunk(_) => "a thunk",
        }
    }

    /// `builtins.typeOf` names.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    pub fn is_function(&self) -> bool {
        matches!(self, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_))
    }

    /// Do `self` and `other` live in the same memory cell? Nix's `==` treats such
    /// elements of lists and sets as equal without comparing them.
    pub fn same_cell(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Thunk(a), Value::Thunk(b)) => Rc::ptr_eq(&a.0, &b.0),
            (Value::Attrs(a), Value::Attrs(b)) => SetRef::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => ListRef::ptr_eq(a, b),
            (Value::Lambda(a), Value::Lambda(b)) => Rc::ptr_eq(a, b),
            (Value::PrimOpApp(a), Value::PrimOpApp(b)) => Rc::ptr_eq(a, b),
            (Value::PrimOp(a), Value::PrimOp(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

/// `i: 7` closed over `env`, for tests that need a function value.
#[cfg(test)]
pub(crate) fn test_function(env: &Env) -> Value {
    let lambda: &'static ast::Lambda = Box::leak(Box::new(ast::Lambda {
        arg: Some(rnix_eval_parser::Symbol::intern("i")),
        formals: None,
        body: ast::Expr::Int(7),
        frame_size: 1,
        skip: 0,
        name: None,
        span: rnix_eval_parser::Span {
            file: rnix_eval_parser::FileId::DETACHED,
            start: 0,
            end: 0,
        },
    }));
    Value::Lambda(Rc::new(Closure {
        lambda,
        env: env.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Packed` tells a `Value` from the other states by its first word: every variant's
    /// tag must be below `VALUE_TAGS`, and `Thunk` (the last) just below it, so a variant
    /// added to `Value` fails here until `VALUE_TAGS` follows.
    #[test]
    fn packed_states_round_trip() {
        fn tag(v: &Value) -> u64 {
            // SAFETY: `Value` is `repr(u64)`: its first word is the tag.
            unsafe { *(v as *const Value as *const u64) }
        }
        let thunk = Thunk::new(ThunkState::Blackhole);
        assert_eq!(tag(&Value::Thunk(thunk.clone())), VALUE_TAGS - 1);
        assert_eq!(tag(&Value::Null), 0);
        assert!(matches!(thunk.peek(), Peek::Blackhole));
        thunk.set(ThunkState::Apply(Box::new((Value::Int(1), Value::Bool(true)))));
        assert!(matches!(thunk.peek(), Peek::Unevaluated));
        assert!(
            matches!(thunk.replace(ThunkState::Blackhole), ThunkState::Apply(b) if matches!(*b, (Value::Int(1), Value::Bool(true))))
        );
        let env = Env::new(None, 0);
        thunk.restore(ThunkState::Pending(&ast::Expr::Int(7), env.clone()));
        assert!(
            matches!(thunk.replace(ThunkState::Blackhole), ThunkState::Pending(ast::Expr::Int(7), e) if e.ptr_eq(&env))
        );
        thunk.restore(ThunkState::Done(Value::Bool(true)));
        assert!(matches!(thunk.peek(), Peek::Done(Value::Bool(true))));
        thunk.set(ThunkState::Done(Value::string("s")));
        assert!(matches!(thunk.done(), Some(Value::String(s)) if s.as_bytes() == b"s"));
        // `f i` in the cell, for every index it takes, apart from the other states; a
        // non-function or an index past it takes a box.
        let f = test_function(&env);
        let Value::Lambda(c) = &f else { unreachable!() };
        let lambda = c.lambda;
        for i in [0, 1, 2, 15, 16, 4096, APPLY_INT_MAX - 1] {
            let Value::Thunk(t) = Value::apply_int_thunk(&f, i) else {
                panic!("a thunk")
            };
            assert!(matches!(t.peek(), Peek::Unevaluated) && t.0.pending_expr().is_none());
            assert!(
                matches!(t.replace(ThunkState::Blackhole), ThunkState::ApplyInt(c, j) if j == i && std::ptr::eq(c.lambda, lambda))
            );
        }
        let Value::Lambda(c) = &f else { unreachable!() };
        assert_eq!(Rc::strong_count(c), 1, "each cell's reference was given back");
        for (g, i) in [(Value::Int(1), 0), (f.clone(), APPLY_INT_MAX), (f.clone(), -1)] {
            let Value::Thunk(t) = Value::apply_int_thunk(&g, i) else {
                panic!("a thunk")
            };
            assert!(
                matches!(t.replace(ThunkState::Blackhole), ThunkState::Apply(b) if matches!(b.1, Value::Int(j) if j == i))
            );
        }
    }

    #[test]
    fn nix_strings_are_bytes() {
        let s = NixString::copy_from(b"caf\xe9");
        assert_eq!(s.len(), 4);
        assert_eq!(s.as_bytes(), b"caf\xe9");
        assert_eq!(s.as_utf8(), None);
        assert_eq!(s.to_str_lossy(), "caf\u{fffd}");
        assert_eq!(s.to_string(), "caf\u{fffd}");
        let ok = NixString::plain("é");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok.as_utf8(), Some("é"));
        assert!(matches!(ok.to_str_lossy(), Cow::Borrowed("é")));
        assert!(NixString::plain("").is_empty());
        for i in [0, -1, 42, i64::MAX, i64::MIN] {
            assert_eq!(NixString::from_int(i).as_bytes(), i.to_string().as_bytes());
        }
    }

    #[test]
    fn slices_share_the_buffer() {
        let s = NixString::plain(vec![b'x'; 1 << 20]);
        let part = s.slice(10, 1 << 19);
        assert_eq!(part.len(), (1 << 19) - 10);
        assert_eq!(part.as_ptr(), s.as_bytes()[10..].as_ptr());
        // Through a multi-byte character: the bytes, not a replacement character.
        let e = NixString::plain("é");
        assert_eq!(&e.slice(0, 1)[..], b"\xc3");
    }

    #[test]
    fn literals_and_owned_strings_are_not_copied() {
        static TEXT: &str = "literal";
        let lit = NixString::plain(TEXT);
        assert_eq!(lit.as_bytes().as_ptr(), TEXT.as_ptr());
        let owned = String::from("owned");
        let ptr = owned.as_ptr();
        assert_eq!(NixString::plain(owned).as_bytes().as_ptr(), ptr);
    }

    #[test]
    fn concat_is_exact() {
        let parts: [&[u8]; 3] = [b"ab", b"\xe9", b""];
        let out = NixString::concat(parts.iter().copied());
        assert_eq!(out, b"ab\xe9");
        assert_eq!(out.capacity(), 3);
    }

    #[test]
    fn values_stay_small() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }
}
