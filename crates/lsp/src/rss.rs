//! Resident memory of a process, from `/proc` (Linux; `None` elsewhere).

/// Current and peak resident set size of `pid`, in KiB (`VmRSS`, `VmHWM`).
pub fn kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
