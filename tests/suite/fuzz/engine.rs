//! A small mutational fuzzer that runs on stable Rust without libFuzzer.
//!
//! It starts from a seed corpus, applies a few random edits to a corpus entry per run (byte and
//! line edits, tokens from the target's dictionary, splices of two entries, repeated chunks),
//! and runs the target on the result. Every run is deterministic given the seed. There is no
//! coverage instrumentation; instead each target returns a *signature* of what it did (which
//! error, which branch of the result), and an input whose signature is new joins the corpus, so
//! the corpus grows towards inputs that behave differently.
//!
//! A run fails on a panic (any invariant a target asserts) or on an input slower than the time
//! bound. A failing input is saved under `tests/fuzz/<target>/crashes/`, where the replay test
//! runs it on every `cargo test`; a watchdog ends the process on an input that never returns,
//! after saving it the same way.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most bytes one input may have; mutations past it are cut.
const MAX_INPUT: usize = 64 * 1024;
/// Most inputs kept in the corpus; past it new inputs replace random ones.
const MAX_CORPUS: usize = 4096;

/// A fuzz target: a name, its dictionary, where its seeds come from, and the function.
pub(crate) struct Target {
    /// The target's name, also its folder under `tests/fuzz/`.
    pub name: &'static str,
    /// Tokens the mutator inserts: syntax that matters to this target.
    pub dictionary: &'static [&'static str],
    /// Repository files (relative paths or folders) whose bytes seed the corpus.
    pub seeds: &'static [&'static str],
    /// Which file names under `seeds` folders to take.
    pub extensions: &'static [&'static str],
    /// Runs one input; panics when an invariant fails. Returns a signature of the behaviour.
    pub run: fn(&[u8]) -> u64,
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `target`'s saved inputs live.
pub(crate) fn target_dir(target: &str) -> PathBuf {
    root().join("tests/fuzz").join(target)
}

/// Every file directly in `dir`, sorted, as bytes.
pub(crate) fn files_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect()
}

/// The seed corpus of `target`: its own `seeds/` and `crashes/` folders, then the repository
/// files it names, walked recursively and filtered by extension.
pub(crate) fn seed_corpus(target: &Target) -> Vec<Vec<u8>> {
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    for folder in ["seeds", "crashes"] {
        corpus.extend(
            files_in(&target_dir(target.name).join(folder))
                .into_iter()
                .map(|(_, b)| b),
        );
    }
    let mut pending: Vec<PathBuf> = target.seeds.iter().map(|s| root().join(s)).collect();
    let mut found = Vec::new();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.flatten().map(|e| e.path()));
            }
        } else if path.is_file() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if target.extensions.iter().any(|ext| name.ends_with(ext)) {
                found.push(path);
            }
        }
    }
    found.sort();
    for path in found {
        if let Ok(bytes) = std::fs::read(&path)
            && bytes.len() <= MAX_INPUT
        {
            corpus.push(bytes);
        }
    }
    corpus.push(Vec::new());
    corpus
}

/// SplitMix64: small, fast and deterministic.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Bytes that matter to most text formats.
const INTERESTING_BYTES: &[u8] = b"\0\n\r\t :-[]{}\"'#&*!|>%@`\\,/.~=<$\x7f\xff\xc3\xe2";

/// Characters that are hard on text handling: byte order marks, hidden and bidirectional
/// controls, line separators, wide and combining characters.
const HARD_CHARS: &[&str] = &[
    "\u{feff}",
    "\u{200b}",
    "\u{202e}",
    "\u{2066}",
    "\u{e0041}",
    "\u{85}",
    "\u{2028}",
    "\u{1b}[2J",
    "\u{301}",
    "\u{1f600}",
    "\u{fffd}",
    "\r\n",
    "\u{3000}",
    "\u{ad}",
];

