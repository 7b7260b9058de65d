//! Sizes chosen by the program being evaluated (`genList 1000000000000 f`, a string
//! doubled past the memory) are checked before allocating, so they fail with Nix's
//! `out of memory` and a position instead of a capacity-overflow panic or an abort.

use crate::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_parser::Span;
use std::sync::OnceLock;

/// The most memory one allocation could get: the smaller of `ulimit -v` and the
/// machine's RAM plus swap.
pub fn memory_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| crate::address_space_limit().min(physical_memory()))
}

fn physical_memory() -> usize {
    // SAFETY: sysinfo fills in the zeroed struct it is given.
    let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
    if unsafe { libc::sysinfo(&mut info) } != 0 {
        return usize::MAX;
    }
    let unit = info.mem_unit.max(1) as u128;
    let total = (info.totalram as u128 + info.totalswap as u128) * unit;
    usize::try_from(total).unwrap_or(usize::MAX)
}

/// Fail unless `count` items of `item_size` bytes could be allocated: within half of
/// [`memory_limit`], since Linux overcommits and a process that touches more than
/// there is gets killed rather than refused.
pub fn ensure_fits(count: usize, item_size: usize, span: Option<Span>) -> EvalResult<()> {
    match count.checked_mul(item_size) {
        Some(bytes) if bytes <= memory_limit() / 2 => Ok(()),
        _ => Err(out_of_memory(span)),
    }
}

#[cold]
pub fn out_of_memory(span: Option<Span>) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, "out of memory", span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_sizes_fail_and_small_ones_pass() {
        assert!(ensure_fits(1_000_000_000_000, 16, None).is_err());
        assert!(ensure_fits(usize::MAX, 2, None).is_err());
        assert!(ensure_fits(1000, 16, None).is_ok());
    }
}
