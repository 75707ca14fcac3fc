//! CPU time from `/proc`: of given processes and of the whole machine, so a phase
//! can say whose CPU its work used and how busy the rest of the machine was.

use std::fs;

/// Clock ticks per second of `/proc`'s times.
fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

/// User plus system CPU time of process `pid` (all its threads), ms; 0 when it is gone.
pub fn process_ms(pid: u32) -> f64 {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The command name (field 2) may hold spaces; the fields after it do not.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    // After the name: state is field 3, utime field 14 and stime field 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (tick(11), tick(12)) {
        (Some(user), Some(system)) => (user + system) * 1e3 / ticks_per_second(),
        _ => 0.0,
    }
}

/// CPU time the whole machine spent busy (all but idle and iowait), ms, summed over cores.
pub fn machine_busy_ms() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/stat") else {
        return 0.0;
    };
    let Some(cpu) = stat.lines().next().and_then(|l| l.strip_prefix("cpu ")) else {
        return 0.0;
    };
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let ticks: Vec<f64> = cpu
        .split_whitespace()
        .take(8)
        .filter_map(|f| f.parse().ok())
        .collect();
    let busy: f64 = ticks
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, t)| t)
        .sum();
    busy * 1e3 / ticks_per_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_and_the_machine_use_time() {
        // Spin until a clock tick is charged to us (one tick is 10 ms at most),
        // however the machine schedules us; a broken reader never gets there.
        let spin = std::time::Instant::now();
        while process_ms(std::process::id()) == 0.0 && spin.elapsed().as_secs() < 5 {}
        assert!(process_ms(std::process::id()) > 0.0);
        assert!(machine_busy_ms() > 0.0);
        assert_eq!(process_ms(u32::MAX), 0.0);
    }
}