/// Applies one to four random edits to `input`.
pub(crate) fn mutate(
    rng: &mut Rng,
    input: &[u8],
    corpus: &[Vec<u8>],
    dictionary: &[&str],
) -> Vec<u8> {
    let mut data = input.to_vec();
    let edits = 1 + rng.below(4);
    for _ in 0..edits {
        let len = data.len();
        match rng.below(14) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
            }
            2 | 3 if !dictionary.is_empty() => {
                let token = dictionary[rng.below(dictionary.len())];
                let at = if rng.chance(2) {
                    line_start(&data, rng)
                } else {
                    rng.below(len + 1)
                };
                data.splice(at..at, token.bytes());
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16.min(len - start))).min(len);
                data.drain(start..end);
            }
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64.min(len - start))).min(len);
                let chunk = data[start..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            6 if len > 0 => {
                // Repetition: nesting bombs, long lines, many keys.
                let start = rng.below(len);
                let end = (start + 1 + rng.below(8.min(len - start))).min(len);
                let chunk = data[start..end].to_vec();
                let times = [2, 10, 100, 1000, 5000][rng.below(5)];
                let repeated: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                data.splice(end..end, repeated);
            }
            7 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            8 => line_edit(rng, &mut data),
            9 => {
                let hard = HARD_CHARS[rng.below(HARD_CHARS.len())];
                let at = rng.below(len + 1);
                data.splice(at..at, hard.bytes());
            }
            10 if len > 0 => data.truncate(rng.below(len)),
            11 if len > 0 => {
                // A number that overflows: in place of a run of digits, or anywhere.
                let huge = [
                    "99999999999999999999999",
                    "-9223372036854775809",
                    "1e999",
                    "0x",
                    "-0",
                ][rng.below(5)];
                let at = rng.below(len + 1);
                data.splice(at..at, huge.bytes());
            }
            12 => {
                let token = dictionary.get(rng.below(dictionary.len().max(1))).copied();
                let line = format!("{}\n", token.unwrap_or(""));
                let at = line_start(&data, rng);
                data.splice(at..at, line.bytes());
            }
            _ if len > 1 => {
                let i = rng.below(len);
                let j = rng.below(len);
                data.swap(i, j);
            }
            _ => data.push(INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())]),
        }
    }
    data.truncate(MAX_INPUT);
    data
}

/// The offset of the start of a random line of `data`.
fn line_start(data: &[u8], rng: &mut Rng) -> usize {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    starts[rng.below(starts.len())]
}

/// Deletes, duplicates, swaps or re-indents whole lines.
fn line_edit(rng: &mut Rng, data: &mut Vec<u8>) {
    let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len();
    let i = rng.below(n);
    match rng.below(4) {
        0 if n > 1 => {
            lines.remove(i);
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(i, line);
        }
        2 => {
            let j = rng.below(n);
            lines.swap(i, j);
        }
        _ => {
            if rng.chance(2) {
                let indent = [1, 2, 4, 8][rng.below(4)];
                lines[i].splice(0..0, std::iter::repeat_n(b' ', indent));
            } else {
                let spaces = lines[i].iter().take_while(|&&b| b == b' ').count();
                lines[i].drain(..spaces.min(2));
            }
        }
    }
    *data = lines.join(&b'\n');
}

/// How a campaign is bounded and seeded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    /// Stop after this long.
    pub time: Duration,
    /// Stop after this many runs.
    pub runs: u64,
    /// The random seed.
    pub seed: u64,
    /// An input slower than this fails the campaign.
    pub slow: Duration,
}

/// What a campaign did.
#[derive(Debug)]
pub(crate) struct Report {
    pub target: &'static str,
    pub runs: u64,
    pub elapsed: Duration,
    pub seeds: usize,
    pub corpus: usize,
    pub signatures: usize,
    /// Saved failing inputs, with what went wrong.
    pub failures: Vec<(PathBuf, String)>,
}

