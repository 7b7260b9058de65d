//! Runtime frames: the dynamic counterpart of the lowerer's static scopes.
//!
//! A variable resolved to `(depth, slot)` is found by following `parent` `depth` times.
//! A `with` frame has one slot, holding the (lazy) namespace.

use crate::stats::{self, Counter};
use crate::value::Value;
use std::cell::OnceCell;
use std::rc::Rc;

#[inline(always)]
fn count_frame(slots: usize) {
    stats::bump(Counter::Envs, 1);
    stats::bump(Counter::EnvElements, slots as u64);
}

/// A frame. Slots are written once, while the frame is built (the bindings of `let`,
/// `rec { }` and formals with defaults refer to the frame itself, so it exists before
/// its values); a slot that is not written yet reads as `None`.
pub struct Env {
    pub parent: Option<Rc<Env>>,
    slots: Slots,
}

/// Most frames (94% in a NixOS evaluation) are `x: ...` calls and `with` with a single
/// slot: those keep it inline, and the frame is 48 bytes with its reference counts.
/// Larger frames have their slots in one exact-size allocation.
enum Slots {
    One(OnceCell<Value>),
    Many(Box<[OnceCell<Value>]>),
}

const _: () = assert!(std::mem::size_of::<Env>() == 32);

impl Env {
    /// A frame of `size` slots, all unwritten.
    pub fn new(parent: Option<Rc<Env>>, size: usize) -> Rc<Env> {
        count_frame(size);
        let slots = if size == 1 {
            Slots::One(OnceCell::new())
        } else {
            Slots::Many((0..size).map(|_| OnceCell::new()).collect())
        };
        Rc::new(Env { parent, slots })
    }

    /// A frame of one slot holding `value`.
    pub fn with_slot(parent: Option<Rc<Env>>, value: Value) -> Rc<Env> {
        count_frame(1);
        Rc::new(Env {
            parent,
            slots: Slots::One(OnceCell::from(value)),
        })
    }

    /// A frame holding `values`, in order.
    pub fn from_values(parent: Option<Rc<Env>>, values: impl Iterator<Item = Value>) -> Rc<Env> {
        let slots: Box<[OnceCell<Value>]> = values.map(OnceCell::from).collect();
        count_frame(slots.len());
        let slots = Slots::Many(slots);
        Rc::new(Env { parent, slots })
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

    /// The frames at `depths` (growing outwards, as the lowerer lists the `with` frames
    /// of a variable), innermost first; each step walks on from the previous frame.
    #[inline]
    pub fn frames_at<'a>(self: &'a Rc<Env>, depths: &'a [u32]) -> impl Iterator<Item = &'a Rc<Env>> + 'a {
        let mut at = (self, 0);
        depths.iter().map(move |&depth| {
            at = (at.0.up(depth - at.1), depth);
            at.0
        })
    }

    /// Slot `slot`, or `None` while the frame is being built and it is not written yet.
    #[inline]
    pub fn get(&self, slot: u32) -> Option<&Value> {
        match &self.slots {
            Slots::One(cell) if slot == 0 => cell.get(),
            Slots::One(_) => None,
            Slots::Many(cells) => cells.get(slot as usize)?.get(),
        }
    }

    /// Slot `slot` of a built frame.
    #[inline]
    pub fn slot(&self, slot: u32) -> Value {
        self.get(slot).expect("a slot of a built frame").clone()
    }

    /// Write slot `slot` while building the frame.
    #[inline]
    pub fn set(&self, slot: usize, value: Value) {
        let cell = match &self.slots {
            Slots::One(cell) => {
                debug_assert_eq!(slot, 0);
                cell
            }
            Slots::Many(cells) => &cells[slot],
        };
        if cell.set(value).is_err() {
            unreachable!("frame slot {slot} written twice");
        }
    }
}
