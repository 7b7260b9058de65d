//! Runtime frames: the dynamic counterpart of the lowerer's static scopes.
//!
//! A variable resolved to `(depth, slot)` is found by following `parent` `depth` times.
//! A `with` frame has one slot, holding the (lazy) namespace.

use crate::value::Value;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::rc::Rc;

/// Slots live inline for small frames (most are lambda calls with one argument), so a
/// frame is a single allocation.
pub type Slots = SmallVec<[Value; 2]>;

pub struct Env {
    pub parent: Option<Rc<Env>>,
    pub slots: RefCell<Slots>,
}

impl Env {
    pub fn new(parent: Option<Rc<Env>>, size: usize) -> Rc<Env> {
        Rc::new(Env {
            parent,
            slots: RefCell::new(SmallVec::with_capacity(size)),
        })
    }

    pub fn with_slot(parent: Option<Rc<Env>>, value: Value) -> Rc<Env> {
        let mut slots = SmallVec::new();
        slots.push(value);
        Rc::new(Env {
            parent,
            slots: RefCell::new(slots),
        })
    }

    /// The frame `depth` levels up.
    #[inline]
    pub fn up(self: &Rc<Env>, depth: u32) -> &Rc<Env> {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref().expect("lowering resolved a frame that exists");
        }
        env
    }

    #[inline]
    pub fn slot(&self, slot: u32) -> Value {
        self.slots.borrow()[slot as usize].clone()
    }
}
