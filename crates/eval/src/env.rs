//! Runtime frames: the dynamic counterpart of the lowerer's static scopes.
//!
//! A variable resolved to `(depth, slot)` is found by following `parent` `depth` times.
//! A `with` frame has one slot, holding the (lazy) namespace.

use crate::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

pub struct Env {
    pub parent: Option<Rc<Env>>,
    pub slots: RefCell<Vec<Value>>,
}

impl Env {
    pub fn new(parent: Option<Rc<Env>>, size: usize) -> Rc<Env> {
        Rc::new(Env {
            parent,
            slots: RefCell::new(Vec::with_capacity(size)),
        })
    }

    pub fn with_slots(parent: Option<Rc<Env>>, slots: Vec<Value>) -> Rc<Env> {
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