thread_local! {
    /// Whether a panic on this thread is a fuzz finding, reported by the campaign instead.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for panics inside [`run_one`] and prints
/// every other panic as before.
fn quiet_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `input` through `target`, turning a panic into its message.
pub(crate) fn run_one(target: &Target, input: &[u8]) -> Result<u64, String> {
    quiet_panics();
    QUIET.with(|quiet| quiet.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    QUIET.with(|quiet| quiet.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// Saves a failing input under the target's `crashes/` folder, named by its content.
pub(crate) fn save_crash(target: &str, kind: &str, input: &[u8]) -> PathBuf {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    let dir = target_dir(target).join("crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{kind}-{:016x}", hasher.finish()));
    let _ = std::fs::write(&path, input);
    path
}

/// The processor time this thread spent so far, where Linux tells it.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// How long `work` takes: processor time where known, else wall time.
fn cpu_time_of(work: impl FnOnce()) -> Duration {
    let wall = Instant::now();
    let before = thread_cpu_time();
    work();
    match (before, thread_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    }
}

/// The input being run and since when, for the watchdog.
type InFlight = Arc<Mutex<Option<(Instant, Vec<u8>)>>>;

/// Fuzzes `target` within `budget`. Failing inputs are saved and listed in the report; the
/// campaign goes on after a failure, keeping at most a few.
pub(crate) fn campaign(target: &Target, budget: Budget) -> Report {
    let started = Instant::now();
    let seeds = seed_corpus(target);
    let mut rng = Rng::new(budget.seed);
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut signatures = HashSet::new();
    let mut failures = Vec::new();
    let mut runs = 0;
    let in_flight: InFlight = Arc::new(Mutex::new(None));
    let done = Arc::new(Mutex::new(false));
    let watchdog = watchdog(
        target.name,
        budget.slow * 24,
        in_flight.clone(),
        done.clone(),
    );
    let mut failed_messages = HashSet::new();
    let mut try_input = |input: Vec<u8>, corpus: &mut Vec<Vec<u8>>, rng: &mut Rng| {
        *in_flight.lock().unwrap() = Some((Instant::now(), input.clone()));
        let begun = Instant::now();
        let result = run_one(target, &input);
        let took = begun.elapsed();
        *in_flight.lock().unwrap() = None;
        // A slow run is timed again by the processor time it takes, where the system tells
        // it: on a busy machine the wall clock says more about the neighbours than the input.
        let slow =
            took > budget.slow && cpu_time_of(|| drop(run_one(target, &input))) > budget.slow;
        let failure = match result {
            Ok(_) if slow => Some(("slow", format!("took {took:?}"))),
            Ok(signature) => {
                if signatures.insert(signature) {
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input.clone());
                    } else {
                        let slot = rng.below(corpus.len());
                        corpus[slot] = input.clone();
                    }
                }
                None
            }
            Err(message) => Some(("crash", message)),
        };
        if let Some((kind, message)) = failure {
            // One saved input per distinct failure message keeps the folder small.
            let key: String = message.chars().take(80).collect();
            if failed_messages.insert(key) && failures.len() < 20 {
                let path = save_crash(target.name, kind, &input);
                failures.push((path, message));
            }
        }
    };
    for seed in &seeds {
        try_input(seed.clone(), &mut corpus, &mut rng);
        runs += 1;
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    while runs < budget.runs && started.elapsed() < budget.time {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = mutate(&mut rng, &base, &corpus, target.dictionary);
        try_input(input, &mut corpus, &mut rng);
        runs += 1;
    }
    *done.lock().unwrap() = true;
    let _ = watchdog.join();
    Report {
        target: target.name,
        runs,
        elapsed: started.elapsed(),
        seeds: seeds.len(),
        corpus: corpus.len(),
        signatures: signatures.len(),
        failures,
    }
}

/// A thread that saves the input in flight and ends the process when one input runs longer
/// than `limit`: a hang cannot be interrupted from inside the process.
fn watchdog(
    target: &'static str,
    limit: Duration,
    in_flight: InFlight,
    done: Arc<Mutex<bool>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !*done.lock().unwrap() {
            std::thread::sleep(Duration::from_millis(200));
            let stuck = in_flight
                .lock()
                .unwrap()
                .as_ref()
                .filter(|(since, _)| since.elapsed() > limit)
                .map(|(_, input)| input.clone());
            if let Some(input) = stuck {
                let path = save_crash(target, "hang", &input);
                eprintln!(
                    "fuzz {target}: an input ran longer than {limit:?}; saved to {}",
                    path.display()
                );
                std::process::exit(1);
            }
        }
    })
}
