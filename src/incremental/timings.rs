//! Where a tree change spends its time, for whoever profiles the dev
//! server: with `GRASSROOTS_TIMINGS=1` in the environment each phase of a
//! tree change prints its wall-clock and CPU milliseconds to stderr. The
//! CPU figure is the whole process's (rayon's threads included), so it
//! stays meaningful on a machine busy with other work, where wall-clock
//! time mostly measures the wait for a core.

use std::sync::OnceLock;
use std::time::Instant;

/// Timings of one run of phases; silent unless `GRASSROOTS_TIMINGS` is set.
pub(crate) struct Phases {
    enabled: bool,
    wall: Instant,
    cpu_ms: f64,
}

impl Phases {
    pub fn start() -> Phases {
        static ENABLED: OnceLock<bool> = OnceLock::new();
        let enabled = *ENABLED.get_or_init(|| std::env::var_os("GRASSROOTS_TIMINGS").is_some());
        Phases {
            enabled,
            wall: Instant::now(),
            cpu_ms: if enabled { process_cpu_ms() } else { 0.0 },
        }
    }

    /// Ends the phase `name` (printing it) and starts the next one.
    pub fn done(&mut self, name: &str) {
        if !self.enabled {
            return;
        }
        let cpu = process_cpu_ms();
        eprintln!(
            "timing: {name:<14} {:>6.1} ms wall {:>6.1} ms cpu",
            self.wall.elapsed().as_secs_f64() * 1e3,
            cpu - self.cpu_ms
        );
        self.wall = Instant::now();
        self.cpu_ms = cpu;
    }
}

/// CPU time used by this process so far, in milliseconds.
#[cfg(not(unix))]
fn process_cpu_ms() -> f64 {
    0.0
}

/// CPU time used by this process so far, in milliseconds.
#[cfg(unix)]
fn process_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant
    // every Unix we build for knows. On failure `ts` stays zero.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}
